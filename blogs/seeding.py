"""Blog content for demos and benchmarks, inserted in bulk.

`communities.seeding.seed_app_content` calls `seed_content(communities, members, rng)` for
`manage.py seed` and `manage.py load_demo`; the benchmark (`bench/run.py`) passes exact sizes
through `sizes(...)`.

Every community gets its blog pages (bulk-created communities never sent the post_save signal
that makes them) and its Wagtail groups. Posts are Wagtail pages, which Django cannot
bulk-create (multi-table inheritance) and treebeard adds one at a time (a query or three each).
So this computes the tree paths itself, the way treebeard does (four base-36 characters a
level, after the blog's last child), bulk-creates the `wagtailcore_page` rows, then inserts the
`blogs_blogpostpage` rows with one executemany, and sets each blog's child count. The result
passes treebeard's own consistency check (tests/blogs/test_seeding.py). Seeded posts are
published, without revisions (Wagtail's editor treats a page without revisions as its own
latest version) and are not in the admin's search index.

Sizes, without arguments: 1 post per community for every 200 seeded members, at least 3 (so the
60-member demo gets 3 per community, `seed --members 1000` 5); 4 comments per post on average,
a quarter of them replies. Comments come from the community's members, after the post.
"""

from __future__ import annotations

import contextlib
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta

from taggit.models import Tag

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from wagtail.models import Page

from communities.models import Community, Membership
from copsite.demo_words import GENERIC_TOPIC, TOPIC_WORDS, Topic

from .access import blog_access_refresh
from .models import BlogComment, BlogIndexPage, BlogPostPage, BlogPostTag
from .models.pages import reading_minutes
from .tree import blog_pages_ensure

BATCH_SIZE = 2000
POSTS_PER_200_MEMBERS = 1
MIN_POSTS_PER_COMMUNITY = 3
COMMENTS_PER_POST = 4
HISTORY_DAYS = 540
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_overrides: dict[str, float] = {}


@contextlib.contextmanager
def sizes(
    *, posts_per_community: float | None = None, comments_per_post: float | None = None
) -> Iterator[None]:
    """Make calls without size arguments (such as `manage.py seed`) use these sizes."""
    previous = dict(_overrides)
    if posts_per_community is not None:
        _overrides["posts_per_community"] = posts_per_community
    if comments_per_post is not None:
        _overrides["comments_per_post"] = comments_per_post
    try:
        yield
    finally:
        _overrides.clear()
        _overrides.update(previous)


def default_posts_per_community(member_count: int) -> int:
    return max(MIN_POSTS_PER_COMMUNITY, round(member_count * POSTS_PER_200_MEMBERS / 200))


@dataclass
class Summary:
    posts: int = 0
    comments: int = 0
    tagged_posts: int = 0

    def __str__(self) -> str:
        return f"{self.posts:,} blog posts, {self.comments:,} blog comments"


# --- Words ----------------------------------------------------------------------------------------

TITLES = (
    "What we learned from a year of {thing}",
    "Five things we got wrong about {thing}",
    "How we rewrote our {document}",
    "Notes from replacing our {system}",
    "Why {thing} matters more than ever",
    "{Thing}: what the data told us",
    "A week in the life of our {thing} team",
    "Working in the open on {thing}",
    "What residents taught us about {thing}",
    "Our first six months with a new {system}",
    "Sharing our {document}, warts and all",
    "{Thing} on a shoestring",
)
SUMMARIES = (
    "What worked, what did not, and what we would do differently next time.",
    "A short write-up of our approach, with the templates we used.",
    "Lessons from our pilot, for anyone about to start something similar.",
    "We asked residents and frontline staff; here is what they said.",
    "Three changes that made the biggest difference, and one that made none.",
)
PARAGRAPHS = (
    "We started with a simple question: what do people actually need from {thing}? The answer "
    "surprised us, and it changed the shape of the whole project.",
    "Our {document} had not been looked at properly in years. We rewrote it with the people "
    "who use it every day, in plain English, and tested every section with residents.",
    "Choosing a {system} took longer than we expected. Talking to neighbouring councils first "
    "saved us months, and two of them shared their specifications with us.",
    "The biggest lesson was to involve frontline staff from day one. They knew where the "
    "problems were long before the data showed them.",
    "We kept the scope small, published what we learned every fortnight, and let the service "
    "team decide what came next.",
)
LIST_ITEMS = (
    "a clear owner for the data",
    "fortnightly show and tells",
    "plain English, tested with residents",
    "an exit plan in the contract",
    "early sign-off from information governance",
    "a proper handover to business as usual",
)
COMMENTS = (
    "Thanks for writing this up: really useful.",
    "We are about six months behind you on this, so this is perfect timing.",
    "Would you be willing to share the template? Happy to swap ours.",
    "The point about involving frontline staff early rings very true for us.",
    "How did you get senior leaders on board?",
    "Great post. We found the same with our pilot.",
)
REPLIES = (
    "Thanks! I'll send it over.",
    "Mostly by showing them the data from the pilot.",
    "Glad it helped.",
    "Good question: I'll write a follow-up.",
)


def _topic_of(community: Community) -> Topic:
    for name, words in TOPIC_WORDS.items():
        if community.name == name or community.name.startswith(f"{name} "):
            return words
    return GENERIC_TOPIC


def _fill(rng: random.Random, words: Topic) -> dict[str, str]:
    fill = {
        "system": rng.choice(words.systems),
        "thing": rng.choice(words.things),
        "document": rng.choice(words.documents),
    }
    fill["Thing"] = fill["thing"][0].upper() + fill["thing"][1:]
    return fill


def _body(rng: random.Random, fill: dict[str, str]) -> tuple[list[dict], str]:
    """A post body in StreamField's JSON form, and its plain text (for reading time)."""
    paragraphs = [p.format(**fill) for p in rng.sample(PARAGRAPHS, rng.randint(2, 4))]
    items = rng.sample(LIST_ITEMS, rng.randint(3, 4))
    html = (
        f"<p>{paragraphs[0]}</p><h2>What made the difference</h2>"
        f"<ul>{''.join(f'<li>{item}</li>' for item in items)}</ul>"
        + "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    )
    blocks = [{"type": "paragraph", "value": html, "id": str(uuid.uuid4())}]
    if rng.random() < 0.3:
        blocks.append(
            {
                "type": "quote",
                "value": {"quote": rng.choice(COMMENTS), "attribution": "A resident"},
                "id": str(uuid.uuid4()),
            }
        )
    return blocks, " ".join([*paragraphs, *items])


# --- Tree paths -----------------------------------------------------------------------------------


def _step(number: int) -> str:
    digits = ""
    while number:
        number, remainder = divmod(number, len(_ALPHABET))
        digits = _ALPHABET[remainder] + digits
    return digits.rjust(Page.steplen, "0")


def _last_child_number(parent: Page) -> int:
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    return int(last[-Page.steplen :], len(_ALPHABET)) if last else 0


# --- Seeding --------------------------------------------------------------------------------------


def seed_content(
    communities: Sequence[Community],
    members: Sequence,
    rng: random.Random,
    *,
    posts_per_community: float | None = None,
    comments_per_post: float | None = None,
) -> Summary:
    """Blog pages, Wagtail groups, posts, tags and comments for `communities`, written by
    their members. Returns what it made."""
    summary = Summary()
    communities = list(communities)
    if not communities:
        return summary
    if posts_per_community is None:
        posts_per_community = _overrides.get(
            "posts_per_community", default_posts_per_community(len(members))
        )
    if comments_per_post is None:
        comments_per_post = _overrides.get("comments_per_post", COMMENTS_PER_POST)
    indexes = {}
    for community in communities:
        indexes[community.pk] = blog_pages_ensure(community)
        blog_access_refresh(community)
    authors = _members_by_community(communities)
    now = timezone.now()
    posts: list[tuple[int, dict]] = []  # (page id, fields of the post row)
    post_tags: dict[int, list[str]] = {}
    for community in communities:
        people = authors.get(community.pk)
        if not people:
            continue
        created = _seed_posts(
            indexes[community.pk], community, people, int(posts_per_community), rng, now
        )
        for page_id, fields, tags in created:
            posts.append((page_id, fields))
            post_tags[page_id] = tags
    _insert_post_rows(posts)
    summary.posts = len(posts)
    summary.tagged_posts = _seed_tags(post_tags)
    summary.comments = _seed_comments(posts, authors, comments_per_post, rng, now)
    return summary


def _members_by_community(communities: Sequence[Community]) -> dict[int, list[int]]:
    people: dict[int, list[int]] = defaultdict(list)
    for community_id, user_id in (
        Membership.objects.filter(community__in=communities)
        .order_by("community_id", "user_id")
        .values_list("community_id", "user_id")
    ):
        people[community_id].append(user_id)
    return people


def _seed_posts(
    index: BlogIndexPage,
    community: Community,
    people: list[int],
    count: int,
    rng: random.Random,
    now,
) -> list[tuple[int, dict, list[str]]]:
    """The `wagtailcore_page` rows of `count` posts under `index` (bulk), oldest first."""
    if count <= 0:
        return []
    words = _topic_of(community)
    content_type = ContentType.objects.get_for_model(BlogPostPage)
    first_number = _last_child_number(index) + 1
    dates = sorted(
        now - timedelta(days=HISTORY_DAYS * rng.random() ** 1.5, minutes=rng.randint(5, 600))
        for _ in range(count)
    )
    pages, rows = [], []
    for n, published in enumerate(dates):
        fill = _fill(rng, words)
        title = rng.choice(TITLES).format(**fill)
        slug = f"{slugify(title)[:200]}-{first_number + n}"
        blocks, text = _body(rng, fill)
        summary = rng.choice(SUMMARIES)
        pages.append(
            Page(
                title=title,
                draft_title=title,
                slug=slug,
                content_type=content_type,
                path=index.path + _step(first_number + n),
                depth=index.depth + 1,
                numchild=0,
                url_path=f"{index.url_path}{slug}/",
                locale_id=index.locale_id,
                translation_key=uuid.uuid4(),
                live=True,
                has_unpublished_changes=False,
                first_published_at=published,
                last_published_at=published,
                owner_id=rng.choice(people),
            )
        )
        tags = rng.sample(list(words.things), min(2, len(words.things)))
        rows.append(
            (
                {
                    "community_id": community.pk,
                    "summary": summary,
                    "body": json.dumps(blocks),
                    "reading_minutes": reading_minutes(f"{summary} {text}"),
                },
                tags,
            )
        )
    created = Page.objects.bulk_create(pages, batch_size=BATCH_SIZE)
    Page.objects.filter(pk=index.pk).update(numchild=index.numchild + len(created))
    index.numchild += len(created)
    return [(page.pk, fields, tags) for page, (fields, tags) in zip(created, rows, strict=True)]


def _insert_post_rows(posts: list[tuple[int, dict]]) -> None:
    """The `blogs_blogpostpage` half of each post (Django cannot bulk-create it)."""
    if not posts:
        return
    table = connection.ops.quote_name(BlogPostPage._meta.db_table)
    columns = ["page_ptr_id", "community_id", "summary", "hero_alt_text", "body",
               "reading_minutes", "comments_closed"]  # fmt: skip
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608 - our names
    values = [
        (page_id, f["community_id"], f["summary"], "", f["body"], f["reading_minutes"], False)
        for page_id, f in posts
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH_SIZE):
            cursor.executemany(sql, values[start : start + BATCH_SIZE])


def _seed_tags(post_tags: dict[int, list[str]]) -> int:
    words = sorted({word for tags in post_tags.values() for word in tags})
    if not words:
        return 0
    known = {tag.name.lower(): tag for tag in Tag.objects.filter(name__in=words)}
    Tag.objects.bulk_create(
        [Tag(name=word, slug=slugify(word)) for word in words if word.lower() not in known],
        ignore_conflicts=True,
    )
    known = {tag.name.lower(): tag for tag in Tag.objects.filter(name__in=words)}
    items = [
        BlogPostTag(content_object_id=page_id, tag=known[word.lower()])
        for page_id, tags in post_tags.items()
        for word in tags
        if word.lower() in known
    ]
    BlogPostTag.objects.bulk_create(items, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len({item.content_object_id for item in items})


def _seed_comments(
    posts: list[tuple[int, dict]],
    authors: dict[int, list[int]],
    comments_per_post: float,
    rng: random.Random,
    now,
) -> int:
    """About `comments_per_post` a post, three quarters of them comments and a quarter
    replies to them, by the post's community's members, after the post."""
    published = dict(
        BlogPostPage.objects.filter(pk__in=[page_id for page_id, _ in posts]).values_list(
            "pk", "first_published_at"
        )
    )
    top_level, reply_plans = [], []
    for page_id, fields in posts:
        people = authors[fields["community_id"]]
        count = max(0, round(rng.gauss(comments_per_post, comments_per_post / 2)))
        start = published[page_id]
        times = sorted(start + (now - start) * rng.random() ** 2 for _ in range(count))
        replies = count // 4
        for when in times[: count - replies]:
            top_level.append(
                BlogComment(post_id=page_id, author_id=rng.choice(people),
                            body=rng.choice(COMMENTS), created_at=when)
            )  # fmt: skip
        reply_plans.extend((page_id, when, people) for when in times[count - replies :])
    created = BlogComment.objects.bulk_create(top_level, batch_size=BATCH_SIZE)
    by_post: dict[int, list[BlogComment]] = defaultdict(list)
    for comment in created:
        by_post[comment.post_id].append(comment)
    replies = []
    for page_id, when, people in reply_plans:
        parents = [c for c in by_post[page_id] if c.created_at < when]
        if not parents:
            continue
        replies.append(
            BlogComment(post_id=page_id, author_id=rng.choice(people), parent=rng.choice(parents),
                        body=rng.choice(REPLIES), created_at=when)
        )  # fmt: skip
    BlogComment.objects.bulk_create(replies, batch_size=BATCH_SIZE)
    return len(created) + len(replies)
