"""Forum rules in `forums.permissions`, and the thread page showing only what they allow."""

from datetime import timedelta

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from communities import services as community_services
from forums import permissions
from forums.models import Post, Thread
from forums.services import posts as post_services
from forums.services import threads as thread_services
from tests.factories import CommunityFactory, MembershipFactory, make_thread

pytestmark = pytest.mark.django_db


def _last_post(thread: Thread) -> Post:
    post = thread.posts.order_by("created_at", "pk").last()
    post.thread = thread
    return post


def test_a_member_banned_from_posting_cannot_mark_the_answer_to_their_own_question(client):
    thread = make_thread(replies=1)
    reply = _last_post(thread)
    facilitator = MembershipFactory(community=thread.community, role="facilitator").user
    community_services.posting_ban_create(
        actor=facilitator, community=thread.community, user=thread.author
    )
    assert not permissions.can_mark_answer(thread.author, thread)
    with pytest.raises(PermissionDenied):
        post_services.answer_mark(actor=thread.author, thread=thread, post=reply)
    client.force_login(thread.author)
    assert "Mark as answer" not in client.get(thread.get_absolute_url()).content.decode()
    client.post(reverse("forums:post-answer", args=[thread.community.slug, reply.pk]))
    thread.refresh_from_db()
    assert thread.answer is None


def test_in_a_locked_thread_only_facilitators_react_or_mark_the_answer(client):
    thread = make_thread(replies=1)
    community = thread.community
    reply = _last_post(thread)
    reader = MembershipFactory(community=community).user
    facilitator = MembershipFactory(community=community, role="facilitator").user
    thread_services.thread_set_state(actor=facilitator, thread=thread, is_locked=True)

    assert not permissions.can_react(reader, reply)
    assert not permissions.can_mark_answer(thread.author, thread)
    with pytest.raises(PermissionDenied):
        post_services.reaction_toggle(actor=reader, post=reply, kind="thanks")
    with pytest.raises(PermissionDenied):
        post_services.answer_mark(actor=thread.author, thread=thread, post=reply)
    for person, hidden_button in ((reader, "Thanks"), (thread.author, "Mark as answer")):
        client.force_login(person)
        assert hidden_button not in client.get(thread.get_absolute_url()).content.decode()

    assert permissions.can_react(facilitator, reply)
    assert permissions.can_mark_answer(facilitator, thread)
    client.force_login(facilitator)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "Thanks" in page and "Mark as answer" in page
    post_services.reaction_toggle(actor=facilitator, post=reply, kind="thanks")
    post_services.answer_mark(actor=facilitator, thread=thread, post=reply)
    thread.refresh_from_db()
    assert thread.answer == reply


def test_a_scheduled_thread_takes_no_replies_until_it_is_published(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role="facilitator").user
    when = timezone.now() + timedelta(hours=2)
    thread = make_thread(community=community, author=facilitator, publish_at=when, title="Soon")
    assert not permissions.can_reply(facilitator, thread)
    with pytest.raises(ValidationError, match="not published yet"):
        post_services.post_reply(actor=facilitator, thread=thread, body="Note to self")
    client.force_login(facilitator)
    response = client.post(
        reverse("forums:reply", args=[community.slug, thread.pk]),
        {"body": "Note to self", "submission_key": "early", "action": "post"},
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "not published yet" in html and "Note to self" in html
    assert thread.posts.count() == 1
    thread_services.threads_publish_due(now=when + timedelta(minutes=1))
    thread.refresh_from_db()
    assert permissions.can_reply(facilitator, thread)
