"""The batch context: up to BATCH_SIZE people getting the same digest for the same moment,
with their windows, the communities they follow for it and their e-mail settings, loaded
once (`batch_load`), and `items_per_user` to share a builder's finds out among them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from communities import permissions as community_permissions
from communities.models import Membership

from ..models import CommunityEmailSetting, Delivery, EmailSettings
from .periods import DAILY, WEEKLY
from .sections import Candidate, DigestItem

BATCH_SIZE = 500


@dataclass
class DigestBatch:
    """Up to BATCH_SIZE people getting the same kind of digest planned for the same moment.

    `users` carry their memberships, loaded when the batch runs, in the access module's
    per-person cache, so `communities.permissions` (and rules built on it) answer for them
    without queries.
    """

    period: str
    until: datetime
    users: list
    since: dict[int, datetime]
    followed: dict[int, frozenset[int]]
    email_settings: dict[int, EmailSettings]
    deliveries: dict[tuple[int, int], str] = field(default_factory=dict)

    @cached_property
    def users_by_id(self) -> dict[int, object]:
        return {user.pk: user for user in self.users}

    @cached_property
    def earliest(self) -> datetime:
        return min(self.since.values(), default=self.until)

    @cached_property
    def followed_community_ids(self) -> set[int]:
        return set().union(*self.followed.values()) if self.followed else set()

    def in_window(self, user_id: int, when: datetime | None) -> bool:
        return when is not None and self.since[user_id] < when <= self.until

    def community_delivery(self, user_id: int, community_id: int) -> str:
        return self.deliveries.get((user_id, community_id), Delivery.DAILY)


def items_per_user(
    batch: DigestBatch,
    ranked: Iterable[Candidate],
    may_see: Callable[[object, object], bool],
    *,
    per_community: bool = False,
) -> dict[int, list[DigestItem]]:
    """Give each person the candidates (best first) from communities they follow for this
    digest, inside their window, not their own, that `may_see(user, candidate.subject)`.

    per_community=True asks `may_see` once per person and community (with that community's
    first candidate) and keeps or drops all of its candidates: for builders whose query keeps
    only what every reader of the community may see, such as visible posts of published
    threads.
    """
    by_community: dict[int, list[tuple[int, Candidate]]] = defaultdict(list)
    for position, candidate in enumerate(ranked):
        by_community[candidate.community_id].append((position, candidate))
    result: dict[int, list[DigestItem]] = {}
    for user in batch.users:
        since, until = batch.since[user.pk], batch.until
        mine = []
        for community_id in batch.followed.get(user.pk, ()):
            found = by_community.get(community_id)
            if not found:
                continue
            if per_community:
                if not may_see(user, found[0][1].subject):
                    continue
                mine.extend(found)
            else:
                mine.extend(pair for pair in found if may_see(user, pair[1].subject))
        mine.sort(key=lambda pair: pair[0])
        items = [
            candidate.item
            for _, candidate in mine
            if not candidate.is_by(user.pk)
            and candidate.when is not None
            and since < candidate.when <= until
        ]
        if items:
            result[user.pk] = items
    return result


# --- Loading a batch -----------------------------------------------------------------------------


def settings_of(user) -> EmailSettings:
    """The person's e-mail settings, or the defaults if they never saved any."""
    try:
        return user.email_settings
    except EmailSettings.DoesNotExist:
        return EmailSettings(user_id=user.pk)


def _digest_for(community_delivery: str) -> str | None:
    """Which digest carries a community's activity (see the package docstring)."""
    if community_delivery in (Delivery.DAILY, Delivery.IMMEDIATELY):
        return DAILY
    if community_delivery == Delivery.WEEKLY:
        return WEEKLY
    return None


def batch_load(
    period: str,
    users: list,
    since: dict[int, datetime],
    email_settings: dict[int, EmailSettings],
    now: datetime,
) -> DigestBatch:
    """Memberships and per-community settings for the batch: two queries, read now."""
    ids = [user.pk for user in users]
    memberships: dict[int, dict[int, Membership]] = defaultdict(dict)
    for membership in Membership.objects.filter(user_id__in=ids).only(
        "id", "user_id", "community_id", "role", "joined_at"
    ):
        memberships[membership.user_id][membership.community_id] = membership
    deliveries = {
        (user_id, community_id): delivery
        for user_id, community_id, delivery in CommunityEmailSetting.objects.filter(
            user_id__in=ids
        ).values_list("user_id", "community_id", "delivery")
    }
    followed = {}
    for user in users:
        community_permissions.access_prime(user, memberships[user.pk])
        followed[user.pk] = frozenset(
            community_id
            for community_id in memberships[user.pk]
            if _digest_for(deliveries.get((user.pk, community_id), Delivery.DAILY)) == period
        )
    return DigestBatch(
        period=period,
        until=now,
        users=users,
        since=since,
        followed=followed,
        email_settings=email_settings,
        deliveries=deliveries,
    )
