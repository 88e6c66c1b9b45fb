"""The "For you" section, this app's own: a person's unread notifications that they asked
to get in this digest, with links that mark them read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .. import preferences
from ..kinds import emailed_kind_keys, notification_kind
from ..models import Delivery, Notification
from .batch import DigestBatch
from .describers import describe_for_batch
from .sections import DigestItem, register_digest_section


class _Person(NamedTuple):
    pk: int
    display_name: str
    deleted_at: datetime | None


def public_name(user_id: int, display_name: str | None, deleted_at: datetime | None) -> str:
    """`User.public_name` from a row's columns, without building a User for each."""
    return User.public_name.fget(_Person(user_id, display_name or "", deleted_at))


class _Row(NamedTuple):
    """A notification as "For you" needs it (tuples: a batch reads thousands)."""

    pk: int
    recipient_id: int
    kind: str
    community_id: int | None
    actor_id: int | None
    actor_display_name: str | None
    actor_deleted_at: datetime | None
    actor_count: int
    target_type: str
    target_id: int
    updated_at: datetime


NOTIFICATION_COLUMNS = (
    "pk", "recipient_id", "kind", "community_id", "actor_id", "actor__display_name",
    "actor__deleted_at", "actor_count", "target_type", "target_id", "updated_at",
)  # fmt: skip


def _open_urls() -> Callable[[int], str]:
    """Links through the notification, so opening one from the digest marks it read. One
    `reverse` per batch rather than one per notification: a batch reads thousands."""
    marker = 918273645
    head, _, tail = reverse("notifications:open", args=[marker]).partition(str(marker))
    return lambda notification_id: f"{settings.SITE_URL}{head}{notification_id}{tail}"


def _actors(row: _Row, names: dict) -> str:
    """ "Priya Patel", "Priya Patel and 2 others" or "Someone" (a team post)."""
    if row.actor_id not in names:
        names[row.actor_id] = (
            public_name(row.actor_id, row.actor_display_name, row.actor_deleted_at)
            if row.actor_id
            else gettext("Someone")
        )
    others = row.actor_count - 1
    suffix = f" and {others} other{'s' if others > 1 else ''}" if others > 0 else ""
    return names[row.actor_id] + suffix


def for_you(batch: DigestBatch) -> dict[int, list[DigestItem]]:
    """Unread notifications the person asked to get in this digest, not e-mailed already,
    that moved since their last digest, and whose target they may still see now (checked by
    each target type's batch describer)."""
    rows = (
        Notification.objects.filter(
            recipient_id__in=[user.pk for user in batch.users],
            read_at__isnull=True,
            emailed_at__isnull=True,
            updated_at__gt=batch.earliest,
            updated_at__lte=batch.until,
        )
        # Kinds registered without a preference (their app e-mails them itself) stay in-site.
        .filter(kind__in=sorted(emailed_kind_keys()))
        .order_by("-updated_at", "-pk")
        .values_list(*NOTIFICATION_COLUMNS)
    )
    # How each notification reaches its person depends only on (person, kind, the community's
    # setting): worked out once per combination (a batch reads thousands of notifications).
    delivery: dict[tuple[int, str, str], str] = {}
    chosen: dict[int, list[_Row]] = defaultdict(list)
    wanted: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for row in map(_Row._make, rows):
        user_id = row.recipient_id
        if not batch.in_window(user_id, row.updated_at):
            continue
        community_delivery = (
            batch.community_delivery(user_id, row.community_id)
            if row.community_id
            else Delivery.DAILY
        )
        key = (user_id, row.kind, community_delivery)
        if key not in delivery:
            delivery[key] = preferences.delivery_for(
                batch.email_settings[user_id], row.kind, community_delivery
            )
        if delivery[key] != batch.period:
            continue
        chosen[user_id].append(row)
        wanted[row.target_type][user_id].add(row.target_id)
    views = {
        target_type: describe_for_batch(batch, target_type, per_user)
        for target_type, per_user in wanted.items()
    }
    names: dict = {}
    open_url = _open_urls()
    result = {}
    for user_id, user_rows in chosen.items():
        items = []
        for row in user_rows:
            view = views[row.target_type].get(user_id, {}).get(row.target_id)
            if view is None:  # lost access, or the thing is gone
                continue
            title = notification_kind(row.kind).subject(actor=_actors(row, names), title=view.title)
            items.append(
                DigestItem(
                    key=f"{row.target_type}:{row.target_id}",
                    title=title,
                    url=open_url(row.pk),
                    community_id=row.community_id,
                    community_name=view.community_name,
                    excerpt=view.excerpt,
                )
            )
        if items:
            result[user_id] = items
    return result


register_digest_section(
    "for_you",
    for_you,
    order=10,
    heading=_("For you"),
    noun=ngettext_lazy("%(count)s update for you", "%(count)s updates for you", "count"),
    limit=10,
    more_url_name="notifications:list",
)
