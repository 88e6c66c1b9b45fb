"""Facilitators' writes to the forum: reports, thread state, categories, settings and
scheduled threads. Like `forums.services`, each function checks `forums.permissions` first,
then changes rows in one transaction; problems the person can act on are `ValidationError`.

The plain post actions (hide, restore, approve, reject) and posting bans live in
`forums.services`; these functions add what the facilitators' screens need around them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone

from communities.models import Community
from notifications.services import email_queue

from . import notifications, permissions, services
from .models import Category, Flag, ForumSettings, Post, Thread, ThreadRead, Watch
from .permissions import require

WARNING_EMAIL_KIND = "forum_author_warned"

# What each button on a thread asks for: the field `services.thread_set_state` changes.
THREAD_CHANGES: dict[str, tuple[str, bool]] = {
    "pin": ("is_pinned", True),
    "unpin": ("is_pinned", False),
    "lock": ("is_locked", True),
    "unlock": ("is_locked", False),
    "close": ("is_closed", True),
    "reopen": ("is_closed", False),
}


def _require_moderator(actor, community: Community, message: str) -> None:
    require(permissions.can_moderate(actor, community), message)


# --- Threads ------------------------------------------------------------------------------------


@transaction.atomic
def thread_state_change(*, actor, thread: Thread, change: str) -> Thread:
    """Pin, unpin, lock, unlock, close or reopen. Authors may close and reopen their own.

    Who may act is checked before what they asked for, so a person who may not act learns
    nothing from the answer."""
    require(permissions.can_close_thread(actor, thread), "Only facilitators can do that.")
    if change not in THREAD_CHANGES:
        raise ValidationError("Choose what to change about the thread.")
    field, value = THREAD_CHANGES[change]
    return services.thread_set_state(actor=actor, thread=thread, **{field: value})


def _lock_scheduled_thread(actor, thread: Thread) -> Thread:
    _require_moderator(actor, thread.community, "Only facilitators manage scheduled threads.")
    locked = Thread.objects.select_for_update().filter(pk=thread.pk).first()
    if locked is None or locked.status != Thread.Status.SCHEDULED:
        raise ValidationError("That thread is no longer scheduled.")
    locked.community = thread.community
    return locked


@transaction.atomic
def scheduled_thread_publish(*, actor, thread: Thread) -> Thread:
    """Publish a scheduled thread now, dated now (its first post too)."""
    thread = _lock_scheduled_thread(actor, thread)
    # The same step `services.threads_publish_due` takes when the time comes, dated now.
    return services.thread_publish(thread, timezone.now())


@transaction.atomic
def scheduled_thread_cancel(*, actor, thread: Thread) -> None:
    """Delete a thread that has not been published yet (nobody else has seen it)."""
    _lock_scheduled_thread(actor, thread).delete()


# --- Reports (flags) ----------------------------------------------------------------------------


@transaction.atomic
def flags_resolve(*, actor, post: Post, resolution: str, reason: str = "") -> list[Flag]:
    """Deal with every open report about `post`: hide it (with a reason shown to readers),
    keep it, or keep it and warn its author by e-mail (`reason` is then a note to them).

    Sets resolution, resolved_by and resolved_at on all the post's open flags. Returns them.
    """
    community = post.thread.community
    _require_moderator(actor, community, "Only facilitators deal with reports.")
    if resolution not in (Flag.Resolution.HIDDEN, Flag.Resolution.KEPT, Flag.Resolution.WARNED):
        raise ValidationError("Choose what to do about the post.")
    flags = list(
        Flag.objects.select_for_update().filter(post=post, resolution=Flag.Resolution.OPEN)
    )
    if not flags:
        raise ValidationError("The reports about this post have already been dealt with.")
    reason = reason.strip()[:500]
    if resolution == Flag.Resolution.HIDDEN:
        try:
            services.post_hide(actor=actor, post=post, reason=reason)
        except ValidationError as error:
            if getattr(error, "code", None) != "not_hideable":
                raise
            # The same rule, said for the reports screen: keeping the post is what is left.
            raise ValidationError(
                f"The post is not shown any more ({post.get_status_display().lower()}), so "
                "there is nothing to hide. Keep it to close the reports.",
                code="not_hideable",
            ) from error
    elif resolution == Flag.Resolution.WARNED:
        _queue_warning(post, flags, note=reason)
    now = timezone.now()
    for flag in flags:
        flag.resolution, flag.resolved_by, flag.resolved_at = resolution, actor, now
    Flag.objects.bulk_update(flags, ["resolution", "resolved_by", "resolved_at"])
    return flags


def _queue_warning(post: Post, flags: list[Flag], *, note: str) -> None:
    author = post.author
    if author.is_former_member or not author.is_active or not author.email:
        raise ValidationError(
            "The author's account has been closed, so they cannot be warned. "
            "Hide the post or keep it."
        )
    flag_ids = sorted(flag.pk for flag in flags)
    email_queue(
        # One warning per batch of reports: sending the form twice sends one e-mail.
        key=f"forum-warning-post-{post.pk}-flag-{flag_ids[-1]}",
        kind=WARNING_EMAIL_KIND,
        to_address=author.email,
        recipient=author,
        payload={"post_id": post.pk, "flag_ids": flag_ids, "note": note},
    )


# --- Settings and categories --------------------------------------------------------------------


@transaction.atomic
def forum_settings_update(*, actor, community: Community, hold_first_posts: bool) -> ForumSettings:
    """Save the community's forum settings (the row is created the first time)."""
    _require_moderator(actor, community, "Only facilitators change the forum's settings.")
    forum_settings, _ = ForumSettings.objects.update_or_create(
        community=community, defaults={"hold_first_posts": bool(hold_first_posts)}
    )
    return forum_settings


@transaction.atomic
def category_update(*, actor, category: Category, name: str, description: str = "") -> Category:
    """Rename or describe a category. Its address (slug) stays, so links and feeds keep
    working."""
    community = category.community
    _require_moderator(actor, community, "Only facilitators manage categories.")
    category.name = services.category_name_check(community, name, exclude_pk=category.pk)
    category.description = description.strip()[:300]
    category.save(update_fields=["name", "description"])
    return category


@transaction.atomic
def category_reorder(*, actor, category: Category, direction: str) -> list[Category]:
    """Move a category one place up or down. Positions are renumbered 0, 1, 2… so old
    duplicates in `position` sort out too. Returns the categories in their new order."""
    community = category.community
    _require_moderator(actor, community, "Only facilitators manage categories.")
    if direction not in ("up", "down"):
        raise ValidationError("Choose up or down.")
    ordered = list(
        Category.objects.select_for_update()
        .filter(community=community)
        .order_by("position", "name", "pk")
    )
    index = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        raise ValidationError(f"“{category.name}” is already {'first' if other < 0 else 'last'}.")
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    Category.objects.bulk_update(ordered, ["position"])
    return ordered


@transaction.atomic
def category_delete(*, actor, category: Category) -> None:
    """Delete an empty category. A forum keeps at least one, so threads can be started."""
    community = category.community
    _require_moderator(actor, community, "Only facilitators manage categories.")
    siblings = list(
        Category.objects.select_for_update()
        .filter(community=community)
        .values_list("pk", flat=True)
    )
    if Thread.objects.filter(category=category).exclude(status=Thread.Status.MERGED).exists():
        raise ValidationError(
            f"“{category.name}” still has threads. Move them to another category first."
        )
    if len(siblings) <= 1:
        raise ValidationError("The forum needs at least one category.")
    # Merged threads are only forwarding addresses: they follow the thread they lead to
    # (never in this category: it has no other threads), or go if that thread is gone.
    merged = Thread.objects.filter(category=category, status=Thread.Status.MERGED)
    merged.filter(merged_into__isnull=False).update(
        category_id=Subquery(
            Thread.objects.filter(pk=OuterRef("merged_into_id")).values("category_id")[:1]
        )
    )
    merged.delete()
    category.delete()


# --- Merging and splitting threads --------------------------------------------------------------


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
        raise ValidationError("That is this thread. Choose the thread it repeats.")
    if target.community_id != source.community_id:
        raise ValidationError(
            "That thread is in another community: threads can only be merged within one community."
        )
    if source.status == Thread.Status.MERGED:
        raise ValidationError(
            "This thread has already been merged into another thread.", code="already_merged"
        )
    if source.status != Thread.Status.PUBLISHED:
        raise ValidationError(
            f"This thread is not published ({source.get_status_display().lower()}): only "
            "published threads can be merged."
        )
    if target.status == Thread.Status.MERGED:
        raise ValidationError(
            f"“{target.title}” has itself been merged into another thread. Merge into that "
            "thread instead."
        )
    if target.status != Thread.Status.PUBLISHED:
        raise ValidationError(
            f"“{target.title}” is not published ({target.get_status_display().lower()}): "
            "only a published thread can take another thread's posts."
        )
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
        raise ValidationError("That thread no longer exists.")
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
    services.thread_refresh_stats(into)
    services.thread_refresh_stats(merging)
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
        raise ValidationError("Choose one of this community's categories.")
    title = title.strip()
    if not title:
        raise ValidationError("Give the new thread a title.")
    ids = {int(pk) for pk in post_ids}
    if not ids:
        raise ValidationError("Choose at least one reply to move.")
    locked = Thread.objects.select_for_update().filter(pk=thread.pk).first()
    if locked is None or locked.status != Thread.Status.PUBLISHED:
        raise ValidationError("Only published threads can be split.")
    locked.community = thread.community
    opening = locked.opening_post()
    if opening is not None and opening.pk in ids:
        raise ValidationError(
            "The opening post starts this thread, so it cannot be moved. Choose replies only."
        )
    posts = list(Post.objects.filter(thread=locked, pk__in=ids).order_by("created_at", "pk"))
    if len(posts) != len(ids):
        raise ValidationError(
            "Some of the chosen posts are not in this thread (any more). Choose again."
        )
    if any(post.status != Post.Status.VISIBLE for post in posts):
        raise ValidationError(
            "Only replies on show can be moved. Restore or approve the others first."
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
    services.thread_refresh_stats(new_thread)
    services.thread_refresh_stats(locked)
    return new_thread
