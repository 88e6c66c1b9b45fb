from datetime import timedelta

import pytest

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities import services as community_services
from forums.models import Category, ForumSettings, Mention, Post, PostRevision, Thread, Watch
from forums.services import posts as post_services
from forums.services import threads as thread_services
from forums.tasks import publish_scheduled_threads
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db


def test_a_new_members_first_post_is_held_when_the_community_asks(client):
    community = CommunityFactory()
    ForumSettings.objects.create(community=community, hold_first_posts=True)
    newcomer = MembershipFactory(community=community).user
    thread = make_thread(community=community, author=newcomer, title="My first question")
    assert thread.status == Thread.Status.HELD
    client.force_login(MembershipFactory(community=community).user)
    listing = client.get(reverse("forums:forum", args=[community.slug])).content.decode()
    assert "My first question" not in listing
    assert client.get(thread.get_absolute_url()).status_code == 404
    facilitator = MembershipFactory(community=community, role="facilitator").user
    post_services.post_approve(actor=facilitator, post=thread.posts.get())
    assert client.get(thread.get_absolute_url()).status_code == 200
    second = make_thread(community=community, author=newcomer, title="Second")
    assert second.status == Thread.Status.PUBLISHED


def test_a_posting_ban_stops_threads_and_replies_even_by_crafted_posts(client):
    thread = make_thread()
    member = MembershipFactory(community=thread.community).user
    facilitator = MembershipFactory(community=thread.community, role="facilitator").user
    community_services.posting_ban_create(
        actor=facilitator, community=thread.community, user=member, reason="Spam"
    )
    client.force_login(member)
    response = client.post(
        reverse("forums:reply", args=[thread.community.slug, thread.pk]),
        {"body": "Still here", "submission_key": "b1", "action": "post"},
    )
    assert response.status_code == 403
    assert "stopped you posting" in response.content.decode()
    general = Category.objects.get(community=thread.community, slug="general")
    response = client.post(
        reverse("forums:thread-start", args=[thread.community.slug]),
        {"title": "Sneaky", "category": general.pk, "body": "x", "submission_key": "b2"},
    )
    assert response.status_code == 403
    assert Post.objects.filter(author=member).count() == 0


def test_facilitators_cannot_be_banned_from_posting():
    community = CommunityFactory()
    owner = MembershipFactory(community=community, role="owner").user
    facilitator = MembershipFactory(community=community, role="facilitator").user
    with pytest.raises(ValidationError):
        community_services.posting_ban_create(actor=owner, community=community, user=facilitator)


def test_a_scheduled_thread_is_published_when_its_time_comes():
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role="facilitator").user
    when = timezone.now() + timedelta(hours=2)
    thread = make_thread(
        community=community, author=facilitator, as_team=True, publish_at=when, title="Welcome!"
    )
    assert thread.status == Thread.Status.SCHEDULED
    assert not Thread.objects.visible_to(UserFactory()).filter(pk=thread.pk).exists()
    assert thread_services.threads_publish_due(now=when - timedelta(minutes=1)) == 0
    assert thread_services.threads_publish_due(now=when + timedelta(minutes=1)) == 1
    assert publish_scheduled_threads() == 0  # already published: nothing twice
    thread.refresh_from_db()
    assert thread.status == Thread.Status.PUBLISHED and thread.as_team


def test_members_cannot_post_as_the_team_or_schedule():
    community = CommunityFactory()
    member = MembershipFactory(community=community).user
    with pytest.raises(ValidationError):
        make_thread(community=community, author=member, as_team=True)


def test_mentions_are_recorded_only_for_people_who_can_read_the_community():
    community = CommunityFactory(visibility="restricted")
    insider = MembershipFactory(community=community).user
    outsider = UserFactory()
    body = f"Ask @[{insider.display_name}](/people/{insider.pk}/) or @[x](/people/{outsider.pk}/)"
    thread = make_thread(community=community, body=body)
    assert list(Mention.objects.values_list("user_id", flat=True)) == [insider.pk]
    assert Mention.objects.get().post == thread.posts.get()


def test_editing_keeps_the_previous_text_as_a_revision():
    thread = make_thread(body="First words")
    post = thread.posts.get()
    post.thread.community = thread.community
    post_services.post_edit(actor=thread.author, post=post, body="Better words", title="New title")
    post.refresh_from_db()
    thread.refresh_from_db()
    assert post.body == "Better words" and post.edited_at is not None
    assert thread.title == "New title"
    revision = PostRevision.objects.get()
    assert revision.body == "First words" and revision.title == "Has anyone done X?"


def test_deleting_the_answer_clears_it_and_recounts_replies():
    thread = make_thread(replies=2)
    reply = thread.posts.order_by("created_at", "pk").last()
    post_services.answer_mark(actor=thread.author, thread=thread, post=reply)
    reply.thread.community = thread.community
    post_services.post_delete(actor=reply.author, post=reply)
    thread.refresh_from_db()
    assert thread.answer is None and thread.reply_count == 1
    facilitator = MembershipFactory(community=thread.community, role="facilitator").user
    reply.refresh_from_db()
    reply.thread.community = thread.community
    post_services.post_restore(actor=facilitator, post=reply)
    thread.refresh_from_db()
    assert thread.reply_count == 2


def test_people_cannot_react_to_their_own_posts():
    thread = make_thread()
    post = thread.posts.get()
    post.thread.community = thread.community
    with pytest.raises(PermissionDenied):
        post_services.reaction_toggle(actor=thread.author, post=post, kind="helpful")


def test_reacting_twice_takes_the_reaction_back():
    thread = make_thread()
    post = thread.posts.get()
    post.thread.community = thread.community
    reader = MembershipFactory(community=thread.community).user
    assert post_services.reaction_toggle(actor=reader, post=post, kind="thanks") is True
    assert post_services.reaction_toggle(actor=reader, post=post, kind="thanks") is False


def test_authors_watch_their_threads_and_can_stop():
    thread = make_thread()
    assert Watch.objects.filter(user=thread.author, thread=thread).exists()
    assert post_services.watch_toggle(actor=thread.author, thread=thread) is False
    category = thread.category
    assert post_services.watch_toggle(actor=thread.author, category=category) is True


def test_a_thread_cannot_be_started_in_another_communitys_category():
    community = CommunityFactory()
    other = Category.objects.filter(community=CommunityFactory()).first()
    with pytest.raises(ValidationError):
        make_thread(community=community, category=other)


def test_the_question_itself_cannot_be_marked_as_its_answer():
    thread = make_thread(replies=1)
    first = thread.posts.order_by("created_at", "pk").first()
    with pytest.raises(ValidationError):
        post_services.answer_mark(actor=thread.author, thread=thread, post=first)


def test_the_data_migration_gives_existing_communities_their_default_categories():
    from importlib import import_module

    from django.apps import apps

    community = CommunityFactory()
    Category.objects.filter(community=community).delete()
    migration = import_module("forums.migrations.0002_default_categories")
    migration.add_default_categories(apps, None)
    migration.add_default_categories(apps, None)  # safe to run twice
    assert sorted(Category.objects.filter(community=community).values_list("slug", flat=True)) == [
        "general",
        "off-topic",
    ]


def test_rejecting_the_opening_post_of_a_held_thread_removes_the_thread():
    community = CommunityFactory()
    ForumSettings.objects.create(community=community, hold_first_posts=True)
    thread = make_thread(community=community, author=MembershipFactory(community=community).user)
    facilitator = MembershipFactory(community=community, role="facilitator").user
    post = thread.posts.get()
    post.thread.community = community
    post_services.post_reject(actor=facilitator, post=post, reason="Advert")
    assert not Thread.objects.filter(pk=thread.pk).exists()


def test_a_posting_ban_also_stops_reactions():
    thread = make_thread()
    member = MembershipFactory(community=thread.community).user
    owner = MembershipFactory(community=thread.community, role="owner").user
    community_services.posting_ban_create(actor=owner, community=thread.community, user=member)
    post = thread.posts.get()
    post.thread.community = thread.community
    with pytest.raises(PermissionDenied):
        post_services.reaction_toggle(actor=member, post=post, kind="thanks")


def test_the_reply_count_ignores_the_opening_post_even_when_it_is_hidden_or_deleted():
    thread = make_thread(replies=2)
    facilitator = MembershipFactory(community=thread.community, role="facilitator").user
    opening = thread.posts.order_by("created_at", "pk").first()
    opening.thread = thread
    post_services.post_hide(actor=facilitator, post=opening, reason="Personal data")
    thread.refresh_from_db()
    assert thread.reply_count == 2
    post_services.post_restore(actor=facilitator, post=opening)
    post_services.post_delete(actor=thread.author, post=opening)
    thread.refresh_from_db()
    assert thread.reply_count == 2
    post_services.post_reply(
        actor=MembershipFactory(community=thread.community).user, thread=thread, body="Me too"
    )
    thread.refresh_from_db()
    assert thread.reply_count == 3


@pytest.mark.parametrize("action", ["hide", "delete", "restore"])
def test_hiding_deleting_and_restoring_lock_the_thread_row_before_recounting(monkeypatch, action):
    thread = make_thread(replies=1)
    facilitator = MembershipFactory(community=thread.community, role="facilitator").user
    reply = thread.posts.order_by("created_at", "pk").last()
    reply.thread = thread
    if action == "restore":
        post_services.post_hide(actor=facilitator, post=reply, reason="Rude")
    locks_taken_at = []
    original = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        if queryset.model is Thread:
            locks_taken_at.append(len(queries.captured_queries))
        return original(queryset, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    with CaptureQueriesContext(connection) as queries:
        if action == "hide":
            post_services.post_hide(actor=facilitator, post=reply, reason="Rude")
        elif action == "delete":
            post_services.post_delete(actor=reply.author, post=reply)
        else:
            post_services.post_restore(actor=facilitator, post=reply)
    post_written_at = next(
        index
        for index, query in enumerate(queries.captured_queries)
        if query["sql"].startswith('UPDATE "forums_post"')
    )
    assert locks_taken_at and locks_taken_at[0] <= post_written_at
