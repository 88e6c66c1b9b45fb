from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from .models import Notification

READ_KEPT_FOR_DAYS = 60
KEPT_PER_PERSON = 500


def notifications_prune(now=None) -> int:
    """Delete read notifications older than READ_KEPT_FOR_DAYS, and anything beyond the newest
    KEPT_PER_PERSON per person, so nobody's list (or header count) grows without end."""
    now = now or timezone.now()
    deleted, _ = Notification.objects.filter(
        read_at__isnull=False, read_at__lt=now - timedelta(days=READ_KEPT_FOR_DAYS)
    ).delete()
    crowded = (
        Notification.objects.values("recipient_id")
        .annotate(count=Count("pk"))
        .filter(count__gt=KEPT_PER_PERSON)
        .values_list("recipient_id", flat=True)
    )
    for recipient_id in list(crowded):
        mine = Notification.objects.filter(recipient_id=recipient_id)
        oldest_kept = mine.order_by("-updated_at", "-pk").values_list("updated_at", flat=True)[
            KEPT_PER_PERSON - 1
        ]
        extra, _ = mine.filter(updated_at__lt=oldest_kept).delete()
        deleted += extra
    return deleted
