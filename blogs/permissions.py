"""The blog's rules, built only on `communities.permissions` (the one access module).

Reading a blog is reading the community's content (`can_read`); writing posts and comments is
posting (`can_blog`); facilitators moderate (`can_moderate`). This module adds what is special
to blogs: comments close (by hand or N days after publishing), people edit and delete only their
own comments, facilitators hide them, and one level of replies.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from communities import permissions as community_permissions

from .models import BlogComment, BlogPostPage


def require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# --- Posts --------------------------------------------------------------------------------------


def get_post_for_user_or_404(user, post_id: int) -> BlogPostPage:
    """A published post: 404 if it or its community must stay hidden, 403 if it is a restricted
    community's content this person may not read."""
    post = (
        BlogPostPage.objects.live()
        .public()
        .select_related("community", "owner")
        .filter(pk=post_id)
        .first()
    )
    community_permissions.require_visible(user, post.community if post else None, "post")
    return post


def comments_close_at(post: BlogPostPage) -> datetime | None:
    """When comments close by themselves (COPSITE_BLOG_COMMENTS_CLOSE_AFTER_DAYS after the post
    was first published), or None if they never do."""
    days = settings.COPSITE_BLOG_COMMENTS_CLOSE_AFTER_DAYS
    if not days or post.first_published_at is None:
        return None
    return post.first_published_at + timedelta(days=days)


def comments_are_open(post: BlogPostPage, now: datetime | None = None) -> bool:
    if post.comments_closed or not post.live:
        return False
    closes = comments_close_at(post)
    return closes is None or (now or timezone.now()) < closes


def can_close_comments(user, post: BlogPostPage) -> bool:
    """The post's author and the community's facilitators open and close its comments."""
    if community_permissions.can_moderate(user, post.community):
        return True
    return post.owner_id == getattr(user, "pk", None) and community_permissions.can_blog(
        user, post.community
    )


def can_comment(user, post: BlogPostPage) -> bool:
    return comments_are_open(post) and community_permissions.can_blog(user, post.community)


COMMENT_REFUSALS = community_permissions.PostingRefusals(
    sign_in=gettext_lazy("Sign in to comment."),
    banned=gettext_lazy("You cannot comment in this community."),
    join=gettext_lazy("Join the community to comment."),
    verify_email=gettext_lazy("Confirm your e-mail address to comment."),
)


def why_no_comment(user, post: BlogPostPage) -> str:
    """What to tell someone who may read the post but not comment on it."""
    if not comments_are_open(post):
        return gettext("Comments are closed.")
    return community_permissions.posting_refusal(user, post.community, COMMENT_REFUSALS)


# --- Comments -----------------------------------------------------------------------------------


def get_comment_for_user_or_404(user, comment_id: int) -> BlogComment:
    """A comment on a post this person may read. Deleted comments are gone for everyone."""
    comment = (
        BlogComment.objects.select_related("author", "post", "post__community", "post__owner")
        .exclude(status=BlogComment.Status.DELETED)
        .filter(pk=comment_id, post__live=True)
        .first()
    )
    community_permissions.require_visible(
        user, comment.post.community if comment else None, "comment"
    )
    if comment.status == BlogComment.Status.HIDDEN and not can_see_hidden(user, comment):
        raise Http404("No such comment")
    return comment


def can_see_hidden(user, comment: BlogComment) -> bool:
    """Facilitators and the comment's author see what a hidden comment said."""
    return comment.author_id == getattr(user, "pk", None) or community_permissions.can_moderate(
        user, comment.post.community
    )


def can_reply(user, comment: BlogComment) -> bool:
    """One level of replies: people reply to comments, not to replies."""
    return (
        comment.parent_id is None
        and comment.status == BlogComment.Status.VISIBLE
        and can_comment(user, comment.post)
    )


def can_edit_comment(user, comment: BlogComment) -> bool:
    """People edit their own visible comments while comments are open and they may still post."""
    return (
        comment.author_id == getattr(user, "pk", None)
        and comment.status == BlogComment.Status.VISIBLE
        and can_comment(user, comment.post)
    )


def why_no_edit_comment(user, comment: BlogComment) -> str:
    """What to tell someone who may read the comment but not edit it."""
    if comment.author_id != getattr(user, "pk", None):
        return gettext("You can only edit your own comments.")
    if comment.status != BlogComment.Status.VISIBLE:
        return gettext("A facilitator has hidden this comment, so it cannot be edited.")
    return why_no_comment(user, comment.post)


def can_delete_comment(user, comment: BlogComment) -> bool:
    """People delete their own comments, even after comments close."""
    access = community_permissions.access_for(user)
    return (
        access.is_authenticated
        and comment.author_id == user.pk
        and comment.status == BlogComment.Status.VISIBLE
    )


def can_hide_comment(user, comment: BlogComment) -> bool:
    return comment.status == BlogComment.Status.VISIBLE and community_permissions.can_moderate(
        user, comment.post.community
    )


def can_restore_comment(user, comment: BlogComment) -> bool:
    return comment.status == BlogComment.Status.HIDDEN and community_permissions.can_moderate(
        user, comment.post.community
    )
