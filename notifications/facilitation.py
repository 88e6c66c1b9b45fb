"""Facilitation: what wants a facilitator's attention, welcoming new members, and broadcasts.

Reads. `nudges_for(user)` lists, for each community the person moderates (as the access module
says: `communities.permissions.communities_moderated_by`), threads nobody has answered, join
requests waiting, new members nobody has welcomed, reported posts and whether the community
has gone quiet. The lists for many communities cost a fixed number of queries (one per kind
of item), however many communities or items there are: `community_nudges` builds them in bulk
and the daily e-mail task shares one build between everyone due at that hour (as Zulip's
digest does).

Writes. `members_welcome` posts one welcome mentioning the chosen new members (through
`forums.services`, so mentions notify them) and records a `Welcome` per person;
`broadcast_create` records an announcement and queues one e-mail per member in the same
transaction. Both absorb a double click through a submission key.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities import permissions as community_permissions
from communities.models import (
    MODERATOR_ROLES,
    Community,
    Membership,
    MembershipRequest,
    RequestStatus,
    Role,
)
from copsite.markup import mention_markdown
from forums.models import Category, Flag, Post, Thread
from forums.services import posts as forum_posts
from forums.services import threads as forum_threads

from . import preferences
from .digests.periods import CATCH_UP_HOURS, zone_for
from .models import Broadcast, CommunityEmailSetting, Delivery, OutboundEmail, Welcome
from .services import QueuedEmail, email_queue, email_queue_group

logger = logging.getLogger(__name__)

UNANSWERED_AFTER = timedelta(hours=48)
# Older questions have gone stale: nudging about them every day would only be noise.
UNANSWERED_WITHIN = timedelta(days=30)
NEW_MEMBERS_WITHIN = timedelta(days=7)
QUIET_AFTER = timedelta(days=14)
THREADS_SHOWN = 5  # unanswered threads listed per community (the total is given too)
NEW_MEMBERS_SHOWN = 20  # new members offered for welcome per community
BROADCASTS_PER_DAY = 3  # per community; `settings.COPSITE_BROADCASTS_PER_DAY` overrides
WELCOME_THREAD_TITLE = "Welcome to our new members"
WELCOME_CATEGORY_SLUGS = ("off-topic", "introductions", "welcome")


# --- Reading: the nudges ------------------------------------------------------------------------


@dataclass
class CommunityNudges:
    """What wants doing in one community. Empty lists and zero counts mean nothing."""

    community: Community
    unanswered: list[Thread] = field(default_factory=list)
    unanswered_total: int = 0
    requests_total: int = 0
    oldest_request_at: datetime | None = None
    new_members: list[Membership] = field(default_factory=list)
    new_members_total: int = 0
    reported_total: int = 0
    oldest_report_at: datetime | None = None
    quiet_since: datetime | None = None  # set when nobody has posted for QUIET_AFTER

    @property
    def item_count(self) -> int:
        """How many things to look at (a quiet community counts as one)."""
        return (
            self.unanswered_total
            + self.requests_total
            + self.new_members_total
            + self.reported_total
            + (1 if self.quiet_since else 0)
        )

    @property
    def has_something(self) -> bool:
        return self.item_count > 0

    @property
    def quiet_days(self) -> int:
        return (timezone.now() - self.quiet_since).days if self.quiet_since else 0

    # Where each nudge leads (paths; e-mails add SITE_URL).
    @property
    def review_url(self) -> str:
        return reverse("forums:review", args=[self.community.slug])

    @property
    def requests_url(self) -> str:
        return reverse("communities_admin:requests", args=[self.community.pk])

    @property
    def start_thread_url(self) -> str:
        return reverse("forums:thread-start", args=[self.community.slug])

    @property
    def announce_url(self) -> str:
        return reverse("notifications:broadcast-create", args=[self.community.slug])


def _quiet_annotated(communities: QuerySet) -> QuerySet:
    """Adds `last_post_at` (newest visible post) and `has_scheduled` (a thread is waiting to
    be published, so a facilitator has already acted)."""
    newest = (
        Post.objects.filter(
            thread__community=OuterRef("pk"),
            status=Post.Status.VISIBLE,
            thread__status=Thread.Status.PUBLISHED,
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    scheduled = Thread.objects.filter(community=OuterRef("pk"), status=Thread.Status.SCHEDULED)
    return communities.annotate(
        last_post_at=Subquery(newest), has_scheduled=Exists(scheduled)
    ).order_by("name", "pk")


def _ranked(queryset: QuerySet, order_by: list, limit: int) -> QuerySet:
    """The first `limit` rows per community, each carrying `community_total` (one query)."""
    partition = [F("community_id")]
    return queryset.annotate(
        position=Window(RowNumber(), partition_by=partition, order_by=order_by),
        community_total=Window(Count("pk"), partition_by=partition),
    ).filter(position__lte=limit)


def community_nudges(
    communities: QuerySet, *, now: datetime | None = None
) -> list[CommunityNudges]:
    """The nudges for each of these communities, in name order: five queries in all.

    The caller chooses the communities through the access module; every item here belongs to
    one of them and is something their facilitators may see.
    """
    now = now or timezone.now()
    by_id = {
        community.pk: CommunityNudges(community=community)
        for community in _quiet_annotated(communities)
    }
    if not by_id:
        return []
    ids = communities.order_by().values("pk")  # a subquery: site staff oversee every community

    for nudges in by_id.values():
        community = nudges.community
        quiet_since = community.last_post_at or community.created_at
        if quiet_since <= now - QUIET_AFTER and not community.has_scheduled:
            nudges.quiet_since = quiet_since

    unanswered = Thread.objects.filter(
        community_id__in=ids,
        status=Thread.Status.PUBLISHED,
        reply_count=0,
        is_locked=False,
        is_closed=False,
        created_at__lte=now - UNANSWERED_AFTER,
        created_at__gt=now - UNANSWERED_WITHIN,
    ).only("pk", "title", "created_at", "community_id", "as_team")
    for thread in _ranked(unanswered, [F("created_at").asc(), F("pk").asc()], THREADS_SHOWN):
        nudges = by_id[thread.community_id]
        thread.community = nudges.community
        nudges.unanswered.append(thread)
        nudges.unanswered_total = thread.community_total

    for row in (
        MembershipRequest.objects.filter(
            community_id__in=ids, status=RequestStatus.PENDING, user__is_active=True
        )
        .values("community_id")
        .annotate(total=Count("pk"), oldest=Min("created_at"))
        .order_by()
    ):
        by_id[row["community_id"]].requests_total = row["total"]
        by_id[row["community_id"]].oldest_request_at = row["oldest"]

    for membership in _ranked(
        new_members_to_welcome(ids, now=now).select_related("user"),
        [F("joined_at").asc(), F("pk").asc()],
        NEW_MEMBERS_SHOWN,
    ):
        nudges = by_id[membership.community_id]
        nudges.new_members.append(membership)
        nudges.new_members_total = membership.community_total

    for row in (
        Flag.objects.filter(resolution=Flag.Resolution.OPEN, post__thread__community_id__in=ids)
        .values(community=F("post__thread__community_id"))
        .annotate(posts=Count("post_id", distinct=True), oldest=Min("created_at"))
        .order_by()
    ):
        by_id[row["community"]].reported_total = row["posts"]
        by_id[row["community"]].oldest_report_at = row["oldest"]

    return list(by_id.values())


def new_members_to_welcome(community_ids, *, now: datetime | None = None) -> QuerySet:
    """Memberships (role member) started in the last NEW_MEMBERS_WITHIN, not yet welcomed."""
    now = now or timezone.now()
    welcomed = Welcome.objects.filter(
        community_id=OuterRef("community_id"), user_id=OuterRef("user_id")
    )
    return Membership.objects.filter(
        community_id__in=community_ids,
        role=Role.MEMBER,
        user__is_active=True,
        joined_at__gte=now - NEW_MEMBERS_WITHIN,
    ).filter(~Exists(welcomed))


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


def nudge_day(email_settings, now: datetime) -> date | None:
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


def facilitator_nudges_queue(now: datetime | None = None) -> int:
    """Queue today's nudge e-mail for each facilitator whose hour it is and who has something
    to look at. Run hourly; the outbox key `nudge-<user>-<local date>` makes a second run in
    the same hour (or a retried task) queue nothing. Returns how many were queued."""
    now = now or timezone.now()
    communities_of: dict[int, set[int]] = defaultdict(set)
    for user_id, community_id in Membership.objects.filter(
        role__in=MODERATOR_ROLES, user__is_active=True
    ).values_list("user_id", "community_id"):
        communities_of[user_id].add(community_id)
    if not communities_of:
        return 0
    email_settings = preferences.settings_for_many(communities_of)
    due = {
        user_id: day
        for user_id, s in email_settings.items()
        if (day := nudge_day(s, now)) is not None
    }
    if not due:
        return 0
    already = set(
        OutboundEmail.objects.filter(
            key__in=[nudge_key(user_id, day) for user_id, day in due.items()]
        ).values_list("key", flat=True)
    )
    due = {uid: day for uid, day in due.items() if nudge_key(uid, day) not in already}
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


def verified_addresses(user_ids) -> dict[int, str]:
    """Each active person's address, for those whose address is verified."""
    verified = EmailAddress.objects.filter(
        user_id=OuterRef("pk"), verified=True, email__iexact=OuterRef("email")
    )
    return dict(
        User.objects.filter(pk__in=list(user_ids), is_active=True)
        .exclude(Q(email__isnull=True) | Q(email=""))
        .filter(Exists(verified))
        .values_list("pk", "email")
    )


# --- Writing: welcoming new members -------------------------------------------------------------


def welcome_thread(community: Community) -> Thread | None:
    """The community's welcome thread: a pinned, published team thread called "Welcome…"."""
    return (
        Thread.objects.filter(
            community=community,
            status=Thread.Status.PUBLISHED,
            is_pinned=True,
            as_team=True,
            is_locked=False,
            is_closed=False,
            title__istartswith="welcome",
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _names(people: list) -> str:
    mentions = [mention_markdown(person.public_name, person.pk) for person in people]
    if len(mentions) == 1:
        return mentions[0]
    return ", ".join(mentions[:-1]) + " and " + mentions[-1]


def welcome_body(people: list) -> str:
    return (
        f"Please welcome {_names(people)}, who joined us recently.\n\n"
        "Tell us a little about yourself when you are ready: what you work on, and what you "
        "hope to find or share here. Everyone else: do say hello."
    )


@transaction.atomic
def members_welcome(*, actor, community: Community, user_ids, submission_key: str = "") -> Post:
    """Welcome these new members in one post and record that they were welcomed.

    Replies in the community's welcome thread if it has one; otherwise starts one as the
    facilitation team and pins it, so the next welcome goes there. The same submission key
    twice returns the first post. Raises `ValidationError` when nobody chosen is a member
    waiting to be welcomed (for example, another facilitator has just welcomed them).
    """
    if not community_permissions.can_moderate(actor, community):
        raise PermissionDenied("Only the community's facilitators can do this.")
    ids = {int(uid) for uid in user_ids}
    # Lock the members' rows: a second click waits here, then finds the first one's post.
    memberships = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(community=community, user_id__in=ids, role=Role.MEMBER, user__is_active=True)
        .order_by("pk")
    )
    if submission_key:
        existing = (
            Post.objects.select_related("thread__community")
            .filter(author=actor, submission_key=submission_key)
            .first()
        )
        if existing:
            return existing
    welcomed = set(
        Welcome.objects.filter(
            community=community, user_id__in=[m.user_id for m in memberships]
        ).values_list("user_id", flat=True)
    )
    people = list(
        User.objects.filter(
            pk__in=[m.user_id for m in memberships if m.user_id not in welcomed]
        ).order_by("display_name", "pk")
    )
    if not people:
        raise ValidationError("Choose new members who have not been welcomed yet.")
    body = welcome_body(people)
    thread = welcome_thread(community)
    if thread is not None:
        thread.community = community
        post = forum_posts.post_reply(
            actor=actor, thread=thread, body=body, submission_key=submission_key, as_team=True
        )
    else:
        post = _welcome_thread_start(actor, community, body, submission_key)
    Welcome.objects.bulk_create(
        [Welcome(community=community, user=person, welcomed_by=actor) for person in people],
        ignore_conflicts=True,
    )
    return post


def _welcome_thread_start(actor, community: Community, body: str, submission_key: str) -> Post:
    categories = list(Category.objects.filter(community=community))
    if not categories:
        raise ValidationError("The forum has no categories yet: add one in the forum settings.")
    by_slug = {category.slug: category for category in categories}
    category = next(
        (by_slug[slug] for slug in WELCOME_CATEGORY_SLUGS if slug in by_slug), categories[0]
    )
    thread = forum_threads.thread_create(
        actor=actor,
        community=community,
        category=category,
        title=WELCOME_THREAD_TITLE,
        body=body,
        submission_key=submission_key,
        as_team=True,
    )
    if not thread.is_pinned:
        forum_threads.thread_set_state(actor=actor, thread=thread, is_pinned=True)
    return Post.objects.select_related("thread__community").opening(thread).first()


# --- Writing: broadcasts ------------------------------------------------------------------------


def broadcast_recipients(community: Community) -> QuerySet:
    """Memberships of active people with a verified address who have not turned this
    community's e-mails off (turning all e-mail off does that for each community)."""
    verified = EmailAddress.objects.filter(
        user_id=OuterRef("user_id"), verified=True, email__iexact=OuterRef("user__email")
    )
    turned_off = CommunityEmailSetting.objects.filter(
        user_id=OuterRef("user_id"), community_id=community.pk, delivery=Delivery.OFF
    )
    return (
        Membership.objects.filter(community=community, user__is_active=True)
        .exclude(Q(user__email__isnull=True) | Q(user__email=""))
        .filter(Exists(verified))
        .filter(~Exists(turned_off))
    )


def broadcasts_per_day() -> int:
    return getattr(settings, "COPSITE_BROADCASTS_PER_DAY", BROADCASTS_PER_DAY)


def broadcasts_sent_today(community: Community) -> int:
    """Announcements the community sent in the last 24 hours (the day's limit counts these)."""
    since = timezone.now() - timedelta(days=1)
    return Broadcast.objects.filter(community=community, created_at__gte=since).count()


def broadcast_create(
    *, actor, community: Community, subject: str, body: str, submission_key: str = ""
) -> Broadcast:
    """Record an announcement and queue one e-mail per recipient (sent after commit).

    The same submission key twice returns the first broadcast. Raises `ValidationError` when
    the subject or body is empty, nobody would receive it, or the community has already sent
    its broadcasts for today (nothing is recorded then, so the form can be sent again later).
    """
    if not community_permissions.can_moderate(actor, community):
        raise PermissionDenied("Only the community's facilitators can send announcements.")
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise ValidationError("Give the announcement a subject and a message.")
    with transaction.atomic():
        # One announcement at a time per community: a double click, or two facilitators at
        # once, cannot both pass the day's limit or both be sent.
        # no_key: threads, joins and the like that point at the community are not held up.
        Community.objects.select_for_update(no_key=True).filter(pk=community.pk).first()
        if submission_key:
            existing = Broadcast.objects.filter(author=actor, submission_key=submission_key)
            if existing := existing.first():
                return existing
        recipients = list(broadcast_recipients(community).values_list("user_id", "user__email"))
        if not recipients:
            raise ValidationError("Nobody would get this: no member can receive e-mail from here.")
        limit = broadcasts_per_day()
        if broadcasts_sent_today(community) >= limit:
            raise ValidationError(
                f"{community.name} has sent {limit} announcements today, the most for one day. "
                "Send this one tomorrow: what you wrote is still here."
            )
        try:
            with transaction.atomic():
                broadcast = Broadcast.objects.create(
                    community=community,
                    author=actor,
                    subject=subject[:150],
                    body=body,
                    recipient_count=len(recipients),
                    submission_key=submission_key,
                )
        except IntegrityError:  # the same submission raced in from another community's form
            return Broadcast.objects.get(author=actor, submission_key=submission_key)
        email_queue_group(
            kind="broadcast",
            group_key=broadcast.group_key,
            emails=[
                QueuedEmail(
                    key=f"broadcast-{broadcast.pk}-{user_id}",
                    to_address=address,
                    recipient_id=user_id,
                    payload={"broadcast_id": broadcast.pk, "user_id": user_id},
                )
                for user_id, address in recipients
            ],
        )
    return broadcast


@dataclass
class DeliveryCounts:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.skipped + self.waiting


def delivery_counts(broadcasts: list[Broadcast]) -> dict[int, DeliveryCounts]:
    """Sent / failed / not sent / waiting for each broadcast, from its outbox rows (one query)."""
    counts = {broadcast.pk: DeliveryCounts() for broadcast in broadcasts}
    by_key = {broadcast.group_key: broadcast.pk for broadcast in broadcasts}
    if not by_key:
        return counts
    Status = OutboundEmail.Status
    for row in (
        OutboundEmail.objects.filter(group_key__in=list(by_key))
        .values("group_key", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tally = counts[by_key[row["group_key"]]]
        if row["status"] == Status.SENT:
            tally.sent += row["n"]
        elif row["status"] == Status.FAILED:
            tally.failed += row["n"]
        elif row["status"] == Status.SKIPPED:
            tally.skipped += row["n"]
        else:
            tally.waiting += row["n"]
    return counts
