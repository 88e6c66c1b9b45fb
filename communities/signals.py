"""Keeping the communities' own records consistent when memberships change. Database work
only."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import MODERATOR_ROLES, Membership, PostingBan


@receiver(post_save, sender=Membership, dispatch_uid="communities-facilitators-are-never-stopped")
def lift_stop_on_promotion(sender, instance: Membership, raw: bool = False, **kwargs):
    """Facilitators cannot be stopped posting: promoting someone lifts a stop they had."""
    if not raw and instance.role in MODERATOR_ROLES:
        PostingBan.objects.filter(
            community_id=instance.community_id, user_id=instance.user_id
        ).delete()
