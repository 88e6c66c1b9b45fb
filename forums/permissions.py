"""Forum rules, built only from `communities.permissions` plus the state of a thread or post.

Views, feeds, search and e-mails ask here; nothing else decides who sees a post.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities import permissions as community_permissions
from communities.models import Community

from .models import Post, Thread

# --- Reading ------------------------------------------------------------------------------------


def filter_visible_threads(queryset: QuerySet, user) -> QuerySet:
    """Published threads in communities whose content the person may read."""
    published = queryset.filter(status=Thread.Status.PUBLISHED)
    return community_permissions.filter_by_readable_community(published, user)


def can_view_thread(user, thread: Thread) -> bool:
    if not community_permissions.can_read(user, thread.community):
        return False
    if thread.status == Thread.Status.PUBLISHED:
        return True
    if thread.status == Thread.Status.MERGED:
        return False  # nothing left to see: its address leads to `merged_into`
    return thread.author_id == getattr(user, "pk", None) or community_permissions.can_moderate(
        user, thread.community
    )


def can_see_post_body(user, post: Post, community: Community) -> bool:
    """Whether the person sees this post's text (others see a placeholder)."""
    if post.status == Post.Status.VISIBLE:
        return True
    if community_permissions.can_moderate(user, community):
        return True
    return post.status == Post.Status.HELD and post.author_id == getattr(user, "pk", None)


def filter_posts_on_thread_page(queryset: QuerySet, user, community: Community) -> QuerySet:
    """Posts shown in a thread: visible ones, plus placeholders for hidden or deleted ones;
    held posts only to their author and facilitators."""
    if community_permissions.can_moderate(user, community):
        return queryset.exclude(status=Post.Status.REJECTED)
    shown = Q(status__in=[Post.Status.VISIBLE, Post.Status.HIDDEN, Post.Status.DELETED])
    if user.is_authenticated:
        shown |= Q(status=Post.Status.HELD, author=user)
    return queryset.filter(shown)


def get_thread_for_user_or_404(
    user, community: Community, thread_id: int, *, merged: bool = False
) -> Thread:
    """The thread, or 404; the community must already come from the access module.

    With `merged=True` a merged thread comes back too (status MERGED, `merged_into_id` set)
    for anyone who may read the community, so the caller can send them where its posts went.
    """
    community_permissions.require_read(user, community)
    thread = (
        Thread.objects.select_related("category", "author", "answer__author")
        .filter(pk=thread_id, community=community)
        .first()
    )
    if thread is None:
        raise Http404("No such thread")
    thread.community = community
    if merged and thread.status == Thread.Status.MERGED and thread.merged_into_id:
        return thread
    if not can_view_thread(user, thread):
        raise Http404("No such thread")
    return thread


def get_post_for_user_or_404(user, community: Community, post_id: int) -> Post:
    community_permissions.require_read(user, community)
    post = (
        Post.objects.select_related("thread", "author")
        .filter(pk=post_id, thread__community=community)
        .first()
    )
    if post is None:
        raise Http404("No such post")
    post.thread.community = community
    if not can_view_thread(user, post.thread):
        raise Http404("No such post")
    if post.status == Post.Status.REJECTED and not can_moderate(user, community):
        raise Http404("No such post")
    return post


# --- Writing ------------------------------------------------------------------------------------


def can_start_thread(user, community: Community) -> bool:
    return community_permissions.can_post(user, community)


def can_reply(user, thread: Thread) -> bool:
    """Only published threads take replies: a reply to a scheduled or held thread would become
    older than its opening post once that is published, and take its place."""
    if thread.status != Thread.Status.PUBLISHED or not can_start_thread(user, thread.community):
        return False
    return thread.accepts_replies or can_moderate(user, thread.community)


def can_moderate(user, community: Community) -> bool:
    return community_permissions.can_moderate(user, community)


def can_edit_post(user, post: Post) -> bool:
    community = post.thread.community
    if can_moderate(user, community):
        return True
    return (
        post.author_id == getattr(user, "pk", None)
        and post.status in (Post.Status.VISIBLE, Post.Status.HELD)
        and can_start_thread(user, community)
        and not post.thread.is_locked
    )


def can_delete_post(user, post: Post) -> bool:
    if post.status == Post.Status.DELETED:
        return False
    return post.author_id == getattr(user, "pk", None) or can_moderate(user, post.thread.community)


def can_mark_answer(user, thread: Thread) -> bool:
    """The thread's author while they may post, unless the thread is locked; facilitators."""
    if not can_start_thread(user, thread.community):
        return False
    if can_moderate(user, thread.community):
        return True
    return thread.author_id == getattr(user, "pk", None) and not thread.is_locked


def can_react(user, post: Post) -> bool:
    """Anyone who may post, on others' visible posts; in a locked thread only facilitators."""
    community = post.thread.community
    return (
        post.status == Post.Status.VISIBLE
        and post.author_id != getattr(user, "pk", None)
        and can_start_thread(user, community)
        and (not post.thread.is_locked or can_moderate(user, community))
    )


def can_close_thread(user, thread: Thread) -> bool:
    """Facilitators, and a thread's author while they may still post, close and reopen it."""
    if can_moderate(user, thread.community):
        return True
    return thread.author_id == getattr(user, "pk", None) and can_start_thread(
        user, thread.community
    )


def can_merge_or_split_thread(user, thread: Thread) -> bool:
    """Merging a thread into another of its community, or splitting replies off into a new
    one: the community's facilitators and site staff."""
    return can_moderate(user, thread.community)


def can_change_thread_state(user, thread: Thread, field: str) -> bool:
    """Pinning and locking are for facilitators; closing also for the author."""
    if field == "is_closed":
        return can_close_thread(user, thread)
    return can_moderate(user, thread.community)


def can_flag(user, post: Post) -> bool:
    return (
        user.is_authenticated
        and post.status == Post.Status.VISIBLE
        and post.author_id != user.pk
        and community_permissions.can_read(user, post.thread.community)
        and (community_permissions.is_member(user, post.thread.community) or user.is_staff)
    )


def can_follow(user, community: Community) -> bool:
    """Watching and bookmarking: signed-in people who may read the community."""
    return user.is_authenticated and community_permissions.can_read(user, community)


# What to tell someone who may read a community but not post in it, per thing they tried.
REPLY_REFUSALS = community_permissions.PostingRefusals(
    sign_in=gettext_lazy("Sign in to reply."),
    banned=gettext_lazy("You cannot reply in this community."),
    join=gettext_lazy("Join the community to reply."),
    verify_email=gettext_lazy("Confirm your e-mail address to reply."),
)
THREAD_REFUSALS = community_permissions.PostingRefusals(
    sign_in=gettext_lazy("Sign in to start a thread."),
    banned=gettext_lazy("You cannot start a thread in this community."),
    join=gettext_lazy("Join the community to start a thread."),
    verify_email=gettext_lazy("Confirm your e-mail address to start a thread."),
)
EDIT_REFUSALS = community_permissions.PostingRefusals(
    sign_in=gettext_lazy("Sign in to edit your posts."),
    banned=gettext_lazy("You cannot edit your posts in this community."),
    join=gettext_lazy("Join the community to edit your posts."),
    verify_email=gettext_lazy("Confirm your e-mail address to edit your posts."),
)


def why_no_thread(user, community: Community) -> str:
    """What to tell someone who may read the community but not start a thread in it."""
    return community_permissions.posting_refusal(user, community, THREAD_REFUSALS)


def why_no_reply(user, thread: Thread) -> str:
    """What to tell someone who may read the thread but not reply to it."""
    return why_thread_takes_no_replies(thread) or community_permissions.posting_refusal(
        user, thread.community, REPLY_REFUSALS
    )


def why_thread_takes_no_replies(thread: Thread) -> str | None:
    """The thread's own reason (merged, not published, locked, closed), whoever is asking;
    facilitators still reply to locked and closed threads (`can_reply`)."""
    if thread.status == thread.Status.MERGED:
        return _(
            "A facilitator has merged this thread into “%(title)s”, so it takes no more "
            "replies. Copy what you wrote and reply there."
        ) % {"title": thread.merged_into.title}
    if thread.status != thread.Status.PUBLISHED:
        return _("This thread is not published yet: it takes replies once it is.")
    if thread.is_locked:
        return _("This thread is locked: nobody can reply to it.")
    if thread.is_closed:
        return _("This thread is closed to new replies.")
    return None


def why_no_edit(user, post: Post) -> str:
    """What to tell someone who may read the post but not edit it."""
    if post.author_id != user.pk:
        return _("You cannot edit this post.")
    if post.status == Post.Status.HIDDEN:
        return _("A facilitator has hidden this post, so it cannot be edited.")
    if post.status != Post.Status.VISIBLE and post.status != Post.Status.HELD:
        return _("This post has been deleted, so it cannot be edited.")
    if post.thread.is_locked:
        return _("This thread is locked: its posts cannot be edited.")
    return community_permissions.posting_refusal(user, post.thread.community, EDIT_REFUSALS)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)
