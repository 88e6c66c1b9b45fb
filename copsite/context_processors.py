from django.conf import settings

from communities import permissions


def site_chrome(request) -> dict:
    """What every page's header and footer need. The communities list is evaluated lazily."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "site_name": settings.COPSITE_SITE_NAME,
        "logo_url": settings.COPSITE_LOGO_URL,
        "my_communities": permissions.communities_of(user).order_by("name").only("name", "slug")
        if signed_in
        else [],
        "show_admin_link": signed_in and permissions.moderates_any_community(user),
        "unread_notification_count": _unread_count(user) if signed_in else 0,
    }


def _unread_count(user) -> int:
    """One indexed COUNT (notification_unread_idx); pruning keeps it small."""
    from notifications.models import Notification

    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
