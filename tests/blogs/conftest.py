"""Blog fixtures: posts made the way the Wagtail editor makes them (a page under the
community's blog, a revision, then publishing), and enrolled writers."""

from __future__ import annotations

import pytest

from django.utils import timezone

from wagtail.rich_text import RichText

from blogs import services
from blogs.models import BlogIndexPage, BlogPostPage
from tests.factories import MembershipFactory


def blog_of(community) -> BlogIndexPage:
    return BlogIndexPage.objects.get(community=community)


def make_post(
    community,
    author=None,
    *,
    title: str = "What we learned from a year of damp surveys",
    summary: str = "Three things that changed how we inspect homes.",
    body: str = "<p>We visited 400 homes.</p>",
    tags: list[str] | None = None,
    publish: bool = True,
    published_at=None,
    co_authors=(),
    **fields,
) -> BlogPostPage:
    """A post in `community`'s blog, with a revision, published unless `publish` is False."""
    author = author or MembershipFactory(community=community).user
    services.writer_enrol(actor=author, community=community)
    blog = blog_of(community)
    post = BlogPostPage(
        title=title,
        summary=summary,
        body=[("paragraph", RichText(body))],
        owner=author,
        live=False,
        **fields,
    )
    blog.add_child(instance=post)
    if tags:
        post.tags.set(tags)
    if co_authors:
        post.co_authors.set(co_authors)
    revision = post.save_revision(user=author)
    if publish:
        revision.publish(user=author)
        post.refresh_from_db()
        if published_at is not None:
            BlogPostPage.objects.filter(pk=post.pk).update(first_published_at=published_at)
            post.refresh_from_db()
    return post


def make_writer(community, role: str = "member"):
    """A member who has chosen "Write a post" (so is in the blog's writers' group)."""
    user = MembershipFactory(community=community, role=role).user
    services.writer_enrol(actor=user, community=community)
    return user


@pytest.fixture(autouse=True)
def _blog_settings(settings, tmp_path):
    settings.COPSITE_POSTS_PER_MINUTE = 10_000
    settings.COPSITE_BLOG_COMMENTS_CLOSE_AFTER_DAYS = 30
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def now():
    return timezone.now()
