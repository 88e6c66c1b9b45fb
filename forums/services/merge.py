"""Merging a thread into another (a duplicate question) and splitting replies off into a
new thread."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .. import notifications, permissions
from ..models import Category, Post, Thread, ThreadRead, Watch
from ..permissions import require
from .threads import thread_refresh_stats


@dataclass(frozen=True)
class MergePlan:
    """What merging `source` into `target` does, shown to the facilitator before they merge."""

    source: Thread
    target: Thread
    post_count: int  # every post of the source, whatever its status
    earlier_count: int  # of those, the posts not newer than the target's opening post
    answer_moves: bool  # the target has no accepted answer: the source's becomes its answer
    answer_dropped: bool  # both have one: the target keeps its own


def thread_merge_check(*, actor, source: Thread, target: Thread) -> MergePlan:
    """Whether `source` may be merged into `target`, and what that would do. Changes nothing.

    PermissionDenied for people who may not merge; ValidationError, in plain English, for a
    merge that cannot happen (a source already merged has the code "already_merged")."""
    require(
        permissions.can_merge_or_split_thread(actor, source), "Only facilitators merge threads."
    )
    if source.pk == target.pk:
        raise ValidationError(_("That is this thread. Choose the thread it repeats."))
    if target.community_id != source.community_id:
        raise ValidationError(
            _(
                "That thread is in another community: threads can only be merged within one "
                "community."
            )
        )
    if source.status == Thread.Status.MERGED:
        raise ValidationError(
            _("This thread has already been merged into another thread."), code="already_merged"
        )
    if source.status != Thread.Status.PUBLISHED:
        raise ValidationError(_source_not_published(source))
    if target.status == Thread.Status.MERGED:
        raise ValidationError(
            _(
                "“%(title)s” has itself been merged into another thread. Merge into that "
                "thread instead."
            )
            % {"title": target.title}
        )
    if target.status != Thread.Status.PUBLISHED:
        raise ValidationError(_target_not_published(target))
    opening = target.opening_post()
    counting = {"total": Count("pk")}
    if opening is not None:
        counting["earlier"] = Count("pk", filter=Q(created_at__lte=opening.created_at))
    counts = Post.objects.filter(thread=source).aggregate(**counting)
    return MergePlan(
        source=source,
        target=target,
        post_count=counts["total"],
        earlier_count=counts.get("earlier", 0),
        answer_moves=bool(source.answer_id and not target.answer_id),
        answer_dropped=bool(source.answer_id and target.answer_id),
    )


def _source_not_published(source: Thread) -> str:
    """Why a thread waiting to be published cannot be merged, said for its status."""
    if source.status == Thread.Status.SCHEDULED:
        return _("This thread is not published (scheduled): only published threads can be merged.")
    return _(  # held: the only other status left
        "This thread is not published (waiting for approval): only published threads can be merged."
    )


def _target_not_published(target: Thread) -> str:
    """Why a thread waiting to be published cannot take another's posts, said for its status."""
    if target.status == Thread.Status.SCHEDULED:
        message = _(
            "“%(title)s” is not published (scheduled): only a published thread can take "
            "another thread's posts."
        )
    else:  # held: the only other status left
        message = _(
            "“%(title)s” is not published (waiting for approval): only a published thread can "
            "take another thread's posts."
        )
    return message % {"title": target.title}


@transaction.atomic
def thread_merge(*, actor, source: Thread, target: Thread) -> Thread:
    """Merge `source`, a duplicate, into `target`, a published thread of the same community.
    Returns the target.

    Both thread rows are locked in pk order (two merges of one pair, either way round, queue
    instead of deadlocking), then checked again: a second request finds the source merged.
    Every post of the source moves, keeping its created_at, so the two threads' posts
    interleave by time and the source's opening post becomes a reply; only posts not newer
    than the target's opening post are re-dated to follow it (in their order), so the
    target's question stays first. Flags, reactions, mentions, bookmarks and revisions belong
    to posts and move with them. The source's watchers watch the target (once each); its read
    markers go. The target keeps its accepted answer, or takes the source's if it had none.
    The source becomes MERGED with `merged_into` set (threads merged into it earlier now point
    at the target too): it leaves every list and its address leads to the target. The
    source's author is told where their question went (`forums.notifications.thread_merged`).
    """
    require(
        permissions.can_merge_or_split_thread(actor, source), "Only facilitators merge threads."
    )
    locked = {
        thread.pk: thread
        for thread in Thread.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    if source.pk not in locked or target.pk not in locked:
        raise ValidationError(_("That thread no longer exists."))
    merging, into = locked[source.pk], locked[target.pk]
    merging.community = source.community
    if into.community_id == merging.community_id:
        into.community = source.community
    plan = thread_merge_check(actor=actor, source=merging, target=into)
    question = merging.opening_post()

    if plan.earlier_count:
        opening_at = into.opening_post().created_at
        earlier = list(
            Post.objects.filter(thread=merging, created_at__lte=opening_at).order_by(
                "created_at", "pk"
            )
        )
        for step, post in enumerate(earlier, start=1):
            post.created_at = opening_at + timedelta(microseconds=step)
        Post.objects.bulk_update(earlier, ["created_at"])
    Post.objects.filter(thread=merging).update(thread=into)

    target_watchers = Watch.objects.filter(thread=into).values("user_id")
    Watch.objects.filter(thread=merging).exclude(user_id__in=target_watchers).update(thread=into)
    Watch.objects.filter(thread=merging).delete()
    ThreadRead.objects.filter(thread=merging).delete()

    if plan.answer_moves:
        into.answer_id = merging.answer_id
    merging.answer = None
    Thread.objects.filter(merged_into=merging).update(merged_into=into)
    merging.status = Thread.Status.MERGED
    merging.merged_into = into
    merging.save(update_fields=["status", "merged_into"])
    thread_refresh_stats(into)
    thread_refresh_stats(merging)
    if question is not None:
        notifications.thread_merged(merging, question, actor)
    return into


@transaction.atomic
def thread_split(
    *, actor, thread: Thread, post_ids: Iterable[int], title: str, category: Category
) -> Thread:
    """Move replies of `thread` into a new published thread titled `title` in `category` (of the
    same community). Returns the new thread.

    The earliest chosen reply opens the new thread: its author becomes the thread's author
    (`as_team` copied) and the thread is dated as that post, so nothing looks new and no digest
    repeats it; the other replies follow by time. Only replies on show can move, never the
    opening post. The people whose replies moved watch the new thread (replying made them
    watch the old one). Both threads are recounted; an accepted answer that moved is no longer
    the old thread's answer (nor the new one's: it answered another question). The thread row
    is locked first, so two splits of one thread go one after the other.
    """
    require(
        permissions.can_merge_or_split_thread(actor, thread), "Only facilitators split threads."
    )
    if category.community_id != thread.community_id:
        raise ValidationError(_("Choose one of this community's categories."))
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the new thread a title."))
    ids = {int(pk) for pk in post_ids}
    if not ids:
        raise ValidationError(_("Choose at least one reply to move."))
    locked = Thread.objects.select_for_update().filter(pk=thread.pk).first()
    if locked is None or locked.status != Thread.Status.PUBLISHED:
        raise ValidationError(_("Only published threads can be split."))
    locked.community = thread.community
    opening = locked.opening_post()
    if opening is not None and opening.pk in ids:
        raise ValidationError(
            _("The opening post starts this thread, so it cannot be moved. Choose replies only.")
        )
    posts = list(Post.objects.filter(thread=locked, pk__in=ids).order_by("created_at", "pk"))
    if len(posts) != len(ids):
        raise ValidationError(
            _("Some of the chosen posts are not in this thread (any more). Choose again.")
        )
    if any(post.status != Post.Status.VISIBLE for post in posts):
        raise ValidationError(
            _("Only replies on show can be moved. Restore or approve the others first.")
        )
    first = posts[0]
    new_thread = Thread.objects.create(
        community=thread.community,
        category=category,
        title=title[:200],
        author_id=first.author_id,
        as_team=first.as_team,
        status=Thread.Status.PUBLISHED,
        created_at=first.created_at,
        last_activity_at=first.created_at,
    )
    Post.objects.filter(pk__in=ids).update(thread=new_thread)
    Watch.objects.bulk_create(
        [Watch(user_id=author_id, thread=new_thread) for author_id in {p.author_id for p in posts}]
    )
    if locked.answer_id in ids:
        locked.answer = None
    thread_refresh_stats(new_thread)
    thread_refresh_stats(locked)
    return new_thread
