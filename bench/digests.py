#!/usr/bin/env python
"""Time building and sending 10,000 daily digests on a seeded throw-away database.

    python bench/digests.py                      # 10,000 members, forum at the full scale
    BENCH_SCALE=small python bench/digests.py    # 10,000 members, the small forum
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/copsite_bench python bench/digests.py

The members are always 10,000; BENCH_SCALE sets the communities and the forum content (see
bench/run.py). The database is `var/bench/digests.sqlite3`, deleted and rebuilt on every run,
or BENCH_DATABASE_URL, which is DROPPED and created again; the safety checks and settings are
bench/run.py's, so the developer's database is never opened.

On top of the seeded forum (which is written in bulk, without services or events) this adds
what the services would have recorded for the last two days: the `forum.answer_accepted`
events of recently answered threads and the notifications people keep for their digest
(reactions to their posts, new posts in threads they watch). Then, with the clock at the
latest 07:30 Europe/London (everyone's default digest time), it runs the hourly task's work
in-process: find who is due, claim, build and send every batch to the local-memory e-mail
backend. Output: `#` lines, then exactly one line

    digests.daily members=10000 seconds=12.3 queries=345

`seconds` is the wall-clock time of `digests_send_due` (finding, claiming, building,
rendering, inlining and sending); `queries` is every SQL statement it made. Both grow with the
number of batches (BATCH_SIZE people each), not with the number of people.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402  (the path above makes `bench` importable)
    BENCH_DIR,
    Scale,
    _sqlite_path,
    bench_database_url,
    build,
    configure_environment,
    data_set_size,
    recreate_server_database,
    remove_sqlite_files,
    scale_from_env,
)

MEMBERS = 10_000
SQLITE_FILE = BENCH_DIR / "digests.sqlite3"
RECENT = timedelta(days=2)


def database_url(environ=None) -> str:
    """BENCH_DATABASE_URL (checked by bench/run.py), else this script's own SQLite file."""
    environ = os.environ if environ is None else environ
    if (environ.get("BENCH_DATABASE_URL") or "").strip():
        return bench_database_url(environ)
    return f"sqlite:///{SQLITE_FILE}"


def digest_time(now: datetime) -> datetime:
    """The latest 07:30 in London at or before `now`: every default member is due then."""
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo("Europe/London"))
    moment = local.replace(hour=7, minute=30, second=0, microsecond=0)
    return moment if moment <= local else moment - timedelta(days=1)


def seed_recent_activity(now: datetime) -> tuple[int, int]:
    """What the services would have recorded lately: answer events and digest notifications.
    Returns (answer events, notifications)."""
    from django.db.models import Count, F, Max

    from forums.models import Post, Reaction, Thread, Watch
    from forums.notification_kinds import REACTION, WATCHED
    from notifications.models import DomainEvent, Notification

    since = now - RECENT
    answers = Post.objects.filter(
        thread__answer=F("pk"), created_at__gt=since, status=Post.Status.VISIBLE
    ).values_list("pk", "thread_id", "created_at", "thread__author_id")
    events = [
        DomainEvent(
            kind="forum.answer_accepted",
            key=f"forum-answer-{thread_id}-{post_id}",
            payload={"post_id": post_id, "actor_id": author_id},
            created_at=min(created_at + timedelta(hours=1), now),
            processed_at=min(created_at + timedelta(hours=1), now),
        )
        for post_id, thread_id, created_at, author_id in answers
    ]
    DomainEvent.objects.bulk_create(events, batch_size=2000, ignore_conflicts=True)

    shown = {"status": Post.Status.VISIBLE, "thread__status": Thread.Status.PUBLISHED}
    posts = {
        post.pk: post
        for post in Post.objects.filter(created_at__gt=since, **shown).select_related("thread")
    }
    reacted = (
        Reaction.objects.filter(created_at__gt=since, post__status=Post.Status.VISIBLE)
        .values("post_id", "post__author_id", "post__thread__community_id")
        .annotate(count=Count("pk"), last=Max("created_at"))
    )
    reacted_posts = Post.objects.select_related("thread").in_bulk(
        [row["post_id"] for row in reacted]
    )
    notifications = {}
    for row in reacted:
        post = reacted_posts[row["post_id"]]
        notifications[(row["post__author_id"], "reaction", post.pk)] = Notification(
            recipient_id=row["post__author_id"],
            kind=REACTION,
            community_id=post.thread.community_id,
            actor_count=row["count"],
            target_type="forum.post",
            target_id=post.pk,
            title=post.thread.title[:200],
            url=post.get_absolute_url(),
            created_at=row["last"],
            updated_at=row["last"],
        )
    watchers: dict[int, set[int]] = {}
    for user_id, thread_id in Watch.objects.filter(
        thread_id__in={post.thread_id for post in posts.values()}
    ).values_list("user_id", "thread_id"):
        watchers.setdefault(thread_id, set()).add(user_id)
    for post in posts.values():
        for user_id in watchers.get(post.thread_id, ()):
            if user_id != post.author_id:
                notifications[(user_id, "watched", post.pk)] = Notification(
                    recipient_id=user_id,
                    kind=WATCHED,
                    community_id=post.thread.community_id,
                    actor_id=post.author_id,
                    target_type="forum.post",
                    target_id=post.pk,
                    title=post.thread.title[:200],
                    url=post.get_absolute_url(),
                    created_at=post.created_at,
                    updated_at=post.created_at,
                )
    Notification.objects.bulk_create(notifications.values(), batch_size=2000, ignore_conflicts=True)
    return len(events), len(notifications)


def run_digests(now: datetime) -> tuple[int, float, int]:
    """Everything the hourly task does for `now`, in-process. Returns (members due, seconds,
    queries)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications import digests

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        due = digests.digests_send_due(now)
        elapsed = time.perf_counter() - started
    return due, elapsed, len(captured)


def outcome() -> str:
    from django.core import mail
    from django.db.models import Avg, Count

    from notifications.models import DigestRun

    by_status = dict(
        DigestRun.objects.values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    average = DigestRun.objects.filter(status=DigestRun.Status.SENT).aggregate(
        items=Avg("item_count")
    )["items"]
    outbox = getattr(mail, "outbox", [])
    return (
        f"{len(outbox):,} e-mails in the outbox; runs: "
        + ", ".join(f"{n:,} {status}" for status, n in sorted(by_status.items()))
        + f"; {average or 0:.1f} items per sent digest on average"
    )


def main() -> int:
    begun = time.perf_counter()
    try:
        scale_name, scale = scale_from_env()
        url = database_url()
    except ValueError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    configure_environment(url)
    remove_sqlite_files(url)

    import django

    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    if _sqlite_path(url) is None:
        recreate_server_database()

    from django.core import mail
    from django.utils import timezone

    print(f"# bench digests scale={scale_name} database={url}", flush=True)
    timings = build(Scale(**{**scale.__dict__, "members": MEMBERS}))
    print(f"# migrate {timings['migrate']:.1f}s", flush=True)
    print(f"# seeded in {timings['seed']:.1f}s: {data_set_size()}", flush=True)
    now = digest_time(timezone.now())
    events, notifications = seed_recent_activity(timezone.now())
    print(
        f"# recent activity: {events:,} answer events, {notifications:,} notifications; "
        f"digests planned for {now.isoformat()}",
        flush=True,
    )
    mail.outbox = []
    due, seconds, queries = run_digests(now)
    print(f"# {outcome()}", flush=True)
    print(f"digests.daily members={due} seconds={seconds:.1f} queries={queries}", flush=True)
    print(f"# total {time.perf_counter() - begun:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
