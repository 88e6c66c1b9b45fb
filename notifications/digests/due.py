"""Who gets a digest now: the people whose digest hour has come in their own time zone
(`digest_due_user_ids`), queued in batches by `digests_send_due` (hourly, from beat), and
pruning old runs."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from copsite.tasks import enqueue_after_commit

from ..models import DigestRun, EmailSettings
from .batch import BATCH_SIZE
from .periods import (
    CATCH_UP_HOURS,
    DAILY,
    DEFAULT_HOUR,
    DEFAULT_TIME_ZONE,
    DEFAULT_WEEKDAY,
    PERIODS,
    WEEKLY,
    zone_for,
)

RUNS_KEPT_FOR_DAYS = 60  # longer than any window: older runs never start one


def digest_due_user_ids(period: str, now: datetime) -> list[int]:
    """People whose `period` digest is due at `now` and not yet started (see the package)."""
    names = set(EmailSettings.objects.order_by().values_list("time_zone", flat=True).distinct())
    names.add(DEFAULT_TIME_ZONE)
    groups: dict[tuple[date, int, int], list[str]] = defaultdict(list)
    for name in names:
        local = now.astimezone(zone_for(name))
        groups[(local.date(), local.hour, local.weekday())].append(name)
    due = None
    for (day, hour, weekday), zone_names in groups.items():
        hours = [h for h in range(hour - CATCH_UP_HOURS + 1, hour + 1) if h >= 0]
        clause = Q(email_settings__time_zone__in=zone_names, email_settings__digest_hour__in=hours)
        if period == WEEKLY:
            clause &= Q(email_settings__weekly_digest_day=weekday)
        if (
            DEFAULT_TIME_ZONE in zone_names
            and DEFAULT_HOUR in hours
            and (period == DAILY or weekday == DEFAULT_WEEKDAY)
        ):
            clause |= Q(email_settings__isnull=True)  # never changed their settings
        started = DigestRun.objects.filter(user=OuterRef("pk"), period=period, period_start=day)
        clause &= ~Exists(started)
        due = clause if due is None else due | clause
    return list(
        User.objects.filter(is_active=True)
        .exclude(email="")
        .filter(due)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def digests_send_due(now: datetime | None = None) -> int:
    """Queue a batch task for every BATCH_SIZE people whose digest is due (after commit).
    Returns how many people were queued. Safe to run as often as you like."""
    from ..digest_tasks import send_digest_batch

    now = now or timezone.now()
    queued = 0
    for period in PERIODS:
        user_ids = digest_due_user_ids(period, now)
        for start in range(0, len(user_ids), BATCH_SIZE):
            chunk = user_ids[start : start + BATCH_SIZE]
            enqueue_after_commit(send_digest_batch, period, chunk, now.isoformat())
        queued += len(user_ids)
    return queued


def digest_runs_prune(now: datetime | None = None) -> int:
    now = now or timezone.now()
    deleted, _ = DigestRun.objects.filter(
        created_at__lt=now - timedelta(days=RUNS_KEPT_FOR_DAYS)
    ).delete()
    return deleted
