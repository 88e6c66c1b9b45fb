"""Digest e-mails: what is new for one member since their last digest, daily or weekly.

Sections. Apps register a section with `register_digest_section(key, builder, order, ...)`.
A builder takes a `DigestBatch` (up to BATCH_SIZE people, each with their time window and
the communities they follow for this digest, read when the batch runs) and returns, per
person, their items best first. It makes one query for the whole batch and filters per
person in Python (`items_per_user`), so a batch of 500 costs the queries a batch of 5 does
(Zulip's digest works the same way). The "For you" section below is this app's own.

Which communities. A person's digest covers the communities they belong to whose
`CommunityEmailSetting` (default daily) matches the digest: daily, or weekly. "Straight
away" rides the daily digest (no per-post e-mail exists, so choosing it never means hearing
less); "never" is left out. Memberships are read when the batch runs, so someone removed
from a community after something happened there hears nothing about it.

Due. `digests_send_due(now)` runs hourly from beat. A person is due when, in their time
zone, it is their digest hour or up to CATCH_UP_HOURS - 1 hours after it (so a beat or
broker outage of an hour or two delays digests instead of dropping them; the catch-up never
crosses local midnight), on their weekly day for weekly digests, and they have no run for
that local date yet. Due people are sent in batches of BATCH_SIZE, each its own task,
queued after commit.

Once. `digest_batch_send` inserts a `DigestRun` (status `sending`) per person and period
before building or sending anything, with one `INSERT ... ON CONFLICT DO NOTHING RETURNING`
for the whole batch: the unique (user, period, period_start) constraint decides who sends,
exactly as get_or_create would, and that statement is committed before sending. A rerun, a
second worker or a retried task finds the rows taken and sends nothing. At most once, like
the outbox: a run left in `sending` by a crash is never resent (it may have gone out); what
it covered is not lost, because the next window starts where that run's did.

Windows. A run covers (covers_from, created_at]; created_at is the moment the digest was
planned for (`now`). covers_from is the created_at of the person's last `sent` or `empty`
run of the same period, or, if a later run never finished (left `sending` by a crash, or
`failed`), that run's covers_from, so what it covered comes again rather than never; at most
MAX_WINDOW back. A first digest looks back one period.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import css_inline

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection, make_msgid
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join

from accounts.models import User
from communities import permissions as community_permissions
from communities.models import Membership
from copsite.markup import plain_excerpt
from copsite.tasks import enqueue_after_commit

from . import preferences, unsubscribe
from .emails import SUBJECTS
from .models import CommunityEmailSetting, Delivery, DigestRun, EmailSettings, Notification
from .targets import TargetView, describe

logger = logging.getLogger(__name__)

DAILY = Delivery.DAILY.value
WEEKLY = Delivery.WEEKLY.value
PERIODS = (DAILY, WEEKLY)
PERIOD_LENGTH = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
MAX_WINDOW = {DAILY: timedelta(days=7), WEEKLY: timedelta(days=28)}
BATCH_SIZE = 500
CATCH_UP_HOURS = 3
RUNS_KEPT_FOR_DAYS = 60  # longer than any window: older runs never start one
DEFAULT_LIMIT = 5
TEMPLATE = "notifications/emails/digest"

DEFAULT_TIME_ZONE = EmailSettings._meta.get_field("time_zone").default
DEFAULT_HOUR = EmailSettings._meta.get_field("digest_hour").default
DEFAULT_WEEKDAY = EmailSettings._meta.get_field("weekly_digest_day").default


# --- What sections return ------------------------------------------------------------------------

EXCERPT_CHARACTERS = 260  # about 40 words


def deferred(function: Callable[..., str]) -> Callable[..., object]:
    """Wrap a function of hashable arguments so that calling it returns a lazy string, worked
    out when an item is first shown and then remembered. Builders find far more than a digest
    shows (sections are capped), and many people in a batch share an item."""
    return lazy(functools.lru_cache(maxsize=16384)(function), str)


lazy_excerpt = deferred(lambda markdown: plain_excerpt(markdown, EXCERPT_CHARACTERS))
"""`lazy_excerpt(markdown)`: about 40 words of plain text, never the whole post."""


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest. The same `key` in two sections is shown once (the first wins)."""

    key: str
    title: str
    url: str  # absolute
    community_id: int | None = None
    community_name: str = ""
    byline: str = ""
    detail: str = ""
    excerpt: str = ""  # plain text, about 40 words: `lazy_excerpt(markdown)`
    # `url` and `excerpt` may be lazy strings (`deferred`): made only for items shown.

    @cached_property
    def meta(self) -> str:
        return " · ".join(part for part in (self.community_name, self.byline, self.detail) if part)


@dataclass(frozen=True)
class Candidate:
    """Something a builder found for the batch, before it is given to people.

    `when` puts it in or out of a person's window; `subject` is what `may_see` checks; the
    author of something (and its co-authors) are not told about it in their own digest.
    """

    community_id: int
    when: datetime
    item: DigestItem
    subject: object = None
    author_id: int | None = None
    co_author_ids: frozenset[int] = frozenset()

    def is_by(self, user_id: int) -> bool:
        return user_id == self.author_id or user_id in self.co_author_ids


Builder = Callable[["DigestBatch"], dict[int, list[DigestItem]]]


@dataclass(frozen=True)
class DigestSection:
    key: str
    builder: Builder
    order: int
    heading: str
    noun: tuple[str, str]  # ("new thread", "new threads"): subject lines and "and N more"
    limit: int
    more_url_name: str  # where the rest are (a URL name), shown with "and N more"

    def phrase(self, count: int) -> str:
        return f"{count} {self.noun[0] if count == 1 else self.noun[1]}"


_sections: dict[str, DigestSection] = {}


def register_digest_section(
    key: str,
    builder: Builder,
    order: int = 100,
    *,
    heading: str,
    noun: tuple[str, str] = ("new item", "new items"),
    limit: int = DEFAULT_LIMIT,
    more_url_name: str = "",
) -> None:
    """Add a section to every digest (registering a key again replaces it). Sections are
    shown by `order`, and each shows its first `limit` items with "and N more"."""
    _sections[key] = DigestSection(key, builder, order, heading, noun, limit, more_url_name)


def digest_sections() -> list[DigestSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


BulkDescriber = Callable[["DigestBatch", dict[int, set[int]]], dict[int, dict[int, TargetView]]]
_bulk_describers: dict[str, BulkDescriber] = {}


def bulk_target_describer(target_type: str) -> Callable[[BulkDescriber], BulkDescriber]:
    """Register a batch version of a `notifications.targets` describer: given {user id:
    target ids} it returns {user id: {target id: view}} with one query for the batch. Types
    without one fall back to `targets.describe`, one call per person."""

    def register(describer: BulkDescriber) -> BulkDescriber:
        _bulk_describers[target_type] = describer
        return describer

    return register


# --- The batch context ---------------------------------------------------------------------------


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


# --- Due: who gets a digest now ------------------------------------------------------------------


def zone_for(name: str) -> ZoneInfo:
    """The person's time zone, or the default one if theirs is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def period_start_for(email_settings: EmailSettings, now: datetime) -> date:
    """The person's local date: one digest of each period per local day at most."""
    return now.astimezone(zone_for(email_settings.time_zone)).date()


def digest_due_user_ids(period: str, now: datetime) -> list[int]:
    """People whose `period` digest is due at `now` and not yet started (see the module)."""
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
    from .digest_tasks import send_digest_batch

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


# --- Claiming runs -------------------------------------------------------------------------------


def _window_starts(period: str, user_ids: list[int], now: datetime) -> dict[int, datetime]:
    """Where each person's window starts: the end of their last `sent` or `empty` run, or the
    start of a later run that never finished (crashed or failed: what it covered may not have
    arrived, so it comes again), at most MAX_WINDOW back; one period back for a first digest.
    """
    earliest = now - MAX_WINDOW[period]
    done_statuses = {DigestRun.Status.SENT, DigestRun.Status.EMPTY}
    runs: dict[int, list[tuple[str, datetime, datetime]]] = defaultdict(list)
    for user_id, status, created_at, covers_from in DigestRun.objects.filter(
        user_id__in=user_ids, period=period, created_at__gte=earliest, created_at__lt=now
    ).values_list("user_id", "status", "created_at", "covers_from"):
        runs[user_id].append((status, created_at, covers_from))
    starts = {}
    for user_id in user_ids:
        mine = runs.get(user_id, [])
        done = max((ended for status, ended, _ in mine if status in done_statuses), default=None)
        unfinished = [
            began
            for status, ended, began in mine
            if status not in done_statuses and (done is None or ended > done)
        ]
        start = min(unfinished) if unfinished else done or now - PERIOD_LENGTH[period]
        starts[user_id] = max(start, earliest)
    return starts


def _claim(period: str, rows: list[tuple[int, date, datetime]], now: datetime) -> dict[int, int]:
    """Insert a `sending` run for each (user id, period_start, covers_from) unless one exists.
    Returns {user id: run id} for the rows this call inserted: those are ours to send.

    One statement; the unique constraint arbitrates between concurrent callers. Run it
    outside a transaction (as tasks do) so the claim is committed before anything is sent.
    """
    if not rows:
        return {}
    names = ("user", "period", "period_start", "covers_from", "status", "item_count", "created_at")
    fields = [DigestRun._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    params: list = []
    for user_id, period_start, covers_from in rows:
        values = (user_id, period, period_start, covers_from, DigestRun.Status.SENDING, 0, now)
        params.extend(
            f.get_db_prep_value(v, connection) for f, v in zip(fields, values, strict=True)
        )
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(DigestRun._meta.db_table)} "  # noqa: S608 - names from the model
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT DO NOTHING RETURNING {quote(DigestRun._meta.pk.column)}, "
        f"{quote(fields[0].column)}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {user_id: run_id for run_id, user_id in cursor.fetchall()}


# --- Building ------------------------------------------------------------------------------------


def _settings_of(user) -> EmailSettings:
    try:
        return user.email_settings
    except EmailSettings.DoesNotExist:
        return EmailSettings(user_id=user.pk)


def _digest_for(community_delivery: str) -> str | None:
    """Which digest carries a community's activity (see the module docstring)."""
    if community_delivery in (Delivery.DAILY, Delivery.IMMEDIATELY):
        return DAILY
    if community_delivery == Delivery.WEEKLY:
        return WEEKLY
    return None


def _batch(
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


# --- The "For you" section -----------------------------------------------------------------------


def describe_for_batch(
    batch: DigestBatch, target_type: str, wanted: dict[int, set[int]]
) -> dict[int, dict[int, TargetView]]:
    bulk = _bulk_describers.get(target_type)
    if bulk is not None:
        return bulk(batch, wanted)
    return {
        user_id: describe(batch.users_by_id[user_id], target_type, ids)
        for user_id, ids in wanted.items()
    }


class Described(NamedTuple):
    """A target a bulk describer found: its community, what `may_see` checks, and its view."""

    community_id: int
    subject: object
    view: TargetView


def views_per_community(
    batch: DigestBatch,
    wanted: dict[int, set[int]],
    found: dict[int, Described],
    may_see: Callable[[object, object], bool],
) -> dict[int, dict[int, TargetView]]:
    """Hand each person the views of the targets they asked for that `may_see(user, subject)`
    allows, asked once per person and community: for bulk describers whose query keeps only
    what every reader of the community may see (visible posts of published threads, say)."""
    allowed: dict[tuple[int, int], bool] = {}
    result: dict[int, dict[int, TargetView]] = {}
    for user_id, target_ids in wanted.items():
        user = batch.users_by_id[user_id]
        result[user_id] = mine = {}
        for target_id in target_ids & found.keys():
            described = found[target_id]
            key = (user_id, described.community_id)
            if key not in allowed:
                allowed[key] = may_see(user, described.subject)
            if allowed[key]:
                mine[target_id] = described.view
    return result


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
            else "Someone"
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
        # Kinds other apps e-mail themselves, or new ones without a preference, stay in-site.
        .filter(kind__in=set(preferences.PREFERENCE_FOR_KIND) - preferences.SITE_ONLY_KINDS)
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
            title = SUBJECTS.get(row.kind, "{title}").format(
                actor=_actors(row, names), title=view.title
            )
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
    heading="For you",
    noun=("update for you", "updates for you"),
    limit=10,
    more_url_name="notifications:list",
)


# --- Composing -----------------------------------------------------------------------------------


@dataclass
class ShownSection:
    key: str
    heading: str
    items: list[DigestItem]
    total: int
    phrase: str
    more_url: str

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class Digest:
    user: object
    period: str
    since: datetime
    until: datetime
    sections: list[ShownSection]
    communities: dict[int, str]  # every community with an item, shown or not

    @property
    def item_count(self) -> int:
        return sum(section.total for section in self.sections)

    @property
    def subject(self) -> str:
        phrases = [section.phrase for section in self.sections]
        listed = (
            phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
        )
        where = f" in {next(iter(self.communities.values()))}" if len(self.communities) == 1 else ""
        return f"Your {self.period} digest: {listed}{where}"


@functools.cache
def _more_url(url_name: str) -> str:
    return settings.SITE_URL + reverse(url_name) if url_name else ""


def digest_compose(batch: DigestBatch, user, built: dict[str, dict[int, list]]) -> Digest | None:
    """Sections in order, each item once, each section capped. None when nothing is new."""
    seen: set[str] = set()
    shown = []
    communities: dict[int, str] = {}
    for section in digest_sections():
        items = [
            item for item in built.get(section.key, {}).get(user.pk, ()) if item.key not in seen
        ]
        if not items:
            continue
        seen.update(item.key for item in items)
        communities.update(
            (item.community_id, item.community_name) for item in items if item.community_id
        )
        shown.append(
            ShownSection(
                key=section.key,
                heading=section.heading,
                items=items[: section.limit],
                total=len(items),
                phrase=section.phrase(len(items)),
                more_url=_more_url(section.more_url_name),
            )
        )
    if not shown:
        return None
    return Digest(
        user=user,
        period=batch.period,
        since=batch.since[user.pk],
        until=batch.until,
        sections=shown,
        communities=communities,
    )


def _local_text(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def _message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def _item_html(item: DigestItem) -> str:
    """One item's rows. Python rather than a template: a run renders a hundred thousand."""
    meta = format_html('<p class="meta">{}</p>', item.meta) if item.meta else ""
    excerpt = format_html('<p class="excerpt">{}</p>', item.excerpt) if item.excerpt else ""
    # Line breaks keep every line under 998 characters once styles are inlined, so the part
    # goes out as 8bit text rather than quoted-printable.
    return format_html(
        '<tr><td class="item">\n<p class="item-title"><a class="item-link" href="{}">{}</a></p>'
        "\n{}\n{}\n</td></tr>",
        item.url,
        item.title,
        meta,
        excerpt,
    )


def _item_text(item: DigestItem) -> str:
    lines = [f"* {item.title}"]
    if item.meta:
        lines.append(f"  {item.meta}")
    if item.excerpt:
        lines.append(f"  “{item.excerpt}”")
    lines.append(f"  {item.url}")
    return "\n".join(lines)


def _rendered_sections(digest: Digest, rendered: dict) -> list[dict]:
    """Each section with its items' HTML and text. Many people in a batch share an item, so
    each is rendered once per batch (`rendered`, by identity) and reused."""
    sections = []
    for section in digest.sections:
        parts = []
        for item in section.items:
            if id(item) not in rendered:
                rendered[id(item)] = (_item_html(item), _item_text(item))
            parts.append(rendered[id(item)])
        sections.append(
            {
                "section": section,
                "html": format_html_join("\n", "{}", ((html,) for html, _ in parts)),
                "text": "\n\n".join(text for _, text in parts),
            }
        )
    return sections


def digest_message(
    digest: Digest,
    email_settings: EmailSettings,
    *,
    html: bool = True,
    rendered: dict | None = None,
) -> EmailMultiAlternatives:
    """The e-mail. With html=False the HTML part is left in `message.digest_html`, not yet
    inlined or attached (`digest_batch_send` inlines a whole batch at once). `rendered`
    keeps items already rendered for others in the batch."""
    user = digest.user
    # One-click (RFC 8058) from the mail client turns every e-mail off: the digest gathers all
    # of them. The same link opened in a browser offers "less often" (weekly) first.
    unsubscribe_headers = unsubscribe.unsubscribe_headers(user.pk, "all")
    context = {
        "site_name": settings.COPSITE_SITE_NAME,
        "site_url": settings.SITE_URL,
        "person": user,
        "digest": digest,
        "sections": _rendered_sections(digest, {} if rendered is None else rendered),
        "subject": digest.subject,
        "since": _local_text(digest.since, zone_for(email_settings.time_zone)),
        "unsubscribe_url": unsubscribe_headers["List-Unsubscribe"].strip("<>"),
        "manage_url": unsubscribe.manage_url(user.pk),
    }
    headers = {
        "Message-ID": make_msgid("digest", domain=_message_id_domain()),
        "Auto-Submitted": "auto-generated",
        **unsubscribe_headers,
    }
    message = EmailMultiAlternatives(
        subject=digest.subject,
        body=render_to_string(f"{TEMPLATE}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        reply_to=[getattr(settings, "DEFAULT_REPLY_TO_EMAIL", settings.DEFAULT_FROM_EMAIL)],
        headers=headers,
    )
    message.digest_html = render_to_string(f"{TEMPLATE}.html", context)
    if html:
        _attach_html([message])
    return message


_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def _attach_html(messages: list[EmailMultiAlternatives]) -> None:
    """Inline the CSS of the HTML parts (Outlook ignores <style>), in parallel, and attach."""
    if not messages:
        return
    inlined = _inliner.inline_many([message.digest_html for message in messages])
    for message, html in zip(messages, inlined, strict=True):
        message.attach_alternative(html, "text/html")
        del message.digest_html


# --- Sending -------------------------------------------------------------------------------------


def _record_sent(runs: list[tuple[int, int]], sent_at: datetime) -> None:
    """Mark runs sent with their item counts: one UPDATE for the batch. (`bulk_update` builds
    the same CASE; resolving its ORM expressions cost as much as sending the batch's e-mails
    in the benchmark.)"""
    if not runs:
        return
    quote = connection.ops.quote_name
    field = DigestRun._meta.get_field
    pk, sent_field = quote(DigestRun._meta.pk.column), field("sent_at")
    cases = " ".join(["WHEN %s THEN CAST(%s AS INTEGER)"] * len(runs))
    sql = (
        f"UPDATE {quote(DigestRun._meta.db_table)} "  # noqa: S608 - names from the model
        f"SET {quote(field('status').column)} = %s, {quote(sent_field.column)} = %s, "
        f"{quote(field('item_count').column)} = CASE {pk} {cases} END "
        f"WHERE {pk} IN ({', '.join(['%s'] * len(runs))})"
    )
    params = [DigestRun.Status.SENT, sent_field.get_db_prep_value(sent_at, connection)]
    params += [value for run in runs for value in run]
    params += [run_id for run_id, _ in runs]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@dataclass
class BatchResult:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    skipped: int = 0  # someone else had the run, or the person cannot get e-mail


def digest_batch_send(period: str, user_ids: Iterable[int], now: datetime) -> BatchResult:
    """Claim, build and send the `period` digests planned for `now` for these people, each
    at most once (see the module docstring). The query count depends on the batch, not on
    how many people are in it."""
    user_ids = list(user_ids)
    users = list(
        User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .select_related("email_settings")
        .order_by("pk")
    )
    result = BatchResult(skipped=len(user_ids) - len(users))
    if not users:
        return result
    email_settings = {user.pk: _settings_of(user) for user in users}
    since = _window_starts(period, [user.pk for user in users], now)
    claimed = _claim(
        period,
        [(u.pk, period_start_for(email_settings[u.pk], now), since[u.pk]) for u in users],
        now,
    )
    result.skipped += len(users) - len(claimed)
    users = [user for user in users if user.pk in claimed]
    if not users:
        return result
    try:
        batch = _batch(period, users, since, email_settings, now)
        built = {section.key: section.builder(batch) for section in digest_sections()}
        digests = [digest_compose(batch, user, built) for user in users]
        rendered: dict = {}
        messages = {
            digest.user.pk: digest_message(
                digest, email_settings[digest.user.pk], html=False, rendered=rendered
            )
            for digest in digests
            if digest is not None
        }
        _attach_html(list(messages.values()))
    except Exception:
        logger.exception("Building %s digests failed; these runs will not be retried", period)
        DigestRun.objects.filter(pk__in=claimed.values()).update(status=DigestRun.Status.FAILED)
        raise
    empty = [claimed[u.pk] for u, digest in zip(users, digests, strict=True) if digest is None]
    DigestRun.objects.filter(pk__in=empty).update(status=DigestRun.Status.EMPTY)
    to_send = [digest for digest in digests if digest is not None]
    sent_at = timezone.now()
    sent: list[tuple[int, int]] = []
    try:
        with get_connection() as mail_connection:
            for digest in to_send:
                user_id = digest.user.pk
                try:
                    mail_connection.send_messages([messages[user_id]])
                except Exception:
                    logger.exception("Sending the %s digest to user %s failed", period, user_id)
                    mail_connection.close()  # the next send opens a fresh connection
                    continue
                sent.append((claimed[user_id], digest.item_count))
    finally:
        # Whatever did not go out (a refused message, or no mail server at all) is `failed`.
        done = {run_id for run_id, _ in sent}
        failed = [claimed[d.user.pk] for d in to_send if claimed[d.user.pk] not in done]
        if failed:
            DigestRun.objects.filter(pk__in=failed).update(status=DigestRun.Status.FAILED)
        _record_sent(sent, sent_at)
    result.sent, result.empty, result.failed = len(sent), len(empty), len(failed)
    return result
