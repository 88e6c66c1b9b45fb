"""Blog feeds in RSS 2.0 and Atom: per community blog, per tag (in a blog or site-wide), per
author and site-wide.

Public feeds read as an anonymous visitor, so they only ever carry open communities' posts:
a private community's blog feed is 404 and a restricted one's 403, like the rest of their
content. Personal feeds (`/feeds/<token>/...`, accounts.feeds) read as the person the token
belongs to, whatever the access module lets that person read at that moment. Every item comes
from `BlogPostPage.objects.visible_to(reader)`. Items carry the full post or its summary
(COPSITE_BLOG_FEEDS_FULL_CONTENT). XML-safe output, absolute links, tag: GUIDs and the
channel come from copsite.feeds.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.models import User
from communities import permissions as community_permissions
from communities.models import Community
from copsite.feeds import (
    FeedSource,
    PersonalFeedMixin,
    Reader,
    SourceFeed,
    absolute_html,
    absolute_url,
    feed_reader_or_404,
    public_community,
    site_name,
    tag_guid,
)

from .blocks import preload_pictures
from .models import BlogPostPage
from .reading import tag_or_404
from .tree import blog_url

# Blogs move more slowly than forums: twenty posts cover weeks of most blogs.
FEED_LENGTH = 20


def _latest(posts) -> list[BlogPostPage]:
    latest = list(
        posts.select_related("owner", "community")
        .prefetch_related("tagged_items__tag", "co_authors")
        .newest_first()[:FEED_LENGTH]
    )
    if settings.COPSITE_BLOG_FEEDS_FULL_CONTENT:
        # Every post's pictures in one query, not one per post (item_description renders them).
        preload_pictures(post.body for post in latest)
    return latest


def _readable(reader: Reader):
    return BlogPostPage.objects.visible_to(reader)


def blog_source(
    reader: Reader, community: Community, feed_url: str, tag_slug: str = ""
) -> FeedSource[BlogPostPage]:
    link = absolute_url(blog_url(community))
    if not community_permissions.can_read(reader, community):
        # A former member of a restricted community: not even the tag's name.
        return FeedSource(
            title=gettext("%(name)s blog – %(site_name)s")
            % {"name": community.name, "site_name": site_name()},
            description=gettext("Only members of this community read its blog."),
            link=link,
            feed_url=feed_url,
            items=[],
        )
    posts = _readable(reader).filter(community=community)
    if tag_slug:
        tag = tag_or_404(tag_slug, posts)
        return FeedSource(
            title=gettext("%(name)s – %(name2)s blog – %(site_name)s")
            % {"name": tag.name, "name2": community.name, "site_name": site_name()},
            description=gettext("Posts tagged %(name)s in the %(name2)s blog.")
            % {"name": tag.name, "name2": community.name},
            link=f"{link}tags/{tag.slug}/",
            feed_url=feed_url,
            items=_latest(posts.tagged(tag_slug)),
        )
    return FeedSource(
        title=gettext("%(name)s blog – %(site_name)s")
        % {"name": community.name, "site_name": site_name()},
        description=gettext("New posts in the %(name)s blog.") % {"name": community.name},
        link=link,
        feed_url=feed_url,
        items=_latest(posts),
    )


def site_source(reader: Reader, feed_url: str, personal: bool) -> FeedSource[BlogPostPage]:
    return FeedSource(
        title=gettext("Latest blog posts – %(site_name)s") % {"site_name": site_name()},
        description=gettext("New posts in the blogs of the communities you can read.")
        if personal
        else gettext("New posts in the blogs of open communities."),
        link=absolute_url("/blog/latest/"),
        feed_url=feed_url,
        items=_latest(_readable(reader)),
    )


def tag_source(reader: Reader, tag_slug: str, feed_url: str) -> FeedSource[BlogPostPage]:
    posts = _readable(reader)
    tag = tag_or_404(tag_slug, posts)
    return FeedSource(
        title=gettext("Blog posts tagged %(name)s – %(site_name)s")
        % {"name": tag.name, "site_name": site_name()},
        description=gettext("New blog posts tagged %(name)s.") % {"name": tag.name},
        link=absolute_url(f"/blog/tags/{tag.slug}/"),
        feed_url=feed_url,
        items=_latest(posts.tagged(tag_slug)),
    )


def author_source(reader: Reader, user_id: int, feed_url: str) -> FeedSource[BlogPostPage]:
    person = get_object_or_404(User, pk=user_id, is_active=True, deleted_at__isnull=True)
    posts = _readable(reader).by_author(person)
    if not community_permissions.access_for(reader).is_authenticated and not posts.exists():
        raise Http404("No such author")
    return FeedSource(
        title=gettext("Blog posts by %(public_name)s – %(site_name)s")
        % {"public_name": person.public_name, "site_name": site_name()},
        description=gettext("New blog posts by %(public_name)s.")
        % {"public_name": person.public_name},
        link=absolute_url(f"/blog/authors/{person.pk}/"),
        feed_url=feed_url,
        items=_latest(posts),
    )


# --- The feeds ----------------------------------------------------------------------------------


class BlogFeed(SourceFeed):
    """Shared by every blog feed: a `FeedSource` of blog posts."""

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
        return tag_guid("blog-post", post.pk)

    def item_author_name(self, post: BlogPostPage) -> str:
        return ", ".join(person.public_name for person in post.authors)

    def item_pubdate(self, post: BlogPostPage) -> datetime:
        return post.first_published_at

    def item_updateddate(self, post: BlogPostPage) -> datetime:
        return post.last_published_at or post.first_published_at

    def item_categories(self, post: BlogPostPage) -> tuple[str, ...]:
        return (post.community.name, *(item.tag.name for item in post.tagged_items.all()))


class PublicBlogFeed(BlogFeed):
    def get_object(
        self, request: HttpRequest, slug: str, tag: str = ""
    ) -> FeedSource[BlogPostPage]:
        visitor, community = public_community(slug)
        return blog_source(visitor, community, absolute_url(request.path), tag)


class PublicSiteFeed(BlogFeed):
    def get_object(self, request: HttpRequest) -> FeedSource[BlogPostPage]:
        return site_source(AnonymousUser(), absolute_url(request.path), personal=False)


class PublicTagFeed(BlogFeed):
    def get_object(self, request: HttpRequest, tag: str) -> FeedSource[BlogPostPage]:
        return tag_source(AnonymousUser(), tag, absolute_url(request.path))


class PublicAuthorFeed(BlogFeed):
    def get_object(self, request: HttpRequest, user_id: int) -> FeedSource[BlogPostPage]:
        return author_source(AnonymousUser(), user_id, absolute_url(request.path))


class PersonalFeed(PersonalFeedMixin, BlogFeed):
    """Read as the token's owner, with private responses."""


class PersonalBlogFeed(PersonalFeed):
    def get_object(
        self, request: HttpRequest, token: str, slug: str, tag: str = ""
    ) -> FeedSource[BlogPostPage]:
        reader = feed_reader_or_404(token)
        community = community_permissions.get_community_for_user_or_404(reader, slug)
        return blog_source(reader, community, absolute_url(request.path), tag)


class PersonalSiteFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str) -> FeedSource[BlogPostPage]:
        return site_source(feed_reader_or_404(token), absolute_url(request.path), personal=True)


class PersonalTagFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str, tag: str) -> FeedSource[BlogPostPage]:
        return tag_source(feed_reader_or_404(token), tag, absolute_url(request.path))


class PersonalAuthorFeed(PersonalFeed):
    def get_object(
        self, request: HttpRequest, token: str, user_id: int
    ) -> FeedSource[BlogPostPage]:
        return author_source(feed_reader_or_404(token), user_id, absolute_url(request.path))
