"""Blog seed data (`blogs.seeding`), in bulk, and the benchmark's blog lines (`bench/run.py`)."""

import random

import pytest

from django.core.management import call_command

from wagtail.models import Page

from blogs import seeding
from blogs.models import BlogComment, BlogIndexPage, BlogPostPage, BlogSettings
from communities.models import MODERATOR_ROLES, Community, Membership, Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    with seeding.sizes(posts_per_community=6, comments_per_post=4):
        call_command("seed", members=80, communities=4, verbosity=0)


def test_seeding_gives_every_community_a_blog_with_posts_in_a_consistent_tree(seeded, client):
    assert Page.find_problems() == ([], [], [], [], [])
    for community in Community.objects.all():
        blog = BlogIndexPage.objects.get(community=community)
        posts = BlogPostPage.objects.filter(community=community)
        assert posts.count() == 6
        assert blog.numchild == 6 and all(p.get_parent().pk == blog.pk for p in posts)
    post = BlogPostPage.objects.filter(community__visibility=Visibility.OPEN).first()
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200 and post.title in response.content.decode()
    assert post.reading_minutes >= 1 and post.summary


def test_wagtail_can_add_to_a_seeded_blog(seeded):
    from tests.blogs.conftest import make_post

    community = Community.objects.first()
    post = make_post(community, title="Written after seeding")
    assert (
        post.path
        > BlogPostPage.objects.exclude(pk=post.pk)
        .filter(community=community)
        .order_by("-path")
        .first()
        .path
    )
    assert Page.find_problems() == ([], [], [], [], [])


def test_seeded_posts_and_comments_come_from_members_in_order(seeded):
    members = set(Membership.objects.values_list("community_id", "user_id"))
    for post in BlogPostPage.objects.all():
        assert (post.community_id, post.owner_id) in members
    comments = BlogComment.objects.select_related("post", "parent")
    assert comments.exists() and comments.filter(parent__isnull=False).exists()
    for comment in comments:
        assert (comment.post.community_id, comment.author_id) in members
        assert comment.created_at >= comment.post.first_published_at
        if comment.parent:
            assert comment.parent.parent_id is None and comment.parent.post_id == comment.post_id
            assert comment.created_at > comment.parent.created_at


def test_seeded_facilitators_can_edit_their_blogs(seeded):
    for settings in BlogSettings.objects.select_related("editors_group", "community"):
        moderators = set(
            Membership.objects.filter(
                community=settings.community, role__in=MODERATOR_ROLES
            ).values_list("user_id", flat=True)
        )
        assert set(settings.editors_group.user_set.values_list("pk", flat=True)) == moderators


def test_seeded_tags_make_tag_pages(seeded, client):
    post = BlogPostPage.objects.filter(community__visibility=Visibility.OPEN).first()
    tag = post.tags.first()
    assert client.get(f"{post.blog_url}tags/{tag.slug}/").status_code == 200


def test_default_sizes_keep_the_demo_small():
    assert seeding.default_posts_per_community(60) == seeding.MIN_POSTS_PER_COMMUNITY
    assert seeding.default_posts_per_community(10_000) == 50


def test_the_demo_has_a_handful_of_posts(settings):
    settings.DEBUG = True
    call_command("load_demo")
    assert 0 < BlogPostPage.objects.count() <= 8 * seeding.MIN_POSTS_PER_COMMUNITY
    assert Page.find_problems() == ([], [], [], [], [])


def test_bench_scales_include_the_blog_data_set():
    from bench import run

    _, full = run.scale_from_env({})
    assert full.communities * full.blog_posts_per_community >= 20_000
    assert full.communities * full.blog_posts_per_community * full.blog_comments_per_post >= 100_000


def test_bench_blog_pages_answer_on_a_small_seeded_site():
    from bench import run

    with seeding.sizes(posts_per_community=12, comments_per_post=3):
        call_command("seed", members=60, communities=3, verbosity=0)
    Community.objects.filter(pk=Community.objects.order_by("pk").first().pk).update(
        visibility=Visibility.OPEN
    )
    results = run.run_pages(run.bench_member(), requests=2, rng=random.Random(1))
    names = {result.line().split(" ")[0] for result in results}
    for audience in ("anonymous", "member"):
        for page in ("index", "post", "tag", "latest", "author"):
            assert f"blogs.{page}.{audience}" in names
    assert "forums.latest.anonymous" in names  # the forum's lines are still there
