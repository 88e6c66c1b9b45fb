"""Creating notifications for people and e-mailing the ones they asked to hear at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from accounts.models import User

from . import preferences
from .kinds import notification_kind
from .models import Delivery, Notification
from .services import email_queue


@dataclass(frozen=True)
class Target:
    type: str
    id: int
    title: str
    url: str
    community_id: int | None = None


def notify(
    *, recipient_ids: Iterable[int], kind: str, target: Target, actor_id: int | None = None
) -> int:
    """Tell each recipient about `target`. Unread notifications of the same kind about the
    same target are folded into one. Returns how many people were notified for the first
    time (those are the ones e-mailed, if they want it straight away). `kind` must be
    registered (`notifications.kinds`): an unknown one raises before anything is written."""
    site_only = notification_kind(kind).site_only
    recipient_ids = set(recipient_ids) - {actor_id}
    if not recipient_ids:
        return 0
    now = timezone.now()
    same = Notification.objects.filter(
        recipient_id__in=recipient_ids,
        kind=kind,
        target_type=target.type,
        target_id=target.id,
        read_at__isnull=True,
    )
    folded = set(same.values_list("recipient_id", flat=True))
    if folded:
        same.update(actor_count=F("actor_count") + 1, actor_id=actor_id, updated_at=now)
    fresh = recipient_ids - folded
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=recipient_id,
                kind=kind,
                community_id=target.community_id,
                actor_id=actor_id,
                target_type=target.type,
                target_id=target.id,
                title=target.title[:200],
                url=target.url[:300],
                created_at=now,
                updated_at=now,
            )
            for recipient_id in fresh
        ],
        ignore_conflicts=True,
    )
    if not site_only:
        _email_straight_away(fresh, kind, target)
    return len(fresh)


def _email_straight_away(recipient_ids: set[int], kind: str, target: Target) -> None:
    if not recipient_ids:
        return
    email_settings = preferences.settings_for_many(recipient_ids)
    community_delivery = (
        preferences.community_delivery_for_many(recipient_ids, target.community_id)
        if target.community_id
        else dict.fromkeys(recipient_ids, Delivery.DAILY)
    )
    wanted = {
        uid
        for uid in recipient_ids
        if preferences.delivery_for(email_settings[uid], kind, community_delivery[uid])
        == Delivery.IMMEDIATELY
    }
    if not wanted:
        return
    rows = Notification.objects.filter(
        recipient_id__in=wanted,
        kind=kind,
        target_type=target.type,
        target_id=target.id,
        read_at__isnull=True,
        emailed_at__isnull=True,
    ).values_list("pk", "recipient_id")
    emails = dict(User.objects.filter(pk__in=wanted, is_active=True).values_list("pk", "email"))
    for notification_id, recipient_id in rows:
        if emails.get(recipient_id):
            email_queue(
                key=f"notification-{notification_id}",
                kind="notification",
                to_address=emails[recipient_id],
                recipient_id=recipient_id,
                payload={"notification_id": notification_id},
            )
