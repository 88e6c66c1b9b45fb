"""Forum content for demos and benchmarks, inserted in bulk.

`communities.seeding.seed_app_content` calls `seed_content(communities, members, rng)` for
`manage.py seed` and `manage.py load_demo`; the benchmark (`bench/run.py`) calls it with exact
sizes. Everything is written with `bulk_create` (no services, no per-row saves); the
denormalised thread fields are then recomputed from the rows by a few UPDATE statements, so
they agree with `services.threads.thread_refresh_stats` by construction.

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
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
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

from .models import (
    Bookmark,
    Category,
    Mention,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
    Watch,
)
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
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("Forum seeding needs a database that returns ids from bulk inserts.")

    now = timezone.now()
    names = {m.pk: m.public_name for m in members}
    members_of: dict[int, list[int]] = defaultdict(list)
    moderators_of: dict[int, list[int]] = defaultdict(list)
    for community_id, user_id, role in Membership.objects.filter(
        community__in=communities
    ).values_list("community_id", "user_id", "role"):
        members_of[community_id].append(user_id)
        if role in (Role.OWNER, Role.FACILITATOR):
            moderators_of[community_id].append(user_id)
    for ids in members_of.values():
        ids.sort()

    categories_of = _seed_categories(communities, rng, summary)

    # How many threads each community gets, and how many posts each thread gets.
    active = [c for c in communities if members_of[c.pk] and categories_of[c.pk]]
    thread_counts = _split(
        round(threads_per_community * len(active)),
        [len(members_of[c.pk]) * rng.lognormvariate(0, 0.4) for c in active],
    )
    plan = [c for c, n in zip(active, thread_counts, strict=True) for _ in range(n)]
    post_counts = _split(
        round(posts_per_thread * len(plan)), [rng.lognormvariate(0, 0.9) for _ in plan]
    )

    threads: list[Thread] = []
    thread_posts: list[list[Post]] = []
    thread_tags: list[list[str]] = []
    welcomed: set[int] = set()
    for community, post_count in zip(plan, post_counts, strict=True):
        people = members_of[community.pk]
        moderators = moderators_of[community.pk] or people
        topic_name, words = _topic_of(community)
        times = _times(rng, post_count, now)
        welcome = community.pk not in welcomed
        welcomed.add(community.pk)
        if welcome:
            author_id = rng.choice(moderators)
            title = f"Welcome to {community.name}: introduce yourself here"
            opening = WELCOME_BODY.format(name=community.name)
            category = categories_of[community.pk][0]
        else:
            author_id = rng.choice(people)
            category = _pick_category(rng, categories_of[community.pk])
            title, fill = _title(rng, words)
            opening = _opening_body(rng, fill)
            if category.slug == "off-topic":
                title = rng.choice(OFF_TOPIC_TITLES).format(
                    event=rng.choice(EVENTS), role=rng.choice(ROLES)
                )
                opening = rng.choice(OFF_TOPIC_BODIES)
        thread = Thread(
            community=community,
            category=category,
            title=title[:200],
            author_id=author_id,
            as_team=welcome,
            created_at=times[0],
            last_activity_at=times[-1],
            is_pinned=welcome or rng.random() < 0.01,
            is_locked=not welcome and rng.random() < 0.02,
            is_closed=not welcome and rng.random() < 0.04,
        )
        posts = [Post(author_id=author_id, body=opening, created_at=times[0], as_team=welcome)]
        posters = [author_id]
        for when in times[1:]:
            replier = rng.choice(people)
            if replier == author_id and rng.random() < 0.7:
                replier = rng.choice(people)  # the asker replies now and then, not as often
            mention = None
            if rng.random() < 0.05:  # someone who posted earlier in the thread
                mentioned = rng.choice(posters)
                if mentioned != replier and mentioned in names:
                    mention = (mentioned, names[mentioned])
            body = _reply_body(rng, opening, mention)
            post = Post(author_id=replier, body=body, created_at=when)
            roll = rng.random()
            if roll < 0.015:
                post.status = Post.Status.DELETED
            elif roll < 0.025:
                post.status = Post.Status.HIDDEN
                post.moderation_reason = rng.choice(HIDE_REASONS)
                post.moderated_by_id = rng.choice(moderators)
            elif roll < 0.03:
                post.status = Post.Status.HELD
            posts.append(post)
            posters.append(replier)
        for post in posts:
            if post.status == Post.Status.VISIBLE and rng.random() < 0.04:
                post.edited_at = min(post.created_at + timedelta(minutes=rng.randint(2, 90)), now)
        threads.append(thread)
        thread_posts.append(posts)
        tags = []
        if not welcome and rng.random() < 0.35:
            tags = rng.sample(_tag_words(topic_name, words), rng.randint(1, 2))
        thread_tags.append(tags)

    Thread.objects.bulk_create(threads, batch_size=BATCH_SIZE)
    for thread, posts in zip(threads, thread_posts, strict=True):
        for post in posts:
            post.thread_id = thread.pk
    all_posts = [post for posts in thread_posts for post in posts]
    Post.objects.bulk_create(all_posts, batch_size=BATCH_SIZE)
    summary.threads, summary.posts = len(threads), len(all_posts)

    _seed_answers(threads, thread_posts, rng)
    refresh_denormalised(communities)
    _seed_revisions(all_posts)
    _seed_people_activity(threads, thread_posts, members_of, rng, now, summary)
    summary.tagged_threads = _seed_tags(threads, thread_tags)
    return summary


def _pick_category(rng: random.Random, categories: list[Category]) -> Category:
    """Questions go to "General" or the topical categories; one in twenty is off topic."""
    off_topic = [c for c in categories if c.slug == "off-topic"]
    others = [c for c in categories if c.slug != "off-topic"] or off_topic
    if off_topic and rng.random() < 0.05:
        return off_topic[0]
    return rng.choice(others)


def _tag_words(topic_name: str, words: Topic) -> list[str]:
    words = [topic_name.lower(), *(t.lower() for t in words.things[:3]), "procurement", "data"]
    return list(dict.fromkeys(w[:100] for w in words))


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


def _seed_answers(
    threads: list[Thread], thread_posts: list[list[Post]], rng: random.Random
) -> None:
    """About two in five questions with a visible reply have one marked as the answer."""
    answered = []
    for thread, posts in zip(threads, thread_posts, strict=True):
        replies = [p for p in posts[1:] if p.status == Post.Status.VISIBLE]
        if replies and not thread.as_team and rng.random() < 0.4:
            thread.answer_id = rng.choice(replies[:5]).pk
            answered.append(thread)
    Thread.objects.bulk_update(answered, ["answer"], batch_size=BATCH_SIZE)


def refresh_denormalised(communities: Sequence[Community]) -> None:
    """Recount every thread's replies, last post and last activity from its rows (what
    `services.threads.thread_refresh_stats` does one thread at a time), then move each community's
    `last_activity_at` forward to its latest published activity. A handful of UPDATEs."""
    visible = Post.objects.filter(thread=OuterRef("pk"), status=Post.Status.VISIBLE).order_by()
    opening = Post.objects.opening(OuterRef("thread"))
    replies = visible.exclude(pk=Subquery(opening.values("pk")))
    count = replies.values("thread").annotate(n=Count("pk")).values("n")
    newest = visible.order_by("-created_at", "-pk")
    threads = Thread.objects.filter(community__in=communities)
    threads.update(
        reply_count=Coalesce(Subquery(count), Value(0)),
        last_post=Subquery(newest.values("pk")[:1]),
    )
    threads.update(
        last_activity_at=Greatest(
            F("created_at"), Coalesce(Subquery(newest.values("created_at")[:1]), F("created_at"))
        )
    )
    latest = (
        Thread.objects.filter(community=OuterRef("pk"), status=Thread.Status.PUBLISHED)
        .order_by("-last_activity_at")
        .values("last_activity_at")[:1]
    )
    Community.objects.filter(pk__in=[c.pk for c in communities]).update(
        last_activity_at=Greatest(
            F("last_activity_at"), Coalesce(Subquery(latest), F("last_activity_at"))
        )
    )


def _seed_revisions(posts: list[Post]) -> None:
    """Edited posts keep their earlier text, as `services.posts.post_edit` would."""
    PostRevision.objects.bulk_create(
        [
            PostRevision(
                post_id=p.pk,
                body=p.body.split("\n\n", 1)[0],
                edited_by_id=p.author_id,
                created_at=p.edited_at,
            )
            for p in posts
            if p.edited_at
        ],
        batch_size=BATCH_SIZE,
    )


def _seed_people_activity(
    threads: list[Thread],
    thread_posts: list[list[Post]],
    members_of: dict[int, list[int]],
    rng: random.Random,
    now: datetime,
    summary: Summary,
) -> None:
    """Reactions, read markers, watches, bookmarks and mentions, as the services leave them."""
    reactions: list[Reaction] = []
    reads: dict[tuple[int, int], datetime] = {}
    watches: set[tuple[int, int]] = set()
    bookmarks: dict[tuple[int, int], Bookmark] = {}
    mentions: dict[tuple[int, int], Mention] = {}
    kinds = (Reaction.Kind.HELPFUL, Reaction.Kind.THANKS)
    for thread, posts in zip(threads, thread_posts, strict=True):
        people = members_of[thread.community_id]
        watches.add((thread.author_id, thread.pk))
        for post in posts:
            if post.status != Post.Status.VISIBLE:
                continue
            reads[(post.author_id, thread.pk)] = post.created_at  # posting marks as read
            watches.add((post.author_id, thread.pk))
            mentioned = _mentioned_id(post.body)
            if mentioned is not None:
                mentions[(post.pk, mentioned)] = Mention(
                    post_id=post.pk,
                    user_id=mentioned,
                    created_at=post.created_at,
                    notified_at=post.created_at,
                )
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
            seen = rng.choice(posts)
            key = (user_id, thread.pk)
            if reads.get(key, seen.created_at) <= seen.created_at:
                reads[key] = seen.created_at
    Reaction.objects.bulk_create(reactions, batch_size=BATCH_SIZE, ignore_conflicts=True)
    ThreadRead.objects.bulk_create(
        [ThreadRead(user_id=u, thread_id=t, last_read_at=at) for (u, t), at in reads.items()],
        batch_size=BATCH_SIZE,
    )
    Watch.objects.bulk_create(
        [Watch(user_id=u, thread_id=t) for u, t in watches], batch_size=BATCH_SIZE
    )
    Bookmark.objects.bulk_create(bookmarks.values(), batch_size=BATCH_SIZE)
    Mention.objects.bulk_create(mentions.values(), batch_size=BATCH_SIZE)
    summary.reactions = len(reactions)
    summary.thread_reads = len(reads)
    summary.watches = len(watches)
    summary.bookmarks = len(bookmarks)
    summary.mentions = len(mentions)


def _mentioned_id(body: str) -> int | None:
    if not body.startswith("@["):
        return None
    from copsite.markup import mentioned_user_ids

    ids = mentioned_user_ids(body)
    return next(iter(ids)) if ids else None


def _seed_tags(threads: list[Thread], thread_tags: list[list[str]]) -> int:
    """A few tags, through taggit's own tables in bulk."""
    from taggit.models import Tag, TaggedItem

    from django.contrib.contenttypes.models import ContentType

    words = sorted({w for tags in thread_tags for w in tags})
    if not words:
        return 0
    known = {t.name.lower(): t for t in Tag.objects.filter(name__in=words)}
    Tag.objects.bulk_create(
        [Tag(name=w, slug=slugify(w)) for w in words if w not in known], ignore_conflicts=True
    )
    known = {t.name.lower(): t for t in Tag.objects.filter(name__in=words)}
    content_type = ContentType.objects.get_for_model(Thread)
    items = {
        (thread.pk, known[word].pk): TaggedItem(
            content_type=content_type, object_id=thread.pk, tag=known[word]
        )
        for thread, tags in zip(threads, thread_tags, strict=True)
        for word in tags
        if word in known
    }
    TaggedItem.objects.bulk_create(items.values(), batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len({thread_id for thread_id, _ in items})
