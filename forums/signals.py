from django.db.models.signals import post_save
from django.dispatch import receiver

from communities.models import MODERATOR_ROLES, Community, Membership


@receiver(post_save, sender=Community, dispatch_uid="forums-default-categories")
def create_default_categories(
    sender, instance: Community, created: bool, raw: bool = False, **kwargs
):
    """Every new community starts with "General" and "Off topic" (database rows only)."""
    if created and not raw:
        from .services import categories_create_defaults

        categories_create_defaults(instance)


@receiver(post_save, sender=Membership, dispatch_uid="forums-facilitators-are-never-stopped")
def lift_stop_on_promotion(sender, instance: Membership, raw: bool = False, **kwargs):
    """Facilitators cannot be stopped posting: promoting someone lifts a stop they had."""
    if not raw and instance.role in MODERATOR_ROLES:
        from .models import PostingBan

        PostingBan.objects.filter(
            community_id=instance.community_id, user_id=instance.user_id
        ).delete()
