#!/usr/bin/env python
"""Seed a large forum and blogs into a throw-away database, then time their pages.

    make bench                       # full: 10,000 members, 50 communities, 5,000 threads,
                                     #       100,000 posts, 20,000 blog posts,
                                     #       100,000 blog comments (several minutes)
    BENCH_SCALE=small make bench     # quick: under two minutes
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/copsite_bench make bench

The database is `var/bench/bench.sqlite3`, deleted and rebuilt on every run, or the database
named by BENCH_DATABASE_URL, which is DROPPED and created again. This process replaces
DATABASE_URL before Django starts, so the developer's database is never opened.

Output: `#` lines with the data-set size and timings, then exactly one line per page type and
audience, for example

    forums.category_threads.anonymous p50_ms=12.3 p95_ms=20.1 queries=9

p50/p95 over BENCH_REQUESTS requests (over different communities, categories, threads or
pages) after one warm-up request; `queries` is the most any one of those requests made.
BENCH_VERBOSE=1 adds each page type's slowest SQL statements.
"""

from __future__ import annotations

import math
import os
import random
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SQLITE_FILE = BENCH_DIR / "bench.sqlite3"
DEVELOPER_SQLITE_FILE = ROOT / "var" / "copsite.sqlite3"
BENCH_SECRET_KEY = "bench-only-secret-key-not-for-production"  # noqa: S105


@dataclass(frozen=True)
class Scale:
    members: int
    communities: int
    threads_per_community: int
    posts_per_thread: int
    requests: int  # measured requests per page type and audience
    blog_posts_per_community: int = 30
    blog_comments_per_post: int = 5


SCALES = {
    # 300 threads, 3,000 posts, 300 blog posts, 1,500 blog comments: the whole `make bench`
    # in well under two minutes on 2 cores.
    "small": Scale(
        members=1_000,
        communities=10,
        threads_per_community=30,
        posts_per_thread=10,
        requests=10,
        blog_posts_per_community=30,
        blog_comments_per_post=5,
    ),
    # 5,000 threads, 100,000 posts, 20,000 blog posts, 100,000 blog comments.
    "full": Scale(
        members=10_000,
        communities=50,
        threads_per_community=100,
        posts_per_thread=20,
        requests=25,
        blog_posts_per_community=400,
        blog_comments_per_post=5,
    ),
}


# --- Settings helpers (no Django needed) ----------------------------------------------------------


def scale_from_env(environ=None) -> tuple[str, Scale]:
    environ = os.environ if environ is None else environ
    name = (environ.get("BENCH_SCALE") or "full").strip().lower()
    if name not in SCALES:
        raise ValueError(f"BENCH_SCALE must be one of: {', '.join(SCALES)} (not {name!r})")
    scale = SCALES[name]
    if environ.get("BENCH_REQUESTS"):
        scale = Scale(**{**scale.__dict__, "requests": max(1, int(environ["BENCH_REQUESTS"]))})
    return name, scale


def _sqlite_path(url: str) -> Path | None:
    """The file of a `sqlite:///relative` or `sqlite:////absolute` URL (None: not SQLite)."""
    if not url.startswith("sqlite://"):
        return None
    rest = url.removeprefix("sqlite://").split("?", 1)[0]
    return Path(rest[1:] if rest.startswith("//") else rest.lstrip("/")).resolve()


def bench_database_url(environ=None) -> str:
    """The throw-away database: BENCH_DATABASE_URL, or a SQLite file under var/bench/.
    Refuses anything that could be the developer's own database."""
    environ = os.environ if environ is None else environ
    url = (environ.get("BENCH_DATABASE_URL") or "").strip()
    if not url:
        return f"sqlite:///{SQLITE_FILE}"
    developer = (environ.get("DATABASE_URL") or "").strip()
    same_as_developer = url == developer or (
        _sqlite_path(url) is not None
        and _sqlite_path(url) in {DEVELOPER_SQLITE_FILE.resolve(), _sqlite_path(developer)}
    )
    if same_as_developer:
        raise ValueError(
            "BENCH_DATABASE_URL names the development database; the bench wipes its database, "
            "so give it one of its own."
        )
    return url


def configure_environment(url: str) -> None:
    """Point this process at the bench database and settings, before Django starts."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=url,
        SECRET_KEY=BENCH_SECRET_KEY,
        DEBUG="0",
        REDIS_URL="",
        EMAIL_URL="",
        AWS_STORAGE_BUCKET_NAME="",
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def remove_sqlite_files(url: str) -> None:
    path = _sqlite_path(url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- Database set-up (Django configured) ----------------------------------------------------------

_fast_writes = {"on": False}


def _fast_writes_while_seeding(sender, connection, **kwargs) -> None:
    """Loading a throw-away database needs no durability; pages are measured without this."""
    if not _fast_writes["on"]:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off")


def recreate_server_database() -> None:
    """Drop and create the BENCH_DATABASE_URL database (PostgreSQL), like the test runner."""
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("BENCH_DATABASE_URL: only SQLite and PostgreSQL are supported.")
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name}")
        cursor.execute(f"CREATE DATABASE {name}")


def build(scale: Scale) -> dict[str, float]:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.backends.signals import connection_created

    from blogs import seeding as blog_seeding
    from communities.seeding import seed
    from forums import seeding as forum_seeding

    timings = {}
    connection_created.connect(_fast_writes_while_seeding)
    _fast_writes["on"] = True
    connection.close()
    try:
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        timings["migrate"] = time.perf_counter() - started
        started = time.perf_counter()
        with (
            forum_seeding.sizes(
                threads_per_community=scale.threads_per_community,
                posts_per_thread=scale.posts_per_thread,
            ),
            blog_seeding.sizes(
                posts_per_community=scale.blog_posts_per_community,
                comments_per_post=scale.blog_comments_per_post,
            ),
        ):
            seed(members=scale.members, communities=scale.communities, seed_value=1)
        timings["seed"] = time.perf_counter() - started
        if connection.vendor == "postgresql":  # what autovacuum would have done by now
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    finally:
        _fast_writes["on"] = False
        connection.close()
    return timings


def data_set_size() -> str:
    from accounts.models import User
    from blogs.models import BlogComment, BlogPostPage
    from communities.models import Community, Membership
    from forums.models import Category, Post, Reaction, Thread, ThreadRead

    counts = [
        ("members", User.objects.count()),
        ("communities", Community.objects.count()),
        ("memberships", Membership.objects.count()),
        ("categories", Category.objects.count()),
        ("threads", Thread.objects.count()),
        ("posts", Post.objects.count()),
        ("reactions", Reaction.objects.count()),
        ("read markers", ThreadRead.objects.count()),
        ("blog posts", BlogPostPage.objects.count()),
        ("blog comments", BlogComment.objects.count()),
    ]
    return ", ".join(f"{n:,} {label}" for label, n in counts)


# --- Measuring ------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    audience: str
    urls: list[str]


@dataclass
class Result:
    page: Page
    milliseconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    slowest_sql: list[tuple[float, str]] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.page.name}.{self.page.audience} "
            f"p50_ms={percentile(self.milliseconds, 0.5):.1f} "
            f"p95_ms={percentile(self.milliseconds, 0.95):.1f} "
            f"queries={max(self.queries)}"
        )


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def bench_member():
    """A signed-in member: the plain member (not a facilitator) of the most communities."""
    from django.db.models import Count

    from accounts.models import User
    from communities.models import Membership, Role

    user_id = (
        Membership.objects.filter(role=Role.MEMBER, user__is_active=True, user__is_staff=False)
        .values("user_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "user_id")
        .values_list("user_id", flat=True)
        .first()
    )
    return User.objects.get(pk=user_id)


def _spread(items: list, count: int, rng: random.Random) -> list:
    """`count` items, different ones while they last."""
    if not items:
        return []
    picked = rng.sample(items, min(count, len(items)))
    while len(picked) < count:
        picked.append(rng.choice(items))
    return picked


def plan_pages(member, requests: int, rng: random.Random) -> list[Page]:
    """The URLs to time for each page type, for an anonymous reader and for `member`."""
    from django.contrib.auth.models import AnonymousUser
    from django.urls import reverse

    from communities import permissions as community_permissions
    from communities.models import Community
    from forums.models import POSTS_PER_PAGE, Category, Thread

    pages = []
    for audience, user in (("anonymous", AnonymousUser()), ("member", member)):
        if user.is_authenticated:
            communities = community_permissions.communities_of(user)
        else:
            communities = community_permissions.filter_readable_communities(
                Community.objects.all(), user
            )
        threads = Thread.objects.visible_to(user).filter(community__in=communities)
        community_slugs = sorted(set(threads.values_list("community__slug", flat=True)))
        categories = sorted(
            set(
                Category.objects.filter(threads__in=threads.values("pk")).values_list(
                    "community__slug", "slug"
                )
            )
        )
        thread_keys = list(threads.order_by("pk").values_list("community__slug", "pk"))
        long_threads = list(
            threads.filter(reply_count__gte=POSTS_PER_PAGE)
            .order_by("-reply_count", "pk")
            .values_list("community__slug", "pk", "reply_count")[: requests * 4]
        )
        listing_pages = [f"?page={n % 3 + 1}" for n in range(requests)]
        plan = [
            (
                "forums.community_index",
                [
                    reverse("forums:forum", args=[slug])
                    for slug in _spread(community_slugs, requests, rng)
                ],
            ),
            (
                "forums.category_threads",
                [
                    reverse("forums:category", args=[s, c])
                    for s, c in _spread(categories, requests, rng)
                ],
            ),
            (
                "forums.thread_first_page",
                [reverse("forums:thread", args=k) for k in _spread(thread_keys, requests, rng)],
            ),
            (
                "forums.thread_later_page",
                [
                    reverse("forums:thread", args=[s, pk])
                    + f"?page={math.ceil((replies + 1) / POSTS_PER_PAGE)}"
                    for s, pk, replies in _spread(long_threads, requests, rng)
                ],
            ),
            ("forums.latest", [reverse("forums:latest") + q for q in listing_pages]),
        ]
        if user.is_authenticated:  # "my communities" is for signed-in people only
            mine = [reverse("forums:mine") + query for query in listing_pages]
            plan.append(("forums.my_communities", mine))
        plan += plan_blog_pages(user, communities, requests, rng)
        pages.extend(Page(name, audience, urls) for name, urls in plan if urls)
    return pages


def plan_blog_pages(user, communities, requests: int, rng: random.Random) -> list:
    """The blog pages to time: a community's blog (pages 1-3), a post (with its comments), a
    blog's tag page, the site-wide latest posts (pages 1-3) and an author's posts."""
    from django.urls import reverse

    from blogs.models import BlogPostPage, BlogPostTag
    from blogs.tree import blog_path
    from community_pages.models import site_relative_url

    posts = BlogPostPage.objects.visible_to(user).filter(community__in=communities)
    blogs = sorted(set(posts.values_list("community__slug", flat=True)))
    post_paths = list(posts.order_by("pk").values_list("url_path", flat=True)[: requests * 40])
    tags = sorted(
        set(
            BlogPostTag.objects.filter(content_object__in=posts.values("pk")).values_list(
                "content_object__community__slug", "tag__slug"
            )
        )
    )
    authors = sorted(set(posts.values_list("owner_id", flat=True)))
    listing_pages = [f"?page={n % 3 + 1}" for n in range(requests)]

    return [
        (
            "blogs.index",
            [
                blog_path(slug) + f"?page={n % 3 + 1}"
                for n, slug in enumerate(_spread(blogs, requests, rng))
            ],
        ),
        ("blogs.post", [site_relative_url(path) for path in _spread(post_paths, requests, rng)]),
        (
            "blogs.tag",
            [blog_path(slug) + f"tags/{tag}/" for slug, tag in _spread(tags, requests, rng)],
        ),
        ("blogs.latest", [reverse("blogs:latest") + q for q in listing_pages]),
        (
            "blogs.author",
            [reverse("blogs:author", args=[pk]) for pk in _spread(authors, requests, rng)],
        ),
    ]


def measure(page: Page, client, keep_slowest: int = 0) -> Result:
    """Time each URL of `page` (after one warm-up request) and count its queries."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    result = Result(page)
    client.get(page.urls[0])
    for url in page.urls:
        reset_queries()  # the log is cleared when a request starts: start from empty
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} ({page.audience})")
        result.milliseconds.append(elapsed * 1000)
        result.queries.append(len(captured))
        if keep_slowest:
            result.slowest_sql.extend(
                (float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries
            )
            result.slowest_sql = sorted(result.slowest_sql, reverse=True)[:keep_slowest]
    return result


def run_pages(member, requests: int, rng: random.Random, keep_slowest: int = 0) -> list[Result]:
    from django.test import Client

    anonymous, signed_in = Client(), Client()
    signed_in.force_login(member)
    clients = {"anonymous": anonymous, "member": signed_in}
    return [
        measure(page, clients[page.audience], keep_slowest)
        for page in plan_pages(member, requests, rng)
    ]


# --- Main -----------------------------------------------------------------------------------------


def main() -> int:
    begun = time.perf_counter()
    try:
        scale_name, scale = scale_from_env()
        url = bench_database_url()
    except ValueError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    verbose = os.environ.get("BENCH_VERBOSE", "") not in ("", "0")
    configure_environment(url)
    remove_sqlite_files(url)

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed
    django.setup()
    if _sqlite_path(url) is None:
        recreate_server_database()

    print(f"# bench scale={scale_name} database={url}", flush=True)
    timings = build(scale)
    print(f"# migrate {timings['migrate']:.1f}s", flush=True)
    print(f"# seeded in {timings['seed']:.1f}s: {data_set_size()}", flush=True)

    member = bench_member()
    print(
        f"# {scale.requests} requests per page type and audience, after one warm-up; "
        f"member: user {member.pk}",
        flush=True,
    )
    rng = random.Random(2026)  # noqa: S311 - picks pages, not secrets
    for result in run_pages(member, scale.requests, rng, keep_slowest=3 if verbose else 0):
        print(result.line(), flush=True)
        for milliseconds, sql in result.slowest_sql:
            print(f"#   {milliseconds:.1f}ms {sql[:400]}")
    print(f"# total {time.perf_counter() - begun:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
