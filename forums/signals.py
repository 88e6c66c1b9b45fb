from django.db.models.signals import post_save
from django.dispatch import receiver

from communities.models import Community


@receiver(post_save, sender=Community, dispatch_uid="forums-default-categories")
def create_default_categories(
    sender, instance: Community, created: bool, raw: bool = False, **kwargs
):
    """Every new community starts with "General" and "Off topic" (database rows only)."""
    if created and not raw:
        from .services.categories import categories_create_defaults

        categories_create_defaults(instance)
