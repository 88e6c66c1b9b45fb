"""Forum feeds in RSS 2.0 and Atom: the latest visible posts (new threads and replies).

Public feeds read as an anonymous visitor, so only open communities have them: a private
community's public feed is 404 (its existence stays secret) and a restricted one's is 403,
like the rest of its content. Personal feeds read as the person a secret token belongs to
(`accounts.feeds`), whatever the access module lets that person see right now.

Every item comes from `Thread.objects.visible_to(reader)` and only VISIBLE posts; a feed costs
the same few queries however many items it has.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from communities import permissions as community_permissions
from communities.models import Community
from copsite.feeds import (
    FeedLinks,
    FeedSource,
    PersonalFeedMixin,
    Reader,
    SourceFeed,
    absolute_html,
    absolute_url,
    feed_links,
    feed_reader_or_404,
    public_community,
    site_name,
    tag_guid,
)
from copsite.markup import render_markdown

from .models import Category, Post, Thread, ThreadQuerySet

# Posts, not threads: a reply is news too. Thirty covers a busy community between two polls
# of a feed reader (typically 15-60 minutes) and keeps the response small.
FEED_LENGTH = 30


# --- What goes in a feed ----------------------------------------------------------------------


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


def community_source(reader: Reader, community: Community, feed_url: str) -> FeedSource[Post]:
    forum_url = absolute_url(reverse("forums:forum", kwargs={"slug": community.slug}))
    if not community_permissions.can_read(reader, community):
        return _members_only_source(community, forum_url, feed_url)
    threads = Thread.objects.visible_to(reader).filter(community=community)
    return FeedSource(
        title=_community_forum_title(community),
        description=_("New threads and replies in the %(community)s forum.")
        % {"community": community.name},
        link=forum_url,
        feed_url=feed_url,
        items=latest_visible_posts(threads),
    )


def category_source(
    reader: Reader, community: Community, category_slug: str, feed_url: str
) -> FeedSource[Post]:
    if not community_permissions.can_read(reader, community):
        # Not even the category's name or existence: that is the community's content.
        forum_url = absolute_url(reverse("forums:forum", kwargs={"slug": community.slug}))
        return _members_only_source(community, forum_url, feed_url)
    category = get_object_or_404(Category, community=community, slug=category_slug)
    category.community = community
    threads = Thread.objects.visible_to(reader).filter(category=category)
    return FeedSource(
        title=_("%(category)s – %(community)s forum – %(site)s")
        % {"category": category.name, "community": community.name, "site": site_name()},
        description=_("New threads and replies in %(category)s, in the %(community)s forum.")
        % {"category": category.name, "community": community.name},
        link=absolute_url(category.get_absolute_url()),
        feed_url=feed_url,
        items=latest_visible_posts(threads),
    )


def my_communities_source(reader: Reader, feed_url: str) -> FeedSource[Post]:
    threads = Thread.objects.visible_to(reader).filter(
        community__in=community_permissions.communities_of(reader)
    )
    return FeedSource(
        title=_("Your communities' forums – %(site)s") % {"site": site_name()},
        description=_("New threads and replies in the forums of the communities you belong to."),
        link=absolute_url(reverse("forums:mine")),
        feed_url=feed_url,
        items=latest_visible_posts(threads),
    )


def _community_forum_title(community: Community) -> str:
    return _("%(community)s forum – %(site)s") % {"community": community.name, "site": site_name()}


def _members_only_source(community: Community, forum_url: str, feed_url: str) -> FeedSource[Post]:
    """For someone who may know the community but not read it (a former member)."""
    return FeedSource(
        title=_community_forum_title(community),
        description=_("Only members of this community see its forum."),
        link=forum_url,
        feed_url=feed_url,
        items=[],
    )


# --- The feeds ----------------------------------------------------------------------------------


class ForumFeed(SourceFeed):
    """Shared by every forum feed: a `FeedSource` of posts, new threads and replies."""

    def item_title(self, post: Post) -> str:
        # Plain text: the feed generator escapes it once for XML. (Django's default escapes
        # twice, which shows "&amp;" in every reader that treats titles as text.)
        if post.starts_thread:
            return post.thread.title
        # Translators: the title of a reply in a feed, as in e-mail ("Re: " and the thread's).
        return _("Re: %(title)s") % {"title": post.thread.title}

    def item_description(self, post: Post) -> str:
        return absolute_html(render_markdown(post.body))

    def item_link(self, post: Post) -> str:
        target = post.thread if post.starts_thread else post
        return absolute_url(target.get_absolute_url())

    def item_guid(self, post: Post) -> str:
        return tag_guid("forum-post", post.pk)

    def item_author_name(self, post: Post) -> str:
        return post.byline

    def item_pubdate(self, post: Post) -> datetime:
        return post.created_at

    def item_updateddate(self, post: Post) -> datetime:
        return post.edited_at or post.created_at

    def item_categories(self, post: Post) -> tuple[str, ...]:
        return (post.thread.community.name, post.thread.category.name)


class PublicCommunityFeed(ForumFeed):
    def get_object(self, request: HttpRequest, slug: str) -> FeedSource[Post]:
        visitor, community = public_community(slug)
        return community_source(visitor, community, absolute_url(request.path))


class PublicCategoryFeed(ForumFeed):
    def get_object(self, request: HttpRequest, slug: str, category_slug: str) -> FeedSource[Post]:
        visitor, community = public_community(slug)
        return category_source(visitor, community, category_slug, absolute_url(request.path))


class PersonalFeed(PersonalFeedMixin, ForumFeed):
    """Read as the token's owner, with private responses."""


class PersonalCommunityFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str, slug: str) -> FeedSource[Post]:
        reader = feed_reader_or_404(token)
        community = community_permissions.get_community_for_user_or_404(reader, slug)
        return community_source(reader, community, absolute_url(request.path))


class PersonalCategoryFeed(PersonalFeed):
    def get_object(
        self, request: HttpRequest, token: str, slug: str, category_slug: str
    ) -> FeedSource[Post]:
        reader = feed_reader_or_404(token)
        community = community_permissions.get_community_for_user_or_404(reader, slug)
        return category_source(reader, community, category_slug, absolute_url(request.path))


class PersonalAllFeed(PersonalFeed):
    def get_object(self, request: HttpRequest, token: str) -> FeedSource[Post]:
        return my_communities_source(feed_reader_or_404(token), absolute_url(request.path))


# --- Links for pages ----------------------------------------------------------------------------


def _links(name: str, **kwargs: str) -> FeedLinks:
    # Every forum feed link on a page is personal, and shown in full to be copied.
    return feed_links(f"forums:{name}", personal=True, absolute=True, **kwargs)


def personal_all_links(token: str) -> FeedLinks:
    return _links("personal-feed", token=token)


def personal_community_links(token: str, community: Community) -> FeedLinks:
    return _links("personal-community-feed", token=token, slug=community.slug)


def personal_category_links(token: str, community: Community, category: Category) -> FeedLinks:
    return _links(
        "personal-category-feed", token=token, slug=community.slug, category_slug=category.slug
    )
