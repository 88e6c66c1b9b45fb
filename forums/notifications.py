"""Who hears about what happens in the forum. Runs in the event handler, after the change has
committed; every recipient is checked against the access module at this point and again
when the notification is shown or e-mailed."""

from __future__ import annotations

import re

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from communities import permissions as community_permissions
from copsite.markup import plain_excerpt
from notifications.events import event_handler, event_record
from notifications.notify import Target, notify
from notifications.targets import TargetView, target_describer, target_filter

from .models import Flag, Mention, Post, Thread, Watch
from .notification_kinds import (
    ANSWER,
    FLAG,
    MENTION,
    QUOTE,
    REACTION,
    REPLY,
    THREAD_MERGED,
    WATCHED,
)

# A quote's link to its post; from a Welsh page the address starts with the language ("/cy/c/…").
QUOTED_POST = re.compile(r"^>.*\]\((?:/[a-z]{2,3})?/c/[\w-]+/forum/p/(\d+)/\)", re.MULTILINE)
EXCERPT_CHARACTERS = 260  # about 40 words


# --- Recording (called from forums.services inside the writing transaction) --------------------


def post_published(post: Post) -> None:
    event_record(
        kind="forum.post_published", key=f"forum-post-{post.pk}", payload={"post_id": post.pk}
    )


def mentions_added(post: Post, revision) -> None:
    """An edit named people the post had not named before (one event per edit)."""
    event_record(
        kind="forum.mentions_added",
        key=f"forum-mention-{post.pk}-{revision.pk}",
        payload={"post_id": post.pk},
    )


def answer_accepted(thread: Thread, post: Post, actor) -> None:
    event_record(
        kind="forum.answer_accepted",
        key=f"forum-answer-{thread.pk}-{post.pk}",
        payload={"post_id": post.pk, "actor_id": actor.pk},
    )


def reaction_added(reaction) -> None:
    event_record(
        kind="forum.reaction_added",
        key=f"forum-reaction-{reaction.pk}",
        payload={"post_id": reaction.post_id, "actor_id": reaction.user_id},
    )


def thread_merged(source: Thread, opening_post: Post, actor) -> None:
    """A facilitator merged `source` into another thread; `opening_post` was its question."""
    event_record(
        kind="forum.thread_merged",
        key=f"forum-merged-{source.pk}",
        payload={"post_id": opening_post.pk, "author_id": source.author_id, "actor_id": actor.pk},
    )


def flag_created(flag: Flag) -> None:
    event_record(
        kind="forum.flag_created", key=f"forum-flag-{flag.pk}", payload={"flag_id": flag.pk}
    )


# --- Handling ----------------------------------------------------------------------------------


def _shown_post(post_id: int) -> Post | None:
    return (
        Post.objects.select_related("thread__community", "author")
        .filter(pk=post_id, status=Post.Status.VISIBLE, thread__status=Thread.Status.PUBLISHED)
        .first()
    )


def _target(post: Post) -> Target:
    thread = post.thread
    return Target(
        type="forum.post",
        id=post.pk,
        title=thread.title,
        url=post.get_absolute_url(),
        community_id=thread.community_id,
    )


def _quoted_authors(post: Post) -> set[int]:
    ids = {int(found) for found in QUOTED_POST.findall(post.body)}
    if not ids:
        return set()
    return set(
        Post.objects.filter(pk__in=ids, thread__community_id=post.thread.community_id).values_list(
            "author_id", flat=True
        )
    )


def _tell(post: Post, groups: list[tuple[str, set[int]]]) -> None:
    """Notify each group about `post`, each person once (for the first group they are in),
    only people who may read the community now, never the author. The post's mentions not
    yet delivered are told first and then marked delivered. Runs in the event's transaction:
    the mention rows stay locked until it commits, so two events never tell someone twice."""
    mentioned = set(
        Mention.objects.select_for_update()
        .filter(post=post, notified_at__isnull=True)
        .values_list("user_id", flat=True)
    )
    groups = [(MENTION, mentioned), *groups]
    everyone = set().union(*(people for _, people in groups)) - {post.author_id}
    readers = community_permissions.user_ids_who_can_read(everyone, post.thread.community)
    target = _target(post)
    actor = None if post.as_team else post.author_id
    already: set[int] = set()
    for kind, people in groups:
        chosen = (people & readers) - already
        notify(recipient_ids=chosen, kind=kind, target=target, actor_id=actor)
        already |= chosen
    # Only the rows read above: a mention an edit records meanwhile comes with its own event.
    Mention.objects.filter(post=post, user_id__in=mentioned, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )


@event_handler("forum.post_published")
def on_post_published(payload: dict) -> None:
    post = _shown_post(payload["post_id"])
    if post is None:
        return
    thread = post.thread
    opening = thread.opening_post() == post
    replied_to = set() if opening else {thread.author_id}
    quoted = _quoted_authors(post)
    watchers = set(Watch.objects.filter(thread=thread).values_list("user_id", flat=True))
    if opening:  # watching a category means hearing about its new threads
        watchers |= set(
            Watch.objects.filter(category_id=thread.category_id).values_list("user_id", flat=True)
        )
    _tell(post, [(REPLY, replied_to), (QUOTE, quoted), (WATCHED, watchers)])


@event_handler("forum.mentions_added")
def on_mentions_added(payload: dict) -> None:
    """People an edit named: told like those named when the post was published."""
    post = _shown_post(payload["post_id"])
    if post is not None:
        _tell(post, [])


def _notify_post_author(post: Post, kind: str, actor_id: int) -> None:
    """Tell the post's author something about their post, if they may still read it."""
    readers = community_permissions.user_ids_who_can_read({post.author_id}, post.thread.community)
    notify(recipient_ids=readers, kind=kind, target=_target(post), actor_id=actor_id)


@event_handler("forum.answer_accepted")
def on_answer_accepted(payload: dict) -> None:
    post = _shown_post(payload["post_id"])
    if post is None or post.thread.answer_id != post.pk:
        return
    _notify_post_author(post, ANSWER, payload["actor_id"])


@event_handler("forum.reaction_added")
def on_reaction_added(payload: dict) -> None:
    post = _shown_post(payload["post_id"])
    if post is None:
        return
    _notify_post_author(post, REACTION, payload["actor_id"])


@event_handler("forum.thread_merged")
def on_thread_merged(payload: dict) -> None:
    """The merged thread's author hears where their question went (its post, now in the other
    thread), unless they merged it themselves or it was started as the team."""
    post = _shown_post(payload["post_id"])
    if post is None or post.as_team or post.author_id != payload["author_id"]:
        return
    _notify_post_author(post, THREAD_MERGED, payload["actor_id"])


@event_handler("forum.flag_created")
def on_flag_created(payload: dict) -> None:
    flag = (
        Flag.objects.select_related("post__thread__community")
        .filter(pk=payload["flag_id"], resolution=Flag.Resolution.OPEN)
        .first()
    )
    if flag is None:
        return
    thread = flag.post.thread
    target = Target(
        type="forum.review",
        id=flag.post_id,
        title=thread.title,
        url=reverse("forums:flag-resolve", args=[thread.community.slug, flag.post_id]),
        community_id=thread.community_id,
    )
    notify(
        recipient_ids=community_permissions.moderator_ids(thread.community),
        kind=FLAG,
        target=target,
        actor_id=flag.reporter_id,
    )


# --- Describing targets for a reader -------------------------------------------------------------


def _posts_readable_by(user, post_ids: list[int]) -> QuerySet:
    return Post.objects.visible_to(user).select_related("thread__community").filter(pk__in=post_ids)


@target_filter("forum.post")
def readable_post_notifications(user) -> Q:
    """Notifications about posts `describe_posts` would still show the person."""
    return Q(Exists(Post.objects.visible_to(user).filter(pk=OuterRef("target_id"))))


@target_filter("forum.review")
def reviewable_post_notifications(user) -> Q:
    """Notifications about reported posts in communities the person still facilitates, as
    `describe_reported_posts` decides."""
    moderated = community_permissions.communities_moderated_by(user)
    return Q(Exists(Post.objects.filter(pk=OuterRef("target_id"), thread__community__in=moderated)))


@target_describer("forum.post")
def describe_posts(user, post_ids: list[int]) -> dict[int, TargetView]:
    return {
        post.pk: TargetView(
            title=post.thread.title,
            url=post.get_absolute_url(),
            excerpt=plain_excerpt(post.body, EXCERPT_CHARACTERS),
            community_name=post.thread.community.name,
        )
        for post in _posts_readable_by(user, post_ids)
    }


@target_describer("forum.review")
def describe_reported_posts(user, post_ids: list[int]) -> dict[int, TargetView]:
    """Reported posts, for the facilitators who may still review them."""
    views = {}
    for post in Post.objects.select_related("thread__community").filter(pk__in=post_ids):
        community = post.thread.community
        if community_permissions.can_moderate(user, community):
            views[post.pk] = TargetView(
                title=post.thread.title,
                url=reverse("forums:flag-resolve", args=[community.slug, post.pk]),
                excerpt=plain_excerpt(post.body, EXCERPT_CHARACTERS),
                community_name=community.name,
            )
    return views
