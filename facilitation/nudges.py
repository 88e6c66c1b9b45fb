"""Reading what wants a facilitator's attention, and queueing the daily nudge e-mail.

`nudges_for(user)` lists, for each community the person moderates (as the access module says:
`communities.permissions.communities_moderated_by`), what each registered provider
(`facilitation.attention`) finds waiting there. The lists for many communities cost a fixed
number of queries: one for the communities, then one or two per provider, however many
communities or items there are. `community_nudges` builds them in bulk and the daily e-mail
task shares one build between everyone due at that hour (as Zulip's digest does).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities import permissions as community_permissions
from communities.models import MODERATOR_ROLES, Community, Membership
from notifications import preferences
from notifications.digests.periods import CATCH_UP_HOURS, zone_for
from notifications.models import Delivery, EmailSettings, OutboundEmail
from notifications.services import email_queue

from .attention import Attention, AttentionProvider, attention_providers


class CommunityNudges:
    """What wants doing in one community. Each provider's fields read as attributes
    (`nudges.unanswered_total`), with the provider's empty values where it found nothing;
    `waiting` is the providers with something here, in the registry's order."""

    def __init__(self, community: Community, found: Mapping[str, Attention]) -> None:
        self.community = community
        self.found = dict(found)  # provider key -> what it found here
        providers = list(attention_providers)
        self._fields: dict[str, Any] = {}
        for provider in providers:
            self._fields.update({k: copy.copy(v) for k, v in provider.empty.items()})
        for attention in self.found.values():
            self._fields.update(attention.fields)
        self.waiting: list[AttentionProvider] = [
            provider for provider in providers if self._count(provider.key) > 0
        ]

    def __getattr__(self, name: str) -> Any:
        fields = self.__dict__.get("_fields", {})
        if name in fields:
            return fields[name]
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    def _count(self, key: str) -> int:
        attention = self.found.get(key)
        return attention.count if attention else 0

    @property
    def item_count(self) -> int:
        """How many things to look at, over every provider (a quiet community counts as one)."""
        return sum(attention.count for attention in self.found.values())

    @property
    def has_something(self) -> bool:
        return self.item_count > 0

    @property
    def announce_url(self) -> str:
        return reverse("facilitation:broadcast-create", args=[self.community.slug])


def community_nudges(
    communities: QuerySet[Community], *, now: datetime | None = None
) -> list[CommunityNudges]:
    """The nudges for each of these communities, in name order: one query for the communities
    and one or two per registered provider.

    The caller chooses the communities through the access module; every provider keeps to
    them, so every item here belongs to one of them and is something their facilitators may see.
    """
    now = now or timezone.now()
    listed = list(communities.order_by("name", "pk"))
    if not listed:
        return []
    scope = communities.order_by()  # a subquery: site staff oversee every community
    found = {provider.key: provider.collect(scope, now) for provider in attention_providers}
    return [
        CommunityNudges(
            community,
            {key: by_id[community.pk] for key, by_id in found.items() if community.pk in by_id},
        )
        for community in listed
    ]


def nudges_for(user, *, now: datetime | None = None, roles_only: bool = False) -> list:
    """The nudges for every community this person moderates, communities with something to
    do first. `roles_only` leaves out communities site staff oversee without a role there
    (the e-mail is for the communities someone facilitates, not the whole site)."""
    communities = community_permissions.communities_moderated_by(user)
    if roles_only:
        moderated = community_permissions.access_for(user).moderated_community_ids
        communities = communities.filter(pk__in=moderated)
    nudges = community_nudges(communities, now=now)
    return sorted(nudges, key=lambda n: not n.has_something)


# --- The daily e-mail ---------------------------------------------------------------------------


def nudge_day(email_settings: EmailSettings, now: datetime) -> date | None:
    """The person's local date if their nudge is due in this hour, else None.

    Due at `digest_hour` in their time zone, or in the CATCH_UP_HOURS - 1 hours after it (as
    digests are, so an hour or two of beat or broker outage delays a nudge instead of dropping
    it; the outbox key per local day keeps it to one): every day for "straight away" and
    "daily", on their weekly digest day for "weekly", never for "off".
    """
    preference = email_settings.facilitation
    if preference == Delivery.OFF:
        return None
    local = now.astimezone(zone_for(email_settings.time_zone))
    if not 0 <= local.hour - email_settings.digest_hour < CATCH_UP_HOURS:
        return None
    if preference == Delivery.WEEKLY and local.weekday() != email_settings.weekly_digest_day:
        return None
    return local.date()


def nudge_key(user_id: int, day: date) -> str:
    return f"nudge-{user_id}-{day.isoformat()}"


def _facilitated_communities() -> dict[int, set[int]]:
    """{person: the communities they facilitate or own}, for active people."""
    communities_of: dict[int, set[int]] = defaultdict(set)
    for user_id, community_id in Membership.objects.filter(
        role__in=MODERATOR_ROLES, user__is_active=True
    ).values_list("user_id", "community_id"):
        communities_of[user_id].add(community_id)
    return communities_of


def _due_today(user_ids: Iterable[int], now: datetime) -> dict[int, date]:
    """{person: local date} for those whose nudge hour it is and who have no nudge that day."""
    email_settings = preferences.settings_for_many(user_ids)
    due = {
        user_id: day
        for user_id, s in email_settings.items()
        if (day := nudge_day(s, now)) is not None
    }
    if not due:
        return {}
    already = set(
        OutboundEmail.objects.filter(
            key__in=[nudge_key(user_id, day) for user_id, day in due.items()]
        ).values_list("key", flat=True)
    )
    return {uid: day for uid, day in due.items() if nudge_key(uid, day) not in already}


def facilitator_nudges_queue(now: datetime | None = None) -> int:
    """Queue today's nudge e-mail for each facilitator whose hour it is and who has something
    to look at. Run hourly; the outbox key `nudge-<user>-<local date>` makes a second run in
    the same hour (or a retried task) queue nothing. Returns how many were queued."""
    now = now or timezone.now()
    communities_of = _facilitated_communities()
    if not communities_of:
        return 0
    due = _due_today(communities_of, now)
    if not due:
        return 0
    addresses = verified_addresses(due)
    wanted = set().union(*(communities_of[uid] for uid in due if uid in addresses))
    if not wanted:
        return 0
    nudges = {
        n.community.pk: n
        for n in community_nudges(Community.objects.filter(pk__in=wanted), now=now)
    }
    queued = 0
    for user_id, day in due.items():
        if user_id not in addresses:
            continue
        if not any(nudges[cid].has_something for cid in communities_of[user_id] if cid in nudges):
            continue
        with transaction.atomic():
            email_queue(
                key=nudge_key(user_id, day),
                kind="facilitator_nudge",
                to_address=addresses[user_id],
                recipient_id=user_id,
                payload={"user_id": user_id, "day": day.isoformat()},
            )
        queued += 1
    return queued


def verified_addresses(user_ids: Iterable[int]) -> dict[int, str]:
    """Each active person's address, for those whose address is verified."""
    verified = EmailAddress.objects.filter(
        user_id=OuterRef("pk"), verified=True, email__iexact=OuterRef("email")
    )
    return {
        pk: email
        for pk, email in User.objects.filter(pk__in=list(user_ids), is_active=True)
        .exclude(Q(email__isnull=True) | Q(email=""))
        .filter(Exists(verified))
        .values_list("pk", "email")
        if email  # never empty here: the query leaves those out
    }
