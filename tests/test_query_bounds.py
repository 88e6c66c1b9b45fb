"""Query-count bounds for the pages no other test bounds (the rule: every list and detail page
has one). Each test builds a few rows of what its pages show, visits every page, builds more,
and visits again: each page stays within its bound both times and costs no more queries with
more rows.

The other pages' bounds live with their features: tests/forums (forum, thread, latest, review
queue, forum settings, merge, split, post history, feeds page, forum feeds), tests/blogs (blog,
blog tag, post, latest, author, site tag, feeds page, a blog's feed), tests/communities
(directory, home, member list, admin requests, members and invitations), tests/accounts
(profile), tests/notifications (notifications), tests/facilitation (facilitation page) and
tests/pages (home page).
Here, forms about a row (a thread, a post, a comment, a category) count as detail pages.
Redirects, POST-only actions, file downloads and the health check have no bound."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.feeds import feed_token_for
from blogs import services as blog_services
from communities import services as community_services
from communities.models import Role, Visibility
from communities.permissions import forget_access
from facilitation import broadcasts as facilitation
from forums.models import Category, Thread
from forums.services import categories as forum_categories
from forums.services import posts as forum_posts
from notifications import unsubscribe
from notifications.models import OutboundEmail
from tests.blogs.conftest import make_post
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
    make_thread,
)

pytestmark = pytest.mark.django_db

# Rows before, and rows added before the second visit: under every page size, so the rows added
# are on the page (each test checks the newest is).
FEW, MORE = 2, 6

_numbers = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix} {next(_numbers)}"


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    """Tests post and announce far faster than people (the limits have their own tests); feeds
    carry whole posts, the costlier choice."""
    settings.COPSITE_POSTS_PER_MINUTE = 10_000
    settings.COPSITE_BROADCASTS_PER_DAY = 1_000
    settings.COPSITE_BLOG_COMMENTS_CLOSE_AFTER_DAYS = 30
    settings.COPSITE_BLOG_FEEDS_FULL_CONTENT = True
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Visit:
    client: Client
    url: str
    bound: int
    shows: Callable[[], str] | None


@dataclass
class Pages:
    """The pages a test bounds: `add` each, then `check(grow)`."""

    assert_max_num_queries: Callable
    visits: list[Visit] = field(default_factory=list)

    def add(
        self, client: Client, url: str, bound: int, shows: Callable[[], str] | None = None
    ) -> None:
        """`shows()` is text the page must carry once the rows have grown (the newest row)."""
        self.visits.append(Visit(client, url, bound, shows))

    def _measure(self) -> dict[str, tuple[int, str]]:
        measured = {}
        for visit in self.visits:
            with (
                self.assert_max_num_queries(visit.bound),
                CaptureQueriesContext(connection) as queries,
            ):
                response = visit.client.get(visit.url)
            assert response.status_code == 200, f"{visit.url} answered {response.status_code}"
            measured[visit.url] = (len(queries), response.content.decode())
        return measured

    def check(self, grow: Callable[[], None]) -> None:
        """Visit each page once unmeasured (a first visit makes feed keys and read marks), then
        measure, `grow()`, measure again."""
        for visit in self.visits:
            visit.client.get(visit.url)
        before = self._measure()
        grow()
        after = self._measure()
        grew = {
            url: f"{before[url][0]} -> {after[url][0]} queries"
            for url in after
            if after[url][0] > before[url][0]
        }
        assert not grew, f"query counts grew with the rows: {grew}"
        missing = {
            visit.url: visit.shows()
            for visit in self.visits
            if visit.shows and visit.shows() not in after[visit.url][1]
        }
        assert not missing, f"the newest rows are not on these pages: {missing}"


@pytest.fixture
def pages(django_assert_max_num_queries) -> Pages:
    return Pages(django_assert_max_num_queries)


def forum_url(name: str, community, *args) -> str:
    return reverse(f"forums:{name}", args=[community.slug, *args])


# --- Forum: lists ------------------------------------------------------------------------------


def test_category_my_communities_bookmarks_and_mention_lists_do_not_grow(pages):
    """A category's threads, threads in my communities, my bookmarks and the mention picker,
    for a facilitator (who sees held and scheduled threads too)."""
    community = CommunityFactory()
    category = Category.objects.filter(community=community).first()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    newest = {}

    def grow(rows: int) -> None:
        for _ in range(rows):
            newest["thread"] = unique("Thread")
            thread = make_thread(
                community=community, category=category, title=newest["thread"], replies=1
            )
            forum_posts.bookmark_toggle(actor=facilitator, post=thread.posts.last())
            elsewhere = MembershipFactory(user=facilitator).community
            forget_access(facilitator)
            newest["elsewhere"] = unique("Elsewhere")
            make_thread(community=elsewhere, title=newest["elsewhere"], replies=1)
            newest["person"] = unique("Sam")
            MembershipFactory(community=community, user__display_name=newest["person"])

    grow(FEW)
    reader = signed_in(facilitator)
    pages.add(reader, forum_url("category", community, category.slug), 15, lambda: newest["thread"])
    pages.add(reader, reverse("forums:mine"), 9, lambda: newest["elsewhere"])
    pages.add(reader, reverse("forums:bookmarks"), 9, lambda: newest["thread"])
    pages.add(
        reader, forum_url("mention-search", community) + "?q=Sam", 10, lambda: newest["person"]
    )
    pages.check(lambda: grow(MORE))


# --- Forum: a thread's and a post's pages, as a facilitator --------------------------------------


def test_thread_post_and_category_pages_do_not_grow(pages):
    """Starting a thread, replying (quoting), editing, deleting, reporting, hiding, a post's
    reports, moving a thread, cancelling a scheduled one, categories and posting bans: with more
    replies, reports, categories, threads and members."""
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    category = Category.objects.filter(community=community).first()
    thread = make_thread(community=community, author=facilitator, category=category, replies=1)
    opening, reply = thread.posts.order_by("created_at", "pk")
    scheduled = make_thread(
        community=community,
        author=facilitator,
        title="Later",
        publish_at=timezone.now() + timedelta(days=3),
    )
    assert scheduled.status == Thread.Status.SCHEDULED
    newest = {}

    def grow(rows: int) -> None:
        for _ in range(rows):
            newest["member"] = unique("Member")
            member = MembershipFactory(
                community=community, user__display_name=newest["member"]
            ).user
            forum_posts.post_reply(actor=member, thread=thread, body=unique("Reply"))
            forum_posts.flag_create(actor=member, post=reply, reason="spam")
            newest["category"] = unique("Topic")
            added = forum_categories.category_create(
                actor=facilitator, community=community, name=newest["category"]
            )
            make_thread(community=community, category=category, title=unique("Also here"))
            make_thread(community=community, category=added, title=unique("In the new one"))

    grow(FEW)
    reader = signed_in(facilitator)
    category_named = lambda: newest["category"]  # noqa: E731
    member_named = lambda: newest["member"]  # noqa: E731
    start = forum_url("thread-start", community) + f"?category={category.slug}"
    pages.add(reader, start, 14, category_named)
    pages.add(reader, forum_url("reply", community, thread.pk) + f"?quote={reply.pk}", 14)
    pages.add(reader, forum_url("post-edit", community, opening.pk), 12)
    pages.add(reader, forum_url("post-delete", community, reply.pk), 9)
    pages.add(reader, forum_url("post-flag", community, reply.pk), 9)
    pages.add(reader, forum_url("post-hide", community, reply.pk), 9)
    pages.add(reader, forum_url("flag-resolve", community, reply.pk), 10, member_named)
    pages.add(reader, forum_url("thread-move", community, thread.pk), 11, category_named)
    pages.add(reader, forum_url("scheduled-thread-cancel", community, scheduled.pk), 9)
    pages.add(reader, forum_url("category-create", community), 8)
    pages.add(reader, forum_url("category-edit", community, category.pk), 9)
    pages.add(reader, forum_url("category-delete", community, category.pk), 11)
    pages.add(reader, forum_url("posting-ban-create", community), 9, member_named)
    pages.add(reader, forum_url("image-upload", community), 11)
    pages.check(lambda: grow(MORE))


# --- Blog: comments' pages and "Write a post", as a facilitator -----------------------------------


def test_comment_pages_and_the_write_page_do_not_grow(pages):
    """Replying to, editing, deleting and hiding a comment, and "Write a post": with more
    comments, replies and posts."""
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    blog_services.writer_enrol(actor=facilitator, community=community)
    author = MembershipFactory(community=community).user
    post = make_post(community, author, title="Damp", tags=["damp"])
    commenter = MembershipFactory(community=community).user
    theirs = blog_services.comment_create(actor=commenter, post=post, body="First")
    mine = blog_services.comment_create(actor=facilitator, post=post, body="Mine")

    def grow(rows: int) -> None:
        for _ in range(rows):
            person = MembershipFactory(community=community).user
            comment = blog_services.comment_create(actor=person, post=post, body=unique("Comment"))
            blog_services.comment_create(actor=author, post=post, body="Thanks", parent=comment)
            blog_services.comment_create(actor=person, post=post, body="Agreed", parent=theirs)
            make_post(community, author, title=unique("Another"), tags=["damp"])

    grow(FEW)
    reader = signed_in(facilitator)
    pages.add(reader, reverse("blogs:comment-reply", args=[theirs.pk]), 11)
    pages.add(reader, reverse("blogs:comment-edit", args=[mine.pk]), 11)
    pages.add(reader, reverse("blogs:comment-delete", args=[mine.pk]), 8)
    pages.add(reader, reverse("blogs:comment-hide", args=[theirs.pk]), 8)
    pages.add(reader, reverse("blogs:post-write", args=[community.slug]), 12)
    pages.check(lambda: grow(MORE))


# --- Blog feeds: a blog's tag, site-wide, tag, author, and the personal ones --------------------


def test_blog_feeds_do_not_grow_with_posts_or_communities(pages):
    """Every blog feed but a blog's own (tests/blogs/test_feeds.py), public and personal, with
    more posts (each with tags and a co-author) in more communities."""
    reader, author, co_author = UserFactory(), UserFactory(), UserFactory()
    open_blog = CommunityFactory(slug="open-blog")
    private = CommunityFactory(slug="private-blog", visibility=Visibility.PRIVATE)
    MembershipFactory(community=private, user=reader)
    for community in (open_blog, private):
        for person in (author, co_author):
            MembershipFactory(community=community, user=person)
    newest = {}

    def post_in(community) -> str:
        title = unique("Post")
        make_post(community, author, title=title, tags=["damp", unique("topic")],
                  co_authors=[co_author])  # fmt: skip
        return title

    def grow(rows: int) -> None:
        for _ in range(rows):
            elsewhere = MembershipFactory(user=author).community
            MembershipFactory(community=elsewhere, user=co_author)
            forget_access(author)
            post_in(elsewhere)
            newest["open"] = post_in(open_blog)
            newest["private"] = post_in(private)

    grow(FEW)
    token = feed_token_for(reader)
    feed_reader = Client()  # feed readers send no cookies
    public = {
        "blog-tag-feed-rss": ["open-blog", "damp"],
        "feed-atom": [],
        "tag-feed-rss": ["damp"],
        "author-feed-atom": [author.pk],
    }
    personal = {
        "personal-feed-rss": [token],
        "personal-blog-feed-atom": [token, "private-blog"],
        "personal-blog-tag-feed-rss": [token, "private-blog", "damp"],
        "personal-tag-feed-atom": [token, "damp"],
        "personal-author-feed-rss": [token, author.pk],
    }
    for name, args in public.items():
        pages.add(feed_reader, reverse(f"blogs:{name}", args=args), 10, lambda: newest["open"])
    for name, args in personal.items():
        pages.add(feed_reader, reverse(f"blogs:{name}", args=args), 12, lambda: newest["private"])
    pages.check(lambda: grow(MORE))


# --- Admin screens: the communities and blogs someone facilitates or writes in -------------------


def test_admin_community_and_blog_screens_do_not_grow_with_communities(pages):
    owner = UserFactory()
    first = MembershipFactory(user=owner, role=Role.OWNER).community
    newest = {}

    def grow(rows: int) -> None:
        for _ in range(rows):
            newest["facilitated"] = unique("Facilitated")
            community = CommunityFactory(
                name=newest["facilitated"], visibility=Visibility.RESTRICTED
            )
            MembershipFactory(community=community, user=owner, role=Role.FACILITATOR)
            MembershipFactory(community=community)
            MembershipRequestFactory(community=community)
            newest["written"] = unique("Written in")
            written = CommunityFactory(name=newest["written"])
            MembershipFactory(community=written, user=owner)
            forget_access(owner)
            blog_services.writer_enrol(actor=owner, community=written)
            MembershipFactory(community=first)
            first.tags.add(unique("tag"))

    grow(FEW)
    reader = signed_in(owner)
    pages.add(reader, reverse("communities_admin:index"), 15, lambda: newest["facilitated"])
    pages.add(reader, reverse("communities_admin:edit", args=[first.pk]), 16)
    pages.add(reader, reverse("blogs_admin:index"), 15, lambda: newest["written"])
    pages.add(reader, reverse("blogs_admin:settings", args=[first.pk]), 16)
    pages.check(lambda: grow(MORE))


# --- Accounts, joining and leaving, site pages --------------------------------------------------


def test_account_joining_and_site_pages_do_not_grow(pages):
    """Forms and pages about one person or one community, with more members in the community,
    more communities in the person's menu and more tags. The home page's own bound
    (tests/pages) is for visitors; this one is for a member."""
    member, outsider = UserFactory(), UserFactory()
    staff = UserFactory(is_staff=True, is_superuser=True)
    member.expertise.add("housing")
    joinable = CommunityFactory(slug="joinable")
    requestable = CommunityFactory(slug="requestable", visibility=Visibility.RESTRICTED)
    mine = CommunityFactory(slug="mine")
    MembershipFactory(community=mine, user=member)
    owner = MembershipFactory(community=mine, role=Role.OWNER).user
    _, invitation = community_services.invitation_create(
        actor=owner, community=mine, email=outsider.email
    )
    newest = {}

    def grow(rows: int) -> None:
        for _ in range(rows):
            for community in (joinable, requestable, mine):
                MembershipFactory(community=community)
                community.tags.add(unique("tag"))
            newest["community"] = unique("Menu")
            menu = CommunityFactory(name=newest["community"])
            for person in (member, outsider, staff):
                MembershipFactory(community=menu, user=person)
            newest["skill"] = unique("skill")
            member.expertise.add(newest["skill"])

    grow(FEW)
    as_member, as_outsider = signed_in(member), signed_in(outsider)
    in_menu = lambda: newest["community"]  # noqa: E731
    pages.add(as_member, reverse("accounts:profile-edit"), 8, lambda: newest["skill"])
    pages.add(as_member, reverse("accounts:account-delete"), 7, in_menu)
    pages.add(as_member, reverse("communities:leave", args=["mine"]), 8, in_menu)
    pages.add(as_member, "/accessibility/", 13, in_menu)
    pages.add(as_member, "/", 14, in_menu)
    pages.add(as_outsider, reverse("communities:join", args=["joinable"]), 10, in_menu)
    pages.add(as_outsider, reverse("communities:request", args=["requestable"]), 12, in_menu)
    pages.add(as_outsider, reverse("communities:invitation", args=[invitation]), 10, in_menu)
    pages.add(signed_in(staff), reverse("communities:community-create"), 7, in_menu)
    pages.check(lambda: grow(MORE))


# --- Notifications: e-mail settings and announcements ------------------------------------------


def test_email_settings_and_announcement_pages_do_not_grow(pages):
    """E-mail settings (signed in and through an e-mail's link) list every community someone is
    in; the announce page lists recent announcements; an announcement's page counts its
    e-mails."""
    facilitator = UserFactory()
    community = MembershipFactory(user=facilitator, role=Role.FACILITATOR).community
    MembershipFactory(community=community)
    broadcast = facilitation.broadcast_create(
        actor=facilitator, community=community, subject="Hello", body="Welcome"
    )
    newest = {}

    def grow(rows: int) -> None:
        for _ in range(rows):
            newest["community"] = unique("Community")
            MembershipFactory(user=facilitator, community__name=newest["community"])
            forget_access(facilitator)
            recipient = MembershipFactory(community=community).user
            for status in (OutboundEmail.Status.SENT, OutboundEmail.Status.FAILED):
                OutboundEmail.objects.create(
                    key=unique("broadcast-email"),
                    kind="broadcast",
                    group_key=broadcast.group_key,
                    recipient=recipient,
                    to_address=recipient.email,
                    status=status,
                )
            newest["subject"] = unique("News")
            facilitation.broadcast_create(
                actor=facilitator, community=community, subject=newest["subject"], body="Hi"
            )

    grow(FEW)
    reader, from_an_email = signed_in(facilitator), Client()
    manage = unsubscribe.make_token(facilitator.pk, "manage")
    everything = unsubscribe.make_token(facilitator.pk, "all")
    in_list = lambda: newest["community"]  # noqa: E731
    pages.add(reader, reverse("notifications:settings"), 10, in_list)
    settings_link = reverse("notifications:email-link-settings", args=[manage])
    pages.add(from_an_email, settings_link, 7, in_list)
    pages.add(from_an_email, reverse("notifications:unsubscribe", args=[everything]), 3)
    announce = reverse("facilitation:broadcast-create", args=[community.slug])
    pages.add(reader, announce, 11, lambda: newest["subject"])
    detail = reverse("facilitation:broadcast-detail", args=[community.slug, broadcast.pk])
    pages.add(reader, detail, 10)
    pages.check(lambda: grow(MORE))
