"""Facilitation nudges (page and daily e-mail), one-click welcomes and broadcasts."""

import re
from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from communities.models import Membership, MembershipRequest, RequestStatus, Role, Visibility
from communities.permissions import forget_access
from facilitation import broadcasts as facilitation
from facilitation.models import Broadcast, Welcome
from facilitation.nudges import nudges_for
from facilitation.tasks import send_facilitator_nudges
from forums.models import Flag, Post, Thread
from forums.notification_kinds import MENTION
from forums.services import threads as forum_threads
from notifications import services, unsubscribe
from notifications.models import (
    CommunityEmailSetting,
    Delivery,
    EmailSettings,
    Notification,
    OutboundEmail,
)
from tests.conftest import make_cast
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
    make_thread,
)

pytestmark = pytest.mark.django_db

OPEN, RESTRICTED, PRIVATE = Visibility.OPEN, Visibility.RESTRICTED, Visibility.PRIVATE
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def place():
    """A community and its facilitator, with nothing waiting yet."""
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    return SimpleNamespace(community=community, facilitator=facilitator)


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def age_thread(thread: Thread, **kwargs) -> Thread:
    when = ago(**kwargs)
    Thread.objects.filter(pk=thread.pk).update(created_at=when, last_activity_at=when)
    Post.objects.filter(thread=thread).update(created_at=when)
    thread.refresh_from_db()
    return thread


def old_member(community, **kwargs):
    """A member who joined long enough ago not to count as new."""
    return MembershipFactory(community=community, joined_at=ago(days=30), **kwargs).user


def nudges(place):
    (found,) = nudges_for(place.facilitator)
    return found


# --- Each nudge appears when due, and not otherwise ----------------------------------------------


def test_a_thread_without_a_reply_for_48_hours_is_a_nudge(place):
    thread = age_thread(make_thread(place.community, author=old_member(place.community)), hours=49)
    found = nudges(place)
    assert found.unanswered == [thread] and found.unanswered_total == 1
    assert found.has_something


def test_threads_that_are_young_answered_locked_closed_or_stale_are_not_nudges(place):
    author = old_member(place.community)
    make_thread(place.community, author=author, title="Young")  # asked just now
    age_thread(make_thread(place.community, author=author, title="Old", replies=1), hours=49)
    locked = age_thread(make_thread(place.community, author=author, title="Locked"), hours=49)
    Thread.objects.filter(pk=locked.pk).update(is_locked=True)
    closed = age_thread(make_thread(place.community, author=author, title="Closed"), hours=49)
    Thread.objects.filter(pk=closed.pk).update(is_closed=True)
    age_thread(make_thread(place.community, author=author, title="Stale"), days=31)
    Membership.objects.filter(community=place.community, role=Role.MEMBER).update(
        joined_at=ago(days=30)
    )
    found = nudges(place)
    assert found.unanswered == [] and not found.has_something


def test_waiting_join_requests_are_a_nudge_with_their_count_and_oldest(place):
    first = MembershipRequestFactory(community=place.community)
    MembershipRequest.objects.filter(pk=first.pk).update(created_at=ago(days=3))
    MembershipRequestFactory(community=place.community)
    MembershipRequestFactory(community=place.community, status=RequestStatus.DECLINED)
    found = nudges(place)
    assert found.requests_total == 2
    assert found.oldest_request_at < ago(days=2)


def test_decided_join_requests_are_not_a_nudge(place):
    MembershipRequestFactory(community=place.community, status=RequestStatus.APPROVED)
    assert nudges(place).requests_total == 0 and not nudges(place).has_something


def test_members_who_joined_this_week_are_listed_until_welcomed(place):
    newcomer = MembershipFactory(community=place.community, joined_at=ago(days=2)).user
    old_member(place.community)
    MembershipFactory(community=place.community, role=Role.FACILITATOR)  # a new co-facilitator
    assert [m.user for m in nudges(place).new_members] == [newcomer]
    Welcome.objects.create(community=place.community, user=newcomer)
    assert nudges(place).new_members == [] and not nudges(place).has_something


def test_members_who_joined_over_a_week_ago_are_not_new(place):
    MembershipFactory(community=place.community, joined_at=ago(days=8))
    assert nudges(place).new_members_total == 0


def test_open_reports_are_a_nudge_and_resolved_ones_are_not(place):
    thread = make_thread(place.community, author=old_member(place.community))
    post = thread.posts.get()
    Flag.objects.create(post=post, reporter=old_member(place.community), reason="spam")
    Flag.objects.create(post=post, reporter=old_member(place.community), reason="rude")
    assert nudges(place).reported_total == 1  # one post to review
    Flag.objects.update(resolution=Flag.Resolution.KEPT)
    assert nudges(place).reported_total == 0


def test_a_community_without_a_post_for_14_days_is_quiet_with_a_suggested_action(place):
    place.community.created_at = ago(days=60)
    place.community.save()
    age_thread(make_thread(place.community, author=old_member(place.community)), days=15)
    found = nudges(place)
    assert found.quiet_since is not None and found.quiet_days == 15
    assert found.start_thread_url == reverse("forums:thread-start", args=[place.community.slug])


def test_a_community_with_a_recent_post_a_scheduled_thread_or_a_young_age_is_not_quiet(place):
    place.community.created_at = ago(days=60)
    place.community.save()
    author = old_member(place.community)
    thread = age_thread(make_thread(place.community, author=author), days=13)
    assert nudges(place).quiet_since is None
    age_thread(thread, days=20)
    forum_threads.thread_create(
        actor=place.facilitator,
        community=place.community,
        category=thread.category,
        title="Coming soon",
        body="What are you working on?",
        publish_at=timezone.now() + timedelta(days=1),
    )
    assert nudges(place).quiet_since is None  # a facilitator has already acted
    young = CommunityFactory()  # a week old, nobody has posted yet
    MembershipFactory(community=young, user=place.facilitator, role=Role.FACILITATOR)
    young.created_at = ago(days=7)
    young.save()
    forget_access(place.facilitator)  # memberships are cached per request
    items = {n.community: n for n in nudges_for(place.facilitator)}
    assert items[young].quiet_since is None


def test_nudges_cover_only_communities_the_person_facilitates(place):
    elsewhere = CommunityFactory()
    age_thread(make_thread(elsewhere, author=old_member(elsewhere)), hours=49)
    assert [n.community for n in nudges_for(place.facilitator)] == [place.community]
    member = old_member(place.community)
    assert nudges_for(member) == []


# --- The facilitation page --------------------------------------------------------------------


def test_the_facilitation_page_lists_every_kind_of_nudge(client, place):
    place.community.created_at = ago(days=60)
    place.community.save()
    author = old_member(place.community)
    thread = age_thread(make_thread(place.community, author=author, title="Who uses X?"), days=20)
    MembershipRequestFactory(community=place.community)
    newcomer = MembershipFactory(community=place.community).user
    Flag.objects.create(post=thread.posts.get(), reporter=author, reason="spam")
    client.force_login(place.facilitator)
    response = client.get(reverse("facilitation:facilitate"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    for text in (
        "Who uses X?",
        "Requests to join (1)",
        "New members to welcome (1)",
        escape(newcomer.public_name),
        "Reported posts (1)",
        "It has been quiet",
        reverse("forums:thread-start", args=[place.community.slug]),
        reverse("facilitation:broadcast-create", args=[place.community.slug]),
    ):
        assert text in page


def test_the_facilitation_page_says_when_nothing_is_waiting(client, place):
    client.force_login(place.facilitator)
    response = client.get(reverse("facilitation:facilitate"))
    assert "Nothing is waiting for you" in response.content.decode()


def _busy_communities(facilitator, count: int, items: int) -> None:
    for _ in range(count):
        community = CommunityFactory(created_at=ago(days=60))
        MembershipFactory(community=community, user=facilitator, role=Role.FACILITATOR)
        for n in range(items):
            author = MembershipFactory(community=community).user  # also a new member
            thread = age_thread(make_thread(community, author=author, title=f"Q{n}"), days=20)
            MembershipRequestFactory(community=community)
            Flag.objects.create(post=thread.posts.get(), reporter=author, reason="spam")


def test_the_facilitation_page_query_count_does_not_grow_with_communities_or_items(client):
    facilitator = UserFactory()
    client.force_login(facilitator)
    url = reverse("facilitation:facilitate")
    counts, total = [], 0
    for communities, items in ((1, 1), (4, 3)):
        _busy_communities(facilitator, communities, items)
        total += communities
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert page.count("Reported posts (") == page.count("It has been quiet") == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 15


# --- One-click welcome --------------------------------------------------------------------------


def _welcome(client, community, user_ids, key="welcome-key-1"):
    return client.post(
        reverse("facilitation:members-welcome", args=[community.slug]),
        {"members": [str(uid) for uid in user_ids], "submission_key": key},
    )


def test_welcome_posts_once_on_a_double_submit_and_notifies_the_welcomed(
    client, place, django_capture_on_commit_callbacks
):
    newcomers = [MembershipFactory(community=place.community).user for _ in range(2)]
    client.force_login(place.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        first = _welcome(client, place.community, [u.pk for u in newcomers])
        second = _welcome(client, place.community, [u.pk for u in newcomers])
    assert first.status_code == second.status_code == 302
    thread = Thread.objects.get(community=place.community)
    assert thread.as_team and thread.is_pinned and thread.title.startswith("Welcome")
    assert thread.posts.count() == 1
    assert set(Welcome.objects.values_list("user_id", flat=True)) == {u.pk for u in newcomers}
    for person in newcomers:
        assert Notification.objects.filter(recipient=person, kind=MENTION).exists()
    assert nudges(place).new_members == []


def test_welcome_replies_in_the_pinned_welcome_thread_when_there_is_one(client, place):
    welcome_thread = forum_threads.thread_create(
        actor=place.facilitator,
        community=place.community,
        category=place.community.categories.first(),
        title="Welcome! Introduce yourself",
        body="Say hello.",
        as_team=True,
    )
    forum_threads.thread_set_state(actor=place.facilitator, thread=welcome_thread, is_pinned=True)
    newcomer = MembershipFactory(community=place.community).user
    client.force_login(place.facilitator)
    assert _welcome(client, place.community, [newcomer.pk]).status_code == 302
    assert Thread.objects.filter(community=place.community).count() == 1
    reply = welcome_thread.posts.order_by("-created_at", "-pk").first()
    assert f"/people/{newcomer.pk}/" in reply.body


def test_a_crafted_welcome_for_people_outside_the_community_changes_nothing(client, place):
    MembershipFactory(community=place.community)  # someone to show the form for
    stranger = UserFactory()
    elsewhere = MembershipFactory().user
    client.force_login(place.facilitator)
    response = _welcome(client, place.community, [stranger.pk, elsewhere.pk, place.facilitator.pk])
    assert response.status_code == 400
    assert "not been welcomed yet" in response.content.decode()
    assert not Post.objects.exists() and not Welcome.objects.exists()


def test_a_member_already_welcomed_by_another_facilitator_is_not_welcomed_again(client, place):
    newcomer = MembershipFactory(community=place.community).user
    colleague = MembershipFactory(community=place.community, role=Role.FACILITATOR).user
    client.force_login(colleague)
    _welcome(client, place.community, [newcomer.pk], key="colleague-key")
    client.force_login(place.facilitator)
    response = _welcome(client, place.community, [newcomer.pk], key="my-key")
    assert response.status_code == 302  # nobody left to welcome: back to the page, with a note
    assert Post.objects.count() == 1 and Welcome.objects.count() == 1


def test_welcoming_nobody_shows_the_error_on_the_page(client, place):
    MembershipFactory(community=place.community)
    client.force_login(place.facilitator)
    response = _welcome(client, place.community, [])
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "Choose the new members to welcome." in page


# --- The daily nudge e-mail ---------------------------------------------------------------------


def _at_local_hour(hour: int, zone=LONDON):
    """A moment today (local date) at `hour` in `zone`; items are days old, so a shift of a
    few hours either way does not change what is due."""
    return timezone.now().astimezone(zone).replace(hour=hour, minute=5)


def _something_waiting(place) -> None:
    age_thread(make_thread(place.community, author=old_member(place.community)), days=5)


def _run(now, capture):
    with capture(execute=True):
        return send_facilitator_nudges(now)


def test_the_nudge_email_is_sent_only_when_there_is_something(
    place, django_capture_on_commit_callbacks
):
    assert _run(_at_local_hour(7), django_capture_on_commit_callbacks) == 0
    assert not mail.outbox and not OutboundEmail.objects.exists()
    _something_waiting(place)
    assert _run(_at_local_hour(7), django_capture_on_commit_callbacks) == 1
    (message,) = mail.outbox
    assert message.to == [place.facilitator.email]
    assert place.community.name in message.subject


def test_the_nudge_is_sent_at_most_once_a_day_even_if_the_task_runs_twice(
    place, django_capture_on_commit_callbacks
):
    _something_waiting(place)
    now = _at_local_hour(7)
    assert _run(now, django_capture_on_commit_callbacks) == 1
    assert _run(now + timedelta(minutes=20), django_capture_on_commit_callbacks) == 0
    assert _run(now.isoformat(), django_capture_on_commit_callbacks) == 0  # as beat passes it
    day = now.date().isoformat()
    assert OutboundEmail.objects.get().key == f"nudge-{place.facilitator.pk}-{day}"
    assert len(mail.outbox) == 1


def test_the_nudge_waits_for_the_persons_own_hour_and_time_zone(
    place, django_capture_on_commit_callbacks
):
    _something_waiting(place)
    EmailSettings.objects.create(user=place.facilitator, time_zone="Asia/Tokyo", digest_hour=9)
    tokyo = ZoneInfo("Asia/Tokyo")
    assert _run(_at_local_hour(9), django_capture_on_commit_callbacks) == 0  # 9 in London
    assert _run(_at_local_hour(8, tokyo), django_capture_on_commit_callbacks) == 0
    assert _run(_at_local_hour(9, tokyo), django_capture_on_commit_callbacks) == 1


def test_a_missed_nudge_hour_is_caught_up_for_two_hours_then_left_to_the_next_day(
    place, django_capture_on_commit_callbacks
):
    _something_waiting(place)
    assert _run(_at_local_hour(10), django_capture_on_commit_callbacks) == 0  # three hours late
    assert _run(_at_local_hour(9), django_capture_on_commit_callbacks) == 1  # two: caught up
    assert _run(_at_local_hour(8), django_capture_on_commit_callbacks) == 0  # once a day


def test_the_nudge_respects_off_and_weekly(place, django_capture_on_commit_callbacks):
    _something_waiting(place)
    now = _at_local_hour(7)
    settings = EmailSettings.objects.create(user=place.facilitator, facilitation=Delivery.OFF)
    assert _run(now, django_capture_on_commit_callbacks) == 0
    settings.facilitation = Delivery.WEEKLY
    settings.weekly_digest_day = (now.weekday() + 1) % 7
    settings.save()
    assert _run(now, django_capture_on_commit_callbacks) == 0
    settings.weekly_digest_day = now.weekday()
    settings.save()
    assert _run(now, django_capture_on_commit_callbacks) == 1


def test_site_staff_see_every_community_on_the_page_but_get_no_email_without_a_role(
    client, place, django_capture_on_commit_callbacks
):
    _something_waiting(place)
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(reverse("facilitation:facilitate")).content.decode()
    assert place.community.name in page and "Threads without a reply (1)" in page
    assert _run(_at_local_hour(7), django_capture_on_commit_callbacks) == 1
    assert [message.to for message in mail.outbox] == [[place.facilitator.email]]


def test_a_nudge_is_rebuilt_at_send_time_and_skipped_if_the_role_was_lost(
    place, django_capture_on_commit_callbacks
):
    _something_waiting(place)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert send_facilitator_nudges(_at_local_hour(7)) == 1
    Membership.objects.filter(user=place.facilitator).update(role=Role.MEMBER)
    for callback in callbacks:
        callback()
    assert not mail.outbox
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SKIPPED


def test_the_nudge_email_has_one_click_unsubscribe_and_text_and_html_parts(
    place, django_capture_on_commit_callbacks
):
    _something_waiting(place)
    _run(_at_local_hour(7), django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    _assert_unsubscribable(message)
    assert "facilitation page" in message.body
    unsubscribe_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    token = unsubscribe_url.rstrip("/").rsplit("/", 1)[1]
    _, scope = unsubscribe.read_token(token)
    assert scope.value == "pref:facilitation"


def _assert_unsubscribable(message) -> None:
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html" and "<html" in html
    assert "<p" not in message.body and message.body.strip()
    assert "/email/settings/" in message.body and "/email/settings/" in html


# --- Broadcasts ---------------------------------------------------------------------------------


def _announce(client, community, *, action="send", key="announce-1", **data):
    values = {"subject": "Meet-up in May", "body": "Join us on **Friday**.", "submission_key": key}
    values.update(data)
    return client.post(
        reverse("facilitation:broadcast-create", args=[community.slug]),
        {"action": action, **values},
    )


@pytest.fixture
def audience(place):
    """Members of every kind: who should get a broadcast and who should not."""
    community = place.community
    people = SimpleNamespace(
        reader=MembershipFactory(community=community).user,
        second=MembershipFactory(community=community).user,
        muted=MembershipFactory(community=community).user,
        silent=MembershipFactory(community=community).user,
        unverified=MembershipFactory(community=community, user__verified=False).user,
        outsider=UserFactory(),
    )
    CommunityEmailSetting.objects.create(
        user=people.muted, community=community, delivery=Delivery.OFF
    )
    unsubscribe.scope_apply(people.silent, unsubscribe.Scope("all"))  # every e-mail off
    return people


def test_the_check_page_says_how_many_members_will_get_it(client, place, audience):
    client.force_login(place.facilitator)
    response = _announce(client, place.community, action="check")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Send to 3 members" in page  # reader, second and the facilitator
    assert "<strong>Friday</strong>" in page
    assert not Broadcast.objects.exists() and not OutboundEmail.objects.exists()


def test_a_broadcast_reaches_every_member_except_those_who_turned_it_off(
    client, place, audience, django_capture_on_commit_callbacks
):
    client.force_login(place.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _announce(client, place.community)
    broadcast = Broadcast.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "facilitation:broadcast-detail", args=[place.community.slug, broadcast.pk]
    )
    got = {address for message in mail.outbox for address in message.to}
    assert got == {audience.reader.email, audience.second.email, place.facilitator.email}
    assert broadcast.recipient_count == 3
    rows = OutboundEmail.objects.filter(group_key=f"broadcast-{broadcast.pk}")
    assert {row.key for row in rows} == {
        f"broadcast-{broadcast.pk}-{uid}"
        for uid in (audience.reader.pk, audience.second.pk, place.facilitator.pk)
    }
    message = next(m for m in mail.outbox if m.to == [audience.reader.email])
    assert message.subject == f"[{place.community.name}] Meet-up in May"
    _assert_unsubscribable(message)
    assert "**Friday**" in message.body and "<strong>Friday</strong>" in message.alternatives[0][0]


def test_queueing_a_broadcast_costs_the_same_queries_for_five_or_fifty_members(
    client, place, django_capture_on_commit_callbacks
):
    client.force_login(place.facilitator)
    counts = []
    for size, key in ((5, "small"), (50, "large")):
        community = MembershipFactory(user=place.facilitator, role=Role.FACILITATOR).community
        for _ in range(size):
            MembershipFactory(community=community)
        with CaptureQueriesContext(connection) as queries:
            assert _announce(client, community, key=key).status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_capture_on_commit_callbacks(execute=True):
        facilitation.broadcast_create(
            actor=place.facilitator, community=community, subject="Again", body="Hello"
        )
    assert len(mail.outbox) == 51  # the group's one task sent every e-mail


def test_broadcast_emails_link_to_the_site_and_leave_out_pictures(
    client, place, audience, django_capture_on_commit_callbacks, settings
):
    body = (
        f"Hello @[Ann](/people/{audience.reader.pk}/), see [the forum](/c/x/forum/).\n\n"
        "![A chart](/forums/images/1/image.png)\n\n<script>alert(1)</script>"
    )
    client.force_login(place.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        _announce(client, place.community, body=body)
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert f'href="{settings.SITE_URL}/people/{audience.reader.pk}/"' in html
    assert f'href="{settings.SITE_URL}/c/x/forum/"' in html
    assert "<img" not in html and "[picture: A chart]" in html
    assert "<script" not in html
    assert "Hello @Ann" in message.body and "[picture: A chart]" in message.body
    assert f"({settings.SITE_URL}/c/x/forum/)" in message.body


def test_a_broadcast_respects_off_but_not_digest_timing(
    client, place, audience, django_capture_on_commit_callbacks
):
    CommunityEmailSetting.objects.create(
        user=audience.reader, community=place.community, delivery=Delivery.WEEKLY
    )
    client.force_login(place.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        _announce(client, place.community)
    assert any(message.to == [audience.reader.email] for message in mail.outbox)


def test_broadcast_counts_show_sent_and_failed(
    client, place, audience, monkeypatch, django_capture_on_commit_callbacks
):
    bouncing = MembershipFactory(community=place.community, user__email="bounce@example.gov.uk")
    original = EmailMultiAlternatives.send

    def send(self, fail_silently=False):
        if self.to == ["bounce@example.gov.uk"]:
            raise OSError("550 no such mailbox")
        return original(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    client.force_login(place.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        _announce(client, place.community)
    broadcast = Broadcast.objects.get()
    counts = facilitation.delivery_counts([broadcast])[broadcast.pk]
    assert (counts.sent, counts.failed, counts.waiting) == (3, 0, 1)  # it will be tried again
    failing = OutboundEmail.objects.get(recipient=bouncing.user)
    for _ in range(services.MAX_ATTEMPTS - 1):
        services.email_deliver(failing.pk)
    counts = facilitation.delivery_counts([broadcast])[broadcast.pk]
    assert (counts.sent, counts.failed, counts.skipped, counts.waiting) == (3, 1, 0, 0)
    page = client.get(
        reverse("facilitation:broadcast-detail", args=[place.community.slug, broadcast.pk])
    )
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.content.decode())
    value = '</dt> <dd class="govuk-summary-list__value">'
    assert f"Sent{value}3" in text and f"Failed{value}1" in text and f"Not sent{value}0" in text


def test_a_member_removed_before_sending_gets_nothing_and_is_counted(
    client, place, audience, django_capture_on_commit_callbacks
):
    client.force_login(place.facilitator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _announce(client, place.community)
    Membership.objects.filter(user=audience.reader).delete()
    for callback in callbacks:
        callback()
    assert audience.reader.email not in {a for m in mail.outbox for a in m.to}
    broadcast = Broadcast.objects.get()
    counts = facilitation.delivery_counts([broadcast])[broadcast.pk]
    assert (counts.sent, counts.skipped) == (2, 1)
    assert OutboundEmail.objects.get(recipient=audience.reader).status == "skipped"


def test_a_double_submitted_broadcast_is_sent_once(
    client, place, audience, django_capture_on_commit_callbacks
):
    client.force_login(place.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        _announce(client, place.community, key="same")
        _announce(client, place.community, key="same")
    assert Broadcast.objects.count() == 1 and len(mail.outbox) == 3


def test_broadcasts_are_rate_limited_per_community_and_keep_what_was_written(
    client, place, audience
):
    client.force_login(place.facilitator)
    for n in range(3):
        assert _announce(client, place.community, key=f"k{n}").status_code == 302
    response = _announce(client, place.community, key="k4", subject="One more thing")
    assert response.status_code == 400
    page = response.content.decode()
    assert "sent 3 announcements today" in page and 'value="One more thing"' in page
    assert Broadcast.objects.count() == 3
    other = CommunityFactory()
    MembershipFactory(community=other, user=place.facilitator, role=Role.FACILITATOR)
    assert _announce(client, other, key="elsewhere").status_code == 302


def test_the_announce_page_shows_a_preview_and_earlier_announcements(client, place, audience):
    client.force_login(place.facilitator)
    _announce(client, place.community)
    url = reverse("facilitation:broadcast-create", args=[place.community.slug])
    page = client.get(url).content.decode()
    assert page.count("<h1") == 1 and "Meet-up in May" in page and "3 members can get it" in page
    preview = _announce(client, place.community, action="preview", body="<script>x</script>*hi*")
    text = preview.content.decode()
    assert "<em>hi</em>" in text and "<script>x" not in text


# --- Who may do what ----------------------------------------------------------------------------

INSIDERS = {"member", "facilitator", "owner", "staff"}
MODERATORS = {"facilitator", "owner", "staff"}
ROLES = (
    "anonymous", "outsider", "pending", "member", "facilitator", "owner", "other_facilitator",
    "staff",
)  # fmt: skip


def facilitators_anywhere(visibility, role) -> int:
    if role == "anonymous":
        return 302
    return 200 if role in MODERATORS | {"other_facilitator"} else 403


def community_facilitators(ok: int):
    def expect(visibility, role) -> int:
        if role == "anonymous":
            return 302
        if visibility == PRIVATE and role not in INSIDERS:
            return 404
        return ok if role in MODERATORS else 403

    return expect


ROWS = [
    ("facilitate", lambda c: reverse("facilitation:facilitate"), "get", facilitators_anywhere),
    (
        "broadcast-create",
        lambda c: reverse("facilitation:broadcast-create", args=[c.community.slug]),
        "get",
        community_facilitators(200),
    ),
    (
        "broadcast-create-post",
        lambda c: reverse("facilitation:broadcast-create", args=[c.community.slug]),
        "post",
        community_facilitators(400),  # an empty form
    ),
    (
        "broadcast-detail",
        lambda c: reverse("facilitation:broadcast-detail", args=[c.community.slug, c.broadcast.pk]),
        "get",
        community_facilitators(200),
    ),
    (
        "members-welcome",
        lambda c: reverse("facilitation:members-welcome", args=[c.community.slug]),
        "post",
        community_facilitators(400),  # nobody chosen
    ),
]


@pytest.mark.parametrize("visibility", [OPEN, RESTRICTED, PRIVATE])
def test_every_facilitation_url_answers_each_role_as_expected(client, visibility):
    cast = make_cast(visibility)
    cast.other_facilitator = MembershipFactory(role=Role.FACILITATOR).user
    cast.broadcast = Broadcast.objects.create(
        community=cast.community, author=cast.facilitator, subject="Hello", body="Hi"
    )
    for name, url, method, expect in ROWS:
        got, expected = {}, {}
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(getattr(cast, role))
            got[role] = getattr(client, method)(url(cast)).status_code
            expected[role] = expect(visibility, role)
        assert got == expected, name


def test_crafted_posts_by_non_facilitators_change_nothing(client, place, audience):
    other_facilitator = MembershipFactory(role=Role.FACILITATOR).user
    for person in (audience.reader, audience.outsider, other_facilitator):
        client.force_login(person)
        assert _announce(client, place.community).status_code == 403
        assert _welcome(client, place.community, [audience.second.pk]).status_code == 403
    assert not Broadcast.objects.exists() and not OutboundEmail.objects.exists()
    assert not Post.objects.exists() and not Welcome.objects.exists()


def test_a_broadcast_of_another_community_is_404_on_this_ones_url(client, place, audience):
    other = CommunityFactory()
    MembershipFactory(community=other, user=place.facilitator, role=Role.FACILITATOR)
    client.force_login(place.facilitator)
    _announce(client, other)
    broadcast = Broadcast.objects.get()
    url = reverse("facilitation:broadcast-detail", args=[place.community.slug, broadcast.pk])
    assert client.get(url).status_code == 404


def test_the_facilitation_page_shows_only_the_persons_own_communities(client, place):
    other = MembershipFactory(role=Role.FACILITATOR)
    MembershipFactory(community=other.community)  # a new member there
    client.force_login(place.facilitator)
    page = client.get(reverse("facilitation:facilitate")).content.decode()
    assert other.community.name not in page
