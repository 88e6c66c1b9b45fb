"""Forum content for demos and benchmarks, inserted in bulk.

`communities.seeding.seed_app_content` calls `seed_content(communities, members, rng)` for
`manage.py seed` and `manage.py load_demo`; the benchmark (`bench/run.py`) calls it with exact
sizes. This module only chooses the demo content: who writes what, when, and who reacts,
bookmarks and reads. Threads and posts are written through the forum's import path
(`forums.importing.import_threads`, in bulk, no services and no notifications), which keeps the
denormalised thread and community fields right, and records the mentions, watches and read
markers posting leaves; reactions, bookmarks and readers' markers are bulk-inserted here.

Sizes. Without arguments:

- threads per community: 1 for every 100 seeded members, at least 4 (so `seed --members
  10000 --communities 50` adds 100 threads to each community: 5,000 threads and 40,000 posts,
  about 20 seconds on top of the members; the 60-member demo gets 4 per community);
- posts per thread, the opening post included: 8 on average.

Both are averages: busier communities (more members) get more threads and a few threads grow
long (several pages), but the totals are exact: `threads_per_community * communities` threads
(communities without members get none) and `posts_per_thread * threads` posts. Pass them as
keyword arguments, or wrap a call that does not take them (`manage.py seed`) in
`sizes(threads_per_community=..., posts_per_thread=...)`.
"""

from __future__ import annotations

import contextlib
import math
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.text import slugify

from communities.models import Community, Membership, Role
from copsite.demo_words import (
    ADVICE,
    CLOSINGS,
    CONSIDERATIONS,
    EVENTS,
    EXPERIENCES,
    GENERIC_TOPIC,
    HIDE_REASONS,
    OFF_TOPIC_BODIES,
    OFF_TOPIC_TITLES,
    OFFERS,
    ORGANISATION_KINDS,
    QUESTIONS,
    ROLES,
    SHORT_REPLIES,
    SITUATIONS,
    TIPS,
    TITLE_TEMPLATES,
    TOPIC_WORDS,
    WELCOME_BODY,
    Topic,
)
from copsite.markup import mention_markdown

from .importing import (
    ImportedPost,
    ImportedRevision,
    ImportedThread,
    ThreadImport,
    import_threads,
    read_markers_import,
)
from .models import Bookmark, Category, Post, Reaction
from .services.categories import DEFAULT_CATEGORIES

BATCH_SIZE = 2000
THREADS_PER_100_MEMBERS = 1
MIN_THREADS_PER_COMMUNITY = 4
POSTS_PER_THREAD = 8
HISTORY_DAYS = 540

_overrides: dict[str, float] = {}


@contextlib.contextmanager
def sizes(
    *, threads_per_community: float | None = None, posts_per_thread: float | None = None
) -> Iterator[None]:
    """Make calls without size arguments (such as `manage.py seed`) use these sizes."""
    previous = dict(_overrides)
    if threads_per_community is not None:
        _overrides["threads_per_community"] = threads_per_community
    if posts_per_thread is not None:
        _overrides["posts_per_thread"] = posts_per_thread
    try:
        yield
    finally:
        _overrides.clear()
        _overrides.update(previous)


def default_threads_per_community(member_count: int) -> int:
    """1 thread per community for every 100 seeded members, at least 4."""
    return max(MIN_THREADS_PER_COMMUNITY, round(member_count * THREADS_PER_100_MEMBERS / 100))


@dataclass
class Summary:
    categories: int = 0
    threads: int = 0
    posts: int = 0
    reactions: int = 0
    thread_reads: int = 0
    watches: int = 0
    bookmarks: int = 0
    mentions: int = 0
    tagged_threads: int = 0

    def __str__(self) -> str:
        return (
            f"{self.threads:,} threads, {self.posts:,} posts, {self.reactions:,} reactions, "
            f"{self.thread_reads:,} read markers, {self.watches:,} watches, "
            f"{self.bookmarks:,} bookmarks, {self.mentions:,} mentions, "
            f"{self.categories:,} new categories"
        )


# --- Words ----------------------------------------------------------------------------------------


def _topic_of(community: Community) -> tuple[str, Topic]:
    for name, words in TOPIC_WORDS.items():
        if community.name == name or community.name.startswith(f"{name} "):
            return name, words
    return community.name, GENERIC_TOPIC


def _title(rng: random.Random, words: Topic) -> tuple[str, dict[str, str]]:
    fill = {
        "system": rng.choice(words.systems),
        "thing": rng.choice(words.things),
        "document": rng.choice(words.documents),
    }
    fill["Thing"] = fill["thing"][0].upper() + fill["thing"][1:]
    if words.questions and rng.random() < 0.2:
        return rng.choice(words.questions), fill
    return rng.choice(TITLE_TEMPLATES).format(**fill), fill


def _opening_body(rng: random.Random, fill: dict[str, str]) -> str:
    parts = [
        f"We're {rng.choice(ORGANISATION_KINDS)} and {rng.choice(SITUATIONS).format(**fill)}.",
        rng.choice(QUESTIONS).format(**fill),
    ]
    if rng.random() < 0.6:
        items = rng.sample(CONSIDERATIONS, rng.randint(2, 4))
        parts.append("A few things we're weighing up:\n\n" + "\n".join(f"- {i}" for i in items))
    if rng.random() < 0.3:
        deadline = rng.choice(("March", "June", "September", "the end of the year"))
        parts.append(
            f"We've been asked to report back by **{deadline}**, so quick wins are very welcome."
        )
    parts.append(rng.choice(CLOSINGS))
    return "\n\n".join(parts)


def _reply_body(rng: random.Random, opening: str, mention: tuple[int, str] | None) -> str:
    """A reply; `mention` (id, name) starts it with a mention as the mention picker writes it."""
    prefix = mention_markdown(mention[1], mention[0]) + " " if mention else ""
    roll = rng.random()
    if roll < 0.25:
        return prefix + rng.choice(SHORT_REPLIES)
    parts = [prefix + rng.choice(EXPERIENCES) + " " + rng.choice(ADVICE)]
    if roll < 0.4:
        quoted = opening.split("\n", 1)[0]
        parts.insert(0, f"> {quoted}")
    if rng.random() < 0.5:
        tips = rng.sample(TIPS, rng.randint(2, 4))
        ordered = rng.random() < 0.3
        parts.append(
            "What made the difference for us:\n\n"
            + "\n".join(f"{n}. {t}" if ordered else f"- {t}" for n, t in enumerate(tips, 1))
        )
    if rng.random() < 0.5:
        parts.append(rng.choice(OFFERS))
    return "\n\n".join(parts)


# --- Sizes ----------------------------------------------------------------------------------------


def _split(total: int, weights: Sequence[float], minimum: int = 1) -> list[int]:
    """Share `total` between len(weights) parts in proportion, each at least `minimum`."""
    count = len(weights)
    if not count:
        return []
    spare = total - minimum * count
    if spare <= 0:
        return [minimum] * count
    weight_sum = sum(weights) or 1.0
    shares = [spare * w / weight_sum for w in weights]
    parts = [minimum + math.floor(s) for s in shares]
    left = total - sum(parts)
    by_remainder = sorted(range(count), key=lambda i: math.floor(shares[i]) - shares[i])
    for i in by_remainder[:left]:
        parts[i] += 1
    return parts


def _times(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """When a thread's posts were written: opened up to HISTORY_DAYS ago (more recent ones
    more likely), replies minutes to days apart, never in the future, strictly increasing."""
    start = now - timedelta(days=HISTORY_DAYS * rng.random() ** 1.6, seconds=600 + count * 60)
    gaps = [rng.expovariate(1 / (3600 * 8)) + 30 for _ in range(count - 1)]
    room = (now - start).total_seconds() - 60
    total = sum(gaps)
    if total > room:
        gaps = [max(g * room / total, 1.0) for g in gaps]
    times = [start]
    for gap in gaps:
        times.append(times[-1] + timedelta(seconds=gap))
    return times


# --- Seeding --------------------------------------------------------------------------------------


@dataclass
class _People:
    """Who belongs to each community, and who facilitates it (ids, sorted)."""

    names: dict[int, str]
    members_of: dict[int, list[int]]
    moderators_of: dict[int, list[int]]


def seed_content(
    communities: Sequence[Community],
    members: Sequence,
    rng: random.Random,
    *,
    threads_per_community: float | None = None,
    posts_per_thread: float | None = None,
) -> Summary:
    """Categories, threads, posts, answers, reactions, read markers, watches, bookmarks,
    mentions and tags for `communities`, written by their members. Returns what it made."""
    summary = Summary()
    communities = list(communities)
    if not communities:
        return summary
    if threads_per_community is None:
        threads_per_community = _overrides.get(
            "threads_per_community", default_threads_per_community(len(members))
        )
    if posts_per_thread is None:
        posts_per_thread = _overrides.get("posts_per_thread", POSTS_PER_THREAD)

    now = timezone.now()
    people = _people(communities, members)
    categories_of = _seed_categories(communities, rng, summary)

    # How many threads each community gets, and how many posts each thread gets.
    active = [c for c in communities if people.members_of[c.pk] and categories_of[c.pk]]
    thread_counts = _split(
        round(threads_per_community * len(active)),
        [len(people.members_of[c.pk]) * rng.lognormvariate(0, 0.4) for c in active],
    )
    plan = [c for c, n in zip(active, thread_counts, strict=True) for _ in range(n)]
    post_counts = _split(
        round(posts_per_thread * len(plan)), [rng.lognormvariate(0, 0.9) for _ in plan]
    )

    threads: list[ImportedThread] = []
    welcomed: set[int] = set()
    for community, post_count in zip(plan, post_counts, strict=True):
        welcome = community.pk not in welcomed
        welcomed.add(community.pk)
        threads.append(
            _thread(community, categories_of[community.pk], post_count, welcome, people, rng, now)
        )

    imported = import_threads(threads)
    summary.threads, summary.posts = len(imported.threads), imported.posts
    summary.watches, summary.mentions = imported.watches, imported.mentions
    summary.tagged_threads = imported.tagged_threads
    summary.thread_reads = imported.read_markers
    _seed_people_activity(imported.threads, people.members_of, rng, now, summary)
    return summary


def _people(communities: list[Community], members: Sequence) -> _People:
    people = _People(
        names={m.pk: m.public_name for m in members},
        members_of=defaultdict(list),
        moderators_of=defaultdict(list),
    )
    for community_id, user_id, role in Membership.objects.filter(
        community__in=communities
    ).values_list("community_id", "user_id", "role"):
        people.members_of[community_id].append(user_id)
        if role in (Role.OWNER, Role.FACILITATOR):
            people.moderators_of[community_id].append(user_id)
    for ids in people.members_of.values():
        ids.sort()
    return people


def _thread(
    community: Community,
    categories: list[Category],
    post_count: int,
    welcome: bool,
    people: _People,
    rng: random.Random,
    now: datetime,
) -> ImportedThread:
    """One demo thread: each community's first is the team's pinned welcome; the others are
    members' questions with replies, some edited, hidden, deleted or held, a few answered."""
    members = people.members_of[community.pk]
    moderators = people.moderators_of[community.pk] or members
    topic_name, words = _topic_of(community)
    times = _times(rng, post_count, now)
    if welcome:
        author_id = rng.choice(moderators)
        title = f"Welcome to {community.name}: introduce yourself here"
        opening = WELCOME_BODY.format(name=community.name)
        category = categories[0]
    else:
        author_id = rng.choice(members)
        category = _pick_category(rng, categories)
        title, fill = _title(rng, words)
        opening = _opening_body(rng, fill)
        if category.slug == "off-topic":
            title = rng.choice(OFF_TOPIC_TITLES).format(
                event=rng.choice(EVENTS), role=rng.choice(ROLES)
            )
            opening = rng.choice(OFF_TOPIC_BODIES)
    first = _post(rng, now, author=author_id, body=opening, created_at=times[0], as_team=welcome)
    replies = []
    posters = [author_id]
    for when in times[1:]:
        replier = rng.choice(members)
        if replier == author_id and rng.random() < 0.7:
            replier = rng.choice(members)  # the asker replies now and then, not as often
        mention = None
        if rng.random() < 0.05:  # someone who posted earlier in the thread
            mentioned = rng.choice(posters)
            if mentioned != replier and mentioned in people.names:
                mention = (mentioned, people.names[mentioned])
        body = _reply_body(rng, opening, mention)
        replies.append(_post(rng, now, author=replier, body=body, created_at=when,
                             **_moderated(rng, moderators)))  # fmt: skip
        posters.append(replier)
    tags = []
    if not welcome and rng.random() < 0.35:
        tags = rng.sample(_tag_words(topic_name, words), rng.randint(1, 2))
    return ImportedThread(
        community=community,
        category=category,
        title=title,
        opening=first,
        replies=tuple(replies),
        tags=tuple(tags),
        is_pinned=welcome or rng.random() < 0.01,
        is_locked=not welcome and rng.random() < 0.02,
        is_closed=not welcome and rng.random() < 0.04,
        answer=None if welcome else _answer(rng, replies),
    )


def _moderated(rng: random.Random, moderators: list[int]) -> dict:
    """A reply's status: a few are deleted, hidden by a facilitator or waiting for approval."""
    roll = rng.random()
    if roll < 0.015:
        return {"status": Post.Status.DELETED}
    if roll < 0.025:
        return {
            "status": Post.Status.HIDDEN,
            "moderation_reason": rng.choice(HIDE_REASONS),
            "moderated_by": rng.choice(moderators),
        }
    if roll < 0.03:
        return {"status": Post.Status.HELD}
    return {}


def _post(rng: random.Random, now: datetime, **fields) -> ImportedPost:
    """A post; one visible post in 25 was edited, keeping its first paragraph as the earlier
    text (as `services.posts.post_edit` would)."""
    post = ImportedPost(**fields)
    if post.status != Post.Status.VISIBLE or rng.random() >= 0.04:
        return post
    edited_at = min(post.created_at + timedelta(minutes=rng.randint(2, 90)), now)
    earlier = ImportedRevision(body=post.body.split("\n\n", 1)[0], replaced_at=edited_at)
    return replace(post, edited_at=edited_at, revisions=(earlier,))


def _answer(rng: random.Random, replies: list[ImportedPost]) -> int | None:
    """About two in five questions with a visible reply have one of the first five marked as
    the answer."""
    visible = [n for n, reply in enumerate(replies) if reply.status == Post.Status.VISIBLE]
    if visible and rng.random() < 0.4:
        return rng.choice(visible[:5])
    return None


def _pick_category(rng: random.Random, categories: list[Category]) -> Category:
    """Questions go to "General" or the topical categories; one in twenty is off topic."""
    off_topic = [c for c in categories if c.slug == "off-topic"]
    others = [c for c in categories if c.slug != "off-topic"] or off_topic
    if off_topic and rng.random() < 0.05:
        return off_topic[0]
    return rng.choice(others)


def _tag_words(topic_name: str, words: Topic) -> list[str]:
    names = [topic_name.lower(), *(t.lower() for t in words.things[:3]), "procurement", "data"]
    return list(dict.fromkeys(name[:100] for name in names))


def _seed_categories(
    communities: list[Community], rng: random.Random, summary: Summary
) -> dict[int, list[Category]]:
    """The default categories for communities that miss them (bulk-created communities skip
    the signal), plus up to two topical ones for communities that have only the defaults."""
    existing: dict[int, set[str]] = defaultdict(set)
    for community_id, slug in Category.objects.filter(community__in=communities).values_list(
        "community_id", "slug"
    ):
        existing[community_id].add(slug)
    default_slugs = {slug for _, slug, _ in DEFAULT_CATEGORIES}
    new = []
    for community in communities:
        have = existing[community.pk]
        for position, (name, slug, description) in enumerate(DEFAULT_CATEGORIES):
            if slug not in have:
                new.append(
                    Category(
                        community=community,
                        name=name,
                        slug=slug,
                        description=description,
                        position=position,
                    )
                )
        if have <= default_slugs:
            _, words = _topic_of(community)
            for offset, name in enumerate(rng.sample(words.categories, 2)):
                new.append(
                    Category(
                        community=community,
                        name=name,
                        slug=slugify(name)[:80],
                        description=f"Questions and experience about {name.lower()}.",
                        position=len(DEFAULT_CATEGORIES) + offset,
                    )
                )
    Category.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
    summary.categories = len(new)
    categories_of: dict[int, list[Category]] = defaultdict(list)
    for category in Category.objects.filter(community__in=communities).order_by(
        "community_id", "position", "pk"
    ):
        categories_of[category.community_id].append(category)
    return categories_of


def _seed_people_activity(
    threads: list[ThreadImport],
    members_of: dict[int, list[int]],
    rng: random.Random,
    now: datetime,
    summary: Summary,
) -> None:
    """Reactions, bookmarks and members who read without posting, as the services leave them
    (posting's own read markers, watches and mentions came with the import)."""
    reactions: list[Reaction] = []
    reads: dict[tuple[int, int], datetime] = {}
    bookmarks: dict[tuple[int, int], Bookmark] = {}
    posters: set[tuple[int, int]] = set()  # posting marked these read already
    kinds = (Reaction.Kind.HELPFUL, Reaction.Kind.THANKS)
    for item in threads:
        thread, posts = item.thread, item.posts
        people = members_of[thread.community_id]
        for post in posts:
            if post.status != Post.Status.VISIBLE:
                continue
            posters.add((post.author_id, thread.pk))
            wanted = 0 if rng.random() < 0.7 else min(int(rng.expovariate(0.7)) + 1, 8)
            if post.pk == thread.answer_id:
                wanted += 2
            sampled = rng.sample(people, min(len(people), wanted))
            reactors = [u for u in sampled if u != post.author_id]
            for user_id in reactors:
                reactions.append(
                    Reaction(
                        post_id=post.pk,
                        user_id=user_id,
                        kind=kinds[0] if rng.random() < 0.7 else kinds[1],
                        created_at=min(post.created_at + timedelta(hours=rng.random() * 48), now),
                    )
                )
            if rng.random() < 0.005 and reactors:
                key = (reactors[0], post.pk)
                bookmarks[key] = Bookmark(user_id=key[0], post_id=post.pk, created_at=now)
        # Some readers who did not post: part way through, or to the end.
        for user_id in rng.sample(people, min(len(people), rng.randint(0, 3))):
            reads[(user_id, thread.pk)] = rng.choice(posts).created_at
    Reaction.objects.bulk_create(reactions, batch_size=BATCH_SIZE, ignore_conflicts=True)
    Bookmark.objects.bulk_create(bookmarks.values(), batch_size=BATCH_SIZE)
    summary.reactions = len(reactions)
    read_markers_import(reads)
    summary.thread_reads += len(reads.keys() - posters)
    summary.bookmarks = len(bookmarks)
