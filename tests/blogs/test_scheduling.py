"""The beat task that publishes scheduled posts: one post that no longer validates does not
hold up the others."""

from datetime import timedelta
from io import BytesIO

import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import Revision

from blogs.models import BlogPostPage
from blogs.tasks import publish_scheduled_pages
from community_pages.collections import community_collection
from tests.blogs.conftest import make_post, make_writer
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def _picture_of(community):
    out = BytesIO()
    Image.new("RGB", (40, 20), (29, 92, 99)).save(out, format="PNG")
    return get_image_model().objects.create(
        title="Elsewhere",
        file=SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png"),
        collection=community_collection(community),
    )


def _scheduled(post, writer, *, clean: bool = True) -> Revision:
    revision = post.save_revision(user=writer, clean=clean)
    Revision.objects.filter(pk=revision.pk).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=1)
    )
    return revision


def test_a_scheduled_post_that_no_longer_validates_is_unscheduled_and_others_still_publish(
    caplog,
):
    community = CommunityFactory()
    writer = make_writer(community)
    broken = make_post(community, writer, title="Broken", publish=False)
    broken.hero_image = _picture_of(CommunityFactory())
    broken.hero_alt_text = "A chart"
    broken_revision = _scheduled(broken, writer, clean=False)
    fine = make_post(community, writer, title="Fine", publish=False)
    _scheduled(fine, writer)

    assert publish_scheduled_pages() == 1

    assert BlogPostPage.objects.get(pk=fine.pk).live
    assert not BlogPostPage.objects.get(pk=broken.pk).live
    broken_revision.refresh_from_db()
    assert broken_revision.approved_go_live_at is None
    assert f"Scheduled revision {broken_revision.pk}" in caplog.text
    assert publish_scheduled_pages() == 0  # not tried again every minute


def test_expired_posts_are_unpublished():
    community = CommunityFactory()
    post = make_post(community, title="Short-lived")
    BlogPostPage.objects.filter(pk=post.pk).update(expire_at=timezone.now() - timedelta(seconds=1))
    publish_scheduled_pages()
    post.refresh_from_db()
    assert not post.live and post.expired
