import time

import pytest

from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Membership
from communities.notification_kinds import JOIN_REQUEST, REQUEST_DECIDED
from communities.services import membership_request_approve, membership_request_create
from forums.models import Watch
from forums.notification_kinds import ANSWER, FLAG, MENTION, QUOTE, REACTION, WATCHED
from forums.services import posts as forum_posts
from notifications import events, unsubscribe
from notifications.maintenance import notifications_prune
from notifications.models import (
    CommunityEmailSetting,
    Delivery,
    DomainEvent,
    EmailSettings,
    Notification,
    OutboundEmail,
)
from notifications.notification_kinds import REPLY
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    UserFactory,
    make_thread,
)

pytestmark = pytest.mark.django_db


def reply(thread, body="A reply", author=None):
    author = author or MembershipFactory(community=thread.community).user
    return forum_posts.post_reply(actor=author, thread=thread, body=body)


def test_a_reply_tells_the_thread_author_and_emails_them_straight_away(run_after_commit):
    thread = make_thread(title="Damp in flats")
    post = run_after_commit(lambda: reply(thread, "Try ventilation first."))
    notification = Notification.objects.get(recipient=thread.author)
    assert notification.kind == REPLY and notification.target_id == post.pk
    message = next(m for m in mail.outbox if m.to == [thread.author.email])
    assert "replied to “Damp in flats”" in message.subject
    assert "Try ventilation first." in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "/email/settings/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_a_mention_wins_over_being_the_thread_author(run_after_commit):
    thread = make_thread()
    author = thread.author
    body = f"What do you think @[{author.display_name}](/people/{author.pk}/)?"
    run_after_commit(lambda: reply(thread, body))
    assert list(Notification.objects.filter(recipient=author).values_list("kind", flat=True)) == [
        MENTION
    ]


def test_quoting_a_post_tells_its_author(run_after_commit):
    thread = make_thread(replies=1)
    quoted = thread.posts.order_by("created_at", "pk").last()
    from forums.views.writing import quote_markdown

    quoted.thread = thread
    run_after_commit(lambda: reply(thread, quote_markdown(quoted) + "Agreed."))
    assert Notification.objects.filter(recipient=quoted.author, kind=QUOTE).exists()


def test_watchers_hear_about_new_posts_and_category_watchers_about_new_threads(run_after_commit):
    thread = make_thread()
    watcher = MembershipFactory(community=thread.community).user
    Watch.objects.create(user=watcher, thread=thread)
    run_after_commit(lambda: reply(thread))
    assert Notification.objects.filter(recipient=watcher, kind=WATCHED).exists()
    category_watcher = MembershipFactory(community=thread.community).user
    Watch.objects.create(user=category_watcher, category=thread.category)
    new = run_after_commit(
        lambda: make_thread(community=thread.community, category=thread.category, title="New")
    )
    assert Notification.objects.get(recipient=category_watcher).title == new.title


def test_reactions_are_folded_into_one_notification(run_after_commit):
    thread = make_thread()
    post = thread.posts.get()
    post.thread.community = thread.community
    for _ in range(3):
        reactor = MembershipFactory(community=thread.community).user
        run_after_commit(
            lambda r=reactor: forum_posts.reaction_toggle(actor=r, post=post, kind="helpful")
        )
    notification = Notification.objects.get(recipient=thread.author, kind=REACTION)
    assert notification.actor_count == 3


def test_an_accepted_answer_tells_the_replier(run_after_commit):
    thread = make_thread(replies=1)
    answer = thread.posts.order_by("created_at", "pk").last()
    run_after_commit(
        lambda: forum_posts.answer_mark(actor=thread.author, thread=thread, post=answer)
    )
    assert Notification.objects.filter(recipient=answer.author, kind=ANSWER).exists()


def test_processing_an_event_twice_notifies_once(run_after_commit):
    thread = make_thread()
    post = run_after_commit(lambda: reply(thread))
    event = DomainEvent.objects.get(key=f"forum-post-{post.pk}")
    assert events.event_process(event.pk) is False
    assert Notification.objects.filter(recipient=thread.author).count() == 1


def test_nothing_is_emailed_about_a_private_community_after_the_reader_leaves(run_after_commit):
    community = CommunityFactory(visibility="private")
    thread = make_thread(community=community)
    reply(thread)  # queued but not yet processed or sent
    Membership.objects.filter(user=thread.author, community=community).delete()
    from notifications.tasks import process_pending_events

    DomainEvent.objects.update(created_at="2000-01-01T00:00:00Z")
    process_pending_events()
    assert not Notification.objects.filter(recipient=thread.author).exists()
    assert not mail.outbox


def test_a_notification_emailed_later_is_skipped_when_access_was_lost(run_after_commit):
    community = CommunityFactory(visibility="private")
    thread = make_thread(community=community)
    # Process the event but not the e-mail: capture without running the deliveries.
    post = reply(thread)
    events.event_process(DomainEvent.objects.get(key=f"forum-post-{post.pk}").pk)
    email = OutboundEmail.objects.get(kind="notification")
    Membership.objects.filter(user=thread.author, community=community).delete()
    from notifications.services import email_deliver

    assert email_deliver(email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SKIPPED and not mail.outbox


def test_the_list_hides_what_the_reader_can_no_longer_see(client, run_after_commit):
    community = CommunityFactory(visibility="private")
    thread = make_thread(community=community, title="Secret plans")
    run_after_commit(lambda: reply(thread))
    client.force_login(thread.author)
    assert "Secret plans" in client.get(reverse("notifications:list")).content.decode()
    Membership.objects.filter(user=thread.author, community=community).delete()
    assert "Secret plans" not in client.get(reverse("notifications:list")).content.decode()


def test_the_header_counts_unread_and_seeing_the_list_marks_them_read(client, run_after_commit):
    thread = make_thread()
    run_after_commit(lambda: reply(thread))
    client.force_login(thread.author)
    html = client.get(reverse("communities:directory")).content.decode()
    assert '<span class="copsite-count">1<span class="govuk-visually-hidden"> unread' in html
    client.get(reverse("notifications:list"))
    assert not Notification.objects.filter(recipient=thread.author, read_at__isnull=True).exists()


def test_mark_all_read_and_opening_one(client, run_after_commit):
    thread = make_thread()
    post = run_after_commit(lambda: reply(thread))
    notification = Notification.objects.get(recipient=thread.author)
    client.force_login(thread.author)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None
    run_after_commit(lambda: reply(thread))
    client.post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(recipient=thread.author, read_at__isnull=True).exists()


def test_nobody_opens_someone_elses_notification(client, run_after_commit):
    thread = make_thread()
    run_after_commit(lambda: reply(thread))
    client.force_login(UserFactory())
    notification = Notification.objects.get(recipient=thread.author)
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404


@pytest.mark.parametrize("rows", [2, 25])
def test_the_notifications_page_query_count_does_not_grow(
    client, django_assert_max_num_queries, run_after_commit, rows
):
    thread = make_thread()
    for n in range(rows):
        run_after_commit(lambda n=n: reply(thread, f"Reply {n}"))
        Notification.objects.filter(recipient=thread.author).update(read_at="2026-01-01T00:00Z")
    client.force_login(thread.author)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notifications:list")).status_code == 200


def test_facilitators_hear_about_join_requests_and_the_requester_about_the_decision(
    run_after_commit,
):
    community = CommunityFactory(visibility="restricted")
    owner = MembershipFactory(community=community, role="owner").user
    person = UserFactory()
    request = run_after_commit(
        lambda: membership_request_create(
            actor=person, community=community, message="Hi", accepted_guidelines=True
        )
    )
    assert Notification.objects.get(recipient=owner).kind == JOIN_REQUEST
    run_after_commit(lambda: membership_request_approve(actor=owner, request_id=request.pk))
    assert Notification.objects.get(recipient=person).kind == REQUEST_DECIDED


def test_facilitators_hear_about_reports(run_after_commit):
    thread = make_thread()
    facilitator = MembershipFactory(community=thread.community, role="facilitator").user
    post = thread.posts.get()
    post.thread.community = thread.community
    reporter = MembershipFactory(community=thread.community).user
    run_after_commit(lambda: forum_posts.flag_create(actor=reporter, post=post, reason="spam"))
    notification = Notification.objects.get(recipient=facilitator)
    assert notification.kind == FLAG and "/reports/" in notification.url


def test_e_mail_settings_decide_what_is_sent_straight_away(run_after_commit):
    thread = make_thread()
    EmailSettings.objects.create(user=thread.author, replies=Delivery.DAILY)
    run_after_commit(lambda: reply(thread))
    assert Notification.objects.filter(recipient=thread.author).exists()
    assert not [m for m in mail.outbox if m.to == [thread.author.email]]


def test_turning_a_community_off_silences_its_e_mails(run_after_commit):
    thread = make_thread()
    CommunityEmailSetting.objects.create(
        user=thread.author, community=thread.community, delivery=Delivery.OFF
    )
    run_after_commit(lambda: reply(thread))
    assert not [m for m in mail.outbox if m.to == [thread.author.email]]


def test_old_read_notifications_are_pruned():
    from datetime import timedelta

    from django.utils import timezone

    person = UserFactory()
    old = timezone.now() - timedelta(days=90)
    Notification.objects.create(
        recipient=person, kind=REPLY, target_type="forum.post", target_id=1, title="t",
        url="/", read_at=old, updated_at=old,
    )  # fmt: skip
    Notification.objects.create(
        recipient=person, kind=REPLY, target_type="forum.post", target_id=2, title="t",
        url="/",
    )  # fmt: skip
    assert notifications_prune() == 1
    assert Notification.objects.count() == 1


# --- Signed e-mail links ------------------------------------------------------------------------


def test_one_click_unsubscribe_turns_that_kind_of_e_mail_off(client):
    person = UserFactory()
    token = unsubscribe.make_token(person.pk, "pref:replies")
    response = client.post(
        reverse("notifications:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert EmailSettings.objects.get(user=person).replies == Delivery.OFF


def test_unsubscribing_from_everything_covers_communities_joined_afterwards(client):
    person = UserFactory()
    MembershipFactory(user=person)
    token = unsubscribe.make_token(person.pk, "all")
    client.post(
        reverse("notifications:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    joined_later = MembershipFactory(user=person).community
    setting = CommunityEmailSetting.objects.get(user=person, community=joined_later)
    assert setting.delivery == Delivery.OFF
    assert EmailSettings.objects.get(user=person).new_communities == Delivery.OFF


def test_people_choose_how_they_hear_from_communities_they_join_later(client):
    person = UserFactory()
    client.force_login(person)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "Activity in communities you join from now on" in page
    EmailSettings.objects.update_or_create(user=person, defaults={"new_communities": "weekly"})
    community = MembershipFactory(user=person).community
    assert CommunityEmailSetting.objects.get(user=person, community=community).delivery == (
        Delivery.WEEKLY
    )
    untouched = UserFactory()
    MembershipFactory(user=untouched)  # the default (daily) needs no row
    assert not CommunityEmailSetting.objects.filter(user=untouched).exists()


def test_the_unsubscribe_page_offers_less_often_before_never(client):
    person = UserFactory()
    community = MembershipFactory(user=person).community
    token = unsubscribe.make_token(person.pk, f"community:{community.pk}")
    html = client.get(reverse("notifications:unsubscribe", args=[token])).content.decode()
    assert html.index("Less often") < html.index("Never")
    response = client.post(
        reverse("notifications:unsubscribe", args=[token]), {"delivery": "weekly"}
    )
    assert response.status_code == 200
    assert CommunityEmailSetting.objects.get(user=person).delivery == Delivery.WEEKLY


def test_a_tampered_link_is_refused_and_changes_nothing(client):
    person, other = UserFactory(), UserFactory()
    token = unsubscribe.make_token(person.pk, "all")
    forged = signing.dumps([other.pk, "all"], salt="wrong-salt", compress=True)
    for bad in (token[:-3] + "abc", forged, "nonsense"):
        response = client.post(
            reverse("notifications:unsubscribe", args=[bad]), {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert not EmailSettings.objects.exists()


def test_an_unsubscribe_link_for_a_community_deleted_since_gets_a_clear_page(client):
    person = UserFactory()
    community = MembershipFactory(user=person).community
    token = unsubscribe.make_token(person.pk, f"community:{community.pk}")
    community.delete()
    url = reverse("notifications:unsubscribe", args=[token])
    for data in ({"List-Unsubscribe": "One-Click"}, {"delivery": "off"}):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "That community no longer exists." in response.content.decode()


def test_an_expired_link_is_refused(client, monkeypatch):
    person = UserFactory()
    past = time.time() - (unsubscribe.LINK_DAYS + 1) * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: past)
    token = unsubscribe.make_token(person.pk, "all")
    monkeypatch.undo()
    response = client.post(
        reverse("notifications:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not EmailSettings.objects.exists()


def test_the_manage_link_works_without_signing_in_for_that_person_only(client):
    person = UserFactory(display_name="Link Owner")
    MembershipFactory(user=person)
    token = unsubscribe.make_token(person.pk, "manage")
    url = reverse("notifications:email-link-settings", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "Link Owner" in page.content.decode()
    data = {
        "mentions": "daily", "replies": "weekly", "watching": "off", "my_posts_activity": "off",
        "new_communities": "weekly", "digest_hour": "8", "weekly_digest_day": "4",
        "time_zone": "Europe/London",
    }  # fmt: skip
    membership = Membership.objects.get(user=person)
    data[f"community_{membership.community_id}"] = "weekly"
    assert client.post(url, data).status_code == 302
    saved = EmailSettings.objects.get(user=person)
    assert (saved.mentions, saved.digest_hour) == ("daily", 8)
    # An unsubscribe token cannot be used as a manage token.
    other = unsubscribe.make_token(person.pk, "all")
    assert client.get(reverse("notifications:email-link-settings", args=[other])).status_code == 400


def test_the_settings_page_costs_the_same_queries_for_three_or_nine_communities(client):
    def queries_for(count: int) -> tuple[int, int]:
        person = UserFactory()
        communities = [MembershipFactory(user=person).community for _ in range(count)]
        client.force_login(person)
        url = reverse("notifications:settings")
        with CaptureQueriesContext(connection) as shown:
            assert client.get(url).status_code == 200
        data = {
            "mentions": "daily", "replies": "weekly", "watching": "off",
            "my_posts_activity": "off", "new_communities": "daily", "digest_hour": "8",
            "weekly_digest_day": "4", "time_zone": "Europe/London",
        }  # fmt: skip
        data.update({f"community_{c.pk}": "weekly" for c in communities})
        with CaptureQueriesContext(connection) as saved:
            assert client.post(url, data).status_code == 302
        assert set(
            CommunityEmailSetting.objects.filter(user=person).values_list("delivery", flat=True)
        ) == {"weekly"}
        return len(shown), len(saved)

    assert queries_for(3) == queries_for(9)


@pytest.mark.parametrize("visibility", ["open", "restricted", "private"])
def test_who_hears_about_a_community_is_who_can_read_it(visibility):
    from communities import permissions as community_permissions

    community = CommunityFactory(visibility=visibility)
    people = [
        MembershipFactory(community=community).user,
        UserFactory(),
        UserFactory(is_staff=True),
        UserFactory(is_superuser=True),  # not staff: still reads everything
        MembershipFactory(community=community, user__is_active=False).user,
    ]
    expected = {
        p.pk for p in people if p.is_active and community_permissions.can_read(p, community)
    }
    got = community_permissions.user_ids_who_can_read([p.pk for p in people], community)
    assert got == expected
