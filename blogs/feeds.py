"""Blog feeds in RSS 2.0 and Atom: per community blog, per tag (in a blog or site-wide), per
author and site-wide.

Public feeds read as an anonymous visitor, so they only ever carry open communities' posts:
a private community's blog feed is 404 and a restricted one's 403, like the rest of their
content. Personal feeds (`/feeds/<token>/...`, accounts.feeds) read as the person the token
belongs to, whatever the access module lets that person read at that moment. Every item comes
from `BlogPostPage.objects.readable_by(reader)`. Items carry the full post or its summary
(COPSITE_BLOG_FEEDS_FULL_CONTENT). XML-safe output, absolute links, tag: GUIDs and display
names only come from the forum's feed helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import SyndicationFeed
from django.utils.html import escape

from accounts.feeds import user_for_feed_token
from accounts.models import User
from communities import permissions as community_permissions
from communities.models import Community
from forums.feeds import RssFeed, absolute_html, absolute_url

from .models import BlogPostPage
from .reading import tag_or_404
from .tree import blog_url

# Blogs move more slowly than forums: twenty posts cover weeks of most blogs.
FEED_LENGTH = 20
GUID_DATE = "2025"  # the date in tag: URIs; changing it would re-announce every post

Reader = User | AnonymousUser


def post_guid(post: BlogPostPage) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{GUID_DATE}:blog-post-{post.pk}"


@dataclass(frozen=True)
class FeedSource:
    title: str
    description: str
    link: str
    feed_url: str
    posts: list[BlogPostPage]


def _site_name() -> str:
    return settings.COPSITE_SITE_NAME


def _latest(posts) -> list[BlogPostPage]:
    return list(
        posts.select_related("owner", "community")
        .prefetch_related("tagged_items__tag", "co_authors")
        .newest_first()[:FEED_LENGTH]
    )


def _readable(reader: Reader):
    return BlogPostPage.objects.readable_by(reader)


def blog_source(
    reader: Reader, community: Community, feed_url: str, tag_slug: str = ""
) -> FeedSource:
    link = absolute_url(blog_url(community))
    if not community_permissions.can_read(reader, community):
        # A former member of a restricted community: not even the tag's name.
        return FeedSource(
            title=f"{community.name} blog – {_site_name()}",
            description="Only members of this community read its blog.",
            link=link,
            feed_url=feed_url,
            posts=[],
        )
    posts = _readable(reader).filter(community=community)
    if tag_slug:
        tag = tag_or_404(tag_slug, posts)
        return FeedSource(
            title=f"{tag.name} – {community.name} blog – {_site_name()}",
            description=f"Posts tagged {tag.name} in the {community.name} blog.",
            link=f"{link}tags/{tag.slug}/",
            feed_url=feed_url,
            posts=_latest(posts.tagged(tag_slug)),
        )
    return FeedSource(
        title=f"{community.name} blog – {_site_name()}",
        description=f"New posts in the {community.name} blog.",
        link=link,
        feed_url=feed_url,
        posts=_latest(posts),
    )


def site_source(reader: Reader, feed_url: str, personal: bool) -> FeedSource:
    return FeedSource(
        title=f"Latest blog posts – {_site_name()}",
        description="New posts in the blogs of the communities you can read."
        if personal
        else "New posts in the blogs of open communities.",
        link=absolute_url("/blog/latest/"),
        feed_url=feed_url,
        posts=_latest(_readable(reader)),
    )


def tag_source(reader: Reader, tag_slug: str, feed_url: str) -> FeedSource:
    posts = _readable(reader)
    tag = tag_or_404(tag_slug, posts)
    return FeedSource(
        title=f"Blog posts tagged {tag.name} – {_site_name()}",
        description=f"New blog posts tagged {tag.name}.",
        link=absolute_url(f"/blog/tags/{tag.slug}/"),
        feed_url=feed_url,
        posts=_latest(posts.tagged(tag_slug)),
    )


def author_source(reader: Reader, user_id: int, feed_url: str) -> FeedSource:
    person = get_object_or_404(User, pk=user_id, is_active=True, deleted_at__isnull=True)
    posts = _readable(reader).by_author(person)
    if not community_permissions.access_for(reader).is_authenticated and not posts.exists():
        raise Http404("No such author")
    return FeedSource(
        title=f"Blog posts by {person.public_name} – {_site_name()}",
        description=f"New blog posts by {person.public_name}.",
        link=absolute_url(f"/blog/authors/{person.pk}/"),
        feed_url=feed_url,
        posts=_latest(posts),
    )


# --- The feeds ----------------------------------------------------------------------------------


class BlogFeed(Feed):
    """Shared by every blog feed; `get_object` returns a `FeedSource`. One instance serves every
    request, so nothing per request is kept on `self`."""

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
        return source.feed_url

    def items(self, source: FeedSource) -> list[BlogPostPage]:
        return source.posts

    def item_title(self, post: BlogPostPage) -> str:
        return post.title

    def item_description(self, post: BlogPostPage) -> str:
        summary = f"<p>{escape(post.summary)}</p>"
        if not settings.COPSITE_BLOG_FEEDS_FULL_CONTENT:
            return summary
        body = post.body.render_as_block(context={"feed": True})
        return absolute_html(f"{summary}{body}")

    def item_link(self, post: BlogPostPage) -> str:
        return absolute_url(post.get_absolute_url())

    def item_guid(self, post: BlogPostPage) -> str:
        return post_guid(post)

    def item_author_name(self, post: BlogPostPage) -> str:
        return ", ".join(person.public_name for person in post.authors)

    def item_pubdate(self, post: BlogPostPage) -> datetime:
        return post.first_published_at

    def item_updateddate(self, post: BlogPostPage) -> datetime:
        return post.last_published_at or post.first_published_at

    def item_categories(self, post: BlogPostPage) -> tuple[str, ...]:
        return (post.community.name, *(item.tag.name for item in post.tagged_items.all()))


def _public_community(slug: str) -> tuple[AnonymousUser, Community]:
    """404 for a private community, 403 for a restricted one: public feeds are anonymous."""
    visitor = AnonymousUser()
    community = community_permissions.get_community_for_user_or_404(visitor, slug)
    community_permissions.require_read(visitor, community)
    return visitor, community


class PublicBlogFeed(BlogFeed):
    def get_object(self, request: HttpRequest, slug: str, tag: str = "") -> FeedSource:
        visitor, community = _public_community(slug)
        return blog_source(visitor, community, absolute_url(request.path), tag)


class PublicSiteFeed(BlogFeed):
    def get_object(self, request: HttpRequest) -> FeedSource:
        return site_source(AnonymousUser(), absolute_url(request.path), personal=False)


class PublicTagFeed(BlogFeed):
    def get_object(self, request: HttpRequest, tag: str) -> FeedSource:
        return tag_source(AnonymousUser(), tag, absolute_url(request.path))


class PublicAuthorFeed(BlogFeed):
    def get_object(self, request: HttpRequest, user_id: int) -> FeedSource:
        return author_source(AnonymousUser(), user_id, absolute_url(request.path))


def _reader_or_404(token: str) -> User:
    reader = user_for_feed_token(token)
    if reader is None:
        raise Http404("No such feed")
    return reader


class PersonalFeed(BlogFeed):
    """Read as the token's owner. Responses are private: never kept by shared caches."""

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class PersonalBlogFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str, slug: str, tag: str = "") -> FeedSource:
        reader = _reader_or_404(token)
        community = community_permissions.get_community_for_user_or_404(reader, slug)
        return blog_source(reader, community, absolute_url(request.path), tag)


class PersonalSiteFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str) -> FeedSource:
        return site_source(_reader_or_404(token), absolute_url(request.path), personal=True)


class PersonalTagFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str, tag: str) -> FeedSource:
        return tag_source(_reader_or_404(token), tag, absolute_url(request.path))


class PersonalAuthorFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str, user_id: int) -> FeedSource:
        return author_source(_reader_or_404(token), user_id, absolute_url(request.path))
