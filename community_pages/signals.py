"""Keeping each community's collection and pages in step with the community. Database work
only: no network, no mail."""

from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver

from communities.models import Community

from . import tree
from .collections import community_collection
from .sections import section_pages_ensure


@receiver(post_save, sender=Community, dispatch_uid="community-pages-saved")
def community_saved(sender, instance: Community, created: bool, raw: bool = False, **kwargs):
    """New communities get their collection, their page and every section's page; renamed ones
    keep their pages' address and title."""
    if raw:
        return
    if created:
        community_collection(instance)
        tree.community_page_ensure(instance)
        section_pages_ensure(instance)
    else:
        tree.community_pages_rename(instance)


@receiver(pre_delete, sender=Community, dispatch_uid="community-pages-delete")
def community_deleted(sender, instance: Community, **kwargs):
    tree.community_pages_delete(instance)
