"""Feed addresses for the blog's pages: public ones for open communities, personal ones (the
reader's secret token, accounts.feeds) for members of restricted and private communities."""

from __future__ import annotations

from communities.models import Visibility
from copsite.feeds import FeedLinks, feed_links


def _links(name: str, personal: bool = False, **kwargs) -> FeedLinks:
    return feed_links(f"blogs:{name}", personal=personal, **kwargs)


def for_blog(community, tag=None, token: str | None = None) -> FeedLinks | None:
    """A community blog's (or one of its tags') feed: public if the community is open, else
    the reader's personal one, else none (someone who may not subscribe)."""
    if community.visibility == Visibility.OPEN:
        if tag is not None:
            return _links("blog-tag-feed", slug=community.slug, tag=tag.slug)
        return _links("blog-feed", slug=community.slug)
    if token is None:
        return None
    if tag is not None:
        return _links(
            "personal-blog-tag-feed", personal=True, token=token, slug=community.slug, tag=tag.slug
        )
    return _links("personal-blog-feed", personal=True, token=token, slug=community.slug)


def personal_blog(token: str, community) -> FeedLinks:
    return _links("personal-blog-feed", personal=True, token=token, slug=community.slug)


def site_wide(token: str | None = None) -> FeedLinks:
    if token:
        return _links("personal-feed", personal=True, token=token)
    return _links("feed")


def for_tag(tag, token: str | None = None) -> FeedLinks:
    if token:
        return _links("personal-tag-feed", personal=True, token=token, tag=tag.slug)
    return _links("tag-feed", tag=tag.slug)


def for_author(person, token: str | None = None) -> FeedLinks:
    if token:
        return _links("personal-author-feed", personal=True, token=token, user_id=person.pk)
    return _links("author-feed", user_id=person.pk)
