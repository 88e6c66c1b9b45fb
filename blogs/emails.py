"""E-mails about blog posts in moderation. Built at send time from ids, so they say what is
true then: a post withdrawn in between, or a reader who has lost access, gets nothing.

Comments reach their authors as notifications (blogs.notifications), which follow people's
e-mail settings."""

from django.urls import reverse
from django.utils.translation import gettext

from wagtail.models import TaskState, WorkflowState

from accounts.models import User
from communities import permissions as community_permissions
from copsite.feeds import absolute_url
from notifications.registry import EmailContent, email_kind

from .models import BlogPostPage


def _editor_url(page) -> str:
    return absolute_url(reverse("wagtailadmin_pages:edit", args=[page.pk]))


def _workflow_post(workflow_state: WorkflowState) -> BlogPostPage | None:
    page = workflow_state.content_object
    specific = getattr(page, "specific", None)
    return specific if isinstance(specific, BlogPostPage) else None


@email_kind("blog_post_submitted")
def blog_post_submitted(payload: dict) -> EmailContent | None:
    """To a community's facilitators: a member's post is waiting for approval."""
    task_state = (
        TaskState.objects.select_related("workflow_state")
        .filter(pk=payload["task_state_id"], status=TaskState.STATUS_IN_PROGRESS)
        .first()
    )
    recipient = User.objects.filter(pk=payload.get("recipient_id"), is_active=True).first()
    if task_state is None or recipient is None:
        return None
    post = _workflow_post(task_state.workflow_state)
    if post is None or not community_permissions.can_moderate(recipient, post.community):
        return None
    author = task_state.workflow_state.requested_by
    draft = post.get_latest_revision_as_object()
    return EmailContent(
        subject=gettext("A post is waiting for your approval: “%(title)s”")
        % {"title": draft.title},
        template="blogs/emails/post_submitted",
        context={
            "person": recipient,
            "post": draft,
            "community": post.community,
            "author": author.public_name if author else "A member",
            "review_url": _editor_url(post),
        },
    )


@email_kind("blog_post_decided")
def blog_post_decided(payload: dict) -> EmailContent | None:
    """To the author: a facilitator approved the post, or asked for changes."""
    workflow_state = WorkflowState.objects.filter(pk=payload["workflow_state_id"]).first()
    recipient = User.objects.filter(pk=payload.get("recipient_id"), is_active=True).first()
    if workflow_state is None or recipient is None:
        return None
    post = _workflow_post(workflow_state)
    if post is None or not community_permissions.can_read(recipient, post.community):
        return None
    approved = payload["decision"] == "approved"
    task_state = TaskState.objects.filter(pk=payload.get("task_state_id")).first()
    shown = post if approved else post.get_latest_revision_as_object()
    return EmailContent(
        subject=(
            gettext("Your post “%(title)s” was approved")
            if approved
            else gettext("Changes requested on your post “%(title)s”")
        )
        % {"title": shown.title},
        template="blogs/emails/post_decided",
        context={
            "person": recipient,
            "approved": approved,
            "live": post.live,
            "post": shown,
            "community": post.community,
            "comment": (task_state.comment if task_state else "") or "",
            "post_url": absolute_url(post.get_absolute_url()),
            "editor_url": _editor_url(post),
        },
    )


@email_kind("blog_comment")
def retired_blog_comment_email(payload: dict) -> None:
    """Comment e-mails now go through notifications (`blog.comment_published`). Rows of this
    kind queued before that change are dropped rather than failing again and again."""
    return None
