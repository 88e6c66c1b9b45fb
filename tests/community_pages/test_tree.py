"""Every community has its blog in the page tree at /c/<slug>/blog/, kept in step with the
community: made for new communities (signal), existing ones (data migration) and bulk-seeded
ones (seeding), renamed with it and removed with it."""

import importlib

import pytest

from django.apps import apps

from wagtail.models import Page

from blogs import tree
from blogs.models import BlogIndexPage, BlogPostPage
from communities import services as community_services
from communities.models import Community
from community_pages.models import CommunitiesIndexPage, CommunityPage
from tests.blogs.conftest import make_post
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("blogs.migrations.0002_community_blogs")


class AppsAfterTheMove:
    """The app registry as blogs 0002 sees it when run on today's schema: it names the page
    tree's models by the app that held them then (blogs), which is community_pages now."""

    MOVED = {("blogs", "communitiesindexpage"), ("blogs", "communitypage")}

    def get_model(self, app_label: str, model_name: str):
        if (app_label, model_name.lower()) in self.MOVED:
            app_label = "community_pages"
        return apps.get_model(app_label, model_name)


def test_a_new_community_gets_its_blog_at_c_slug_blog(client):
    staff = UserFactory(is_staff=True)
    community = community_services.community_create(
        actor=staff, name="Housing officers", slug="housing", description="x", visibility="open"
    )
    blog = BlogIndexPage.objects.get(community=community)
    assert blog.get_absolute_url() == "/c/housing/blog/" == tree.blog_url(community)
    assert blog.get_parent().specific.community == community
    assert blog.get_parent().get_parent().specific_class is CommunitiesIndexPage
    assert client.get("/c/housing/blog/").status_code == 200
    assert Page.find_problems() == ([], [], [], [], [])


def test_the_communities_page_sends_people_to_the_directory(client):
    CommunityFactory()
    response = client.get("/c/")
    assert response.status_code == 302 and response["Location"] == "/communities/"


def test_making_the_blog_twice_changes_nothing():
    community = CommunityFactory()
    first = tree.blog_pages_ensure(community)
    assert tree.blog_pages_ensure(community) == first
    assert BlogIndexPage.objects.filter(community=community).count() == 1
    assert CommunityPage.objects.filter(community=community).count() == 1


def test_a_renamed_community_moves_its_blog_and_posts(client):
    community = CommunityFactory(slug="old-name", name="Old name")
    post = make_post(community, title="Kept post")
    community.slug, community.name = "new-name", "New name"
    community.save()
    post.refresh_from_db()
    assert post.get_absolute_url() == "/c/new-name/blog/kept-post/"
    container = CommunityPage.objects.get(community=community)
    assert (container.slug, container.title) == ("new-name", "New name")
    assert client.get("/c/new-name/blog/kept-post/").status_code == 200
    old = client.get("/c/old-name/blog/kept-post/")  # the old address leads to the new one
    assert old.status_code == 301 and old["Location"] == "/c/new-name/blog/kept-post/"
    assert Page.find_problems() == ([], [], [], [], [])


def test_a_deleted_community_takes_its_pages_with_it():
    community = CommunityFactory()
    make_post(community)
    other = CommunityFactory()
    other_post = make_post(other)
    community.delete()
    assert not CommunityPage.objects.filter(slug=community.slug).exists()
    assert BlogPostPage.objects.filter(pk=other_post.pk).exists()
    assert Page.find_problems() == ([], [], [], [], [])


def test_the_data_migration_gives_existing_communities_their_blogs():
    communities = [CommunityFactory(), CommunityFactory(visibility="private")]
    # As if the communities existed before the blog: no pages at all.
    CommunitiesIndexPage.objects.get().delete()
    assert not BlogIndexPage.objects.exists()

    migration.create_blog_pages(AppsAfterTheMove(), None)
    migration.create_blog_pages(AppsAfterTheMove(), None)  # and again: nothing doubles

    for community in communities:
        blog = BlogIndexPage.objects.get(community=community)
        assert blog.url_path == f"/home/c/{community.slug}/blog/"
        assert blog.live and blog.get_parent().specific.community == community
    assert CommunitiesIndexPage.objects.count() == 1
    assert Page.find_problems() == ([], [], [], [], [])
    # Wagtail can add to the tree the migration made.
    post = make_post(communities[0], title="After the migration")
    assert post.get_absolute_url() == f"/c/{communities[0].slug}/blog/after-the-migration/"


def test_the_data_migration_can_be_undone_and_redone():
    community = CommunityFactory()
    migration.remove_blog_pages(AppsAfterTheMove(), None)
    assert not CommunitiesIndexPage.objects.exists()
    assert Page.find_problems() == ([], [], [], [], [])
    migration.create_blog_pages(AppsAfterTheMove(), None)
    assert BlogIndexPage.objects.filter(community=community).exists()
    assert Community.objects.get(pk=community.pk).blog_index.slug == "blog"
