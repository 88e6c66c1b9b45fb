"""Moderation: a facilitator switches it on; members' posts go to the community's facilitators
(a Wagtail workflow with a group approval task); the author hears of the decision once, by
e-mail through the outbox and Celery, not from Wagtail's synchronous mailer."""

import pytest

from django.urls import reverse

from wagtail.models import WorkflowState
from wagtail.signals import task_submitted, workflow_approved, workflow_rejected

from blogs import access, services, workflow_notifications
from blogs.models import BlogPostPage
from communities.models import Role
from notifications.models import OutboundEmail
from tests.blogs.admin_helpers import edit_url, editor_data
from tests.blogs.conftest import make_post, make_writer
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderated():
    community = CommunityFactory(slug="housing", name="Housing officers")
    facilitator = MembershipFactory(
        community=community, role=Role.FACILITATOR, user=UserFactory(display_name="Fran")
    ).user
    owner = MembershipFactory(community=community, role=Role.OWNER).user
    services.blog_settings_update(
        actor=facilitator, community=community, moderate_member_posts=True
    )
    writer = make_writer(community)
    post = make_post(community, writer, title="Waiting post", publish=False)
    return community, facilitator, owner, writer, post


def _submit(client, writer, post):
    client.force_login(writer)
    response = client.post(edit_url(post), editor_data("Waiting post", action="submit"))
    assert response.status_code == 302
    return WorkflowState.objects.get(base_content_type__isnull=False, object_id=str(post.pk))


def _action_url(post, action, state):
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=[post.pk, action, state.current_task_state_id],
    )


def test_wagtails_own_workflow_mailers_are_replaced_by_ours():
    ours = {
        workflow_notifications.on_task_submitted,
        workflow_notifications.on_workflow_approved,
        workflow_notifications.on_workflow_rejected,
    }
    connected = {
        receiver()
        for signal in (task_submitted, workflow_approved, workflow_rejected)
        for _, receiver, *_ in signal.receivers
    }
    from wagtail.admin import signal_handlers as wagtail_mail

    assert ours <= connected
    assert wagtail_mail.workflow_approval_email_notifier not in connected
    assert wagtail_mail.workflow_rejection_email_notifier not in connected
    assert wagtail_mail.task_submission_email_notifier not in connected


def test_submitting_tells_the_facilitators_once(
    client, moderated, mailoutbox, django_capture_on_commit_callbacks
):
    community, facilitator, owner, writer, post = moderated
    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, writer, post)
    emails = OutboundEmail.objects.filter(kind="blog_post_submitted")
    assert sorted(emails.values_list("recipient_id", flat=True)) == sorted(
        [facilitator.pk, owner.pk]
    )
    assert {tuple(m.to) for m in mailoutbox} == {(facilitator.email,), (owner.email,)}
    assert "waiting for your approval: “Waiting post”" in mailoutbox[0].subject
    assert f"/admin/pages/{post.pk}/edit/" in mailoutbox[0].body


def test_a_facilitator_approves_in_the_admin_and_the_author_is_emailed_once(
    client, moderated, mailoutbox, django_capture_on_commit_callbacks
):
    community, facilitator, owner, writer, post = moderated
    state = _submit(client, writer, post)
    mailoutbox.clear()
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_action_url(post, "approve", state), {"comment": "Lovely, thanks"})
    assert response.status_code in (200, 302)
    post.refresh_from_db()
    assert post.live
    decided = OutboundEmail.objects.filter(kind="blog_post_decided")
    assert decided.count() == 1 and decided.get().recipient == writer
    assert [m.to for m in mailoutbox] == [[writer.email]]
    message = mailoutbox[0]
    assert message.subject == "Your post “Waiting post” was approved"
    assert "Lovely, thanks" in message.body and "/c/housing/blog/waiting-post/" in message.body
    assert client.get("/c/housing/blog/waiting-post/").status_code == 200


def test_requesting_changes_emails_the_author_with_the_comment_each_time(
    client, moderated, mailoutbox, django_capture_on_commit_callbacks
):
    community, facilitator, owner, writer, post = moderated
    state = _submit(client, writer, post)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_action_url(post, "reject", state), {"comment": "Add a summary of costs"})
    post.refresh_from_db()
    assert not post.live
    first = [m for m in mailoutbox if m.to == [writer.email]]
    assert len(first) == 1
    assert first[0].subject == "Changes requested on your post “Waiting post”"
    assert (
        "Add a summary of costs" in first[0].body
        and f"/admin/pages/{post.pk}/edit/" in first[0].body
    )
    # The author changes it and sends it again; a second request for changes is a new e-mail.
    client.force_login(writer)
    client.post(edit_url(post), editor_data("Waiting post", action="submit"))
    state.refresh_from_db()
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_action_url(post, "reject", state), {"comment": "Nearly there"})
    assert OutboundEmail.objects.filter(kind="blog_post_decided", recipient=writer).count() == 2


def test_a_decision_email_is_sent_once_even_if_its_task_runs_twice(
    moderated, django_capture_on_commit_callbacks, mailoutbox
):
    from notifications.services import email_deliver

    community, facilitator, owner, writer, post = moderated
    state = post.get_workflow().start(post, writer)
    with django_capture_on_commit_callbacks(execute=True):
        task_state = state.current_task_state
        task_state.task.specific.on_action(task_state, facilitator, "approve")
    email = OutboundEmail.objects.get(kind="blog_post_decided")
    assert email_deliver(email.pk) is False  # already sent
    assert len([m for m in mailoutbox if m.to == [writer.email]]) == 1


def test_only_the_community_s_facilitators_may_approve(client, moderated):
    community, facilitator, owner, writer, post = moderated
    state = _submit(client, writer, post)
    other_facilitator = MembershipFactory(role=Role.FACILITATOR).user
    client.force_login(other_facilitator)
    client.post(_action_url(post, "approve", state), {"comment": ""})
    client.force_login(make_writer(community))
    client.post(_action_url(post, "approve", state), {"comment": ""})
    post.refresh_from_db()
    assert not post.live
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS


def test_the_author_s_blog_index_says_posts_are_moderated(client, moderated):
    community, facilitator, owner, writer, post = moderated
    client.force_login(writer)
    html = client.get("/c/housing/blog/").content.decode()
    assert "A facilitator reads members' posts before they are published." in html
    client.force_login(facilitator)
    assert "A facilitator reads members" not in client.get("/c/housing/blog/").content.decode()


def test_a_post_published_by_its_facilitator_needs_no_approval():
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    services.blog_settings_update(
        actor=facilitator, community=community, moderate_member_posts=True
    )
    post = make_post(community, facilitator, title="Team news")
    assert BlogPostPage.objects.get(pk=post.pk).live


def test_staff_who_stop_being_staff_can_no_longer_approve(client, moderated):
    community, facilitator, owner, writer, post = moderated
    staff = UserFactory(is_staff=True)
    services.writer_enrol(actor=staff, community=community)  # puts staff among the editors
    editors = access.blog_access_ensure(community).editors_group
    assert editors.user_set.filter(pk=staff.pk).exists()
    state = _submit(client, writer, post)
    staff.is_staff = False
    staff.save()
    assert not editors.user_set.filter(pk=staff.pk).exists()
    assert editors.user_set.filter(pk=facilitator.pk).exists()
    client.force_login(staff)
    client.post(_action_url(post, "approve", state), {"comment": ""})
    post.refresh_from_db()
    assert not post.live


def test_a_facilitator_who_stops_being_staff_stays_an_editor(moderated):
    community, facilitator, *_ = moderated
    facilitator.is_staff = True
    facilitator.save()
    facilitator.is_staff = False
    facilitator.save(update_fields=["is_staff"])
    editors = access.blog_access_ensure(community).editors_group
    assert editors.user_set.filter(pk=facilitator.pk).exists()
