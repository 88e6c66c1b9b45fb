"""Forum seed data (`forums.seeding`) and the benchmark's helpers (`bench/run.py`).

The benchmark itself is not run here: only its settings helpers, and its page plan against a
small seeded forum, so it cannot rot unnoticed."""

import random

import pytest

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from communities.models import Community, Membership, Visibility
from communities.seeding import seed_communities, seed_members
from forums import seeding
from forums.models import Category, Post, Reaction, Thread, ThreadRead
from forums.services import threads as thread_services

pytestmark = pytest.mark.django_db

DENORMALISED = ("reply_count", "last_post_id", "last_activity_at", "answer_id")


@pytest.fixture
def seeded():
    call_command("seed", members=60, communities=4, verbosity=0)


def test_every_seeded_community_has_the_default_categories(seeded):
    assert Community.objects.count() == 4
    for community in Community.objects.all():
        slugs = set(Category.objects.filter(community=community).values_list("slug", flat=True))
        assert {"general", "off-topic"} <= slugs


def test_seed_adds_threads_replies_answers_reactions_and_read_markers(seeded):
    threads = 4 * seeding.default_threads_per_community(60)
    assert Thread.objects.count() == threads
    assert Post.objects.count() == threads * seeding.POSTS_PER_THREAD
    assert Thread.objects.filter(is_pinned=True).count() >= 4  # each community's welcome
    assert Thread.objects.exclude(answer=None).exists()
    assert Reaction.objects.exists() and ThreadRead.objects.exists()


def test_thread_counters_agree_with_the_posts(seeded):
    now = timezone.now()
    for thread in Thread.objects.all():
        posts = list(Post.objects.filter(thread=thread).order_by("created_at", "pk"))
        visible = [p for p in posts if p.status == Post.Status.VISIBLE]
        assert posts[0].author_id == thread.author_id
        assert posts[0].created_at == thread.created_at
        assert posts[0].status == Post.Status.VISIBLE
        assert all(a.created_at < b.created_at for a, b in zip(posts, posts[1:], strict=False))
        assert posts[-1].created_at <= now
        assert thread.reply_count == len(visible) - 1
        assert thread.last_post_id == visible[-1].pk
        assert thread.last_activity_at == visible[-1].created_at
        if thread.answer_id:
            answer = Post.objects.get(pk=thread.answer_id)
            assert answer.thread_id == thread.pk
            assert answer.status == Post.Status.VISIBLE and answer.pk != posts[0].pk
        before = [getattr(thread, name) for name in DENORMALISED]
        thread_services.thread_refresh_stats(thread)  # what the site itself would compute
        thread.refresh_from_db()
        assert [getattr(thread, name) for name in DENORMALISED] == before


def test_posts_and_reactions_come_from_members_on_readable_posts(seeded):
    members = set(Membership.objects.values_list("community_id", "user_id"))
    for community_id, author_id in Post.objects.values_list("thread__community_id", "author_id"):
        assert (community_id, author_id) in members
    for reaction in Reaction.objects.select_related("post__thread"):
        post = reaction.post
        assert post.status == Post.Status.VISIBLE
        assert post.thread.status == Thread.Status.PUBLISHED
        assert reaction.user_id != post.author_id
        assert (post.thread.community_id, reaction.user_id) in members


def test_communities_show_their_latest_forum_activity(seeded):
    for community in Community.objects.all():
        latest = (
            Thread.objects.filter(community=community, status=Thread.Status.PUBLISHED)
            .order_by("-last_activity_at")
            .first()
        )
        assert latest and community.last_activity_at >= latest.last_activity_at


def test_sizes_are_exact_when_asked_for():
    rng = random.Random(5)
    members = seed_members(30, rng)
    communities = seed_communities(3, members, rng)
    summary = seeding.seed_content(
        communities, members, rng, threads_per_community=7, posts_per_thread=12
    )
    assert summary.threads == Thread.objects.count() == 21
    assert summary.posts == Post.objects.count() == 21 * 12


def test_the_seed_command_takes_sizes_from_the_sizes_context():
    with seeding.sizes(threads_per_community=2, posts_per_thread=3):
        call_command("seed", members=10, communities=2, verbosity=0)
    assert Thread.objects.count() == 4
    assert Post.objects.count() == 12


def test_categories_are_added_only_where_missing():
    rng = random.Random(3)
    members = seed_members(10, rng)
    community = seed_communities(1, members, rng)[0]
    Category.objects.filter(community=community).delete()  # bulk-created: no signal ran
    Category.objects.create(community=community, name="General", slug="general", position=0)
    seeding.seed_content([community], members, rng)
    slugs = list(Category.objects.filter(community=community).values_list("slug", flat=True))
    assert slugs.count("general") == 1 and "off-topic" in slugs


def test_demo_content_includes_a_modest_forum(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    assert 0 < Thread.objects.count() <= 100
    member_community = Membership.objects.get(user__email="member@example.gov.uk").community
    assert Thread.objects.filter(community=member_community).exists()


# --- bench/run.py ---------------------------------------------------------------------------------


def test_bench_uses_a_throwaway_sqlite_file_under_var_bench():
    from bench import run

    url = run.bench_database_url({"DATABASE_URL": "postgres://dev@localhost/copsite"})
    assert url.startswith("sqlite:///")
    assert run._sqlite_path(url) == (settings.BASE_DIR / "var" / "bench" / "bench.sqlite3")
    custom = "postgres://postgres@127.0.0.1:5432/copsite_bench"
    assert run.bench_database_url({"BENCH_DATABASE_URL": custom}) == custom


def test_bench_refuses_the_developer_database():
    from bench import run

    developer = f"sqlite:///{settings.BASE_DIR / 'var' / 'copsite.sqlite3'}"
    with pytest.raises(ValueError):
        run.bench_database_url({"BENCH_DATABASE_URL": developer})
    same = "postgres://dev@localhost/copsite"
    with pytest.raises(ValueError):
        run.bench_database_url({"BENCH_DATABASE_URL": same, "DATABASE_URL": same})


def test_bench_scales():
    from bench import run

    name, full = run.scale_from_env({})
    assert name == "full" and full.members >= 10_000 and full.communities == 50
    assert full.communities * full.threads_per_community >= 5_000
    assert full.communities * full.threads_per_community * full.posts_per_thread >= 100_000
    _, small = run.scale_from_env({"BENCH_SCALE": "small", "BENCH_REQUESTS": "3"})
    assert small.members < full.members and small.requests == 3
    with pytest.raises(ValueError):
        run.scale_from_env({"BENCH_SCALE": "huge"})


def test_bench_pages_answer_on_a_small_seeded_forum():
    from bench import run

    with seeding.sizes(threads_per_community=4, posts_per_thread=30):
        call_command("seed", members=60, communities=4, verbosity=0)
    Community.objects.filter(pk=Community.objects.order_by("pk").first().pk).update(
        visibility=Visibility.OPEN
    )
    results = run.run_pages(run.bench_member(), requests=2, rng=random.Random(1))
    lines = [result.line() for result in results]
    names = {line.split(" ")[0] for line in lines}
    assert len(names) == len(lines)
    for audience in ("anonymous", "member"):
        for page in ("community_index", "category_threads", "thread_first_page", "latest"):
            assert f"forums.{page}.{audience}" in names
    assert "forums.my_communities.member" in names
    assert "forums.my_communities.anonymous" not in names
    for result in results:
        assert len(result.milliseconds) == 2 and min(result.queries) > 0
        assert result.line().split(" ")[1].startswith("p50_ms=")
