"""Facilitation: review queue, post and thread actions, history, settings, categories,
posting bans and scheduled threads."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from communities import services as community_services
from communities.models import PostingBan, Role, Visibility
from forums.models import (
    Category,
    Flag,
    ForumSettings,
    Post,
    PostRevision,
    Thread,
)
from forums.services import categories as category_services
from forums.services import posts as post_services
from forums.services import threads as thread_services
from notifications.models import OutboundEmail
from tests.conftest import make_cast
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db

OPEN, RESTRICTED, PRIVATE = Visibility.OPEN, Visibility.RESTRICTED, Visibility.PRIVATE


# --- A community with something of everything to moderate ---------------------------------------


@dataclass
class Scene:
    community: object
    facilitator: object
    member: object
    outsider: object
    pending: object
    other_facilitator: object
    author: object
    thread: Thread
    reply: Post  # visible, reported twice
    hidden: Post
    held: Post
    scheduled: Thread
    empty_category: Category
    banned: object
    target: object  # a member nobody has banned yet

    def person(self, role: str):
        return AnonymousUser() if role == "anonymous" else getattr(self, role)

    def url(self, name: str, *args) -> str:
        return reverse(f"forums:{name}", args=[self.community.slug, *args])


def make_scene(visibility: str = OPEN) -> Scene:
    cast = make_cast(visibility)
    community, facilitator = cast.community, cast.facilitator
    author = MembershipFactory(community=community).user
    thread = make_thread(community=community, author=author, title="Damp in tower blocks")
    reply = post_services.post_reply(
        actor=MembershipFactory(community=community).user, thread=thread, body="Buy my boiler"
    )
    for reason, note in (("spam", "Advert"), ("off_topic", "")):
        reporter = MembershipFactory(community=community).user
        post_services.flag_create(actor=reporter, post=reply, reason=reason, note=note)
    hidden = post_services.post_reply(
        actor=MembershipFactory(community=community).user, thread=thread, body="Rude words"
    )
    post_services.post_hide(actor=facilitator, post=hidden, reason="Rude")
    ForumSettings.objects.create(community=community, hold_first_posts=True)
    held = post_services.post_reply(
        actor=MembershipFactory(community=community).user, thread=thread, body="First post!"
    )
    assert held.status == Post.Status.HELD
    scheduled = thread_services.thread_create(
        actor=facilitator,
        community=community,
        category=thread.category,
        title="Welcome, everyone",
        body="Introduce yourselves.",
        publish_at=timezone.now() + timedelta(days=2),
    )
    empty = category_services.category_create(actor=facilitator, community=community, name="Events")
    banned = MembershipFactory(community=community).user
    community_services.posting_ban_create(actor=facilitator, community=community, user=banned)
    return Scene(
        community=community,
        facilitator=facilitator,
        member=cast.member,
        outsider=cast.outsider,
        pending=cast.pending,
        other_facilitator=MembershipFactory(role=Role.FACILITATOR).user,
        author=author,
        thread=thread,
        reply=reply,
        hidden=hidden,
        held=held,
        scheduled=scheduled,
        empty_category=empty,
        banned=banned,
        target=MembershipFactory(community=community).user,
    )


@pytest.fixture
def scene() -> Scene:
    return make_scene()


def snapshot(community) -> dict:
    """Everything a facilitator's action could change in the community."""
    return {
        "threads": list(
            Thread.objects.filter(community=community)
            .order_by("pk")
            .values_list("pk", "status", "is_pinned", "is_locked", "is_closed", "category_id")
        ),
        "posts": list(
            Post.objects.filter(thread__community=community)
            .order_by("pk")
            .values_list("pk", "status", "moderation_reason")
        ),
        "flags": list(
            Flag.objects.filter(post__thread__community=community)
            .order_by("pk")
            .values_list("pk", "resolution", "resolved_by", "resolved_at")
        ),
        "categories": list(
            Category.objects.filter(community=community)
            .order_by("pk")
            .values_list("pk", "name", "description", "position")
        ),
        "settings": list(
            ForumSettings.objects.filter(community=community).values_list("hold_first_posts")
        ),
        "bans": sorted(
            PostingBan.objects.filter(community=community).values_list("user_id", flat=True)
        ),
        "emails": OutboundEmail.objects.count(),
    }


def _status_of(post: Post) -> str:
    return Post.objects.get(pk=post.pk).status


def _thread(thread: Thread) -> Thread:
    return Thread.objects.get(pk=thread.pk)


def _open_flags(post: Post):
    return Flag.objects.filter(post=post, resolution=Flag.Resolution.OPEN)


@dataclass(frozen=True)
class Action:
    name: str
    url: Callable[[Scene], str]
    data: Callable[[Scene], dict]
    done: Callable[[Scene], bool]


ACTIONS = [
    Action(
        "pin",
        lambda s: s.url("thread-state", s.thread.pk),
        lambda s: {"change": "pin"},
        lambda s: _thread(s.thread).is_pinned,
    ),
    Action(
        "lock",
        lambda s: s.url("thread-state", s.thread.pk),
        lambda s: {"change": "lock"},
        lambda s: _thread(s.thread).is_locked,
    ),
    Action(
        "close",
        lambda s: s.url("thread-state", s.thread.pk),
        lambda s: {"change": "close"},
        lambda s: _thread(s.thread).is_closed,
    ),
    Action(
        "move",
        lambda s: s.url("thread-move", s.thread.pk),
        lambda s: {"category": s.empty_category.pk},
        lambda s: _thread(s.thread).category_id == s.empty_category.pk,
    ),
    Action(
        "hide",
        lambda s: s.url("post-hide", s.reply.pk),
        lambda s: {"reason": "Advertising"},
        lambda s: _status_of(s.reply) == Post.Status.HIDDEN,
    ),
    Action(
        "restore",
        lambda s: s.url("post-restore", s.hidden.pk),
        lambda s: {},
        lambda s: _status_of(s.hidden) == Post.Status.VISIBLE,
    ),
    Action(
        "approve",
        lambda s: s.url("post-approve", s.held.pk),
        lambda s: {},
        lambda s: _status_of(s.held) == Post.Status.VISIBLE,
    ),
    Action(
        "reject",
        lambda s: s.url("post-reject", s.held.pk),
        lambda s: {"reason": "Spam"},
        lambda s: _status_of(s.held) == Post.Status.REJECTED,
    ),
    Action(
        "keep",
        lambda s: s.url("flag-resolve", s.reply.pk),
        lambda s: {"resolution": "kept"},
        lambda s: not _open_flags(s.reply).exists(),
    ),
    Action(
        "resolve-by-hiding",
        lambda s: s.url("flag-resolve", s.reply.pk),
        lambda s: {"resolution": "hidden", "reason": "Advertising"},
        lambda s: _status_of(s.reply) == Post.Status.HIDDEN,
    ),
    Action(
        "warn",
        lambda s: s.url("flag-resolve", s.reply.pk),
        lambda s: {"resolution": "warned"},
        lambda s: OutboundEmail.objects.filter(kind="forum_author_warned").exists(),
    ),
    Action(
        "settings",
        lambda s: s.url("forum-settings"),
        lambda s: {},  # the box unticked
        lambda s: not ForumSettings.objects.get(community=s.community).hold_first_posts,
    ),
    Action(
        "category-create",
        lambda s: s.url("category-create"),
        lambda s: {"name": "Job adverts", "description": "Vacancies"},
        lambda s: Category.objects.filter(community=s.community, name="Job adverts").exists(),
    ),
    Action(
        "category-edit",
        lambda s: s.url("category-edit", s.empty_category.pk),
        lambda s: {"name": "Meet-ups", "description": "In person"},
        lambda s: Category.objects.get(pk=s.empty_category.pk).name == "Meet-ups",
    ),
    Action(
        "category-reorder",
        lambda s: s.url("category-reorder", s.empty_category.pk),
        lambda s: {"direction": "up"},
        lambda s: Category.objects.filter(community=s.community).last() != s.empty_category,
    ),
    Action(
        "category-delete",
        lambda s: s.url("category-delete", s.empty_category.pk),
        lambda s: {},
        lambda s: not Category.objects.filter(pk=s.empty_category.pk).exists(),
    ),
    Action(
        "ban",
        lambda s: s.url("posting-ban-create"),
        lambda s: {"person": s.target.pk, "reason": "Repeated spam"},
        lambda s: PostingBan.objects.filter(community=s.community, user=s.target).exists(),
    ),
    Action(
        "lift-ban",
        lambda s: s.url("posting-ban-lift", s.banned.pk),
        lambda s: {},
        lambda s: not PostingBan.objects.filter(community=s.community, user=s.banned).exists(),
    ),
    Action(
        "publish-now",
        lambda s: s.url("scheduled-thread-publish", s.scheduled.pk),
        lambda s: {},
        lambda s: _thread(s.scheduled).status == Thread.Status.PUBLISHED,
    ),
    Action(
        "cancel-scheduled",
        lambda s: s.url("scheduled-thread-cancel", s.scheduled.pk),
        lambda s: {},
        lambda s: not Thread.objects.filter(pk=s.scheduled.pk).exists(),
    ),
]
ACTION_IDS = [action.name for action in ACTIONS]

REFUSED = {
    # role: status in open, restricted and private communities
    "outsider": {OPEN: 403, RESTRICTED: 403, PRIVATE: 404},
    "pending": {OPEN: 403, RESTRICTED: 403, PRIVATE: 404},
    "member": {OPEN: 403, RESTRICTED: 403, PRIVATE: 403},
    "other_facilitator": {OPEN: 403, RESTRICTED: 403, PRIVATE: 404},
}


@pytest.mark.parametrize("action", ACTIONS, ids=ACTION_IDS)
@pytest.mark.parametrize("role", ["facilitator", "owner", "staff"])
def test_each_action_works_for_the_communitys_facilitators_and_site_staff(
    client, django_capture_on_commit_callbacks, action, role
):
    scene = make_scene(PRIVATE)
    person = {
        "facilitator": scene.facilitator,
        "owner": MembershipFactory(community=scene.community, role=Role.OWNER).user,
        "staff": UserFactory(is_staff=True),
    }[role]
    client.force_login(person)
    before = snapshot(scene.community)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action.url(scene), action.data(scene))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert action.done(scene)
    assert snapshot(scene.community) != before


@pytest.mark.parametrize("action", ACTIONS, ids=ACTION_IDS)
@pytest.mark.parametrize("visibility", [OPEN, RESTRICTED, PRIVATE])
def test_each_action_is_refused_to_members_outsiders_and_other_facilitators_and_changes_nothing(
    client, action, visibility
):
    scene = make_scene(visibility)
    before = snapshot(scene.community)
    for role, expected in REFUSED.items():
        client.force_login(scene.person(role))
        response = client.post(action.url(scene), action.data(scene))
        assert (role, response.status_code) == (role, expected[visibility])
    client.logout()
    response = client.post(action.url(scene), action.data(scene))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert snapshot(scene.community) == before
    assert not action.done(scene)


def test_a_crafted_post_by_a_member_to_lock_hide_or_approve_changes_nothing(client, scene):
    client.force_login(scene.member)
    before = snapshot(scene.community)
    responses = [
        client.post(scene.url("thread-state", scene.thread.pk), {"change": "lock"}),
        client.post(scene.url("post-hide", scene.reply.pk), {"reason": "Mine now"}),
        client.post(scene.url("post-approve", scene.held.pk)),
        client.post(scene.url("flag-resolve", scene.reply.pk), {"resolution": "kept"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert snapshot(scene.community) == before


def test_forms_without_a_csrf_token_are_refused(scene):
    client = Client(enforce_csrf_checks=True)
    client.force_login(scene.facilitator)
    response = client.post(scene.url("thread-state", scene.thread.pk), {"change": "lock"})
    assert response.status_code == 403
    assert not _thread(scene.thread).is_locked


# --- Threads ------------------------------------------------------------------------------------


def test_pinning_and_unpinning_and_locking_and_unlocking_toggle_back(client, scene):
    client.force_login(scene.facilitator)
    url = scene.url("thread-state", scene.thread.pk)
    for change in ("pin", "lock", "close"):
        client.post(url, {"change": change})
    thread = _thread(scene.thread)
    assert thread.is_pinned and thread.is_locked and thread.is_closed
    for change in ("unpin", "unlock", "reopen"):
        client.post(url, {"change": change})
    thread = _thread(scene.thread)
    assert not (thread.is_pinned or thread.is_locked or thread.is_closed)


def test_replying_to_a_locked_thread_shows_this_thread_is_locked(client, scene):
    client.force_login(scene.facilitator)
    response = client.post(
        scene.url("thread-state", scene.thread.pk), {"change": "lock"}, follow=True
    )
    assert "The thread is locked" in response.content.decode()
    client.force_login(scene.member)
    page = client.get(scene.thread.get_absolute_url()).content.decode()
    assert "This thread is locked" in page
    response = client.get(scene.url("reply", scene.thread.pk))
    assert response.status_code == 403 and "This thread is locked" in response.content.decode()


def test_a_thread_author_closes_and_reopens_their_own_thread_but_cannot_lock_or_pin_it(
    client, scene
):
    client.force_login(scene.author)
    url = scene.url("thread-state", scene.thread.pk)
    page = client.get(scene.thread.get_absolute_url()).content.decode()
    assert "Close your thread" in page and "Pin to the top" not in page
    assert client.post(url, {"change": "close"}).status_code == 302
    assert _thread(scene.thread).is_closed
    assert "Reopen your thread" in client.get(scene.thread.get_absolute_url()).content.decode()
    assert client.post(url, {"change": "reopen"}).status_code == 302
    assert not _thread(scene.thread).is_closed
    assert client.post(url, {"change": "lock"}).status_code == 403
    assert client.post(url, {"change": "pin"}).status_code == 403
    thread = _thread(scene.thread)
    assert not (thread.is_locked or thread.is_pinned)


def test_an_unknown_thread_change_gets_a_message_and_changes_nothing(client, scene):
    client.force_login(scene.facilitator)
    before = snapshot(scene.community)
    response = client.post(
        scene.url("thread-state", scene.thread.pk), {"change": "explode"}, follow=True
    )
    assert "Choose what to change" in response.content.decode()
    assert snapshot(scene.community) == before


def test_moving_a_thread_to_another_communitys_category_is_refused_and_keeps_the_form(
    client, scene
):
    elsewhere = CommunityFactory().categories.first()
    client.force_login(scene.facilitator)
    response = client.post(scene.url("thread-move", scene.thread.pk), {"category": elsewhere.pk})
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert _thread(scene.thread).category_id == scene.thread.category_id


def test_the_thread_page_shows_facilitation_actions_only_to_facilitators(client, scene):
    client.force_login(scene.facilitator)
    page = client.get(scene.thread.get_absolute_url()).content.decode()
    for text in ("Pin to the top", "Lock (nobody can reply)", "Move to another category"):
        assert text in page
    assert reverse("forums:post-hide", args=[scene.community.slug, scene.reply.pk]) in page
    assert reverse("forums:post-restore", args=[scene.community.slug, scene.hidden.pk]) in page
    assert reverse("forums:post-approve", args=[scene.community.slug, scene.held.pk]) in page
    client.force_login(scene.member)
    page = client.get(scene.thread.get_absolute_url()).content.decode()
    for text in ("Pin to the top", "Move to another category", "/hide/", "/restore/", "/approve/"):
        assert text not in page


# --- Posts --------------------------------------------------------------------------------------


def test_a_hidden_post_shows_hidden_by_a_facilitator_and_the_reason_to_members(client, scene):
    client.force_login(scene.facilitator)
    client.post(scene.url("post-hide", scene.reply.pk), {"reason": "Advertising is not allowed"})
    client.force_login(scene.member)
    page = client.get(scene.thread.get_absolute_url()).content.decode()
    assert "Hidden by a facilitator: Advertising is not allowed" in page
    assert "Buy my boiler" not in page


def test_a_facilitator_still_reads_a_hidden_post_and_restores_it(client, scene):
    client.force_login(scene.facilitator)
    page = client.get(scene.thread.get_absolute_url()).content.decode()
    assert "Rude words" in page and "Hidden from members:" in page
    client.post(scene.url("post-restore", scene.hidden.pk))
    client.force_login(scene.member)
    assert "Rude words" in client.get(scene.thread.get_absolute_url()).content.decode()


def test_a_deleted_post_can_be_restored_by_a_facilitator(client, scene):
    post_services.post_delete(actor=scene.reply.author, post=scene.reply)
    client.force_login(scene.facilitator)
    client.post(scene.url("post-restore", scene.reply.pk))
    assert _status_of(scene.reply) == Post.Status.VISIBLE


def test_restoring_a_post_that_is_not_hidden_is_refused_with_a_message(client, scene):
    client.force_login(scene.facilitator)
    response = client.post(scene.url("post-restore", scene.held.pk), follow=True)
    assert "Only hidden or deleted posts" in response.content.decode()
    assert _status_of(scene.held) == Post.Status.HELD


def test_hiding_without_a_reason_shows_a_clear_error_and_changes_nothing(client, scene):
    client.force_login(scene.facilitator)
    response = client.post(scene.url("post-hide", scene.reply.pk), {"reason": "  "})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "Give a reason" in html
    assert _status_of(scene.reply) == Post.Status.VISIBLE


def test_the_hide_page_keeps_what_was_typed_when_the_reason_is_too_long(client, scene):
    client.force_login(scene.facilitator)
    reason = "x" * 501
    response = client.post(scene.url("post-hide", scene.reply.pk), {"reason": reason})
    assert response.status_code == 400 and reason in response.content.decode()
    assert _status_of(scene.reply) == Post.Status.VISIBLE


def test_the_history_page_lists_revisions_for_facilitators(client, scene):
    post = scene.thread.posts.order_by("created_at", "pk").first()
    post_services.post_edit(actor=scene.author, post=post, body="Second version", title="Damp (v2)")
    post_services.post_edit(actor=scene.facilitator, post=post, body="Third version")
    assert PostRevision.objects.filter(post=post).count() == 2
    client.force_login(scene.facilitator)
    response = client.get(scene.url("post-history", post.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Third version" in html and "Second version" in html and "We are trying X." in html
    assert escape(scene.author.public_name) in html
    assert escape(scene.facilitator.public_name) in html
    assert "Damp in tower blocks" in html
    page = client.get(scene.thread.get_absolute_url()).content.decode()
    assert scene.url("post-history", post.pk) in page


@pytest.mark.parametrize(
    ("visibility", "role", "expected"),
    [
        (OPEN, "member", 403),
        (OPEN, "outsider", 403),
        (RESTRICTED, "outsider", 403),
        (PRIVATE, "member", 403),
        (PRIVATE, "outsider", 404),
        (PRIVATE, "other_facilitator", 404),
    ],
)
def test_the_history_page_is_refused_to_members_and_outsiders(client, visibility, role, expected):
    scene = make_scene(visibility)
    post = scene.thread.posts.order_by("created_at", "pk").first()
    post_services.post_edit(actor=scene.author, post=post, body="Second version")
    client.force_login(scene.person(role))
    response = client.get(scene.url("post-history", post.pk))
    assert response.status_code == expected
    assert "We are trying X." not in response.content.decode()


# --- Held posts ---------------------------------------------------------------------------------


def test_a_held_first_post_is_invisible_to_other_members_until_approved(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    client.force_login(facilitator)
    client.post(reverse("forums:forum-settings", args=[community.slug]), {"hold_first_posts": "on"})
    assert ForumSettings.objects.get(community=community).hold_first_posts
    newcomer = MembershipFactory(community=community).user
    thread = make_thread(community=community, author=newcomer, title="Hello from a newcomer")
    assert thread.status == Thread.Status.HELD
    first = thread.posts.get()

    other = MembershipFactory(community=community).user
    client.force_login(other)
    forum = client.get(reverse("forums:forum", args=[community.slug])).content.decode()
    assert "Hello from a newcomer" not in forum
    assert client.get(thread.get_absolute_url()).status_code == 404

    client.force_login(newcomer)
    assert client.get(thread.get_absolute_url()).status_code == 200

    client.force_login(facilitator)
    queue = client.get(reverse("forums:review", args=[community.slug])).content.decode()
    assert "Hello from a newcomer" in queue and "New thread by" in queue
    response = client.post(
        reverse("forums:post-approve", args=[community.slug, first.pk]),
        {"next": reverse("forums:review", args=[community.slug])},
    )
    assert response.status_code == 302 and response.url.endswith("/review/")

    client.force_login(other)
    forum = client.get(reverse("forums:forum", args=[community.slug])).content.decode()
    assert "Hello from a newcomer" in forum
    assert client.get(thread.get_absolute_url()).status_code == 200


def test_a_held_reply_is_invisible_to_other_members_until_approved(client, scene):
    client.force_login(scene.member)
    assert "First post!" not in client.get(scene.thread.get_absolute_url()).content.decode()
    client.force_login(scene.facilitator)
    client.post(scene.url("post-approve", scene.held.pk))
    client.force_login(scene.member)
    assert "First post!" in client.get(scene.thread.get_absolute_url()).content.decode()


def test_a_rejected_post_is_never_shown(client, scene):
    client.force_login(scene.facilitator)
    client.post(scene.url("post-reject", scene.held.pk), {"reason": "Spam"})
    for person in (scene.member, scene.facilitator, scene.held.author):
        client.force_login(person)
        assert "First post!" not in client.get(scene.thread.get_absolute_url()).content.decode()


def test_approving_a_post_twice_gets_a_message(client, scene):
    client.force_login(scene.facilitator)
    client.post(scene.url("post-approve", scene.held.pk))
    response = client.post(scene.url("post-approve", scene.held.pk), follow=True)
    assert "no longer waiting for approval" in response.content.decode()


# --- Reports ------------------------------------------------------------------------------------


def test_the_review_queue_lists_open_reports_grouped_by_post_with_reasons_notes_and_reporters(
    client, scene
):
    earlier = post_services.post_reply(actor=scene.author, thread=scene.thread, body="Old news")
    old_flag = post_services.flag_create(actor=scene.member, post=earlier, reason="rude")
    Flag.objects.filter(pk=old_flag.pk).update(resolution=Flag.Resolution.KEPT)
    client.force_login(scene.facilitator)
    response = client.get(scene.url("review"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(f'id="reported-{scene.reply.pk}"') == 1
    assert "reported 2 times" in html
    for flag in scene.reply.flags.select_related("reporter"):
        assert escape(flag.reporter.public_name) in html
    assert "Spam or advertising" in html and "Off topic" in html and "“Advert”" in html
    assert "Old news" not in html  # its only report is dealt with
    assert "First post!" in html and "Welcome, everyone" in html


def test_resolving_sets_resolution_resolved_by_and_resolved_at_on_every_open_flag(client, scene):
    earlier = Flag.objects.filter(post=scene.reply).first()
    Flag.objects.filter(pk=earlier.pk).update(resolution=Flag.Resolution.KEPT)
    client.force_login(scene.facilitator)
    response = client.post(
        scene.url("flag-resolve", scene.reply.pk), {"resolution": "hidden", "reason": "Advert"}
    )
    assert response.status_code == 302 and response.url.endswith("/review/")
    resolved = Flag.objects.filter(post=scene.reply).exclude(pk=earlier.pk)
    assert {f.resolution for f in resolved} == {Flag.Resolution.HIDDEN}
    assert {f.resolved_by_id for f in resolved} == {scene.facilitator.pk}
    assert all(f.resolved_at for f in resolved)
    earlier.refresh_from_db()
    assert earlier.resolved_by is None  # already dealt with: left alone
    post = Post.objects.get(pk=scene.reply.pk)
    assert post.status == Post.Status.HIDDEN and post.moderation_reason == "Advert"


def test_keeping_a_reported_post_leaves_it_visible(client, scene):
    client.force_login(scene.facilitator)
    client.post(scene.url("flag-resolve", scene.reply.pk), {"resolution": "kept"})
    assert _status_of(scene.reply) == Post.Status.VISIBLE
    assert set(Flag.objects.filter(post=scene.reply).values_list("resolution", flat=True)) == {
        Flag.Resolution.KEPT
    }
    queue = client.get(scene.url("review")).content.decode()
    assert f'id="reported-{scene.reply.pk}"' not in queue


def test_hiding_from_the_queue_without_a_reason_keeps_the_choice_and_explains(client, scene):
    client.force_login(scene.facilitator)
    response = client.post(scene.url("flag-resolve", scene.reply.pk), {"resolution": "hidden"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html and "Give a reason for hiding" in html
    assert 'value="hidden" checked' in html
    assert _open_flags(scene.reply).count() == 2


def test_warning_the_author_sends_exactly_one_email_with_text_and_html_parts(
    client, scene, django_capture_on_commit_callbacks
):
    client.force_login(scene.facilitator)
    url = scene.url("flag-resolve", scene.reply.pk)
    data = {"resolution": "warned", "reason": "Please do not advertise here."}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
        client.post(url, data)  # a second click finds nothing left to resolve
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [scene.reply.author.email]
    assert scene.community.name in message.subject
    assert "Please do not advertise here." in message.body
    assert "spam or advertising" in message.body and "Damp in tower blocks" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Please do not advertise here." in html
    for flag in Flag.objects.filter(post=scene.reply).select_related("reporter"):
        assert flag.reporter.public_name not in message.body
        assert escape(flag.reporter.public_name) not in html
        assert flag.resolution == Flag.Resolution.WARNED
    assert _status_of(scene.reply) == Post.Status.VISIBLE


def test_a_resolved_report_page_says_there_is_nothing_left_to_do(client, scene):
    client.force_login(scene.facilitator)
    client.post(scene.url("flag-resolve", scene.reply.pk), {"resolution": "kept"})
    response = client.post(scene.url("flag-resolve", scene.reply.pk), {"resolution": "kept"})
    html = response.content.decode()
    assert response.status_code == 400 and "already been dealt with" in html


def test_a_facilitator_is_only_sent_back_to_pages_on_this_site(client, scene):
    client.force_login(scene.facilitator)
    response = client.post(
        scene.url("flag-resolve", scene.reply.pk),
        {"resolution": "kept", "next": "https://evil.example/phish"},
    )
    assert response.status_code == 302 and response.url == scene.url("review")


# --- Scheduled threads --------------------------------------------------------------------------


def test_publishing_a_scheduled_thread_now_shows_it_to_members(client, scene):
    client.force_login(scene.member)
    assert client.get(scene.scheduled.get_absolute_url()).status_code == 404
    client.force_login(scene.facilitator)
    client.post(scene.url("scheduled-thread-publish", scene.scheduled.pk))
    thread = _thread(scene.scheduled)
    assert thread.created_at <= timezone.now() and thread.publish_at is None
    client.force_login(scene.member)
    forum = client.get(scene.url("forum")).content.decode()
    assert "Welcome, everyone" in forum
    assert client.get(scene.scheduled.get_absolute_url()).status_code == 200


def test_cancelling_a_scheduled_thread_asks_first_then_deletes_it(client, scene):
    client.force_login(scene.facilitator)
    page = client.get(scene.url("scheduled-thread-cancel", scene.scheduled.pk))
    assert page.status_code == 200 and "Cancel and delete" in page.content.decode()
    assert Thread.objects.filter(pk=scene.scheduled.pk).exists()
    client.post(scene.url("scheduled-thread-cancel", scene.scheduled.pk))
    assert not Thread.objects.filter(pk=scene.scheduled.pk).exists()


def test_a_published_thread_cannot_be_published_or_cancelled_as_if_scheduled(client, scene):
    client.force_login(scene.facilitator)
    before = snapshot(scene.community)
    response = client.post(scene.url("scheduled-thread-cancel", scene.thread.pk), follow=True)
    assert "no longer scheduled" in response.content.decode()
    client.post(scene.url("scheduled-thread-publish", scene.thread.pk))
    assert snapshot(scene.community) == before


# --- Settings, categories and bans --------------------------------------------------------------


def test_the_settings_page_creates_forum_settings_on_demand(client):
    community = CommunityFactory()
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    url = reverse("forums:forum-settings", args=[community.slug])
    assert client.get(url).status_code == 200
    assert not ForumSettings.objects.filter(community=community).exists()
    response = client.post(url, {"hold_first_posts": "on"}, follow=True)
    assert "settings have been saved" in response.content.decode()
    assert ForumSettings.objects.get(community=community).hold_first_posts


def test_categories_move_up_and_down(client, scene):
    client.force_login(scene.facilitator)
    names = lambda: list(  # noqa: E731
        Category.objects.filter(community=scene.community).values_list("name", flat=True)
    )
    assert names() == ["General", "Off topic", "Events"]
    client.post(scene.url("category-reorder", scene.empty_category.pk), {"direction": "up"})
    assert names() == ["General", "Events", "Off topic"]
    client.post(scene.url("category-reorder", scene.empty_category.pk), {"direction": "up"})
    response = client.post(
        scene.url("category-reorder", scene.empty_category.pk), {"direction": "up"}, follow=True
    )
    assert "already first" in response.content.decode()
    assert names() == ["Events", "General", "Off topic"]
    general = Category.objects.get(community=scene.community, slug="general")
    client.post(scene.url("category-reorder", general.pk), {"direction": "down"})
    assert names() == ["Events", "Off topic", "General"]


def test_a_category_with_threads_cannot_be_deleted(client, scene):
    client.force_login(scene.facilitator)
    category = scene.thread.category
    page = client.get(scene.url("category-delete", category.pk)).content.decode()
    assert "Move them to another category" in page or "Move it to another category" in page
    response = client.post(scene.url("category-delete", category.pk), follow=True)
    assert "still has threads" in response.content.decode()
    assert Category.objects.filter(pk=category.pk).exists()


def test_the_last_category_cannot_be_deleted(client):
    community = CommunityFactory()
    Category.objects.filter(community=community, slug="off-topic").delete()
    client.force_login(MembershipFactory(community=community, role=Role.FACILITATOR).user)
    only = Category.objects.get(community=community)
    response = client.post(
        reverse("forums:category-delete", args=[community.slug, only.pk]), follow=True
    )
    assert "at least one category" in response.content.decode()
    assert Category.objects.filter(pk=only.pk).exists()


def test_a_duplicate_category_name_gets_a_clear_message_and_keeps_what_was_typed(client, scene):
    client.force_login(scene.facilitator)
    response = client.post(
        scene.url("category-create"), {"name": "General", "description": "Typed words"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "already a category with that name" in html and "Typed words" in html
    response = client.post(
        scene.url("category-edit", scene.empty_category.pk),
        {"name": "off topic", "description": "Kept"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "already a category with that name" in html and "Kept" in html
    assert Category.objects.get(pk=scene.empty_category.pk).name == "Events"


def test_renaming_a_category_keeps_its_address(client, scene):
    client.force_login(scene.facilitator)
    slug = scene.empty_category.slug
    client.post(
        scene.url("category-edit", scene.empty_category.pk),
        {"name": "Meet-ups", "description": "In person"},
    )
    category = Category.objects.get(pk=scene.empty_category.pk)
    assert (category.name, category.description, category.slug) == ("Meet-ups", "In person", slug)


def test_a_banned_member_cannot_reply_until_the_ban_is_lifted(client, scene):
    client.force_login(scene.facilitator)
    page = client.get(scene.url("posting-ban-create") + f"?person={scene.target.pk}")
    assert f'value="{scene.target.pk}" selected' in page.content.decode()
    client.post(scene.url("posting-ban-create"), {"person": scene.target.pk, "reason": "Spam"})
    settings_page = client.get(scene.url("forum-settings")).content.decode()
    assert escape(scene.target.public_name) in settings_page
    assert escape(scene.banned.public_name) in settings_page
    client.force_login(scene.target)
    response = client.get(scene.url("reply", scene.thread.pk))
    assert response.status_code == 403 and "stopped you posting" in response.content.decode()
    client.force_login(scene.facilitator)
    client.post(scene.url("posting-ban-lift", scene.target.pk))
    client.force_login(scene.target)
    assert client.get(scene.url("reply", scene.thread.pk)).status_code == 200


def test_facilitators_cannot_be_banned_from_posting(client, scene):
    client.force_login(scene.facilitator)
    other = MembershipFactory(community=scene.community, role=Role.FACILITATOR).user
    response = client.post(scene.url("posting-ban-create"), {"person": other.pk})
    assert response.status_code == 400 and "Choose one of the community" in (
        response.content.decode()
    )
    assert not PostingBan.objects.filter(user=other).exists()


def test_lifting_a_ban_that_does_not_exist_is_404(client, scene):
    client.force_login(scene.facilitator)
    assert client.post(scene.url("posting-ban-lift", scene.target.pk)).status_code == 404


# --- Pages for facilitators ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["review", "forum-settings", "category-create", "posting-ban-create"],
)
def test_facilitators_pages_render_for_facilitators(client, scene, name):
    client.force_login(scene.facilitator)
    assert client.get(scene.url(name)).status_code == 200


@pytest.mark.parametrize(
    ("name", "attr"),
    [
        ("thread-move", "thread"),
        ("scheduled-thread-cancel", "scheduled"),
        ("post-hide", "reply"),
        ("flag-resolve", "reply"),
        ("post-history", "reply"),
        ("category-edit", "empty_category"),
        ("category-delete", "empty_category"),
    ],
)
def test_facilitators_object_pages_render_for_facilitators(client, scene, name, attr):
    client.force_login(scene.facilitator)
    assert client.get(scene.url(name, getattr(scene, attr).pk)).status_code == 200


def _fill_queue(community, facilitator, rows: int) -> None:
    """`rows` reported posts (two reports each), held posts and scheduled threads."""
    ForumSettings.objects.update_or_create(
        community=community, defaults={"hold_first_posts": False}
    )
    for n in range(rows):
        thread = make_thread(community=community, title=f"Reported {n}")
        post = thread.posts.get()
        for reason in ("spam", "rude"):
            reporter = MembershipFactory(community=community).user
            post_services.flag_create(actor=reporter, post=post, reason=reason, note=f"Note {n}")
        thread_services.thread_create(
            actor=facilitator,
            community=community,
            category=thread.category,
            title=f"Scheduled {n}",
            body="Later",
            publish_at=timezone.now() + timedelta(days=n + 1),
        )
    ForumSettings.objects.filter(community=community).update(hold_first_posts=True)
    for n in range(rows):
        make_thread(community=community, title=f"Held {n}")


@pytest.mark.parametrize("rows", [2, 15])
def test_the_review_queue_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, rows
):
    community = CommunityFactory(visibility=PRIVATE)
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    _fill_queue(community, facilitator, rows)
    client.force_login(facilitator)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("forums:review", args=[community.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Reported {rows - 1}" in html and f"Held {rows - 1}" in html
    assert f"Scheduled {rows - 1}" in html


@pytest.mark.parametrize("rows", [2, 15])
def test_the_settings_page_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, rows
):
    community = CommunityFactory(visibility=RESTRICTED)
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    ForumSettings.objects.create(community=community, hold_first_posts=True)
    for n in range(rows):
        category = category_services.category_create(
            actor=facilitator, community=community, name=f"Topic {n}"
        )
        make_thread(community=community, category=category, title=f"T{n}")
        member = MembershipFactory(community=community).user
        community_services.posting_ban_create(actor=facilitator, community=community, user=member)
    client.force_login(facilitator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("forums:forum-settings", args=[community.slug]))
    assert response.status_code == 200
    assert f"Topic {rows - 1}" in response.content.decode()


def test_the_forum_settings_page_is_reachable_from_the_review_queue(client, scene):
    client.force_login(scene.facilitator)
    queue = client.get(scene.url("review")).content.decode()
    assert scene.url("forum-settings") in queue


def test_a_post_waiting_for_approval_cannot_be_hidden(client, scene):
    client.force_login(scene.facilitator)
    response = client.post(scene.url("post-hide", scene.held.pk), {"reason": "x"}, follow=True)
    assert "Only posts on show can be hidden" in response.content.decode()
    assert _status_of(scene.held) == Post.Status.HELD


def test_reports_about_a_deleted_post_can_be_kept_but_not_hidden(client, scene):
    post_services.post_delete(actor=scene.reply.author, post=scene.reply)
    client.force_login(scene.facilitator)
    url = scene.url("flag-resolve", scene.reply.pk)
    response = client.post(url, {"resolution": "hidden", "reason": "Advert"})
    assert response.status_code == 400 and "nothing to hide" in response.content.decode()
    assert _status_of(scene.reply) == Post.Status.DELETED
    assert client.post(url, {"resolution": "kept"}).status_code == 302
    assert not _open_flags(scene.reply).exists()


def test_an_approved_reply_is_dated_now_so_readers_see_it_as_new_and_the_thread_moves_up(client):
    community = CommunityFactory()
    thread = make_thread(community=community, title="Damp in tower blocks")
    ForumSettings.objects.create(community=community, hold_first_posts=True)
    held = post_services.post_reply(
        actor=MembershipFactory(community=community).user, thread=thread, body="First post!"
    )
    later = post_services.post_reply(actor=thread.author, thread=thread, body="Anyone else?")
    reader = MembershipFactory(community=community).user
    client.force_login(reader)
    client.get(thread.get_absolute_url())  # read up to `later`; `held` is not shown yet
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    held.thread = thread
    post_services.post_approve(actor=facilitator, post=held)
    held.refresh_from_db()
    thread.refresh_from_db()
    assert held.created_at > later.created_at
    assert thread.last_post == held and thread.last_activity_at == held.created_at
    assert thread.reply_count == 2
    listing = client.get(reverse("forums:forum", args=[community.slug])).content.decode()
    assert "1 new" in listing


def test_a_held_thread_approved_days_later_is_new_in_the_next_digest():
    from notifications import digests
    from tests.digest_helpers import next_digest_time

    community = CommunityFactory()
    reader = MembershipFactory(community=community).user
    ForumSettings.objects.create(community=community, hold_first_posts=True)
    newcomer = MembershipFactory(community=community).user
    thread = make_thread(community=community, author=newcomer, title="Hello from a newcomer")
    assert thread.status == Thread.Status.HELD
    days_ago = timezone.now() - timedelta(days=3)
    Thread.objects.filter(pk=thread.pk).update(created_at=days_ago, last_activity_at=days_ago)
    Post.objects.filter(thread=thread).update(created_at=days_ago)
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    post = thread.posts.get()
    post.thread.community = community
    post_services.post_approve(actor=facilitator, post=post)
    thread.refresh_from_db()
    post.refresh_from_db()
    assert thread.created_at > days_ago and thread.created_at == post.created_at
    assert thread.last_activity_at == thread.created_at
    result = digests.digest_batch_send(digests.DAILY, [reader.pk], next_digest_time())
    assert result.sent == 1
    assert "Hello from a newcomer" in mail.outbox[-1].body


# --- Rules kept by the services, whoever calls them ---------------------------------------------


def test_a_held_post_cannot_be_hidden_and_then_restored_into_view(scene):
    held = Post.objects.get(pk=scene.held.pk)
    with pytest.raises(ValidationError, match="Only posts on show can be hidden"):
        post_services.post_hide(actor=scene.facilitator, post=held, reason="Sneaky")
    assert _status_of(scene.held) == Post.Status.HELD
    with pytest.raises(ValidationError, match="Only hidden or deleted posts can be restored"):
        post_services.post_restore(actor=scene.facilitator, post=held)
    assert _status_of(scene.held) == Post.Status.HELD


def test_a_post_hidden_elsewhere_meanwhile_is_checked_as_it_is_now(scene):
    stale = Post.objects.get(pk=scene.reply.pk)  # read while the post was on show
    post_services.post_delete(actor=scene.reply.author, post=Post.objects.get(pk=scene.reply.pk))
    with pytest.raises(ValidationError, match="Only posts on show can be hidden"):
        post_services.post_hide(actor=scene.facilitator, post=stale, reason="Advert")
    assert _status_of(scene.reply) == Post.Status.DELETED


def test_the_hide_page_of_a_held_post_sends_the_facilitator_back_with_the_reason(client, scene):
    client.force_login(scene.facilitator)
    response = client.get(scene.url("post-hide", scene.held.pk), follow=True)
    assert "Only posts on show can be hidden" in response.content.decode()


def test_a_new_category_cannot_take_a_name_another_category_has_been_renamed_to(scene):
    category_services.category_update(
        actor=scene.facilitator, category=scene.empty_category, name="Meetups"
    )
    with pytest.raises(ValidationError, match="already a category with that name"):
        category_services.category_create(
            actor=scene.facilitator, community=scene.community, name="meetups"
        )
    assert Category.objects.filter(community=scene.community, name__iexact="meetups").count() == 1


def test_a_new_category_whose_slug_a_renamed_one_kept_gets_a_free_slug(client, scene):
    # "Events" was renamed, but keeps its address (slug "events").
    category_services.category_update(
        actor=scene.facilitator, category=scene.empty_category, name="Meetups"
    )
    events = category_services.category_create(
        actor=scene.facilitator, community=scene.community, name="Events"
    )
    assert events.slug == "events-2" and events.name == "Events"
    again = category_services.category_create(
        actor=scene.facilitator, community=scene.community, name="Events!"
    )
    assert again.slug == "events-3"
    client.force_login(scene.member)
    assert client.get(events.get_absolute_url()).status_code == 200


def test_a_reports_reason_with_line_breaks_counts_each_break_once(client, scene):
    client.force_login(scene.facilitator)
    reason = "\r\n".join(["x" * 99] * 5)  # 499 characters typed, 503 as sent
    response = client.post(
        scene.url("flag-resolve", scene.reply.pk), {"resolution": "hidden", "reason": reason}
    )
    assert response.status_code == 302
    hidden = Post.objects.get(pk=scene.reply.pk)
    assert hidden.status == Post.Status.HIDDEN
    assert hidden.moderation_reason == "\n".join(["x" * 99] * 5)


def test_the_post_history_page_costs_the_same_queries_however_many_versions(
    client, scene, django_assert_max_num_queries
):
    few, many = scene.reply, scene.hidden
    for post, rows in ((few, 1), (many, 8)):
        for n in range(rows):
            PostRevision.objects.create(
                post=post,
                body=f"Version {n}",
                edited_by=MembershipFactory(community=scene.community).user,
            )
    client.force_login(scene.facilitator)
    counts = []
    for post, rows in ((few, 1), (many, 8)):
        with (
            django_assert_max_num_queries(12),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.get(scene.url("post-history", post.pk))
        assert response.status_code == 200
        assert f"Version {rows - 1}" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
