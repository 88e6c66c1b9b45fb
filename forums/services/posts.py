"""Posts: replying, editing and deleting; facilitators hiding, restoring, approving and
rejecting them; accepted answers, reactions, bookmarks, watches, and reports (flags) with
how facilitators resolve them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from copsite import posting
from notifications.services import email_queue

from .. import notifications, permissions
from ..models import Bookmark, Category, Flag, Mention, Post, PostRevision, Reaction, Thread, Watch
from ..permissions import require
from .moderation import require_moderator
from .publishing import community_touch, existing_submission, mentions_record, should_hold
from .threads import thread_mark_read, thread_refresh_stats

WARNING_EMAIL_KIND = "forum_author_warned"


# --- Writing: reply, edit, delete ----------------------------------------------------------------


@transaction.atomic
def post_reply(
    *,
    actor,
    thread: Thread,
    body: str,
    submission_key: str = "",
    as_team: bool = False,
    language: str = "",
) -> Post:
    existing = existing_submission(actor, submission_key)
    if existing:
        return existing
    locked_thread = Thread.objects.select_for_update().get(pk=thread.pk)
    locked_thread.community = thread.community
    if not permissions.can_reply(actor, locked_thread):
        if closed := permissions.why_thread_takes_no_replies(locked_thread):
            raise ValidationError(closed)  # it changed while they typed: the form keeps the text
        require(False, permissions.why_no_reply(actor, locked_thread))
    body = posting.check_body(body)
    if as_team and not permissions.can_moderate(actor, thread.community):
        raise ValidationError(gettext("Only facilitators can post as the team."))
    posting.check_rate_limit(actor)
    held = should_hold(actor, thread.community)
    try:
        with transaction.atomic():
            post = Post.objects.create(
                thread=locked_thread,
                author=actor,
                body=body,
                status=Post.Status.HELD if held else Post.Status.VISIBLE,
                submission_key=submission_key,
                as_team=as_team,
                language=posting.written_language(language),
            )
    except IntegrityError:  # the same submission raced in: return the first
        return Post.objects.get(author=actor, submission_key=submission_key)
    if not held:
        thread_refresh_stats(locked_thread)
        mentions_record(post, thread.community)
        community_touch(thread.community, post.created_at)
        thread_mark_read(actor, locked_thread, post.created_at)
        notifications.post_published(post)
    Watch.objects.get_or_create(user=actor, thread=locked_thread)
    return post


@transaction.atomic
def post_edit(*, actor, post: Post, body: str, title: str | None = None) -> Post:
    require(permissions.can_edit_post(actor, post), "You cannot edit this post.")
    body = posting.check_body(body)
    thread = post.thread
    is_first = post.pk in Post.objects.opening(thread).values_list("pk", flat=True)
    new_title = title.strip()[:200] if (title and is_first) else None
    if body == post.body and (new_title is None or new_title == thread.title):
        return post
    revision = PostRevision.objects.create(
        post=post, body=post.body, title=thread.title if is_first else "", edited_by=actor
    )
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    if new_title:
        thread.title = new_title
        thread.save(update_fields=["title"])
    mentions_record(post, thread.community)
    if (
        post.status == Post.Status.VISIBLE
        and thread.status == Thread.Status.PUBLISHED
        and Mention.objects.filter(post=post, notified_at__isnull=True).exists()
    ):
        # Held posts and unpublished threads tell the people they mention when they appear.
        notifications.mentions_added(post, revision)
    return post


def _lock_thread(post: Post) -> Thread:
    """The post's thread, re-read under a row lock (as a reply takes it) and set on the post."""
    community = post.thread.community
    thread = Thread.objects.select_for_update().get(pk=post.thread_id)
    thread.community = community
    post.thread = thread
    return thread


def _set_status(
    post: Post, status: str, *, actor, reason: str = "", thread: Thread | None = None
) -> Post:
    """Change a post's status and recount its thread; `thread`, if given, is already locked."""
    thread = thread or _lock_thread(post)
    post.status = status
    post.moderated_by = actor
    post.moderation_reason = reason.strip()[:500]
    post.save(update_fields=["status", "moderated_by", "moderation_reason"])
    thread_refresh_stats(thread)
    return post


@transaction.atomic
def post_delete(*, actor, post: Post) -> Post:
    require(permissions.can_delete_post(actor, post), "You cannot delete this post.")
    return _set_status(post, Post.Status.DELETED, actor=actor)


# --- Facilitators: hide, restore, approve, reject ------------------------------------------------

# Hiding again only changes the reason; held, deleted and rejected posts are not on show.
HIDEABLE = (Post.Status.VISIBLE, Post.Status.HIDDEN)
# Held and rejected posts were never approved: only approving shows them.
RESTORABLE = (Post.Status.HIDDEN, Post.Status.DELETED)


def post_check_hideable(post: Post) -> None:
    """ValidationError (code "not_hideable") unless the post is on show (or hidden already)."""
    if post.status not in HIDEABLE:
        raise ValidationError(gettext("Only posts on show can be hidden."), code="not_hideable")


def post_check_restorable(post: Post) -> None:
    """ValidationError (code "not_restorable") unless the post is hidden or deleted."""
    if post.status not in RESTORABLE:
        raise ValidationError(
            gettext("Only hidden or deleted posts can be restored."), code="not_restorable"
        )


def _lock_and_reread(post: Post) -> Thread:
    """Lock the post's thread (every status change takes that lock), then re-read the post's
    status, so the checks see what another request may just have written."""
    thread = _lock_thread(post)
    post.refresh_from_db(fields=["status"])
    return thread


@transaction.atomic
def post_restore(*, actor, post: Post) -> Post:
    require(permissions.can_moderate(actor, post.thread.community), "Only facilitators restore.")
    thread = _lock_and_reread(post)
    post_check_restorable(post)
    return _set_status(post, Post.Status.VISIBLE, actor=actor, thread=thread)


@transaction.atomic
def post_hide(*, actor, post: Post, reason: str) -> Post:
    require(permissions.can_moderate(actor, post.thread.community), "Only facilitators hide.")
    thread = _lock_and_reread(post)
    post_check_hideable(post)
    if not reason.strip():
        raise ValidationError(gettext("Give a reason: the author and readers see it."))
    return _set_status(post, Post.Status.HIDDEN, actor=actor, reason=reason, thread=thread)


@transaction.atomic
def post_approve(*, actor, post: Post) -> Post:
    """Approve a held post (and its thread, if it opened one), dated now: readers see it as
    new, the thread moves up the list and a digest counts the thread from now."""
    community = post.thread.community
    require(permissions.can_moderate(actor, community), "Only facilitators approve posts.")
    if post.status != Post.Status.HELD:
        raise ValidationError(gettext("That post is no longer waiting for approval."))
    thread = _lock_thread(post)
    now = timezone.now()
    if thread.status == Thread.Status.HELD:
        # A held thread takes no replies, so its opening post stays first.
        thread.status = Thread.Status.PUBLISHED
        thread.created_at = now
        thread.save(update_fields=["status", "created_at"])
    post.created_at = now
    post.save(update_fields=["created_at"])
    _set_status(post, Post.Status.VISIBLE, actor=actor, thread=thread)
    mentions_record(post, community)
    community_touch(community, now)
    notifications.post_published(post)
    return post


@transaction.atomic
def post_reject(*, actor, post: Post, reason: str = "") -> Post:
    community = post.thread.community
    require(permissions.can_moderate(actor, community), "Only facilitators reject posts.")
    if post.status != Post.Status.HELD:
        raise ValidationError(gettext("That post is no longer waiting for approval."))
    thread = post.thread
    if thread.status == Thread.Status.HELD:
        # The post opened a thread nobody else has seen: the thread goes with it.
        thread.delete()
        return post
    return _set_status(post, Post.Status.REJECTED, actor=actor, reason=reason)


# --- Answers, reactions, watches and bookmarks ---------------------------------------------------


@transaction.atomic
def answer_mark(*, actor, thread: Thread, post: Post | None) -> Thread:
    """Mark `post` as the thread's answer, or clear it with None."""
    require(permissions.can_mark_answer(actor, thread), "You cannot mark this thread's answer.")
    if post is not None:
        if post.thread_id != thread.pk or post.status != Post.Status.VISIBLE:
            raise ValidationError(gettext("Choose a reply in this thread."))
        if thread.opening_post() == post:
            raise ValidationError(gettext("The question itself cannot be its answer."))
    thread.answer = post
    thread.save(update_fields=["answer"])
    if post is not None:
        notifications.answer_accepted(thread, post, actor)
    return thread


@transaction.atomic
def reaction_toggle(*, actor, post: Post, kind: str) -> bool:
    """Add or remove a reaction. Returns whether it is now there."""
    require(permissions.can_react(actor, post), "You cannot react to this post.")
    if kind not in Reaction.Kind.values:
        raise ValidationError(gettext("Unknown reaction."))
    deleted, _ = Reaction.objects.filter(post=post, user=actor, kind=kind).delete()
    if deleted:
        return False
    reaction, _ = Reaction.objects.get_or_create(post=post, user=actor, kind=kind)
    notifications.reaction_added(reaction)
    return True


@transaction.atomic
def watch_toggle(*, actor, thread: Thread | None = None, category: Category | None = None) -> bool:
    """Watch the thread (or, without one, the category), or stop watching it."""
    target: dict[str, Any]
    if thread is not None:
        community, target = thread.community, {"thread": thread}
    elif category is not None:
        community, target = category.community, {"category": category}
    else:
        raise ValueError("Watch a thread or a category.")
    require(permissions.can_follow(actor, community), "Sign in as a member to follow this.")
    deleted, _ = Watch.objects.filter(user=actor, **target).delete()
    if deleted:
        return False
    Watch.objects.get_or_create(user=actor, **target)
    return True


@transaction.atomic
def bookmark_toggle(*, actor, post: Post) -> bool:
    require(permissions.can_follow(actor, post.thread.community), "Sign in to bookmark posts.")
    deleted, _ = Bookmark.objects.filter(user=actor, post=post).delete()
    if deleted:
        return False
    Bookmark.objects.get_or_create(user=actor, post=post)
    return True


# --- Reports (flags) -----------------------------------------------------------------------------


@transaction.atomic
def flag_create(*, actor, post: Post, reason: str, note: str = "") -> Flag:
    require(permissions.can_flag(actor, post), "You cannot report this post.")
    if reason not in Flag.Reason.values:
        raise ValidationError(gettext("Choose a reason."))
    flag, created = Flag.objects.get_or_create(
        post=post, reporter=actor, defaults={"reason": reason, "note": note.strip()[:500]}
    )
    if not created:
        raise ValidationError(
            gettext("You have already reported this post. The facilitators will look.")
        )
    notifications.flag_created(flag)
    return flag


@transaction.atomic
def flags_resolve(*, actor, post: Post, resolution: str, reason: str = "") -> list[Flag]:
    """Deal with every open report about `post`: hide it (with a reason shown to readers),
    keep it, or keep it and warn its author by e-mail (`reason` is then a note to them).

    Sets resolution, resolved_by and resolved_at on all the post's open flags. Returns them.
    """
    community = post.thread.community
    require_moderator(actor, community, "Only facilitators deal with reports.")
    if resolution not in (Flag.Resolution.HIDDEN, Flag.Resolution.KEPT, Flag.Resolution.WARNED):
        raise ValidationError(gettext("Choose what to do about the post."))
    flags = list(
        Flag.objects.select_for_update().filter(post=post, resolution=Flag.Resolution.OPEN)
    )
    if not flags:
        raise ValidationError(gettext("The reports about this post have already been dealt with."))
    reason = reason.strip()[:500]
    if resolution == Flag.Resolution.HIDDEN:
        try:
            post_hide(actor=actor, post=post, reason=reason)
        except ValidationError as error:
            if getattr(error, "code", None) != "not_hideable":
                raise
            # The same rule, said for the reports screen: keeping the post is what is left.
            raise ValidationError(_nothing_to_hide(post.status), code="not_hideable") from error
    elif resolution == Flag.Resolution.WARNED:
        _queue_warning(post, flags, note=reason)
    now = timezone.now()
    for flag in flags:
        flag.resolution, flag.resolved_by, flag.resolved_at = resolution, actor, now
    Flag.objects.bulk_update(flags, ["resolution", "resolved_by", "resolved_at"])
    return flags


def _nothing_to_hide(status: str) -> str:
    """Why a reported post that is no longer on show cannot be hidden, said for its status."""
    if status == Post.Status.HELD:
        return gettext(
            "The post is not shown any more (waiting for approval), so there is nothing to "
            "hide. Keep it to close the reports."
        )
    if status == Post.Status.DELETED:
        return gettext(
            "The post is not shown any more (deleted), so there is nothing to hide. Keep it "
            "to close the reports."
        )
    return gettext(  # rejected: the only other status not on show
        "The post is not shown any more (rejected), so there is nothing to hide. Keep it "
        "to close the reports."
    )


def _queue_warning(post: Post, flags: list[Flag], *, note: str) -> None:
    author = post.author
    if author.is_former_member or not author.is_active or not author.email:
        raise ValidationError(
            gettext(
                "The author's account has been closed, so they cannot be warned. "
                "Hide the post or keep it."
            )
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
