"""Digest e-mails: content, look, headers, once-only sending, due times and access."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from django.conf import settings
from django.core import mail
from django.utils import timezone

from communities.models import Membership, Visibility
from communities.notification_kinds import JOIN_REQUEST
from forums.models import Watch
from forums.services import posts as forum_posts
from notifications import digests
from notifications.models import (
    CommunityEmailSetting,
    Delivery,
    DigestRun,
    EmailSettings,
    Notification,
)
from tests.digest_helpers import next_digest_time, queries_per_batch
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
LONG_BODY = " ".join(f"word{n}" for n in range(120))


def _send(users, now=None, period=digests.DAILY):
    return digests.digest_batch_send(period, [u.pk for u in users], now or next_digest_time())


def _html(message) -> str:
    return message.alternatives[0][0]


@pytest.fixture
def forum(django_capture_on_commit_callbacks):
    """An open community with a reader and a question with two replies: one got reactions,
    the other was accepted as the answer (events processed, as the worker would)."""
    community = CommunityFactory(name="Housing")
    reader = MembershipFactory(community=community).user
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(
            community, title="Has anyone procured a repairs system?", body=LONG_BODY, replies=2
        )
        helpful, answer = thread.posts.order_by("created_at")[1:]
        for _ in range(2):
            reactor = MembershipFactory(community=community).user
            forum_posts.reaction_toggle(actor=reactor, post=helpful, kind="helpful")
        forum_posts.answer_mark(actor=thread.author, thread=thread, post=answer)
    mail.outbox.clear()
    return community, reader, thread, answer


# --- What a digest says --------------------------------------------------------------------------


def test_a_digest_lists_new_threads_helpful_replies_and_answers_with_short_excerpts(forum):
    community, reader, thread, reply = forum
    result = _send([reader])
    assert result.sent == 1
    message = mail.outbox[0]
    text = message.body
    assert "NEW THREADS" in text and "Has anyone procured a repairs system?" in text
    assert "REPLIES PEOPLE FOUND HELPFUL" in text and "2 reactions" in text
    assert "QUESTIONS ANSWERED" in text and f"Answer by {reply.author.public_name}" in text
    assert "word30" in text and "word60" not in text  # about 40 words, never the whole post
    assert "word30" in _html(message) and "word60" not in _html(message)
    assert f"{settings.SITE_URL}{thread.get_absolute_url()}" in text
    run = DigestRun.objects.get(user=reader)
    assert run.status == DigestRun.Status.SENT and run.item_count == 3 and run.sent_at


def test_a_long_section_shows_ten_items_and_says_how_many_more():
    community = CommunityFactory()
    reader = MembershipFactory(community=community).user
    for n in range(13):
        make_thread(community, title=f"Question {n}")
    _send([reader])
    text = mail.outbox[0].body
    assert text.count("* Question") == 10
    assert "And 3 more: http" in text
    assert "and 3 more</a>" in _html(mail.outbox[0])
    assert mail.outbox[0].subject == f"Your daily digest: 13 new threads in {community.name}"


def test_the_subject_says_what_is_inside(forum):
    community, reader, thread, reply = forum
    _send([reader])
    assert mail.outbox[0].subject == (
        "Your daily digest: 1 new thread, 1 accepted answer and 1 popular reply in Housing"
    )


def test_the_html_part_has_inlined_styles_and_a_table_layout_beside_a_text_part(forum):
    community, reader, thread, reply = forum
    _send([reader])
    message = mail.outbox[0]
    html = _html(message)
    assert message.alternatives[0][1] == "text/html" and message.body.strip()
    assert "<style" not in html and 'class="item"' in html
    assert 'style="' in html and "border-left: 4px solid #b1b4b6" in html
    assert '<table role="presentation"' in html and "<div class=" in html
    assert "<!--[if mso]>" in html  # Outlook's fixed-width wrapper


def test_a_digest_carries_unsubscribe_message_id_and_reply_to_headers(forum):
    community, reader, thread, reply = forum
    _send([reader])
    message = mail.outbox[0]
    headers = message.extra_headers
    assert headers["List-Unsubscribe"].startswith(f"<{settings.SITE_URL}/email/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Message-ID"].startswith("<") and headers["Message-ID"].endswith("@127.0.0.1>")
    assert message.reply_to == [settings.DEFAULT_REPLY_TO_EMAIL]
    assert "/email/settings/" in message.body  # manage-preferences link
    mime = message.message()
    assert mime["Message-ID"] == headers["Message-ID"] and mime["Reply-To"]


def test_the_one_click_unsubscribe_in_a_digest_stops_the_next_one(client, forum):
    community, reader, thread, reply = forum
    now = next_digest_time()
    _send([reader], now)
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    make_thread(community, title="Something new")
    mail.outbox.clear()
    _send([reader], now + timedelta(days=1))
    assert mail.outbox == []


def test_the_unsubscribe_page_offers_a_weekly_digest_first(client, forum):
    community, reader, thread, reply = forum
    _send([reader])
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    page = client.get(url).content.decode()
    assert page.index("Less often: a weekly digest") < page.index("Never")


def test_nothing_new_sends_nothing_and_records_an_empty_run():
    community = CommunityFactory()
    reader = MembershipFactory(community=community).user
    result = _send([reader])
    assert result.empty == 1 and mail.outbox == []
    assert DigestRun.objects.get(user=reader).status == DigestRun.Status.EMPTY


def test_people_are_not_told_about_their_own_threads():
    community = CommunityFactory()
    author = MembershipFactory(community=community).user
    make_thread(community, author=author)
    _send([author])
    assert mail.outbox == []


def test_the_next_digest_starts_where_the_last_one_ended(forum):
    community, reader, thread, reply = forum
    now = next_digest_time()
    _send([reader], now)
    mail.outbox.clear()
    result = _send([reader], now + timedelta(days=1))
    assert result.empty == 1 and mail.outbox == []
    runs = DigestRun.objects.filter(user=reader).order_by("created_at")
    assert runs[1].covers_from == runs[0].created_at == now


# --- Once only -----------------------------------------------------------------------------------


def test_running_the_due_digests_twice_sends_each_digest_once(
    forum, django_capture_on_commit_callbacks
):
    community, reader, thread, reply = forum
    now = next_digest_time()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            digests.digests_send_due(now)
    assert [m.to for m in mail.outbox].count([reader.email]) == 1
    assert DigestRun.objects.filter(user=reader, period=digests.DAILY).count() == 1


def test_a_digest_another_worker_has_claimed_is_not_sent_again(forum):
    community, reader, thread, reply = forum
    now = next_digest_time()
    DigestRun.objects.create(
        user=reader,
        period=digests.DAILY,
        period_start=now.astimezone(LONDON).date(),
        covers_from=now - timedelta(days=1),
        created_at=now,
    )  # status "sending": another worker has it, or crashed while sending it
    result = _send([reader], now)
    assert result.skipped == 1 and result.sent == 0 and mail.outbox == []
    assert DigestRun.objects.get(user=reader).status == DigestRun.Status.SENDING


def test_what_a_digest_that_crashed_while_sending_covered_comes_with_the_next_one():
    community = CommunityFactory()
    reader = MembershipFactory(community=community).user
    make_thread(community, title="Said while the worker crashed")
    now = next_digest_time()
    DigestRun.objects.create(
        user=reader,
        period=digests.DAILY,
        period_start=now.astimezone(LONDON).date(),
        covers_from=now - timedelta(days=1),
        created_at=now,
    )  # left in "sending": never resent, and it may not have gone out
    _send([reader], now + timedelta(days=1))
    assert "Said while the worker crashed" in mail.outbox[0].body


def test_the_celery_tasks_send_due_digests_once(forum, django_capture_on_commit_callbacks):
    from notifications import digest_tasks

    community, reader, thread, reply = forum
    now = next_digest_time().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert digest_tasks.send_due_digests(now) >= 1
        digest_tasks.send_due_digests(now)
    assert len([m for m in mail.outbox if m.to == [reader.email]]) == 1
    beat = settings.CELERY_BEAT_SCHEDULE["send-due-digests"]
    assert beat["task"] == digest_tasks.send_due_digests.name


def test_old_runs_are_pruned_but_recent_ones_kept():
    user = UserFactory()
    now = timezone.now()
    for days in (1, 100):
        DigestRun.objects.create(
            user=user,
            period=digests.DAILY,
            period_start=(now - timedelta(days=days)).date(),
            covers_from=now - timedelta(days=days + 1),
            created_at=now - timedelta(days=days),
            status=DigestRun.Status.SENT,
        )
    assert digests.digest_runs_prune(now) == 1
    assert DigestRun.objects.count() == 1


# --- When digests are due ------------------------------------------------------------------------


def test_digests_are_due_at_the_persons_hour_in_their_time_zone():
    london = UserFactory()  # no settings: 07:00 Europe/London
    new_york = UserFactory()
    EmailSettings.objects.create(user=new_york, time_zone="America/New_York", digest_hour=8)
    monday_0715_london = datetime(2026, 1, 5, 7, 15, tzinfo=LONDON)
    assert digests.digest_due_user_ids(digests.DAILY, monday_0715_london) == [london.pk]
    monday_0815_new_york = datetime(2026, 1, 5, 8, 15, tzinfo=ZoneInfo("America/New_York"))
    assert digests.digest_due_user_ids(digests.DAILY, monday_0815_new_york) == [new_york.pk]
    too_early = datetime(2026, 1, 5, 6, 59, tzinfo=LONDON)
    assert digests.digest_due_user_ids(digests.DAILY, too_early) == []


def test_a_missed_hour_is_caught_up_for_two_hours_then_left_to_the_next_day():
    person = UserFactory()
    due = [datetime(2026, 1, 5, hour, 5, tzinfo=LONDON) for hour in (8, 9, 10)]
    assert [digests.digest_due_user_ids(digests.DAILY, now) for now in due] == [
        [person.pk],
        [person.pk],
        [],
    ]


def test_a_digest_already_started_today_is_not_due_again():
    person = UserFactory()
    now = datetime(2026, 1, 5, 7, 5, tzinfo=LONDON)
    DigestRun.objects.create(
        user=person,
        period=digests.DAILY,
        period_start=now.date(),
        covers_from=now - timedelta(days=1),
        created_at=now,
        status=DigestRun.Status.EMPTY,
    )
    assert digests.digest_due_user_ids(digests.DAILY, now + timedelta(hours=1)) == []
    assert digests.digest_due_user_ids(digests.DAILY, now + timedelta(days=1)) == [person.pk]


def test_weekly_digests_are_due_on_the_persons_day_only():
    person = UserFactory()
    EmailSettings.objects.create(user=person, weekly_digest_day=2, digest_hour=18)
    monday = datetime(2026, 1, 5, 18, 10, tzinfo=LONDON)
    wednesday = datetime(2026, 1, 7, 18, 10, tzinfo=LONDON)
    assert digests.digest_due_user_ids(digests.WEEKLY, monday) == []
    assert digests.digest_due_user_ids(digests.DAILY, monday) == [person.pk]
    assert digests.digest_due_user_ids(digests.WEEKLY, wednesday) == [person.pk]


def test_people_without_settings_get_weekly_digests_on_monday_at_seven():
    person = UserFactory()
    monday = datetime(2026, 1, 5, 7, 0, tzinfo=LONDON)
    assert digests.digest_due_user_ids(digests.WEEKLY, monday) == [person.pk]
    assert digests.digest_due_user_ids(digests.WEEKLY, monday + timedelta(days=1)) == []


def test_inactive_people_and_erased_addresses_get_no_digest():
    UserFactory(is_active=False)
    UserFactory(email="")
    assert digests.digest_due_user_ids(digests.DAILY, datetime(2026, 1, 5, 7, tzinfo=LONDON)) == []


# --- Which communities, and access ---------------------------------------------------------------


def test_communities_turned_off_are_left_out_and_weekly_ones_wait_for_the_weekly_digest():
    daily, weekly, off, at_once = (
        CommunityFactory(name=name) for name in ("Daily", "Weekly", "Silent", "At once")
    )
    reader = UserFactory()
    for community in (daily, weekly, off, at_once):
        MembershipFactory(community=community, user=reader)
        make_thread(community, title=f"News from {community.name}")
    CommunityEmailSetting.objects.create(user=reader, community=weekly, delivery=Delivery.WEEKLY)
    CommunityEmailSetting.objects.create(user=reader, community=off, delivery=Delivery.OFF)
    CommunityEmailSetting.objects.create(
        user=reader, community=at_once, delivery=Delivery.IMMEDIATELY
    )  # no per-post e-mail exists yet: "straight away" rides the daily digest
    now = next_digest_time()
    _send([reader], now, digests.DAILY)
    _send([reader], now, digests.WEEKLY)
    daily_mail, weekly_mail = mail.outbox
    assert f"News from {daily.name}" in daily_mail.body
    assert f"News from {at_once.name}" in daily_mail.body
    assert at_once.name not in weekly_mail.body
    assert weekly.name not in daily_mail.body and off.name not in daily_mail.body
    assert f"News from {weekly.name}" in weekly_mail.body and off.name not in weekly_mail.body
    assert weekly_mail.subject.startswith("Your weekly digest")


def test_someone_removed_from_a_private_community_before_sending_hears_nothing_about_it(
    django_capture_on_commit_callbacks,
):
    private = CommunityFactory(visibility=Visibility.PRIVATE)
    reader = MembershipFactory(community=private).user
    make_thread(private, title="Private matters")
    now = next_digest_time()
    with django_capture_on_commit_callbacks() as queued:
        assert digests.digests_send_due(now) == 2  # reader and author: queued…
    Membership.objects.filter(user=reader, community=private).delete()  # …then they leave
    for callback in queued:
        callback()
    assert mail.outbox == []
    assert DigestRun.objects.get(user=reader).status == DigestRun.Status.EMPTY


def test_restricted_community_content_goes_only_to_its_members():
    restricted = CommunityFactory(visibility=Visibility.RESTRICTED)
    member = MembershipFactory(community=restricted).user
    outsider = UserFactory()  # asked for its e-mails once, but is not a member
    CommunityEmailSetting.objects.create(user=outsider, community=restricted)
    staff = UserFactory(is_staff=True)
    make_thread(restricted, title="Members only")
    _send([member, outsider, staff])
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "Members only" in mail.outbox[0].body


# --- "For you" -----------------------------------------------------------------------------------


def test_for_you_lists_notifications_kept_for_the_digest_and_drops_what_cannot_be_seen(
    django_capture_on_commit_callbacks,
):
    open_community = CommunityFactory(name="Open")
    restricted = CommunityFactory(name="Restricted", visibility=Visibility.RESTRICTED)
    reader = UserFactory()
    MembershipFactory(community=open_community, user=reader)
    MembershipFactory(community=restricted, user=reader)
    seen = make_thread(open_community, title="Watched and open")
    hidden = make_thread(restricted, title="Watched and restricted")
    for thread in (seen, hidden):
        Watch.objects.create(user=reader, thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        for thread in (seen, hidden):
            replier = MembershipFactory(community=thread.community).user
            forum_posts.post_reply(actor=replier, thread=thread, body=LONG_BODY)
    assert Notification.objects.filter(recipient=reader, kind="watched").count() == 2
    # "watching" is a daily-digest preference by default: nothing was e-mailed straight away
    assert not [m for m in mail.outbox if m.to == [reader.email]]
    mail.outbox.clear()
    Membership.objects.filter(user=reader, community=restricted).delete()
    _send([reader])
    text = mail.outbox[0].body
    assert "FOR YOU" in text and "New post in “Watched and open”" in text
    assert "Watched and restricted" not in text
    assert "/notifications/" in text and "word30" in text and "word60" not in text


def test_a_post_already_listed_for_you_is_not_listed_again_as_a_new_thread(
    django_capture_on_commit_callbacks,
):
    community = CommunityFactory()
    reader = MembershipFactory(community=community).user
    category = community.categories.first()
    Watch.objects.create(user=reader, category=category)
    with django_capture_on_commit_callbacks(execute=True):
        make_thread(community, title="Fresh question", category=category)
    _send([reader])
    text = mail.outbox[0].body
    assert text.count("Fresh question") == 1 and "FOR YOU" in text
    assert "NEW THREADS" not in text


def test_notifications_sent_straight_away_are_not_repeated_in_the_digest(
    django_capture_on_commit_callbacks,
):
    community = CommunityFactory()
    reader = MembershipFactory(community=community).user
    with django_capture_on_commit_callbacks(execute=True):
        make_thread(community, author=reader, title="My question", replies=0)
        thread = community.threads.get()
        replier = MembershipFactory(community=community).user
        forum_posts.post_reply(actor=replier, thread=thread, body="An answer")
    assert [m.to for m in mail.outbox] == [[reader.email]]  # the reply, straight away
    mail.outbox.clear()
    _send([reader])
    assert mail.outbox == []


# --- Cost ----------------------------------------------------------------------------------------


def _busy_community_with_readers(count: int, django_capture_on_commit_callbacks):
    """Everyone in the batch gets every section: a new thread, an accepted answer, a reply
    with a reaction, and a reply to a thread they watch ("For you")."""
    community = CommunityFactory()
    readers = [MembershipFactory(community=community).user for _ in range(count)]
    reactor = MembershipFactory(community=community).user
    thread = make_thread(community, title="Busy", body=LONG_BODY, replies=2)
    helpful, answer = thread.posts.order_by("created_at")[1:]
    with django_capture_on_commit_callbacks(execute=True):
        forum_posts.reaction_toggle(actor=reactor, post=helpful, kind="thanks")
        forum_posts.answer_mark(actor=thread.author, thread=thread, post=answer)
        for reader in readers:
            Watch.objects.create(user=reader, thread=thread)
        forum_posts.post_reply(actor=reactor, thread=thread, body="Try this")
    return readers


def test_a_batch_of_thirty_costs_the_same_queries_as_a_batch_of_five(
    django_capture_on_commit_callbacks,
):
    readers = _busy_community_with_readers(35, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    now = next_digest_time()
    counts = queries_per_batch([readers[:5], readers[5:]], now)
    assert counts[0] == counts[1] <= 15
    assert len(mail.outbox) == 35
    sections = ("FOR YOU", "NEW THREADS", "QUESTIONS ANSWERED", "REPLIES PEOPLE FOUND HELPFUL")
    assert all(all(section in m.body for section in sections) for m in mail.outbox)


def test_facilitators_find_join_requests_and_reported_posts_for_them(
    django_capture_on_commit_callbacks,
):
    from notifications.notify import Target, notify

    community = CommunityFactory(name="Planning", visibility=Visibility.RESTRICTED)
    facilitator = MembershipFactory(community=community, role="facilitator").user
    member = MembershipFactory(community=community).user
    thread = make_thread(community, author=facilitator, title="Local plans")
    requester = UserFactory(display_name="Rhys Evans")
    with django_capture_on_commit_callbacks(execute=True):
        reply = forum_posts.post_reply(actor=member, thread=thread, body="Buy my stuff")
        reporter = MembershipFactory(community=community).user
        forum_posts.flag_create(actor=reporter, post=reply, reason="spam")
        notify(
            recipient_ids={facilitator.pk},
            kind=JOIN_REQUEST,
            target=Target(
                type="community.join_queue",
                id=community.pk,
                title=community.name,
                url="/",
                community_id=community.pk,
            ),
            actor_id=requester.pk,
        )
    mail.outbox.clear()
    _send([facilitator])
    text = mail.outbox[0].body
    assert "A post was reported in “Local plans”" in text  # forum.review, in bulk
    assert "Rhys Evans asked to join Planning" in text  # community.join_queue, in bulk


def test_join_requests_in_a_batch_of_facilitators_cost_the_same_queries_for_five_or_thirty(
    django_capture_on_commit_callbacks,
):
    from communities.services import membership_request_create

    facilitators = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(35):
            community = CommunityFactory(visibility=Visibility.RESTRICTED)
            facilitators.append(MembershipFactory(community=community, role="facilitator").user)
            membership_request_create(
                actor=UserFactory(), community=community, message="Hi", accepted_guidelines=True
            )
    mail.outbox.clear()
    counts = queries_per_batch([facilitators[:5], facilitators[5:]], next_digest_time())
    assert counts[0] == counts[1]
    assert all("asked to join" in m.body for m in mail.outbox)


def test_a_digest_the_mail_server_refuses_is_marked_failed_and_not_retried(forum, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    community, reader, thread, reply = forum
    other = MembershipFactory(community=community).user

    def refuse(self, messages):
        if messages[0].to == [reader.email]:
            raise OSError("550 mailbox unavailable")
        return len(messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    now = next_digest_time()
    result = _send([reader, other], now)
    assert (result.sent, result.failed) == (1, 1)
    statuses = dict(DigestRun.objects.values_list("user_id", "status"))
    assert statuses == {reader.pk: DigestRun.Status.FAILED, other.pk: DigestRun.Status.SENT}
    monkeypatch.undo()
    assert _send([reader], now).skipped == 1 and mail.outbox == []
