"""Moderation e-mails for blog posts go through the outbox and Celery, not Wagtail's mailer.

Wagtail's admin sends workflow e-mails itself, synchronously, from the request (and to every
superuser). For blog posts we send our own instead: facilitators hear that a post waits for
them, the author hears it was approved or that changes were asked for, once each (the outbox
key). Other pages (site pages edited by staff) keep Wagtail's e-mails.

How: Wagtail connects its notifiers with fixed `dispatch_uid`s in `wagtail.admin`'s ready().
The blogs app is listed before `wagtail.admin` in INSTALLED_APPS, so our ready() connects these
receivers under the same uids first, and Django then ignores Wagtail's own connections. Each
receiver hands anything that is not a blog post to Wagtail's notifier. A test checks that the
receivers connected are ours (tests/blogs/test_moderation.py).
"""

from wagtail.admin import signal_handlers as wagtail_mail
from wagtail.models import TaskState, WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from communities.models import MODERATOR_ROLES, Membership
from notifications.services import email_queue

from .models import BlogPostPage

UIDS = {
    "task_submitted": "group_approval_task_submitted_email_notification",
    "workflow_submitted": "workflow_state_submitted_email_notification",
    "workflow_rejected": "workflow_state_rejected_email_notification",
    "workflow_approved": "workflow_state_approved_email_notification",
}


def _blog_post(workflow_state: WorkflowState) -> BlogPostPage | None:
    page = workflow_state.content_object
    specific = getattr(page, "specific", None)
    return specific if isinstance(specific, BlogPostPage) else None


def _author(workflow_state: WorkflowState, post: BlogPostPage):
    return workflow_state.requested_by or post.owner


def on_task_submitted(sender, instance: TaskState, user=None, **kwargs):
    post = _blog_post(instance.workflow_state)
    if post is None:
        return wagtail_mail.task_submission_email_notifier(instance=instance, user=user, **kwargs)
    moderators = Membership.objects.filter(
        community_id=post.community_id, role__in=MODERATOR_ROLES, user__is_active=True
    ).select_related("user")
    for membership in moderators:
        person = membership.user
        if user is not None and person.pk == user.pk:
            continue
        email_queue(
            key=f"blog-review-{instance.pk}-to-{person.pk}",
            kind="blog_post_submitted",
            to_address=person.email or "",
            recipient=person,
            payload={"task_state_id": instance.pk, "recipient_id": person.pk},
        )
    return None


def on_workflow_submitted(sender, instance: WorkflowState, user=None, **kwargs):
    if _blog_post(instance) is None:
        return wagtail_mail.workflow_submission_email_notifier(
            instance=instance, user=user, **kwargs
        )
    return None  # the facilitators hear from on_task_submitted


def _decided(instance: WorkflowState, user, decision: str) -> None:
    post = _blog_post(instance)
    author = _author(instance, post)
    if author is None or (user is not None and author.pk == user.pk):
        return
    task_state_id = instance.current_task_state_id
    email_queue(
        key=f"blog-post-{post.pk}-workflow-{instance.pk}-{decision}-{task_state_id}",
        kind="blog_post_decided",
        to_address=author.email or "",
        recipient=author,
        payload={
            "workflow_state_id": instance.pk,
            "task_state_id": task_state_id,
            "recipient_id": author.pk,
            "decision": decision,
        },
    )


def on_workflow_approved(sender, instance: WorkflowState, user=None, **kwargs):
    if _blog_post(instance) is None:
        return wagtail_mail.workflow_approval_email_notifier(instance=instance, user=user, **kwargs)
    _decided(instance, user, "approved")
    return None


def on_workflow_rejected(sender, instance: WorkflowState, user=None, **kwargs):
    if _blog_post(instance) is None:
        return wagtail_mail.workflow_rejection_email_notifier(
            instance=instance, user=user, **kwargs
        )
    _decided(instance, user, "changes-requested")
    return None


def connect() -> None:
    """Called from BlogsConfig.ready(), before wagtail.admin connects its own."""
    task_submitted.connect(on_task_submitted, sender=TaskState, dispatch_uid=UIDS["task_submitted"])
    workflow_submitted.connect(
        on_workflow_submitted, sender=WorkflowState, dispatch_uid=UIDS["workflow_submitted"]
    )
    workflow_approved.connect(
        on_workflow_approved, sender=WorkflowState, dispatch_uid=UIDS["workflow_approved"]
    )
    workflow_rejected.connect(
        on_workflow_rejected, sender=WorkflowState, dispatch_uid=UIDS["workflow_rejected"]
    )
