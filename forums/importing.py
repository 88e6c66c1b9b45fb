"""Writing forum history: threads and posts with their original authors and dates.

The one way to write old content into a forum. Importers (WordPress, MediaWiki, mailing-list
archives, Discourse exports) and the demo and benchmark seeder (`forums.seeding`) use it:

- `import_thread(...)`: one thread with its replies;
- `import_replies(thread=..., replies=[...])`: replies added to a thread that exists;
- `import_threads([ImportedThread(...), ...])`: any number at once, in bulk (a few statements
  per 2,000 rows whatever the count: the bench seeds 100,000 posts through it).

Importing is an admin act on history, so it deliberately skips what the services do for
someone writing now:

- no notifications, no domain events, no outbox e-mail: nothing is recorded for the
  notifications app, and mentions are stored as delivered (`notified_at` is the post's date),
  so nobody hears about an imported post, then or after a later edit;
- no posting rule, rate limit, held-first-post rule or length limit: the caller vouches for
  the authors (members or not) and for what they wrote, and chooses the community and category;
- bodies are stored as given (Markdown): like every post they are rendered and cleaned by
  `copsite.markup` when shown, so nothing unsafe reaches a page.

What it keeps, as the services leave it: `reply_count`, `last_post` and `last_activity_at`
recomputed from the rows (what `services.threads.thread_refresh_stats` computes; an answer that
is not a visible post of its thread is cleared), the community's `last_activity_at` moved
forward (never back), an accepted answer, tags, the earlier texts of edited posts
(`PostRevision`), mentions, and every author watching the thread they posted in and having read
it up to their own last visible post. Imported threads are published; they list and read like
any other (`Thread.objects.visible_to`), by their own dates.

Importing twice: a post's `source_key` (its id in the source system) is stored as its
submission key, `import:<key>` (decision 13: unique per author). A post whose key is there
already is not written again, and a thread whose opening post is there is not started again:
only its replies with keys not seen before are added (replies without a key are skipped there,
as nothing tells them from the first run's). Without keys, importing twice writes twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from taggit.models import TaggedItem

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, F, Field, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accounts.models import User
from communities.models import Community, Membership, Visibility
from copsite.importing import (
    BATCH_SIZE,
    InvalidImport,
    batches,
    clean_tags,
    person_pk,
    submission_key_for,
    tags_by_name,
)
from copsite.markup import mentioned_user_ids

from .models import Category, Mention, Post, PostRevision, Thread, ThreadRead, Watch
from .services.publishing import community_touch

Person = User | int  # a user, or a user's id: the caller vouches for them either way


# --- What is imported -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportedRevision:
    """An earlier text of a post, replaced at `replaced_at` (what `post_edit` keeps);
    `title` is the thread's earlier title when the post opened it."""

    body: str
    replaced_at: datetime
    title: str = ""
    edited_by: Person | None = None  # None: the post's author


@dataclass(frozen=True, slots=True)
class ImportedPost:
    """A post as it was written. `status` may be any `Post.Status` (a hidden post keeps its
    reason and the facilitator who hid it); an opening post must be visible."""

    author: Person
    created_at: datetime
    body: str
    edited_at: datetime | None = None
    status: str = Post.Status.VISIBLE
    as_team: bool = False
    moderation_reason: str = ""
    moderated_by: Person | None = None
    source_key: str = ""
    revisions: Sequence[ImportedRevision] = ()


@dataclass(frozen=True, slots=True)
class ImportedThread:
    """A thread: its opening post (author, date, team byline) and replies, none older than
    the opening post. `answer` is the index in `replies` of the accepted answer, a visible
    reply."""

    community: Community
    category: Category
    title: str
    opening: ImportedPost
    replies: Sequence[ImportedPost] = ()
    tags: Sequence[str] = ()
    is_pinned: bool = False
    is_locked: bool = False
    is_closed: bool = False
    answer: int | None = None


@dataclass
class ThreadImport:
    """One imported thread: `created` is False when it was there from an earlier import;
    `posts` are the rows written now, opening post first, in the order given."""

    thread: Thread
    posts: list[Post]
    created: bool


@dataclass
class ForumImport:
    """What `import_threads` wrote."""

    threads: list[ThreadImport] = field(default_factory=list)
    revisions: int = 0
    mentions: int = 0
    watches: int = 0
    read_markers: int = 0
    tagged_threads: int = 0

    @property
    def posts(self) -> int:
        return sum(len(item.posts) for item in self.threads)


# --- One at a time --------------------------------------------------------------------------------


def import_thread(
    *,
    community: Community,
    category: Category,
    title: str,
    author: Person,
    created_at: datetime,
    body: str,
    replies: Sequence[ImportedPost] = (),
    tags: Sequence[str] = (),
    as_team: bool = False,
    edited_at: datetime | None = None,
    source_key: str = "",
    is_pinned: bool = False,
    is_locked: bool = False,
    is_closed: bool = False,
    answer: int | None = None,
) -> ThreadImport:
    """Write one published thread as it was: opened by `author` at `created_at`, with its
    replies. No notifications, events, e-mail, rate limit or posting rule; the caller vouches
    for the authors. Returns the thread and the posts written."""
    opening = ImportedPost(
        author=author,
        created_at=created_at,
        body=body,
        edited_at=edited_at,
        as_team=as_team,
        source_key=source_key,
    )
    thread = ImportedThread(
        community=community,
        category=category,
        title=title,
        opening=opening,
        replies=tuple(replies),
        tags=tuple(tags),
        is_pinned=is_pinned,
        is_locked=is_locked,
        is_closed=is_closed,
        answer=answer,
    )
    return import_threads([thread]).threads[0]


@transaction.atomic
def import_replies(*, thread: Thread, replies: Sequence[ImportedPost]) -> list[Post]:
    """Add old replies to an existing thread (whatever its state: locked and closed threads
    take them too), then recount it. Replies whose source key is there already are skipped.
    No notifications, events, e-mail, rate limit or posting rule. Returns the posts written."""
    _require_bulk_returning()
    opening = Post.objects.opening(thread).values_list("created_at", flat=True).first()
    for position, reply in enumerate(replies):
        _check_post(reply, f"reply {position}")
        if opening is not None and reply.created_at < opening:
            raise InvalidImport(f"reply {position}: older than the thread's opening post.")
    found = _posts_by_source_key(_keys(replies))
    plan = _Plan(thread=thread, created=False, tags=())
    plan.posts = _rows(replies, thread, found)
    _write([plan])
    return [post for _, post in plan.posts]


# --- In bulk --------------------------------------------------------------------------------------


@transaction.atomic
def import_threads(threads: Sequence[ImportedThread]) -> ForumImport:
    """Write published threads as they were, in bulk, with their counters right.

    Invariants: no notifications, domain events or outbox e-mail; no rate limit or posting
    rule (the caller vouches for authors); each thread's counters equal what
    `thread_refresh_stats` computes; communities' last activity only moves forward. Everything
    is checked before anything is written (`InvalidImport`)."""
    _require_bulk_returning()
    for position, thread in enumerate(threads):
        _check_thread(thread, position)
    found = _posts_by_source_key(key for t in threads for key in _keys([t.opening, *t.replies]))
    plans = [_plan(thread, found) for thread in threads]
    result = _write(plans)
    result.threads = [
        ThreadImport(p.thread, [post for _, post in p.posts], p.created) for p in plans
    ]
    return result


def threads_refresh_stats(thread_ids: Iterable[int]) -> None:
    """`services.threads.thread_refresh_stats` for many threads in a few UPDATEs: replies are
    the visible posts other than the opening one, the last post is the newest visible one,
    last activity is its date (never before the thread's own), answers that are not visible
    posts of their thread are cleared."""
    visible = Post.objects.filter(thread=OuterRef("pk"), status=Post.Status.VISIBLE).order_by()
    opening = Post.objects.opening(OuterRef("thread"))
    replies = visible.exclude(pk=Subquery(opening.values("pk")))
    count = replies.values("thread").annotate(n=Count("pk")).values("n")
    newest = visible.order_by("-created_at", "-pk")
    for batch in batches(sorted(set(thread_ids))):
        threads = Thread.objects.filter(pk__in=batch)
        threads.update(
            reply_count=Coalesce(Subquery(count), Value(0)),
            last_post=Subquery(newest.values("pk")[:1]),
        )
        # No visible post at all: the last activity stays where it was, as in the service.
        threads.exclude(last_post=None).update(
            last_activity_at=Greatest(F("created_at"), Subquery(newest.values("created_at")[:1]))
        )
        threads.exclude(answer=None).filter(
            ~Q(answer__thread=F("pk")) | ~Q(answer__status=Post.Status.VISIBLE)
        ).update(answer=None)


def read_markers_import(marks: Mapping[tuple[int, int], datetime]) -> None:
    """Read markers, `{(user id, thread id): read up to}`, each made or moved forward, never
    back (as `services.threads.thread_mark_read`): one upsert statement per 2,000 markers."""
    table = connection.ops.quote_name(ThreadRead._meta.db_table)
    user, thread, read_at = (
        connection.ops.quote_name(cast(Field, ThreadRead._meta.get_field(name)).column)
        for name in ("user", "thread", "last_read_at")
    )
    # Our own table and column names, quoted; the values are parameters.
    sql = (
        f"INSERT INTO {table} ({user}, {thread}, {read_at}) VALUES (%s, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({user}, {thread}) DO UPDATE SET {read_at} = excluded.{read_at} "
        f"WHERE excluded.{read_at} > {table}.{read_at}"
    )
    adapt = connection.ops.adapt_datetimefield_value
    rows = [(user_id, thread_id, adapt(at)) for (user_id, thread_id), at in marks.items()]
    with connection.cursor() as cursor:
        for batch in batches(rows):
            cursor.executemany(sql, batch)


# --- Checking -------------------------------------------------------------------------------------


def _require_bulk_returning() -> None:
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError("Importing needs a database that returns ids from bulk inserts.")


def _check_thread(thread: ImportedThread, position: int) -> None:
    where = f"thread {position}"
    if thread.category.community_id != thread.community.pk:
        raise InvalidImport(f"{where}: the category is not one of the community's.")
    if not thread.title.strip():
        raise InvalidImport(f"{where}: a thread needs a title.")
    _check_post(thread.opening, f"{where}, opening post")
    if thread.opening.status != Post.Status.VISIBLE:
        raise InvalidImport(f"{where}: the opening post must be visible.")
    for number, reply in enumerate(thread.replies):
        _check_post(reply, f"{where}, reply {number}")
        if reply.created_at < thread.opening.created_at:
            raise InvalidImport(f"{where}, reply {number}: older than the opening post.")
    if thread.answer is not None and not (
        0 <= thread.answer < len(thread.replies)
        and thread.replies[thread.answer].status == Post.Status.VISIBLE
    ):
        raise InvalidImport(f"{where}: the answer must be one of its visible replies.")


def _check_post(post: ImportedPost, where: str) -> None:
    if post.author is None:
        raise InvalidImport(f"{where}: a post needs an author.")
    if not post.body.strip():
        raise InvalidImport(f"{where}: a post needs a body.")
    if post.status not in Post.Status.values:
        raise InvalidImport(f"{where}: unknown status {post.status!r}.")
    dates = [post.created_at, post.edited_at, *(r.replaced_at for r in post.revisions)]
    if any(d is not None and timezone.is_naive(d) for d in dates):
        raise InvalidImport(f"{where}: dates must carry their time zone.")
    if post.edited_at is not None and post.edited_at < post.created_at:
        raise InvalidImport(f"{where}: edited before it was written.")


# --- Planning -------------------------------------------------------------------------------------


@dataclass
class _Plan:
    thread: Thread
    created: bool
    tags: Sequence[str]
    posts: list[tuple[ImportedPost, Post]] = field(default_factory=list)
    answer: Post | None = None


def _key(post: ImportedPost) -> tuple[int, str] | None:
    if not post.source_key:
        return None
    return person_pk(post.author), submission_key_for(post.source_key)


def _earlier(post: ImportedPost, found: dict[tuple[int, str], Post]) -> Post | None:
    """The row already written for `post` (by an earlier import or this one), if it has a key."""
    key = _key(post)
    return None if key is None else found.get(key)


def _keys(posts: Iterable[ImportedPost]) -> Iterator[tuple[int, str]]:
    return (key for key in map(_key, posts) if key is not None)


def _posts_by_source_key(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], Post]:
    """Posts already written under these (author, submission key) pairs."""
    wanted = set(keys)
    found: dict[tuple[int, str], Post] = {}
    for batch in batches(sorted({key for _, key in wanted})):
        for post in Post.objects.select_related("thread__community").filter(
            submission_key__in=batch
        ):
            if (post.author_id, post.submission_key) in wanted:
                found[(post.author_id, post.submission_key)] = post
    return found


def _rows(
    items: Iterable[ImportedPost], thread: Thread, found: dict[tuple[int, str], Post]
) -> list[tuple[ImportedPost, Post]]:
    """The rows to write for `items` in `thread`: posts without a key, and those whose key is
    new (the first of each, if a key comes twice; `found` learns the new ones)."""
    rows = []
    for item in items:
        key = _key(item)
        if key is not None and key in found:
            continue
        row = _post_row(item, thread)
        if key is not None:
            found[key] = row
        rows.append((item, row))
    return rows


def _plan(thread: ImportedThread, found: dict[tuple[int, str], Post]) -> _Plan:
    """The thread row to write (or the one an earlier import, or an earlier item of this one,
    wrote) and its new posts."""
    earlier = _earlier(thread.opening, found)
    if earlier is not None:
        plan = _Plan(thread=earlier.thread, created=False, tags=thread.tags)
        keyed = [reply for reply in thread.replies if reply.source_key]
        plan.posts = _rows(keyed, plan.thread, found)
    else:
        plan = _Plan(thread=_thread_row(thread), created=True, tags=thread.tags)
        plan.posts = _rows([thread.opening, *thread.replies], plan.thread, found)
    if thread.answer is not None:
        answer = thread.replies[thread.answer]
        plan.answer = next((row for item, row in plan.posts if item is answer), None)
        if plan.answer is None:
            plan.answer = _earlier(answer, found)
    return plan


def _thread_row(thread: ImportedThread) -> Thread:
    opening = thread.opening
    return Thread(
        community=thread.community,
        category=thread.category,
        title=thread.title.strip()[:200],
        author_id=person_pk(opening.author),
        as_team=opening.as_team,
        status=Thread.Status.PUBLISHED,
        created_at=opening.created_at,
        last_activity_at=opening.created_at,
        is_pinned=thread.is_pinned,
        is_locked=thread.is_locked,
        is_closed=thread.is_closed,
    )


def _post_row(post: ImportedPost, thread: Thread) -> Post:
    return Post(
        thread=thread,
        author_id=person_pk(post.author),
        body=post.body.strip(),
        status=post.status,
        created_at=post.created_at,
        edited_at=post.edited_at,
        moderation_reason=post.moderation_reason[:500],
        as_team=post.as_team,
        moderated_by_id=None if post.moderated_by is None else person_pk(post.moderated_by),
        submission_key=submission_key_for(post.source_key) if post.source_key else "",
    )


# --- Writing --------------------------------------------------------------------------------------


def _write(plans: list[_Plan]) -> ForumImport:
    result = ForumImport()
    _lock_existing_threads(plans)
    Thread.objects.bulk_create([p.thread for p in plans if p.created], batch_size=BATCH_SIZE)
    Post.objects.bulk_create([post for p in plans for _, post in p.posts], batch_size=BATCH_SIZE)
    result.revisions = _write_revisions(plans)
    result.mentions = _write_mentions(plans)
    _set_answers(plans)
    result.tagged_threads = _write_tags(plans)
    result.watches = _write_watches(plans)
    own_reads = _own_read_marks(plans)
    read_markers_import(own_reads)
    result.read_markers = len(own_reads)
    threads_refresh_stats(p.thread.pk for p in plans)
    _read_back_stats(plans)
    _touch_communities(plans)
    return result


def _lock_existing_threads(plans: list[_Plan]) -> None:
    """Row locks on threads that get replies (as `post_reply` takes), so recounts made by
    concurrent writes come one after another."""
    ids = sorted({p.thread.pk for p in plans if p.thread.pk is not None and p.posts})
    for batch in batches(ids):
        list(Thread.objects.select_for_update().filter(pk__in=batch).values_list("pk"))


def _write_revisions(plans: list[_Plan]) -> int:
    revisions = [
        PostRevision(
            post_id=post.pk,
            body=revision.body,
            title=revision.title[:200],
            edited_by_id=person_pk(revision.edited_by or item.author),
            created_at=revision.replaced_at,
        )
        for plan in plans
        for item, post in plan.posts
        for revision in item.revisions
    ]
    PostRevision.objects.bulk_create(revisions, batch_size=BATCH_SIZE)
    return len(revisions)


def _write_mentions(plans: list[_Plan]) -> int:
    """Mentions in visible posts of people who may read the community (as `mentions_record`),
    stored as delivered: the notifications app never announces them."""
    named: list[tuple[Post, Community, set[int]]] = []
    for plan in plans:
        for _, post in plan.posts:
            if post.status == Post.Status.VISIBLE and "@[" in post.body:
                ids = mentioned_user_ids(post.body) - {post.author_id}
                if ids:
                    named.append((post, plan.thread.community, ids))
    if not named:
        return 0
    everyone = set().union(*(ids for _, _, ids in named))
    active = set(User.objects.filter(pk__in=everyone, is_active=True).values_list("pk", flat=True))
    staff = set(User.objects.filter(pk__in=active, is_staff=True).values_list("pk", flat=True))
    members = set(
        Membership.objects.filter(
            community__in={c.pk for _, c, _ in named}, user_id__in=active
        ).values_list("community_id", "user_id")
    )
    mentions = [
        Mention(post_id=post.pk, user_id=user_id, created_at=post.created_at,
                notified_at=post.created_at)
        for post, community, ids in named
        for user_id in sorted(ids & active)
        if community.visibility == Visibility.OPEN
        or user_id in staff
        or (community.pk, user_id) in members
    ]  # fmt: skip
    Mention.objects.bulk_create(mentions, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(mentions)


def _set_answers(plans: list[_Plan]) -> None:
    """An answer is set on a new thread, or on an earlier import's that has none yet (a
    facilitator's later choice stands)."""
    answered = []
    for plan in plans:
        thread, answer = plan.thread, plan.answer
        if answer is None or answer.thread_id != thread.pk:
            continue
        if plan.created or thread.answer_id is None:
            thread.answer_id = answer.pk
            answered.append(thread)
    Thread.objects.bulk_update(answered, ["answer"], batch_size=BATCH_SIZE)


def _write_watches(plans: list[_Plan]) -> int:
    """Starting a thread or replying watches it (`thread_create`, `post_reply`)."""
    pairs = {(plan.thread.author_id, plan.thread.pk) for plan in plans if plan.created}
    pairs |= {(post.author_id, plan.thread.pk) for plan in plans for _, post in plan.posts}
    Watch.objects.bulk_create(
        [Watch(user_id=user_id, thread_id=thread_id) for user_id, thread_id in sorted(pairs)],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )
    return len(pairs)


def _own_read_marks(plans: list[_Plan]) -> dict[tuple[int, int], datetime]:
    """Posting marks the thread read up to one's post (`post_reply`)."""
    marks: dict[tuple[int, int], datetime] = {}
    for plan in plans:
        for _, post in plan.posts:
            if post.status != Post.Status.VISIBLE:
                continue
            key = (post.author_id, plan.thread.pk)
            if key not in marks or marks[key] < post.created_at:
                marks[key] = post.created_at
    return marks


def _write_tags(plans: list[_Plan]) -> int:
    """Tags through taggit's own tables in bulk. Returns how many threads have new tags."""
    wanted = {p.thread.pk: clean_tags(p.tags) for p in plans if p.tags}
    wanted = {thread_id: tags for thread_id, tags in wanted.items() if tags}
    if not wanted:
        return 0
    tags = tags_by_name({name for names in wanted.values() for name in names})
    content_type = ContentType.objects.get_for_model(Thread)
    items = {
        (thread_id, tags[name.lower()].pk): TaggedItem(
            content_type=content_type, object_id=thread_id, tag=tags[name.lower()]
        )
        for thread_id, names in wanted.items()
        for name in names
    }
    TaggedItem.objects.bulk_create(items.values(), batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(wanted)


def _read_back_stats(plans: list[_Plan]) -> None:
    """Put the recounted fields on the returned thread objects."""
    by_pk: dict[int, list[Thread]] = defaultdict(list)
    for plan in plans:
        by_pk[plan.thread.pk].append(plan.thread)
    fields = ("reply_count", "last_post_id", "last_activity_at", "answer_id")
    for batch in batches(sorted(by_pk)):
        for pk, *values in Thread.objects.filter(pk__in=batch).values_list("pk", *fields):
            for thread in by_pk[pk]:
                for name, value in zip(fields, values, strict=True):
                    setattr(thread, name, value)


def _touch_communities(plans: list[_Plan]) -> None:
    """Each community's last activity moves forward to its published imported threads'
    latest (as `community_touch` after a post)."""
    latest: dict[int, tuple[Community, datetime]] = {}
    for plan in plans:
        if plan.thread.status != Thread.Status.PUBLISHED:
            continue  # a held or scheduled thread's activity is not shown yet
        community, when = plan.thread.community, plan.thread.last_activity_at
        if community.pk not in latest or latest[community.pk][1] < when:
            latest[community.pk] = (community, when)
    for community, when in latest.values():
        community_touch(community, when)
