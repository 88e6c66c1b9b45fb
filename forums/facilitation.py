"""What the forum gives the facilitators' page (`facilitation`): three "needs attention"
providers (threads nobody has answered, reported posts, a community gone quiet) and the writer
that posts one-click welcomes in the community's welcome thread.

Each provider answers for every community at once in one query (decision 18's nudges, now
registered here by the app that owns the data: `facilitation.attention`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Community
from copsite.ranking import first_per_community
from facilitation.attention import Attention, AttentionProvider, attention_providers
from facilitation.welcomes import WelcomePosted, WelcomeWriter, welcome_writers

from .models import Category, Flag, Post, Thread
from .services import posts as forum_posts
from .services import threads as forum_threads

UNANSWERED_AFTER = timedelta(hours=48)
# Older questions have gone stale: nudging about them every day would only be noise.
UNANSWERED_WITHIN = timedelta(days=30)
QUIET_AFTER = timedelta(days=14)
THREADS_SHOWN = 5  # unanswered threads listed per community (the total is given too)
# Written in the language of the facilitator who starts the thread.
WELCOME_THREAD_TITLE = gettext_lazy("Welcome to our new members")
WELCOME_CATEGORY_SLUGS = ("off-topic", "introductions", "welcome")


# --- Needs attention ----------------------------------------------------------------------------


def unanswered_threads(communities: QuerySet[Community], now: datetime) -> dict:
    """Published, open threads between UNANSWERED_AFTER and UNANSWERED_WITHIN old with no
    reply: the oldest THREADS_SHOWN per community and the total (one query)."""
    unanswered = Thread.objects.filter(
        community_id__in=communities.values("pk"),
        status=Thread.Status.PUBLISHED,
        reply_count=0,
        is_locked=False,
        is_closed=False,
        created_at__lte=now - UNANSWERED_AFTER,
        created_at__gt=now - UNANSWERED_WITHIN,
    ).select_related("community")  # for each thread's address
    threads: dict[int, list[Thread]] = {}
    totals: dict[int, int] = {}
    ranked = first_per_community(unanswered, [F("created_at").asc(), F("pk").asc()], THREADS_SHOWN)
    for thread in ranked:
        threads.setdefault(thread.community_id, []).append(thread)
        totals[thread.community_id] = thread.community_total
    return {
        community_id: Attention(
            count=totals[community_id],
            fields={"unanswered": shown, "unanswered_total": totals[community_id]},
        )
        for community_id, shown in threads.items()
    }


def reported_posts(communities: QuerySet[Community], now: datetime) -> dict:
    """Posts with an open report per community, and the oldest report's date (one query)."""
    found = {}
    for row in (
        Flag.objects.filter(
            resolution=Flag.Resolution.OPEN,
            post__thread__community_id__in=communities.values("pk"),
        )
        .values(community=F("post__thread__community_id"), slug=F("post__thread__community__slug"))
        .annotate(posts=Count("post_id", distinct=True), oldest=Min("created_at"))
        .order_by()
    ):
        found[row["community"]] = Attention(
            count=row["posts"],
            fields={
                "reported_total": row["posts"],
                "oldest_report_at": row["oldest"],
                "review_url": reverse("forums:review", args=[row["slug"]]),
            },
        )
    return found


def gone_quiet(communities: QuerySet[Community], now: datetime) -> dict:
    """Communities where nobody has posted (a visible post in a published thread) for
    QUIET_AFTER, counting from the community's creation, unless a thread is scheduled: a
    facilitator has acted already (one query)."""
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
    found = {}
    for pk, slug, created_at, last_post_at, has_scheduled in communities.annotate(
        last_post_at=Subquery(newest), has_scheduled=Exists(scheduled)
    ).values_list("pk", "slug", "created_at", "last_post_at", "has_scheduled"):
        quiet_since = last_post_at or created_at
        if quiet_since <= now - QUIET_AFTER and not has_scheduled:
            found[pk] = Attention(
                count=1,
                fields={
                    "quiet_since": quiet_since,
                    "quiet_days": (now - quiet_since).days,
                    "start_thread_url": reverse("forums:thread-start", args=[slug]),
                },
            )
    return found


UNANSWERED = AttentionProvider(
    key="unanswered-threads",
    order=10,
    collect=unanswered_threads,
    empty={"unanswered": [], "unanswered_total": 0},
    page_template="forums/facilitation/unanswered.html",
    email_template="forums/facilitation/unanswered_email.html",
    text_template="forums/facilitation/unanswered.txt",
    context={"unanswered_hours": int(UNANSWERED_AFTER.total_seconds() // 3600)},
)
REPORTED = AttentionProvider(
    key="reported-posts",
    order=40,
    collect=reported_posts,
    empty={"reported_total": 0, "oldest_report_at": None, "review_url": ""},
    page_template="forums/facilitation/reported.html",
    email_template="forums/facilitation/reported_email.html",
    text_template="forums/facilitation/reported.txt",
)
QUIET = AttentionProvider(
    key="gone-quiet",
    order=50,
    collect=gone_quiet,
    empty={"quiet_since": None, "quiet_days": 0, "start_thread_url": ""},
    page_template="forums/facilitation/quiet.html",
    email_template="forums/facilitation/quiet_email.html",
    text_template="forums/facilitation/quiet.txt",
    context={"quiet_days": QUIET_AFTER.days},
)


# --- Welcomes -----------------------------------------------------------------------------------


def _welcome_titles() -> Q:
    """A title starting "Welcome", or the welcome thread's title in any of the site's languages
    (a facilitator browsing in Welsh starts it in Welsh)."""
    titles = Q(title__istartswith="welcome")
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles |= Q(title__iexact=str(WELCOME_THREAD_TITLE))
    return titles


def welcome_thread(community: Community) -> Thread | None:
    """The community's welcome thread: a pinned, published team thread called "Welcome…"
    (or the welcome thread's title in another of the site's languages)."""
    return (
        Thread.objects.filter(
            community=community,
            status=Thread.Status.PUBLISHED,
            is_pinned=True,
            as_team=True,
            is_locked=False,
            is_closed=False,
        )
        .filter(_welcome_titles())
        .order_by("-created_at", "-pk")
        .first()
    )


def _posted(post: Post) -> WelcomePosted:
    return WelcomePosted(title=post.thread.title, url=post.get_absolute_url())


def earlier_welcome(actor, submission_key: str) -> WelcomePosted | None:
    """The post this person made with this submission key, if any."""
    post = (
        Post.objects.select_related("thread__community")
        .filter(author=actor, submission_key=submission_key)
        .first()
    )
    return _posted(post) if post else None


def post_welcome(*, actor, community: Community, body: str, submission_key: str) -> WelcomePosted:
    """Reply as the team in the community's welcome thread, or start and pin one."""
    thread = welcome_thread(community)
    if thread is not None:
        thread.community = community
        post = forum_posts.post_reply(
            actor=actor, thread=thread, body=body, submission_key=submission_key, as_team=True
        )
    else:
        post = _welcome_thread_start(actor, community, body, submission_key)
    return _posted(post)


def _welcome_thread_start(actor, community: Community, body: str, submission_key: str) -> Post:
    categories = list(Category.objects.filter(community=community))
    if not categories:
        raise ValidationError(_("The forum has no categories yet: add one in the forum settings."))
    by_slug = {category.slug: category for category in categories}
    category = next(
        (by_slug[slug] for slug in WELCOME_CATEGORY_SLUGS if slug in by_slug), categories[0]
    )
    thread = forum_threads.thread_create(
        actor=actor,
        community=community,
        category=category,
        title=str(WELCOME_THREAD_TITLE),
        body=body,
        submission_key=submission_key,
        as_team=True,
    )
    if not thread.is_pinned:
        forum_threads.thread_set_state(actor=actor, thread=thread, is_pinned=True)
    post = Post.objects.select_related("thread__community").opening(thread).first()
    assert post is not None  # thread_create wrote it
    return post


WELCOME_WRITER = WelcomeWriter(
    key="forum-welcome-thread", order=10, earlier=earlier_welcome, post=post_welcome
)


def register_facilitation() -> None:
    for provider in (UNANSWERED, REPORTED, QUIET):
        attention_providers.register(provider)
    welcome_writers.register(WELCOME_WRITER)
