"""Blog content for demos and benchmarks, written in bulk through the blog's import path.

`communities.seeding.seed_app_content` calls `seed_content(communities, members, rng)` for
`manage.py seed` and `manage.py load_demo`; the benchmark (`bench/run.py`) passes exact sizes
through `sizes(...)`.

Every community gets its blog pages (bulk-created communities never sent the post_save signal
that makes them) and its Wagtail groups. This module only chooses the demo content: who writes
which post when, and who comments when; `blogs.importing.import_blog_posts` writes it (tree
paths computed in bulk, one insert per table, treebeard's own check clean, no notifications).
Seeded posts are published, without revisions, and are not in the admin's search index.

Sizes, without arguments: 1 post per community for every 200 seeded members, at least 3 (so the
60-member demo gets 3 per community, `seed --members 1000` 5); 4 comments per post on average,
a quarter of them replies. Comments come from the community's members, after the post.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from communities.models import Community, Membership
from copsite.demo_words import GENERIC_TOPIC, TOPIC_WORDS, Topic

from .access import blog_access_refresh
from .importing import ImportedBlogPost, ImportedComment, import_blog_posts

POSTS_PER_200_MEMBERS = 1
MIN_POSTS_PER_COMMUNITY = 3
COMMENTS_PER_POST = 4
HISTORY_DAYS = 540
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


def _body(rng: random.Random, fill: dict[str, str]) -> list[dict[str, Any]]:
    """A post body in StreamField's JSON form."""
    paragraphs = [p.format(**fill) for p in rng.sample(PARAGRAPHS, rng.randint(2, 4))]
    items = rng.sample(LIST_ITEMS, rng.randint(3, 4))
    html = (
        f"<p>{paragraphs[0]}</p><h2>What made the difference</h2>"
        f"<ul>{''.join(f'<li>{item}</li>' for item in items)}</ul>"
        + "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    )
    blocks: list[dict[str, Any]] = [{"type": "paragraph", "value": html, "id": str(uuid.uuid4())}]
    if rng.random() < 0.3:
        blocks.append(
            {
                "type": "quote",
                "value": {"quote": rng.choice(COMMENTS), "attribution": "A resident"},
                "id": str(uuid.uuid4()),
            }
        )
    return blocks


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
    for community in communities:
        blog_access_refresh(community)  # makes the blog's pages too
    authors = _members_by_community(communities)
    now = timezone.now()
    posts = [
        post
        for community in communities
        if authors.get(community.pk)
        for post in _posts(community, authors[community.pk], int(posts_per_community), rng, now)
    ]
    for n, post in enumerate(posts):
        people = authors[post.community.pk]
        comments = _comments(post.first_published_at, people, comments_per_post, rng, now)
        posts[n] = replace(post, comments=comments)
    imported = import_blog_posts(posts)
    summary.posts = len(imported.posts)
    summary.tagged_posts = imported.tagged_posts
    summary.comments = imported.comments
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


def _posts(
    community: Community, people: list[int], count: int, rng: random.Random, now: datetime
) -> list[ImportedBlogPost]:
    """`count` posts by members of `community`, oldest first, over the last HISTORY_DAYS."""
    words = _topic_of(community)
    dates = sorted(
        now - timedelta(days=HISTORY_DAYS * rng.random() ** 1.5, minutes=rng.randint(5, 600))
        for _ in range(max(count, 0))
    )
    posts = []
    for published in dates:
        fill = _fill(rng, words)
        posts.append(
            ImportedBlogPost(
                community=community,
                title=rng.choice(TITLES).format(**fill),
                owner=rng.choice(people),
                first_published_at=published,
                body=_body(rng, fill),
                summary=rng.choice(SUMMARIES),
                tags=tuple(rng.sample(list(words.things), min(2, len(words.things)))),
            )
        )
    return posts


def _comments(
    published: datetime,
    people: list[int],
    comments_per_post: float,
    rng: random.Random,
    now: datetime,
) -> tuple[ImportedComment, ...]:
    """About `comments_per_post` for a post, three quarters of them comments and a quarter
    replies to an earlier comment, by the community's members, after the post."""
    count = max(0, round(rng.gauss(comments_per_post, comments_per_post / 2)))
    times = sorted(published + (now - published) * rng.random() ** 2 for _ in range(count))
    replies = count // 4
    threads: list[tuple[ImportedComment, list[ImportedComment]]] = [
        (ImportedComment(author=rng.choice(people), body=rng.choice(COMMENTS), created_at=when), [])
        for when in times[: count - replies]
    ]
    for when in times[count - replies :]:
        parents = [(comment, answers) for comment, answers in threads if comment.created_at < when]
        if not parents:
            continue
        _, answers = rng.choice(parents)
        answers.append(
            ImportedComment(author=rng.choice(people), body=rng.choice(REPLIES), created_at=when)
        )
    return tuple(replace(comment, replies=tuple(answers)) for comment, answers in threads)
