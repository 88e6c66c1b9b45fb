"""The notification-kinds registry (`notifications.kinds`): each app declares its kinds, the
stored keys, labels, preferences and subjects stay what they were, and a new app adds a kind
without editing notifications or migrating it."""

import pytest

from django.core import mail
from django.urls import reverse

from notifications import kinds
from notifications.kinds import (
    UnknownNotificationKind,
    notification_kind,
    notification_kinds,
    register_notification_kind,
)
from notifications.models import EmailSettings, Notification
from notifications.notify import Target, notify
from tests.factories import MembershipFactory, make_thread

pytestmark = pytest.mark.django_db

# What `Notification.Kind`, `PREFERENCE_FOR_KIND`, `SITE_ONLY_KINDS` and the e-mail subjects
# said before the registry: stored rows and people's settings depend on every value.
BEFORE_THE_REGISTRY = {
    "mention": ("Mentioned you", "mentions", "{actor} mentioned you in “{title}”"),
    "reply": ("Replied to you", "replies", "{actor} replied to “{title}”"),
    "quote": ("Quoted you", "replies", "{actor} quoted you in “{title}”"),
    "watched": ("New post in something you watch", "watching", "New post in “{title}”"),
    "answer": (
        "Your reply was accepted as the answer",
        "my_posts_activity",
        "Your reply was accepted as the answer to “{title}”",
    ),
    "reaction": (
        "Reacted to your post",
        "my_posts_activity",
        "{actor} reacted to your post in “{title}”",
    ),
    "request_decided": ("Your request to join was decided", None, None),
    "blog_comment": ("Commented on your blog post", "replies", "{actor} commented on “{title}”"),
    "join_request": ("Someone asked to join", "facilitation", "{actor} asked to join {title}"),
    "flag": ("A post was reported", "facilitation", "A post was reported in “{title}”"),
    "thread_merged": (
        "Merged your thread into another",
        "my_posts_activity",
        "{actor} merged your thread into “{title}”",
    ),
}


@pytest.fixture
def own_registry(monkeypatch):
    """Kinds registered in the test are forgotten afterwards."""
    monkeypatch.setattr(kinds, "_kinds", dict(kinds._kinds))


def test_every_kind_keeps_its_key_label_preference_and_subject():
    registered = {
        kind.key: (kind.label, kind.preference, kind.email_subject) for kind in notification_kinds()
    }
    assert registered == BEFORE_THE_REGISTRY


def test_the_list_says_how_many_people_only_for_kinds_that_count_them():
    assert {kind.key for kind in notification_kinds() if kind.counts_people} == {
        "reaction",
        "flag",
        "join_request",
    }


def test_an_unknown_kind_is_a_clear_error_and_notifies_nobody():
    with pytest.raises(UnknownNotificationKind, match="'wiki_edit'"):
        notification_kind("wiki_edit")
    thread = make_thread()
    target = Target(type="forum.post", id=thread.posts.get().pk, title="t", url="/")
    with pytest.raises(UnknownNotificationKind):
        notify(recipient_ids={thread.author_id}, kind="wiki_edit", target=target)
    assert not Notification.objects.exists()


@pytest.mark.usefixtures("own_registry")
def test_a_kind_is_registered_once_with_a_known_preference_and_a_key_that_fits():
    assert register_notification_kind("reply", **_as_registered("reply")) == "reply"  # same: fine
    with pytest.raises(ValueError, match="already registered differently"):
        register_notification_kind("reply", label="Answered you", preference="replies")
    with pytest.raises(ValueError, match="preference 'wiki'"):
        register_notification_kind("wiki_edit", label="Edited", preference="wiki")
    with pytest.raises(ValueError, match="1 to 20 characters"):
        register_notification_kind("x" * 21, label="Too long", preference=None)


def _as_registered(key: str) -> dict:
    kind = notification_kind(key)
    return {
        "label": kind.label,
        "preference": kind.preference,
        "email_subject": kind.email_subject,
        "counts_people": kind.counts_people,
    }


@pytest.mark.usefixtures("own_registry")
def test_a_new_app_adds_a_kind_that_is_listed_and_e_mailed_without_a_migration(
    client, run_after_commit
):
    """What a wiki app would do: register its kind, then notify with it."""
    wiki_edit = register_notification_kind(
        "wiki_edit",
        label="Edited a page you watch",
        preference="watching",
        email_subject="{actor} edited “{title}”",
    )
    thread = make_thread(title="Damp in flats")
    post = thread.posts.get()
    editor = MembershipFactory(community=thread.community).user
    EmailSettings.objects.create(user=thread.author, watching="immediately")
    target = Target(
        type="forum.post",
        id=post.pk,
        title=thread.title,
        url=post.get_absolute_url(),
        community_id=thread.community_id,
    )
    run_after_commit(
        lambda: notify(
            recipient_ids={thread.author_id}, kind=wiki_edit, target=target, actor_id=editor.pk
        )
    )
    message = next(m for m in mail.outbox if m.to == [thread.author.email])
    assert message.subject == f"{editor.public_name} edited “Damp in flats”"
    assert "edited a page you watch" in message.body
    client.force_login(thread.author)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "edited a page you watch:" in page


@pytest.mark.usefixtures("own_registry")
def test_a_kind_without_a_preference_stays_in_the_site(run_after_commit):
    decided = register_notification_kind("event_moved", label="Moved an event", preference=None)
    thread = make_thread()
    post = thread.posts.get()
    EmailSettings.objects.create(
        user=thread.author, **dict.fromkeys(kinds.PREFERENCES, "immediately")
    )
    target = Target(type="forum.post", id=post.pk, title="t", url="/")
    run_after_commit(lambda: notify(recipient_ids={thread.author_id}, kind=decided, target=target))
    assert Notification.objects.filter(recipient=thread.author, kind=decided).exists()
    assert not mail.outbox
