"""Keeping e-mail settings in step with memberships."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from communities.models import Membership

from .preferences import community_delivery_on_joining


@receiver(post_save, sender=Membership, dispatch_uid="notifications-membership-created")
def membership_created(sender, instance: Membership, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        community_delivery_on_joining(instance.user_id, instance.community_id)
