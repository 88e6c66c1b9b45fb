"""Threads: starting one, publishing it (now, when its scheduled time comes, or early by a
facilitator's hand), cancelling a scheduled one, pinning, locking and closing, moving it to
another category, read markers, and recounting its replies."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community
from copsite import posting

from .. import notifications, permissions
from ..models import Category, Post, Thread, ThreadRead, Watch
from ..permissions import require
from .moderation import require_moderator
from .publishing import community_touch, existing_submission, mentions_record, should_hold

# What each button on a thread asks for: the field `thread_set_state` changes.
THREAD_CHANGES: dict[str, tuple[str, bool]] = {
    "pin": ("is_pinned", True),
    "unpin": ("is_pinned", False),
    "lock": ("is_locked", True),
    "unlock": ("is_locked", False),
    "close": ("is_closed", True),
    "reopen": ("is_closed", False),
}


def thread_refresh_stats(thread: Thread) -> None:
    """Recount replies and the last post from the rows themselves (no drift).

    Replies are the visible posts other than the opening post (the first by created_at, pk,
    whatever its status: hiding or deleting the question leaves the replies' count alone).
    Caller holds a row lock on the thread, so concurrent writes recount one after another."""
    opening = Post.objects.opening(thread).values("pk")
    visible = Post.objects.filter(thread=thread, status=Post.Status.VISIBLE)
    last = visible.order_by("-created_at", "-pk").first()
    thread.reply_count = visible.exclude(pk__in=opening).count()
    thread.last_post = last
    if last:
        thread.last_activity_at = max(last.created_at, thread.created_at)
    if thread.answer_id and not visible.filter(pk=thread.answer_id).exists():
        thread.answer = None
    thread.save(update_fields=["reply_count", "last_post", "last_activity_at", "answer"])


@transaction.atomic
def thread_create(
    *,
    actor,
    community: Community,
    category: Category,
    title: str,
    body: str,
    tags: list[str] | None = None,
    submission_key: str = "",
    as_team: bool = False,
    publish_at: datetime | None = None,
    language: str = "",
) -> Thread:
    """Start a thread. The same submission key twice (a double click) returns the first."""
    existing = existing_submission(actor, submission_key)
    if existing:
        return existing.thread
    require(
        permissions.can_start_thread(actor, community),
        "You cannot start threads in this community.",
    )
    if category.community_id != community.pk:
        raise ValidationError(_("Choose one of this community's categories."))
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the thread a title."))
    body = posting.check_body(body)
    is_moderator = permissions.can_moderate(actor, community)
    if (as_team or publish_at) and not is_moderator:
        raise ValidationError(_("Only facilitators can post as the team or schedule threads."))
    posting.check_rate_limit(actor)
    now = timezone.now()
    scheduled = publish_at is not None and publish_at > now
    held = should_hold(actor, community)
    status = (
        Thread.Status.SCHEDULED
        if scheduled
        else Thread.Status.HELD
        if held
        else Thread.Status.PUBLISHED
    )
    created_at = publish_at if scheduled and publish_at is not None else now
    thread = Thread.objects.create(
        community=community,
        category=category,
        title=title[:200],
        author=actor,
        as_team=as_team,
        status=status,
        publish_at=publish_at if scheduled else None,
        created_at=created_at,
        last_activity_at=created_at,
    )
    post = Post.objects.create(
        thread=thread,
        author=actor,
        body=body,
        language=posting.written_language(language),
        created_at=created_at,
        status=Post.Status.HELD if held else Post.Status.VISIBLE,
        submission_key=submission_key,
        as_team=as_team,
    )
    thread.last_post = post
    thread.save(update_fields=["last_post"])
    if tags:
        thread.tags.set(tags)
    Watch.objects.get_or_create(user=actor, thread=thread)
    if status == Thread.Status.PUBLISHED:
        mentions_record(post, community)
        community_touch(community, now)
        notifications.post_published(post)
    return thread


# --- State: pinned, locked, closed ---------------------------------------------------------------


@transaction.atomic
def thread_set_state(*, actor, thread: Thread, **changes: bool) -> Thread:
    """Pin, lock or close a thread (facilitators), or close your own question."""
    allowed = {"is_pinned", "is_locked", "is_closed"}
    if not changes or set(changes) - allowed:
        raise ValidationError(_("Unknown change."))
    require(
        all(permissions.can_change_thread_state(actor, thread, field) for field in changes),
        "Only facilitators can do that.",
    )
    for field, value in changes.items():
        setattr(thread, field, bool(value))
    thread.save(update_fields=list(changes))
    return thread


@transaction.atomic
def thread_state_change(*, actor, thread: Thread, change: str) -> Thread:
    """Pin, unpin, lock, unlock, close or reopen. Authors may close and reopen their own.

    Who may act is checked before what they asked for, so a person who may not act learns
    nothing from the answer."""
    require(permissions.can_close_thread(actor, thread), "Only facilitators can do that.")
    if change not in THREAD_CHANGES:
        raise ValidationError(_("Choose what to change about the thread."))
    field, value = THREAD_CHANGES[change]
    return thread_set_state(actor=actor, thread=thread, **{field: value})


@transaction.atomic
def thread_move(*, actor, thread: Thread, category: Category) -> Thread:
    require(permissions.can_moderate(actor, thread.community), "Only facilitators move threads.")
    if category.community_id != thread.community_id:
        raise ValidationError(_("Choose one of this community's categories."))
    thread.category = category
    thread.save(update_fields=["category"])
    return thread


def thread_mark_read(user, thread: Thread, up_to: datetime) -> None:
    if not user.is_authenticated:
        return
    updated = ThreadRead.objects.filter(user=user, thread=thread, last_read_at__lt=up_to).update(
        last_read_at=up_to
    )
    if not updated:
        ThreadRead.objects.get_or_create(user=user, thread=thread, defaults={"last_read_at": up_to})


# --- Scheduled threads ---------------------------------------------------------------------------


def thread_publish(thread: Thread, when: datetime | None = None) -> Thread:
    """Publish a scheduled thread the caller has locked (select_for_update). Left at None,
    `when` keeps the date it was scheduled for (its time has come); given, the thread and
    its opening post are dated `when` (published early, by hand). Records the opening
    post's mentions, tells its readers and moves the community's activity forward."""
    thread.status = Thread.Status.PUBLISHED
    fields = ["status"]
    if when is not None:
        thread.publish_at = None
        thread.created_at = when
        thread.last_activity_at = when
        fields += ["publish_at", "created_at", "last_activity_at"]
    thread.save(update_fields=fields)
    first = thread.opening_post()
    if first:
        if when is not None:
            first.created_at = when
            first.save(update_fields=["created_at"])
        mentions_record(first, thread.community)
        notifications.post_published(first)
    community_touch(thread.community, thread.created_at)
    return thread


def threads_publish_due(now: datetime | None = None) -> int:
    """Publish scheduled threads whose time has come (beat runs this every minute)."""
    now = now or timezone.now()
    published = 0
    for thread_id in Thread.objects.filter(
        status=Thread.Status.SCHEDULED, publish_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            thread = (
                Thread.objects.select_for_update()
                .select_related("community")
                .filter(pk=thread_id, status=Thread.Status.SCHEDULED)
                .first()
            )
            if thread is None:
                continue
            thread_publish(thread)
            published += 1
    return published


def _lock_scheduled_thread(actor, thread: Thread) -> Thread:
    require_moderator(actor, thread.community, "Only facilitators manage scheduled threads.")
    locked = Thread.objects.select_for_update().filter(pk=thread.pk).first()
    if locked is None or locked.status != Thread.Status.SCHEDULED:
        raise ValidationError(_("That thread is no longer scheduled."))
    locked.community = thread.community
    return locked


@transaction.atomic
def scheduled_thread_publish(*, actor, thread: Thread) -> Thread:
    """Publish a scheduled thread now, dated now (its first post too)."""
    thread = _lock_scheduled_thread(actor, thread)
    # The same step `threads_publish_due` takes when the time comes, dated now.
    return thread_publish(thread, timezone.now())


@transaction.atomic
def scheduled_thread_cancel(*, actor, thread: Thread) -> None:
    """Delete a thread that has not been published yet (nobody else has seen it)."""
    _lock_scheduled_thread(actor, thread).delete()
