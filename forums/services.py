"""Writes to the forum. Each function checks with `forums.permissions`, then changes rows in
one transaction. Problems the person can act on are raised as `ValidationError`."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from communities import permissions as community_permissions
from communities.models import Community, Membership
from copsite import posting
from copsite.markup import mentioned_user_ids

from . import notifications, permissions
from .models import (
    Bookmark,
    Category,
    Flag,
    ForumSettings,
    Mention,
    Post,
    PostingBan,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
    Watch,
)
from .permissions import require

DEFAULT_CATEGORIES = [
    ("General", "general", "Questions, ideas and news about the community's work."),
    ("Off topic", "off-topic", "Everything else: introductions, events, the odd tangent."),
]


def categories_create_defaults(community: Community) -> None:
    for position, (name, slug, description) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(
            community=community,
            slug=slug,
            defaults={"name": name, "description": description, "position": position},
        )


def category_name_check(community: Community, name: str, *, exclude_pk: int | None = None) -> str:
    """The name stripped, or ValidationError if it is empty or another category of the
    community already has it (ignoring case). `exclude_pk` is the category being renamed."""
    name = name.strip()
    if not name:
        raise ValidationError("Give the category a name.")
    same = Category.objects.filter(community=community, name__iexact=name)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError("There is already a category with that name.")
    return name


def _free_category_slug(community: Community, name: str) -> str:
    """A slug from the name that no category of the community has yet: "name", "name-2"…
    (a renamed category keeps its slug, so another name can lead to the same one)."""
    base = slugify(name)[:80] or "category"
    taken = set(
        Category.objects.filter(community=community, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = base[: 80 - len(suffix)] + suffix
    return slug


@transaction.atomic
def category_create(*, actor, community: Community, name: str, description: str = "") -> Category:
    require(permissions.can_moderate(actor, community), "Only facilitators manage categories.")
    # Lock the community's categories so two creates cannot both take a name or slug.
    list(Category.objects.select_for_update().filter(community=community).values_list("pk"))
    name = category_name_check(community, name)
    position = Category.objects.filter(community=community).count()
    return Category.objects.create(
        community=community,
        name=name,
        slug=_free_category_slug(community, name),
        description=description,
        position=position,
    )


def _should_hold(actor, community: Community) -> bool:
    """A new member's first post waits for approval when the community asks for it."""
    if permissions.can_moderate(actor, community):
        return False
    forum_settings = ForumSettings.objects.filter(community=community).first()
    if not (forum_settings and forum_settings.hold_first_posts):
        return False
    return not Post.objects.filter(
        author=actor, thread__community=community, status=Post.Status.VISIBLE
    ).exists()


def mentions_record(post: Post, community: Community) -> None:
    """Record mentions of people who may read the community (notifications deliver them)."""
    ids = mentioned_user_ids(post.body) - {post.author_id}
    if not ids:
        return
    readers = User.objects.filter(pk__in=ids, is_active=True)
    if community.visibility != "open":
        readers = readers.filter(
            Q(pk__in=Membership.objects.filter(community=community).values("user_id"))
            | Q(is_staff=True)
        )
    Mention.objects.bulk_create(
        [Mention(post=post, user=user) for user in readers], ignore_conflicts=True
    )


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


def _existing_submission(actor, submission_key: str) -> Post | None:
    if not submission_key:
        return None
    return (
        Post.objects.select_related("thread")
        .filter(author=actor, submission_key=submission_key)
        .first()
    )


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
) -> Thread:
    """Start a thread. The same submission key twice (a double click) returns the first."""
    existing = _existing_submission(actor, submission_key)
    if existing:
        return existing.thread
    require(
        permissions.can_start_thread(actor, community),
        "You cannot start threads in this community.",
    )
    if category.community_id != community.pk:
        raise ValidationError("Choose one of this community's categories.")
    title = title.strip()
    if not title:
        raise ValidationError("Give the thread a title.")
    body = posting.check_body(body)
    is_moderator = permissions.can_moderate(actor, community)
    if (as_team or publish_at) and not is_moderator:
        raise ValidationError("Only facilitators can post as the team or schedule threads.")
    posting.check_rate_limit(actor)
    now = timezone.now()
    scheduled = publish_at is not None and publish_at > now
    held = _should_hold(actor, community)
    status = (
        Thread.Status.SCHEDULED
        if scheduled
        else Thread.Status.HELD
        if held
        else Thread.Status.PUBLISHED
    )
    created_at = publish_at if scheduled else now
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


def community_touch(community: Community, when: datetime) -> None:
    Community.objects.filter(pk=community.pk, last_activity_at__lt=when).update(
        last_activity_at=when
    )


@transaction.atomic
def post_reply(
    *, actor, thread: Thread, body: str, submission_key: str = "", as_team: bool = False
) -> Post:
    existing = _existing_submission(actor, submission_key)
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
        raise ValidationError("Only facilitators can post as the team.")
    posting.check_rate_limit(actor)
    held = _should_hold(actor, thread.community)
    try:
        with transaction.atomic():
            post = Post.objects.create(
                thread=locked_thread,
                author=actor,
                body=body,
                status=Post.Status.HELD if held else Post.Status.VISIBLE,
                submission_key=submission_key,
                as_team=as_team,
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


# Hiding again only changes the reason; held, deleted and rejected posts are not on show.
HIDEABLE = (Post.Status.VISIBLE, Post.Status.HIDDEN)
# Held and rejected posts were never approved: only approving shows them.
RESTORABLE = (Post.Status.HIDDEN, Post.Status.DELETED)


def post_check_hideable(post: Post) -> None:
    """ValidationError (code "not_hideable") unless the post is on show (or hidden already)."""
    if post.status not in HIDEABLE:
        raise ValidationError("Only posts on show can be hidden.", code="not_hideable")


def post_check_restorable(post: Post) -> None:
    """ValidationError (code "not_restorable") unless the post is hidden or deleted."""
    if post.status not in RESTORABLE:
        raise ValidationError(
            "Only hidden or deleted posts can be restored.", code="not_restorable"
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
        raise ValidationError("Give a reason: the author and readers see it.")
    return _set_status(post, Post.Status.HIDDEN, actor=actor, reason=reason, thread=thread)


@transaction.atomic
def post_approve(*, actor, post: Post) -> Post:
    """Approve a held post (and its thread, if it opened one), dated now: readers see it as
    new, the thread moves up the list and a digest counts the thread from now."""
    community = post.thread.community
    require(permissions.can_moderate(actor, community), "Only facilitators approve posts.")
    if post.status != Post.Status.HELD:
        raise ValidationError("That post is no longer waiting for approval.")
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
        raise ValidationError("That post is no longer waiting for approval.")
    thread = post.thread
    if thread.status == Thread.Status.HELD:
        # The post opened a thread nobody else has seen: the thread goes with it.
        thread.delete()
        return post
    return _set_status(post, Post.Status.REJECTED, actor=actor, reason=reason)


@transaction.atomic
def answer_mark(*, actor, thread: Thread, post: Post | None) -> Thread:
    """Mark `post` as the thread's answer, or clear it with None."""
    require(permissions.can_mark_answer(actor, thread), "You cannot mark this thread's answer.")
    if post is not None:
        if post.thread_id != thread.pk or post.status != Post.Status.VISIBLE:
            raise ValidationError("Choose a reply in this thread.")
        if thread.opening_post() == post:
            raise ValidationError("The question itself cannot be its answer.")
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
        raise ValidationError("Unknown reaction.")
    deleted, _ = Reaction.objects.filter(post=post, user=actor, kind=kind).delete()
    if deleted:
        return False
    reaction, _ = Reaction.objects.get_or_create(post=post, user=actor, kind=kind)
    notifications.reaction_added(reaction)
    return True


@transaction.atomic
def watch_toggle(*, actor, thread: Thread | None = None, category: Category | None = None) -> bool:
    community = thread.community if thread else category.community
    require(permissions.can_follow(actor, community), "Sign in as a member to follow this.")
    target = {"thread": thread} if thread else {"category": category}
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


@transaction.atomic
def flag_create(*, actor, post: Post, reason: str, note: str = "") -> Flag:
    require(permissions.can_flag(actor, post), "You cannot report this post.")
    if reason not in Flag.Reason.values:
        raise ValidationError("Choose a reason.")
    flag, created = Flag.objects.get_or_create(
        post=post, reporter=actor, defaults={"reason": reason, "note": note.strip()[:500]}
    )
    if not created:
        raise ValidationError("You have already reported this post. The facilitators will look.")
    notifications.flag_created(flag)
    return flag


@transaction.atomic
def thread_set_state(*, actor, thread: Thread, **changes: bool) -> Thread:
    """Pin, lock or close a thread (facilitators), or close your own question."""
    allowed = {"is_pinned", "is_locked", "is_closed"}
    if not changes or set(changes) - allowed:
        raise ValidationError("Unknown change.")
    require(
        all(permissions.can_change_thread_state(actor, thread, field) for field in changes),
        "Only facilitators can do that.",
    )
    for field, value in changes.items():
        setattr(thread, field, bool(value))
    thread.save(update_fields=list(changes))
    return thread


@transaction.atomic
def thread_move(*, actor, thread: Thread, category: Category) -> Thread:
    require(permissions.can_moderate(actor, thread.community), "Only facilitators move threads.")
    if category.community_id != thread.community_id:
        raise ValidationError("Choose one of this community's categories.")
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


@transaction.atomic
def posting_ban_create(*, actor, community: Community, user: User, reason: str = "") -> PostingBan:
    require(permissions.can_moderate(actor, community), "Only facilitators can do that.")
    if user.pk == actor.pk or community_permissions.can_moderate(user, community):
        raise ValidationError(
            "Facilitators cannot be banned from posting; change their role first."
        )
    ban, _ = PostingBan.objects.get_or_create(
        community=community, user=user, defaults={"reason": reason.strip(), "banned_by": actor}
    )
    community_permissions.forget_access(user)
    return ban


@transaction.atomic
def posting_ban_lift(*, actor, community: Community, user: User) -> None:
    require(permissions.can_moderate(actor, community), "Only facilitators can do that.")
    PostingBan.objects.filter(community=community, user=user).delete()
    community_permissions.forget_access(user)


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
