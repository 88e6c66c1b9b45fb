from django.conf import settings

from communities import permissions
from communities.models import NAME_FIELDS


def site_chrome(request) -> dict:
    """What every page's header and footer need. The communities list is evaluated lazily."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "site_name": settings.COPSITE_SITE_NAME,
        "logo_url": settings.COPSITE_LOGO_URL,
        "my_communities": permissions.communities_of(user)
        .order_by("name")
        .only(*NAME_FIELDS, "slug")
        if signed_in
        else [],
        "show_admin_link": signed_in and permissions.moderates_any_community(user),
        "unread_notification_count": _unread_count(request, user) if signed_in else 0,
    }


def _unread_count(request, user) -> int:
    """Unread notifications the person may still open: each row's target checked inside the
    query, so a person removed from a community stops counting what they can no longer see.
    The notifications page counts them with its own rows and leaves the answer on the
    request."""
    known = getattr(request, "unread_notification_count", None)
    if known is not None:
        return known
    from notifications.models import Notification

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    # Most pages are seen with nothing unread: then the plain indexed check is the answer, and
    # the query that checks every target is neither built nor run.
    if not unread.exists():
        return 0
    return Notification.objects.visible_to(user).filter(read_at__isnull=True).count()
