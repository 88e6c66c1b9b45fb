"""Who the forum tells about what (`forums.notifications`): here, mentions added by an edit."""

from datetime import timedelta

import pytest

from django.core.exceptions import ValidationError
from django.utils import timezone

from communities.models import Membership, Visibility
from forums.models import Category, Mention, Post, Watch
from forums.notification_kinds import MENTION, WATCHED
from forums.services import posts as post_services
from forums.services import threads as thread_services
from notifications.models import Notification
from tests.factories import CommunityFactory, MembershipFactory, make_thread

pytestmark = pytest.mark.django_db


def mention(person) -> str:
    return f"@[{person.display_name}](/people/{person.pk}/)"


def opening_post(thread) -> Post:
    post = thread.posts.order_by("created_at", "pk").first()
    post.thread = thread
    return post


def kinds_for(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_someone_mentioned_by_an_edit_is_told_once(run_after_commit):
    thread = run_after_commit(lambda: make_thread(body="No names yet"))
    named = MembershipFactory(community=thread.community).user
    post = opening_post(thread)
    body = f"Asking {mention(named)}"
    run_after_commit(lambda: post_services.post_edit(actor=thread.author, post=post, body=body))
    assert kinds_for(named) == [MENTION]
    assert Mention.objects.get(post=post, user=named).notified_at is not None
    run_after_commit(
        lambda: post_services.post_edit(actor=thread.author, post=post, body=body + " Thanks!")
    )
    assert kinds_for(named) == [MENTION]


def test_people_mentioned_when_the_post_was_written_are_not_told_again_by_an_edit(
    run_after_commit,
):
    community = CommunityFactory()
    first, second = (MembershipFactory(community=community).user for _ in range(2))
    thread = run_after_commit(lambda: make_thread(community=community, body=mention(first)))
    post = opening_post(thread)
    body = f"{mention(first)} and {mention(second)}"
    run_after_commit(lambda: post_services.post_edit(actor=thread.author, post=post, body=body))
    assert kinds_for(first) == [MENTION] and kinds_for(second) == [MENTION]


def test_mentions_added_to_a_hidden_post_are_not_sent(run_after_commit):
    thread = run_after_commit(lambda: make_thread(replies=1))
    community = thread.community
    facilitator = MembershipFactory(community=community, role="facilitator").user
    reply = thread.posts.order_by("created_at", "pk").last()
    reply.thread = thread
    post_services.post_hide(actor=facilitator, post=reply, reason="Rude")
    named = MembershipFactory(community=community).user
    run_after_commit(
        lambda: post_services.post_edit(actor=facilitator, post=reply, body=f"Ask {mention(named)}")
    )
    assert kinds_for(named) == []


def test_mentions_added_to_a_scheduled_thread_are_sent_when_it_is_published(run_after_commit):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role="facilitator").user
    named = MembershipFactory(community=community).user
    when = timezone.now() + timedelta(hours=2)
    thread = run_after_commit(
        lambda: make_thread(community=community, author=facilitator, publish_at=when)
    )
    post = opening_post(thread)
    run_after_commit(
        lambda: post_services.post_edit(actor=facilitator, post=post, body=f"Hi {mention(named)}")
    )
    assert kinds_for(named) == []
    run_after_commit(lambda: thread_services.threads_publish_due(now=when + timedelta(minutes=1)))
    assert kinds_for(named) == [MENTION]


def test_a_mention_added_by_an_edit_skips_someone_who_left_before_it_was_delivered(
    django_capture_on_commit_callbacks,
):
    community = CommunityFactory(visibility=Visibility.RESTRICTED)
    named = MembershipFactory(community=community).user
    thread = make_thread(community=community, body="No names yet")
    post = opening_post(thread)
    with django_capture_on_commit_callbacks() as callbacks:
        post_services.post_edit(actor=thread.author, post=post, body=f"Asking {mention(named)}")
    Membership.objects.filter(community=community, user=named).delete()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert kinds_for(named) == []


def test_category_watchers_hear_about_a_scheduled_thread_when_it_is_published_not_before(
    run_after_commit,
):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role="facilitator").user
    watcher = MembershipFactory(community=community).user
    category = Category.objects.filter(community=community).first()
    Watch.objects.create(user=watcher, category=category)
    when = timezone.now() + timedelta(hours=2)
    thread = run_after_commit(
        lambda: make_thread(
            community=community, author=facilitator, publish_at=when, category=category
        )
    )
    # An early reply would become the opening post and take the new thread's notification.
    with pytest.raises(ValidationError):
        run_after_commit(
            lambda: post_services.post_reply(actor=facilitator, thread=thread, body="Note to self")
        )
    assert kinds_for(watcher) == []
    run_after_commit(lambda: thread_services.threads_publish_due(now=when + timedelta(minutes=1)))
    assert kinds_for(watcher) == [WATCHED]
    assert Notification.objects.get(recipient=watcher).target_id == opening_post(thread).pk
