"""Facilitators' writes to the forum: reports, thread state, categories, settings and
scheduled threads. Like `forums.services`, each function checks `forums.permissions` first,
then changes rows in one transaction; problems the person can act on are `ValidationError`.

The plain post actions (hide, restore, approve, reject) and posting bans live in
`forums.services`; these functions add what the facilitators' screens need around them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from communities.models import Community
from notifications.services import email_queue

from . import notifications, permissions, services
from .models import Category, Flag, ForumSettings, Post, Thread
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
# Hiding again only changes the reason; held, deleted and rejected posts are not on show.
HIDEABLE = (Post.Status.VISIBLE, Post.Status.HIDDEN)


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
    now = timezone.now()
    thread.status = Thread.Status.PUBLISHED
    thread.publish_at = None
    thread.created_at = now
    thread.last_activity_at = now
    thread.save(update_fields=["status", "publish_at", "created_at", "last_activity_at"])
    first = thread.posts.order_by("created_at", "pk").first()
    if first:
        first.created_at = now
        first.save(update_fields=["created_at"])
        # The same step `services.threads_publish_due` takes when the time comes.
        services.mentions_record(first, thread.community)
        notifications.post_published(first)
    services.community_touch(thread.community, now)
    return thread


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
    if resolution == Flag.Resolution.HIDDEN and post.status not in HIDEABLE:
        raise ValidationError(
            f"The post is not shown any more ({post.get_status_display().lower()}), so there is "
            "nothing to hide. Keep it to close the reports."
        )
    if resolution == Flag.Resolution.HIDDEN:
        services.post_hide(actor=actor, post=post, reason=reason)
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


def _check_category_name(community: Community, name: str, *, exclude_pk: int | None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError("Give the category a name.")
    same = Category.objects.filter(community=community, name__iexact=name)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError("There is already a category with that name.")
    return name


@transaction.atomic
def category_update(*, actor, category: Category, name: str, description: str = "") -> Category:
    """Rename or describe a category. Its address (slug) stays, so links and feeds keep
    working."""
    community = category.community
    _require_moderator(actor, community, "Only facilitators manage categories.")
    category.name = _check_category_name(community, name, exclude_pk=category.pk)
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
    if Thread.objects.filter(category=category).exists():
        raise ValidationError(
            f"“{category.name}” still has threads. Move them to another category first."
        )
    if len(siblings) <= 1:
        raise ValidationError("The forum needs at least one category.")
    category.delete()
