"""Blog fixtures: posts made the way the Wagtail editor makes them (a page under the
community's blog, a revision, then publishing), and enrolled writers."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from wagtail.images import get_image_model
from wagtail.rich_text import RichText

from blogs import services
from blogs.models import BlogIndexPage, BlogPostPage
from community_pages.collections import community_collection
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
    pictures=(),
    **fields,
) -> BlogPostPage:
    """A post in `community`'s blog, with a revision, published unless `publish` is False.
    Each of `pictures` (images in the community's collection) follows the text as a picture."""
    author = author or MembershipFactory(community=community).user
    services.writer_enrol(actor=author, community=community)
    blog = blog_of(community)
    post = BlogPostPage(
        title=title,
        summary=summary,
        body=[
            ("paragraph", RichText(body)),
            *(
                ("picture", {"image": image, "alt_text": image.title, "caption": ""})
                for image in pictures
            ),
        ],
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


def make_image(community, title: str = "A chart"):
    """A small picture in `community`'s collection."""
    out = BytesIO()
    Image.new("RGB", (40, 20), (10, 20, 30)).save(out, format="PNG")
    return get_image_model().objects.create(
        title=title,
        file=SimpleUploadedFile(f"{slugify(title)}.png", out.getvalue(), content_type="image/png"),
        collection=community_collection(community),
    )


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
