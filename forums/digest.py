"""The forum's part of the digest: new threads, replies people found helpful, answered questions.

Each section makes one query for the whole batch: visible posts of published threads in the
communities somebody in the batch follows for this digest, since the earliest window in the
batch. `notifications.digests.items_per_user` then gives each person what falls in their own
window, in communities they follow, that `permissions.can_view_thread` lets them see now
(answered from the memberships the batch read when it ran), never their own posts.

Also describes forum posts in bulk for the digest's "For you" section.

Windows: a thread is new when it was created (scheduled threads are created at their publish
time) in the window; a reply is "found helpful" when it got a reaction in the window (ranked
by reactions in the batch's widest window); an answer counts from when its
`forum.answer_accepted` event was processed, a moment after it was accepted, so each answer
falls into exactly one window.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    F,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from communities.models import Community
from notifications.digests import (
    Candidate,
    Described,
    DigestBatch,
    DigestItem,
    bulk_target_describer,
    items_per_user,
    lazy_excerpt,
    public_name,
    register_digest_section,
    views_per_community,
)
from notifications.models import DomainEvent
from notifications.targets import TargetView

from . import permissions
from .models import TEAM_NAME, Post, Reaction, Thread

THREAD_FIELDS = (
    "id", "title", "status", "as_team", "created_at", "reply_count", "community", "author",
    "community__id", "community__name", "community__language", "community__translated_name",
    "community__slug", "community__visibility",
    "author__id", "author__display_name", "author__deleted_at",
)  # fmt: skip


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


@functools.lru_cache(maxsize=16384)
def _post_path(community_slug: str, post_id: int) -> str:
    """`Post.get_absolute_url` from a row's columns."""
    return reverse("forums:post", kwargs={"slug": community_slug, "post_id": post_id})


# Lazy: made only for the posts a digest shows (builders find far more).
_post_url = lazy(_post_path, str)
_absolute_post_url = lazy(
    lambda community_slug, post_id: settings.SITE_URL + _post_path(community_slug, post_id), str
)


def _replies(count: int) -> str:
    return ngettext("%(count)s reply", "%(count)s replies", count) % {"count": count}


def _reactions(count: int) -> str:
    return ngettext("%(count)s reaction", "%(count)s reactions", count) % {"count": count}


def _shown_posts():
    return Post.objects.filter(status=Post.Status.VISIBLE, thread__status=Thread.Status.PUBLISHED)


# --- New threads ---------------------------------------------------------------------------------


def new_threads(batch: DigestBatch) -> dict[int, list[DigestItem]]:
    """Threads started in the window, the busiest first."""
    opening = Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "pk")
    threads = (
        Thread.objects.filter(
            status=Thread.Status.PUBLISHED,
            community_id__in=batch.followed_community_ids,
            created_at__gt=batch.earliest,
            created_at__lte=batch.until,
        )
        .select_related("community", "author")
        .only(*THREAD_FIELDS)
        .annotate(
            opening_id=Subquery(opening.values("pk")[:1]),
            opening_body=Subquery(opening.values("body")[:1]),
            opening_status=Subquery(opening.values("status")[:1]),
        )
        .order_by("-reply_count", "-created_at", "-pk")
    )
    candidates = []
    for thread in threads:
        shown = thread.opening_status == Post.Status.VISIBLE
        starter = str(TEAM_NAME) if thread.as_team else thread.author.public_name
        item = DigestItem(
            key=f"forum.post:{thread.opening_id}",
            title=thread.title,
            url=_absolute(thread.get_absolute_url()),
            community_id=thread.community_id,
            community_name=thread.community.name,
            byline=_("Started by %(name)s") % {"name": starter},
            detail=_replies(thread.reply_count) if thread.reply_count else "",
            excerpt=lazy_excerpt(thread.opening_body) if shown else "",
        )
        candidates.append(
            Candidate(
                community_id=thread.community_id,
                when=thread.created_at,
                item=item,
                subject=thread,
                author_id=thread.author_id,
            )
        )
    # Every candidate is a published thread: the forum's rules come down to the community.
    return items_per_user(batch, candidates, permissions.can_view_thread, per_community=True)


# --- Replies people found helpful ----------------------------------------------------------------


POST_COLUMNS = (
    "pk", "body", "as_team", "author_id", "author__display_name", "author__deleted_at",
    "thread_id", "thread__title", "thread__author_id", "thread__community_id",
    "thread__community__name", "thread__community__slug", "thread__community__visibility",
)  # fmt: skip


class _PostRow(NamedTuple):
    """A visible post of a published thread, read as a row (a batch reads thousands)."""

    pk: int
    body: str
    as_team: bool
    author_id: int
    author_display_name: str
    author_deleted_at: datetime | None
    thread_id: int
    thread_title: str
    thread_author_id: int
    community_id: int
    community_name: str
    community_slug: str
    community_visibility: str


class _FromRows:
    """Threads (with their community) and authors' names built from rows, once each, for the
    access checks and bylines."""

    def __init__(self) -> None:
        self.communities: dict[int, Community] = {}
        self.threads: dict[int, Thread] = {}
        self.names: dict[int, str] = {}

    def thread(self, row: _PostRow) -> Thread:
        if row.thread_id not in self.threads:
            if row.community_id not in self.communities:
                self.communities[row.community_id] = Community(
                    pk=row.community_id,
                    name=row.community_name,
                    slug=row.community_slug,
                    visibility=row.community_visibility,
                )
            self.threads[row.thread_id] = Thread(
                pk=row.thread_id,
                title=row.thread_title,
                status=Thread.Status.PUBLISHED,
                author_id=row.thread_author_id,
                community=self.communities[row.community_id],
            )
        return self.threads[row.thread_id]

    def byline(self, row: _PostRow) -> str:
        """`Post.byline`: a team post never names its facilitator."""
        if row.as_team:
            return str(TEAM_NAME)
        if row.author_id not in self.names:
            self.names[row.author_id] = public_name(
                row.author_id, row.author_display_name, row.author_deleted_at
            )
        return self.names[row.author_id]


def popular_replies(batch: DigestBatch) -> dict[int, list[DigestItem]]:
    """Replies (not opening posts) that got reactions in the window, the most reacted first."""
    in_window = Q(reactions__created_at__gt=batch.earliest, reactions__created_at__lte=batch.until)
    reacted = Reaction.objects.filter(
        created_at__gt=batch.earliest, created_at__lte=batch.until
    ).values("post_id")
    rows = (
        _shown_posts()
        .filter(
            pk__in=reacted,  # from the window's reactions, not from every post
            thread__community_id__in=batch.followed_community_ids,
            created_at__gt=F("thread__created_at"),
        )
        .annotate(
            reaction_count=Count("reactions", filter=in_window),
            last_reaction_at=Max("reactions__created_at", filter=in_window),
        )
        .order_by("-reaction_count", "-last_reaction_at", "-pk")
        .values_list("reaction_count", "last_reaction_at", *POST_COLUMNS)
    )
    built = _FromRows()
    candidates = []
    for count, last_reaction_at, *columns in rows:
        row = _PostRow(*columns)
        item = DigestItem(
            key=f"forum.post:{row.pk}",
            # Translators: a reply's title in a digest, as in e-mail ("Re: " and the thread's).
            title=_("Re: %(title)s") % {"title": row.thread_title},
            url=_absolute_post_url(row.community_slug, row.pk),
            community_id=row.community_id,
            community_name=row.community_name,
            byline=_("Reply by %(name)s") % {"name": built.byline(row)},
            detail=_reactions(count),
            excerpt=lazy_excerpt(row.body),
        )
        candidates.append(
            Candidate(
                community_id=row.community_id,
                when=last_reaction_at,
                item=item,
                subject=built.thread(row),
                author_id=row.author_id,
            )
        )
    # Visible posts of published threads: the forum's rules come down to the community.
    return items_per_user(batch, candidates, permissions.can_view_thread, per_community=True)


# --- Answered questions --------------------------------------------------------------------------

ANSWER_EVENT = "forum.answer_accepted"


def accepted_answers(batch: DigestBatch) -> dict[int, list[DigestItem]]:
    """Replies accepted as the answer in the window (and still the answer), newest first."""
    accepted = DomainEvent.objects.filter(
        kind=ANSWER_EVENT, processed_at__gt=batch.earliest, processed_at__lte=batch.until
    ).annotate(post_id=Cast(KeyTextTransform("post_id", "payload"), BigIntegerField()))
    # The event's key is `forum-answer-<thread id>-<post id>` (forums.notifications).
    accepted_at = DomainEvent.objects.filter(
        kind=ANSWER_EVENT,
        key=Concat(
            Value("forum-answer-"),
            Cast(OuterRef("thread_id"), CharField()),
            Value("-"),
            Cast(OuterRef("pk"), CharField()),
            output_field=CharField(),
        ),
    ).values("processed_at")[:1]
    rows = (
        _shown_posts()
        .filter(
            pk__in=accepted.values("post_id"),
            thread__community_id__in=batch.followed_community_ids,
            thread__answer=F("pk"),
        )
        .annotate(accepted_at=Subquery(accepted_at))
        .order_by("-accepted_at", "-pk")
        .values_list("accepted_at", *POST_COLUMNS)
    )
    built = _FromRows()
    candidates = []
    for accepted_when, *columns in rows:
        row = _PostRow(*columns)
        item = DigestItem(
            key=f"forum.post:{row.pk}",
            title=row.thread_title,
            url=_absolute_post_url(row.community_slug, row.pk),
            community_id=row.community_id,
            community_name=row.community_name,
            byline=_("Answer by %(name)s") % {"name": built.byline(row)},
            excerpt=lazy_excerpt(row.body),
        )
        candidates.append(
            Candidate(
                community_id=row.community_id,
                when=accepted_when,
                item=item,
                subject=built.thread(row),
                author_id=row.author_id,
            )
        )
    return items_per_user(batch, candidates, permissions.can_view_thread, per_community=True)


register_digest_section(
    "forum.threads",
    new_threads,
    order=20,
    heading=gettext_lazy("New threads"),
    # Translators: said after a number in a digest's subject ("3 new threads").
    noun=ngettext_lazy("%(count)s new thread", "%(count)s new threads", "count"),
    limit=10,
    more_url_name="forums:mine",
)
register_digest_section(
    "forum.replies",
    popular_replies,
    order=40,
    heading=gettext_lazy("Replies people found helpful"),
    noun=ngettext_lazy("%(count)s popular reply", "%(count)s popular replies", "count"),
    limit=5,
    more_url_name="forums:mine",
)
register_digest_section(
    "forum.answers",
    accepted_answers,
    order=30,
    heading=gettext_lazy("Questions answered"),
    noun=ngettext_lazy("%(count)s accepted answer", "%(count)s accepted answers", "count"),
    limit=5,
    more_url_name="forums:mine",
)


# --- "For you": forum targets for a whole batch --------------------------------------------------


def _posts_by_id(ids: set[int]) -> dict[int, Post]:
    fields = (
        "id", "body", "status", "thread", "thread__id", "thread__title", "thread__community",
        "thread__community__id", "thread__community__name", "thread__community__language",
        "thread__community__translated_name", "thread__community__slug",
        "thread__community__visibility",
    )  # fmt: skip
    return {
        post.pk: post
        for post in Post.objects.select_related("thread__community")
        .only(*fields)
        .filter(pk__in=ids)
    }


@bulk_target_describer("forum.post")
def describe_posts_for_batch(
    batch: DigestBatch, wanted: dict[int, set[int]]
) -> dict[int, dict[int, TargetView]]:
    """`forums.notifications.describe_posts` for a batch: one query, read as rows. Only
    visible posts of published threads are read, so the forum's rules come down to the
    community: asked once per person and community."""
    rows = _shown_posts().filter(pk__in=set().union(*wanted.values())).values_list(*POST_COLUMNS)
    built = _FromRows()
    found: dict[int, Described] = {}
    for columns in rows:
        row = _PostRow(*columns)
        found[row.pk] = Described(
            community_id=row.community_id,
            subject=built.thread(row),
            view=TargetView(
                title=row.thread_title,
                url=_post_url(row.community_slug, row.pk),
                excerpt=lazy_excerpt(row.body),
                community_name=row.community_name,
            ),
        )
    return views_per_community(batch, wanted, found, permissions.can_view_thread)


@bulk_target_describer("forum.review")
def describe_reported_posts_for_batch(
    batch: DigestBatch, wanted: dict[int, set[int]]
) -> dict[int, dict[int, TargetView]]:
    """`forums.notifications.describe_reported_posts` for a batch: one query."""
    posts = _posts_by_id(set().union(*wanted.values()))
    result = {}
    for user_id, post_ids in wanted.items():
        user = batch.users_by_id[user_id]
        result[user_id] = mine = {}
        for post_id in post_ids:
            post = posts.get(post_id)
            if post is None or not permissions.can_moderate(user, post.thread.community):
                continue
            community = post.thread.community
            mine[post_id] = TargetView(
                title=post.thread.title,
                url=reverse("forums:flag-resolve", args=[community.slug, post.pk]),
                excerpt=lazy_excerpt(post.body),
                community_name=community.name,
            )
    return result
