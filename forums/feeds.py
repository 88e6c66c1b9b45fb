"""Forum feeds in RSS 2.0 and Atom: the latest visible posts (new threads and replies).

Public feeds read as an anonymous visitor, so only open communities have them: a private
community's public feed is 404 (its existence stays secret) and a restricted one's is 403,
like the rest of its content. Personal feeds read as the person a secret token belongs to
(`accounts.feeds`), whatever the access module lets that person see right now.

Every item comes from `Thread.objects.visible_to(reader)` and only VISIBLE posts; a feed costs
the same few queries however many items it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from accounts.feeds import user_for_feed_token
from accounts.models import User
from communities import permissions as community_permissions
from communities.models import Community
from copsite.markup import render_markdown

from .models import Category, Post, Thread, ThreadQuerySet

# Posts, not threads: a reply is news too. Thirty covers a busy community between two polls
# of a feed reader (typically 15-60 minutes) and keeps the response small.
FEED_LENGTH = 30
# The date in the tag: URIs of item GUIDs (RFC 4151). Changing it would re-announce every post.
GUID_DATE = "2025"
TEAM_NAME = "The facilitation team"

Reader = User | AnonymousUser

# XML 1.0 forbids C0 controls (bar tab, newline, return), lone surrogates and U+FFFE/U+FFFF;
# C1 controls are allowed but make Outlook and some readers refuse the feed.
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ROOT_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")/(?!/)')


# --- Output: valid XML whatever people typed --------------------------------------------------


def xml_text(value: str) -> str:
    """The text without characters that XML cannot carry."""
    return _NOT_XML_TEXT.sub("", value)


def _xml_clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_clean(part) for part in value)
    return value


class _XmlTextMixin:
    """Cleans every text handed to the feed generator, so no field can break the XML."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{name: _xml_clean(value) for name, value in kwargs.items()})

    def add_item(self, **kwargs: Any) -> None:
        super().add_item(**{name: _xml_clean(value) for name, value in kwargs.items()})


class RssFeed(_XmlTextMixin, Rss201rev2Feed):
    pass


class AtomFeed(_XmlTextMixin, Atom1Feed):
    pass


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def absolute_html(html: str) -> str:
    """Root-relative links and images made absolute: feed readers have no base URL."""
    return _ROOT_RELATIVE_URL.sub(rf"\g<1>{settings.SITE_URL}/", html)


def post_guid(post: Post) -> str:
    """A tag: URI that survives renamed communities and moved threads."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{GUID_DATE}:forum-post-{post.pk}"


# --- What goes in a feed ----------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSource:
    """One feed's channel and items, built once per request."""

    title: str
    description: str
    link: str
    feed_url: str
    posts: list[Post]


def latest_visible_posts(threads: ThreadQuerySet) -> list[Post]:
    """The newest VISIBLE posts of `threads` (already `visible_to` the reader): two queries."""
    posts = list(
        Post.objects.shown()
        .filter(thread__in=threads)
        .select_related("author", "thread__community", "thread__category")
        .order_by("-created_at", "-pk")[:FEED_LENGTH]
    )
    _mark_thread_starts(posts)
    return posts


def _mark_thread_starts(posts: list[Post]) -> None:
    """Sets `starts_thread` on each post: the first post of a thread is the new thread."""
    if not posts:
        return
    first_post = (
        Post.objects.filter(thread=OuterRef("pk")).order_by("created_at", "pk").values("pk")[:1]
    )
    first_post_ids = set(
        Thread.objects.filter(pk__in={post.thread_id for post in posts})
        .annotate(first_post_id=Subquery(first_post))
        .values_list("first_post_id", flat=True)
    )
    for post in posts:
        post.starts_thread = post.pk in first_post_ids


def _site_name() -> str:
    return settings.COPSITE_SITE_NAME


def community_source(reader: Reader, community: Community, feed_url: str) -> FeedSource:
    forum_url = absolute_url(reverse("forums:forum", kwargs={"slug": community.slug}))
    if not community_permissions.can_read(reader, community):
        return _members_only_source(community, forum_url, feed_url)
    threads = Thread.objects.visible_to(reader).filter(community=community)
    return FeedSource(
        title=f"{community.name} forum – {_site_name()}",
        description=f"New threads and replies in the {community.name} forum.",
        link=forum_url,
        feed_url=feed_url,
        posts=latest_visible_posts(threads),
    )


def category_source(
    reader: Reader, community: Community, category_slug: str, feed_url: str
) -> FeedSource:
    if not community_permissions.can_read(reader, community):
        # Not even the category's name or existence: that is the community's content.
        forum_url = absolute_url(reverse("forums:forum", kwargs={"slug": community.slug}))
        return _members_only_source(community, forum_url, feed_url)
    category = get_object_or_404(Category, community=community, slug=category_slug)
    category.community = community
    threads = Thread.objects.visible_to(reader).filter(category=category)
    return FeedSource(
        title=f"{category.name} – {community.name} forum – {_site_name()}",
        description=f"New threads and replies in {category.name}, in the {community.name} forum.",
        link=absolute_url(category.get_absolute_url()),
        feed_url=feed_url,
        posts=latest_visible_posts(threads),
    )


def my_communities_source(reader: Reader, feed_url: str) -> FeedSource:
    threads = Thread.objects.visible_to(reader).filter(
        community__in=community_permissions.communities_of(reader)
    )
    return FeedSource(
        title=f"Your communities' forums – {_site_name()}",
        description="New threads and replies in the forums of the communities you belong to.",
        link=absolute_url(reverse("forums:mine")),
        feed_url=feed_url,
        posts=latest_visible_posts(threads),
    )


def _members_only_source(community: Community, forum_url: str, feed_url: str) -> FeedSource:
    """For someone who may know the community but not read it (a former member)."""
    return FeedSource(
        title=f"{community.name} forum – {_site_name()}",
        description="Only members of this community see its forum.",
        link=forum_url,
        feed_url=feed_url,
        posts=[],
    )


# --- The feeds ----------------------------------------------------------------------------------


class ForumFeed(Feed):
    """Shared by every forum feed; `get_object` returns a `FeedSource`.

    One instance serves every request, so nothing per request is kept on `self`.
    """

    item_guid_is_permalink = False

    def __init__(self, feed_type: type[SyndicationFeed] = RssFeed) -> None:
        self.feed_type = feed_type

    def title(self, source: FeedSource) -> str:
        return source.title

    def subtitle(self, source: FeedSource) -> str:
        return source.description

    def description(self, source: FeedSource) -> str:
        return source.description

    def link(self, source: FeedSource) -> str:
        return source.link

    def feed_url(self, source: FeedSource) -> str:
        return source.feed_url

    def feed_guid(self, source: FeedSource) -> str:
        # Atom's feed <id>: Django would use the page link, shared by the forum's RSS, Atom,
        # public and personal feeds; each document gets its own.
        return source.feed_url

    def items(self, source: FeedSource) -> list[Post]:
        return source.posts

    def item_title(self, post: Post) -> str:
        # Plain text: the feed generator escapes it once for XML. (Django's default escapes
        # twice, which shows "&amp;" in every reader that treats titles as text.)
        return post.thread.title if post.starts_thread else f"Re: {post.thread.title}"

    def item_description(self, post: Post) -> str:
        return absolute_html(render_markdown(post.body))

    def item_link(self, post: Post) -> str:
        target = post.thread if post.starts_thread else post
        return absolute_url(target.get_absolute_url())

    def item_guid(self, post: Post) -> str:
        return post_guid(post)

    def item_author_name(self, post: Post) -> str:
        if post.starts_thread and post.thread.as_team:
            return TEAM_NAME
        return post.author.public_name

    def item_pubdate(self, post: Post) -> datetime:
        return post.created_at

    def item_updateddate(self, post: Post) -> datetime:
        return post.edited_at or post.created_at

    def item_categories(self, post: Post) -> tuple[str, ...]:
        return (post.thread.community.name, post.thread.category.name)


def _public_community(slug: str) -> tuple[AnonymousUser, Community]:
    """404 for a private community, 403 for a restricted one: public feeds are anonymous."""
    visitor = AnonymousUser()
    community = community_permissions.get_community_for_user_or_404(visitor, slug)
    community_permissions.require_read(visitor, community)
    return visitor, community


class PublicCommunityFeed(ForumFeed):
    def get_object(self, request: HttpRequest, slug: str) -> FeedSource:
        visitor, community = _public_community(slug)
        return community_source(visitor, community, absolute_url(request.path))


class PublicCategoryFeed(ForumFeed):
    def get_object(self, request: HttpRequest, slug: str, category_slug: str) -> FeedSource:
        visitor, community = _public_community(slug)
        return category_source(visitor, community, category_slug, absolute_url(request.path))


def _reader_or_404(token: str) -> User:
    reader = user_for_feed_token(token)
    if reader is None:
        raise Http404("No such feed")
    return reader


class PersonalFeed(ForumFeed):
    """Read as the token's owner. Responses are private: never kept by shared caches."""

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class PersonalCommunityFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str, slug: str) -> FeedSource:
        reader = _reader_or_404(token)
        community = community_permissions.get_community_for_user_or_404(reader, slug)
        return community_source(reader, community, absolute_url(request.path))


class PersonalCategoryFeed(PersonalFeed):
    def get_object(
        self, request: HttpRequest, token: str, slug: str, category_slug: str
    ) -> FeedSource:
        reader = _reader_or_404(token)
        community = community_permissions.get_community_for_user_or_404(reader, slug)
        return category_source(reader, community, category_slug, absolute_url(request.path))


class PersonalAllFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str) -> FeedSource:
        return my_communities_source(_reader_or_404(token), absolute_url(request.path))


# --- Links for pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedLinks:
    rss: str
    atom: str


def _links(name: str, **kwargs: str) -> FeedLinks:
    return FeedLinks(
        rss=absolute_url(reverse(f"forums:{name}-rss", kwargs=kwargs)),
        atom=absolute_url(reverse(f"forums:{name}-atom", kwargs=kwargs)),
    )


def personal_all_links(token: str) -> FeedLinks:
    return _links("personal-feed", token=token)


def personal_community_links(token: str, community: Community) -> FeedLinks:
    return _links("personal-community-feed", token=token, slug=community.slug)


def personal_category_links(token: str, community: Community, category: Category) -> FeedLinks:
    return _links(
        "personal-category-feed", token=token, slug=community.slug, category_slug=category.slug
    )
