"""Helpers for tests that send digests."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import digests


def next_digest_time(hour: int = 7, zone: str = "Europe/London") -> datetime:
    """The next hour:30 in `zone` after now: content written now is inside its first window."""
    local = timezone.now().astimezone(ZoneInfo(zone))
    moment = local.replace(hour=hour, minute=30, second=0, microsecond=0)
    return moment if moment > local else moment + timedelta(days=1)


def queries_per_batch(groups: list[list], now: datetime) -> list[int]:
    """Send each group of people their daily digest as one batch; the queries each batch made.
    Every person in every group must have been sent a digest."""
    counts = []
    for group in groups:
        with CaptureQueriesContext(connection) as queries:
            result = digests.digest_batch_send(digests.DAILY, [u.pk for u in group], now)
        assert result.sent == len(group)
        counts.append(len(queries))
    return counts
