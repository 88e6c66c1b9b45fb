"""Writes to blogs: comments, closing comments, "Write a post" and the blog's settings.

Each function checks with `blogs.permissions` (built on the access module), then changes rows
in one transaction. Problems the person can act on are raised as `ValidationError` with a
message fit to show them; nothing is changed when one is raised. Posts themselves are written
in the Wagtail editor, which keeps their drafts, revisions, schedules and workflows.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities import permissions as community_permissions
from communities.models import Community
from copsite import posting

from . import access, notifications, permissions
from .models import BlogComment, BlogIndexPage, BlogPostPage, BlogSettings
from .permissions import require
from .tree import blog_pages_ensure


def _existing_submission(actor, submission_key: str) -> BlogComment | None:
    if not submission_key:
        return None
    return BlogComment.objects.filter(author=actor, submission_key=submission_key).first()


def _fresh_post(post: BlogPostPage) -> BlogPostPage:
    """The post as it is now, locked: closing comments and commenting do not interleave."""
    return (
        BlogPostPage.objects.select_for_update(of=("self",))
        .select_related("community", "owner")
        .get(pk=post.pk)
    )


def _touch(community: Community) -> None:
    now = timezone.now()
    Community.objects.filter(pk=community.pk, last_activity_at__lt=now).update(last_activity_at=now)


@transaction.atomic
def comment_create(
    *,
    actor,
    post: BlogPostPage,
    body: str,
    parent: BlogComment | None = None,
    submission_key: str = "",
) -> BlogComment:
    """Comment on a post, or reply to a comment. The same submission key twice (a double
    click) returns the first comment."""
    existing = _existing_submission(actor, submission_key)
    if existing:
        return existing
    post = _fresh_post(post)
    if not permissions.comments_are_open(post):
        raise ValidationError(gettext("Comments are closed on this post."))
    require(permissions.can_comment(actor, post), permissions.why_no_comment(actor, post))
    if parent is not None:
        if parent.post_id != post.pk or parent.status != BlogComment.Status.VISIBLE:
            raise ValidationError(gettext("That comment is no longer there to reply to."))
        if parent.parent_id is not None:
            raise ValidationError(gettext("You can reply to comments, not to replies."))
    body = posting.check_body(body, posting.COMMENTS_TOO_LONG)
    posting.check_rate_limit(actor)  # one budget per person, forum and blog alike
    try:
        with transaction.atomic():
            comment = BlogComment.objects.create(
                post=post, author=actor, parent=parent, body=body, submission_key=submission_key
            )
    except IntegrityError:  # the same submission raced in: return the first
        return BlogComment.objects.get(author=actor, submission_key=submission_key)
    notifications.comment_published(comment)
    _touch(post.community)
    return comment


@transaction.atomic
def comment_edit(*, actor, comment: BlogComment, body: str) -> BlogComment:
    if not permissions.comments_are_open(comment.post):
        raise ValidationError(
            gettext("Comments are closed on this post: comments can no longer change.")
        )
    require(permissions.can_edit_comment(actor, comment), "You cannot edit this comment.")
    body = posting.check_body(body, posting.COMMENTS_TOO_LONG)
    if body == comment.body:
        return comment
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, actor, comment: BlogComment) -> BlogComment:
    require(permissions.can_delete_comment(actor, comment), "You cannot delete this comment.")
    comment.status = BlogComment.Status.DELETED
    comment.save(update_fields=["status"])
    return comment


@transaction.atomic
def comment_hide(*, actor, comment: BlogComment, reason: str) -> BlogComment:
    require(permissions.can_hide_comment(actor, comment), "Only facilitators hide comments.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Give a reason: the author and readers see it."))
    comment.status = BlogComment.Status.HIDDEN
    comment.moderated_by = actor
    comment.moderation_reason = reason[:500]
    comment.save(update_fields=["status", "moderated_by", "moderation_reason"])
    return comment


@transaction.atomic
def comment_restore(*, actor, comment: BlogComment) -> BlogComment:
    require(permissions.can_restore_comment(actor, comment), "Only facilitators restore comments.")
    comment.status = BlogComment.Status.VISIBLE
    comment.moderated_by = actor
    comment.moderation_reason = ""
    comment.save(update_fields=["status", "moderated_by", "moderation_reason"])
    return comment


@transaction.atomic
def comments_set_closed(*, actor, post: BlogPostPage, closed: bool) -> BlogPostPage:
    """Close or reopen a post's comments now. Not a page revision: it applies at once and
    publishing a later revision does not undo it (BlogPostPage.with_content_json)."""
    post = _fresh_post(post)
    require(
        permissions.can_close_comments(actor, post),
        "Only the post's author and the community's facilitators open and close comments.",
    )
    post.comments_closed = closed
    # Only the flag changes: the page's own validation (its pictures, its slug) is the editor's.
    post.save(update_fields=["comments_closed"], clean=False)
    return post


# --- Writing and settings -----------------------------------------------------------------------


WRITING_REFUSALS = community_permissions.PostingRefusals(
    sign_in=_("Sign in to write blog posts."),
    banned=_("You cannot write blog posts in this community."),
    join=_("Join the community to write blog posts."),
    verify_email=_("Confirm your e-mail address to write blog posts."),
)


def why_no_writing(actor, community: Community) -> str:
    return community_permissions.posting_refusal(actor, community, WRITING_REFUSALS)


@transaction.atomic
def writer_enrol(*, actor, community: Community) -> BlogIndexPage:
    """ "Write a post": give the person what the Wagtail editor needs to write in this
    community's blog (its writers' group, or editors' for facilitators). Safe to repeat."""
    require(community_permissions.can_blog(actor, community), why_no_writing(actor, community))
    index = blog_pages_ensure(community)
    actor.groups.add(access.writer_group_for(actor, community))
    access.forget_page_permissions(actor)
    return index


@transaction.atomic
def blog_settings_update(
    *, actor, community: Community, moderate_member_posts: bool
) -> BlogSettings:
    """Facilitators switch moderation of members' posts on or off. Posts already waiting keep
    their workflow; facilitators can still approve them after switching it off."""
    if not community_permissions.can_moderate(actor, community):
        raise PermissionDenied("You do not facilitate this community.")
    settings_, _ = BlogSettings.objects.select_for_update().get_or_create(community=community)
    settings_.moderate_member_posts = moderate_member_posts
    settings_.save(update_fields=["moderate_member_posts"])
    return access.blog_access_refresh(community)
