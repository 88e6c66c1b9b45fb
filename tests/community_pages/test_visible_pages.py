"""One rule for which pages the admin shows someone
(community_pages.page_permissions.visible_pages), used by the page permission policy and by the
explorer and chooser hooks alike."""

import pytest

from django.contrib.auth.models import AnonymousUser

from wagtail import hooks
from wagtail.models import Page, PageViewRestriction

from blogs.models import BlogPostPage
from communities.models import Visibility
from community_pages.models import without_view_restrictions
from community_pages.page_permissions import visible_pages
from community_pages.wagtail_hooks import hide_other_communities
from tests.blogs.conftest import make_post
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_superusers_see_every_page_others_not_other_communities_private_posts():
    post = make_post(CommunityFactory(visibility=Visibility.PRIVATE), title="Inside")
    pages = Page.objects.all()
    assert visible_pages(UserFactory(is_superuser=True), pages).filter(pk=post.pk).exists()
    assert not visible_pages(UserFactory(), pages).filter(pk=post.pk).exists()
    assert not visible_pages(AnonymousUser(), pages).exists()
    assert not visible_pages(UserFactory(is_superuser=True, is_active=False), pages).exists()


def test_explorer_and_chooser_share_one_hook():
    assert hide_other_communities in hooks.get_hooks("construct_explorer_page_queryset")
    assert hide_other_communities in hooks.get_hooks("construct_page_chooser_queryset")


def test_view_restrictions_are_decided_inside_the_query_as_wagtails_public_decides_them(
    django_assert_num_queries,
):
    community = CommunityFactory()
    restricted_blog_post = make_post(community, title="Behind a password")
    open_post = make_post(CommunityFactory(), title="For everyone")
    PageViewRestriction.objects.create(
        page=restricted_blog_post.get_parent(), restriction_type="password", password="x"
    )
    pages = BlogPostPage.objects.live()
    with django_assert_num_queries(1):
        found = set(without_view_restrictions(pages).values_list("pk", flat=True))
    assert found == set(pages.public().values_list("pk", flat=True))
    assert open_post.pk in found and restricted_blog_post.pk not in found
