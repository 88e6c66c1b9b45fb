"""Facilitators merge a duplicate thread into another, and split replies off into a new thread."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from communities.models import Role, Visibility
from forums.models import (
    Bookmark,
    Category,
    Flag,
    Mention,
    Post,
    PostRevision,
    Reaction,
    Thread,
    ThreadRead,
    Watch,
)
from forums.notification_kinds import THREAD_MERGED
from forums.services import categories as category_services
from forums.services import merge as merge_services
from forums.services import posts as post_services
from forums.services import threads as thread_services
from notifications import digests
from notifications.models import DomainEvent, Notification
from tests.conftest import make_cast
from tests.digest_helpers import next_digest_time
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db

OPEN, RESTRICTED, PRIVATE = Visibility.OPEN, Visibility.RESTRICTED, Visibility.PRIVATE


# --- A community with a thread and its duplicate ------------------------------------------------


@dataclass
class Place:
    community: object
    facilitator: object
    member: object
    outsider: object
    target: Thread  # the thread that stays
    source: Thread  # its duplicate

    def url(self, name: str, *args) -> str:
        return reverse(f"forums:{name}", args=[self.community.slug, *args])


def dated_thread(community, title: str, minutes: list[int], author=None, **kwargs) -> Thread:
    """A published thread whose posts (opening post first) were written `minutes` ago."""
    thread = make_thread(
        community=community, author=author, title=title, replies=len(minutes) - 1, **kwargs
    )
    now = timezone.now()
    posts = list(thread.posts.order_by("created_at", "pk"))
    for post, ago in zip(posts, minutes, strict=True):
        post.created_at = now - timedelta(minutes=ago)
    Post.objects.bulk_update(posts, ["created_at"])
    Thread.objects.filter(pk=thread.pk).update(created_at=posts[0].created_at)
    locked = Thread.objects.get(pk=thread.pk)
    thread_services.thread_refresh_stats(locked)
    return Thread.objects.get(pk=thread.pk)


def make_place(visibility: str = OPEN) -> Place:
    cast = make_cast(visibility)
    community = cast.community
    target = dated_thread(community, "Damp in tower blocks", [60, 40, 20])
    source = dated_thread(community, "Mould in flats", [50, 30])
    return Place(
        community=community,
        facilitator=cast.facilitator,
        member=cast.member,
        outsider=cast.outsider,
        target=target,
        source=source,
    )


@pytest.fixture
def place() -> Place:
    return make_place()


def fresh(thread: Thread) -> Thread:
    return Thread.objects.get(pk=thread.pk)


def posts_of(thread: Thread) -> list[Post]:
    return list(Post.objects.filter(thread=thread).order_by("created_at", "pk"))


def merge(place: Place, actor=None) -> Thread:
    return merge_services.thread_merge(
        actor=actor or place.facilitator, source=place.source, target=place.target
    )


def split(thread: Thread, posts, actor, title="A tangent", category=None) -> Thread:
    return merge_services.thread_split(
        actor=actor,
        thread=thread,
        post_ids=[post.pk for post in posts],
        title=title,
        category=category or thread.category,
    )


# --- Merging: what moves and how ---------------------------------------------------------------


def test_merging_moves_every_post_of_the_duplicate_into_the_target_interleaved_by_time(place):
    target_posts, source_posts = posts_of(place.target), posts_of(place.source)
    merge(place)
    merged = posts_of(place.target)
    assert [p.pk for p in merged] == [
        target_posts[0].pk,  # 60 minutes ago: still the opening post
        source_posts[0].pk,  # 50: the duplicate's opening post, now a reply
        target_posts[1].pk,  # 40
        source_posts[1].pk,  # 30
        target_posts[2].pk,  # 20
    ]
    assert [p.created_at for p in merged if p in source_posts] == [
        p.created_at for p in source_posts
    ]
    assert not Post.objects.filter(thread=place.source).exists()


def test_posts_older_than_the_targets_opening_post_follow_it_in_their_order(place):
    community = place.community
    target = dated_thread(community, "Newer thread", [10, 5])
    older = dated_thread(community, "Older duplicate", [90, 80, 7])
    old_posts = posts_of(older)
    merge_services.thread_merge(actor=place.facilitator, source=older, target=target)
    merged = posts_of(target)
    assert merged[0].pk == posts_of(target)[0].pk == target.posts.earliest("created_at").pk
    assert [p.pk for p in merged[1:3]] == [old_posts[0].pk, old_posts[1].pk]
    assert merged[0].created_at < merged[1].created_at < merged[2].created_at
    assert merged[1].created_at - merged[0].created_at < timedelta(milliseconds=1)
    # The post newer than the target's opening post keeps its date.
    assert Post.objects.get(pk=old_posts[2].pk).created_at == old_posts[2].created_at
    assert fresh(target).title == "Newer thread"


def test_merging_marks_the_source_merged_into_the_target_and_recounts_both(place):
    merge(place)
    source, target = fresh(place.source), fresh(place.target)
    assert source.status == Thread.Status.MERGED and source.merged_into_id == target.pk
    assert (source.reply_count, source.last_post_id, source.answer_id) == (0, None, None)
    assert target.reply_count == 4
    newest = posts_of(target)[-1]
    assert target.last_post_id == newest.pk
    assert target.last_activity_at == newest.created_at


def test_merging_moves_watchers_once_and_drops_the_sources_read_markers(place):
    both = MembershipFactory(community=place.community).user
    only_source = MembershipFactory(community=place.community).user
    for user in (both, only_source):
        post_services.watch_toggle(actor=user, thread=place.source)
        thread_services.thread_mark_read(user, place.source, timezone.now())
    post_services.watch_toggle(actor=both, thread=place.target)
    merge(place)
    assert Watch.objects.filter(thread=place.target, user=both).count() == 1
    assert Watch.objects.filter(thread=place.target, user=only_source).exists()
    assert Watch.objects.filter(thread=place.target, user=place.source.author).exists()
    assert not Watch.objects.filter(thread=place.source).exists()
    assert not ThreadRead.objects.filter(thread=place.source).exists()


def test_flags_reactions_mentions_bookmarks_and_history_stay_with_their_posts(place):
    community = place.community
    reply = posts_of(place.source)[1]
    reader = MembershipFactory(community=community).user
    post_services.flag_create(actor=reader, post=reply, reason="off_topic")
    post_services.reaction_toggle(actor=reader, post=reply, kind="helpful")
    post_services.bookmark_toggle(actor=reader, post=reply)
    Mention.objects.create(post=reply, user=reader)
    post_services.post_edit(actor=reply.author, post=reply, body="Edited")
    merge(place)
    for model in (Flag, Reaction, Bookmark, Mention, PostRevision):
        row = model.objects.get(post_id=reply.pk)
        assert row.post.thread_id == place.target.pk, model


def test_the_target_keeps_its_own_accepted_answer_when_both_have_one(place):
    target_answer = posts_of(place.target)[1]
    source_answer = posts_of(place.source)[1]
    post_services.answer_mark(actor=place.facilitator, thread=place.target, post=target_answer)
    post_services.answer_mark(actor=place.facilitator, thread=place.source, post=source_answer)
    merge(place)
    assert fresh(place.target).answer_id == target_answer.pk


def test_the_sources_accepted_answer_becomes_the_targets_when_the_target_has_none(place):
    source_answer = posts_of(place.source)[1]
    post_services.answer_mark(actor=place.facilitator, thread=place.source, post=source_answer)
    merge(place)
    assert fresh(place.target).answer_id == source_answer.pk
    assert fresh(place.source).answer_id is None


def test_threads_merged_into_the_source_earlier_lead_to_the_target_now(place):
    older = dated_thread(place.community, "Black mould", [45])
    merge_services.thread_merge(actor=place.facilitator, source=older, target=place.source)
    merge(place)
    assert fresh(older).merged_into_id == place.target.pk


def test_the_merged_thread_s_author_is_told_where_their_question_went_and_nobody_else(
    place, django_capture_on_commit_callbacks
):
    question = posts_of(place.source)[0]
    with django_capture_on_commit_callbacks(execute=True):
        merge(place)
    told = Notification.objects.get()
    assert told.recipient_id == place.source.author_id
    assert told.kind == THREAD_MERGED and told.actor == place.facilitator
    assert told.target_type == "forum.post" and told.target_id == question.pk
    assert told.url == question.get_absolute_url()
    assert DomainEvent.objects.filter(kind="forum.thread_merged").count() == 1
    assert mail.outbox == []  # activity on one's posts comes in the daily digest by default
    digests.digest_batch_send(digests.DAILY, [place.source.author_id], next_digest_time())
    (digest,) = mail.outbox
    assert f"merged your thread into “{place.target.title}”" in digest.body


def test_a_facilitator_merging_their_own_thread_is_not_told(
    place, django_capture_on_commit_callbacks
):
    own = dated_thread(place.community, "My duplicate", [10], author=place.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        merge_services.thread_merge(actor=place.facilitator, source=own, target=place.target)
    assert not Notification.objects.exists() and mail.outbox == []


# --- Merging: what is refused -------------------------------------------------------------------


def _refused_merge(place, source, target) -> str:
    before = (fresh(source).status, fresh(target).status, len(posts_of(source)))
    with pytest.raises(ValidationError) as refused:
        merge_services.thread_merge(actor=place.facilitator, source=source, target=target)
    assert (fresh(source).status, fresh(target).status, len(posts_of(source))) == before
    return " ".join(refused.value.messages)


def test_merging_into_a_thread_of_another_community_is_refused(place):
    elsewhere = make_thread(title="Somewhere else")
    message = _refused_merge(place, place.source, elsewhere)
    assert "another community" in message and "Somewhere else" not in message


def test_merging_a_thread_into_itself_is_refused(place):
    assert "That is this thread" in _refused_merge(place, place.source, place.source)


def test_merging_into_a_thread_that_is_not_published_is_refused(place):
    scheduled = thread_services.thread_create(
        actor=place.facilitator,
        community=place.community,
        category=place.target.category,
        title="Coming soon",
        body="Later.",
        publish_at=timezone.now() + timedelta(days=1),
    )
    assert "is not published (scheduled)" in _refused_merge(place, place.source, scheduled)


def test_merging_a_thread_that_is_not_published_is_refused(place):
    Thread.objects.filter(pk=place.source.pk).update(status=Thread.Status.HELD)
    assert "only published threads can be merged" in _refused_merge(
        place, fresh(place.source), place.target
    )


def test_merging_a_source_already_merged_is_refused_and_says_so(place):
    merge(place)
    with pytest.raises(ValidationError) as refused:
        merge(place)
    assert refused.value.code == "already_merged"
    assert "already been merged" in refused.value.messages[0]


def test_merging_into_a_thread_that_was_itself_merged_is_refused(place):
    other = dated_thread(place.community, "Condensation", [10])
    merge(place)
    message = _refused_merge(place, other, fresh(place.source))
    assert "has itself been merged" in message


@pytest.mark.parametrize("role", ["member", "outsider", "other_facilitator", "author"])
def test_only_the_communitys_facilitators_and_staff_may_merge(place, role):
    person = {
        "member": place.member,
        "outsider": place.outsider,
        "other_facilitator": MembershipFactory(role=Role.FACILITATOR).user,
        "author": place.source.author,
    }[role]
    with pytest.raises(PermissionDenied):
        merge(place, actor=person)
    assert fresh(place.source).status == Thread.Status.PUBLISHED


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_owners_and_site_staff_may_merge(place, role):
    person = (
        MembershipFactory(community=place.community, role=Role.OWNER).user
        if role == "owner"
        else UserFactory(is_staff=True)
    )
    merge(place, actor=person)
    assert fresh(place.source).status == Thread.Status.MERGED


# --- Merging: the pages -------------------------------------------------------------------------


def test_the_thread_panel_offers_merge_and_split_to_facilitators_only(client, place):
    merge_url = place.url("thread-merge", place.target.pk)
    split_url = place.url("thread-split", place.target.pk)
    client.force_login(place.member)
    page = client.get(place.target.get_absolute_url()).content.decode()
    assert merge_url not in page and split_url not in page
    client.force_login(place.facilitator)
    page = client.get(place.target.get_absolute_url()).content.decode()
    assert f'href="{merge_url}">Merge into another thread<' in page
    assert f'href="{split_url}">Split replies into a new thread<' in page


def test_the_merge_page_asks_for_the_thread_by_its_address_or_number(client, place):
    client.force_login(place.facilitator)
    response = client.get(place.url("thread-merge", place.source.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Merge this thread into another</h1>' in page
    assert '<form method="get" novalidate>' in page
    assert '<label class="govuk-label" for="id_target">' in page
    assert ">Check</button>" in page


def test_the_check_step_shows_both_titles_and_how_many_posts_move(client, place):
    client.force_login(place.facilitator)
    address = f"https://example.org{place.target.get_absolute_url()}?page=1#post-1"
    response = client.get(place.url("thread-merge", place.source.pk), {"target": address})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Merge this thread into “Damp in tower blocks”?" in page
    assert "Mould in flats" in page
    assert "2 (the opening post and 1 reply)" in page
    assert f'name="target" value="{place.target.pk}"' in page
    assert ">Merge threads</button>" in page
    assert fresh(place.source).status == Thread.Status.PUBLISHED  # checking changes nothing


@pytest.mark.parametrize("how", ["number", "hash-number", "path", "post-address"])
def test_the_target_can_be_given_by_number_path_or_a_posts_address(client, place, how):
    target = place.target
    typed = {
        "number": f" {target.pk} ",
        "hash-number": f"#{target.pk}",
        "path": target.get_absolute_url(),
        "post-address": f"http://testserver{posts_of(target)[1].get_absolute_url()}",
    }[how]
    client.force_login(place.facilitator)
    response = client.get(place.url("thread-merge", place.source.pk), {"target": typed})
    assert response.status_code == 200
    assert "Merge this thread into “Damp in tower blocks”?" in response.content.decode()


def test_the_check_step_says_what_happens_to_answers_and_older_posts(client, place):
    older = dated_thread(place.community, "Old duplicate", [120, 110])
    post_services.answer_mark(actor=place.facilitator, thread=older, post=posts_of(older)[1])
    client.force_login(place.facilitator)
    response = client.get(place.url("thread-merge", older.pk), {"target": str(place.target.pk)})
    page = response.content.decode()
    assert "2 posts are older than “Damp in tower blocks” itself" in page
    assert "becomes the accepted answer of “Damp in tower blocks”" in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the address or number of the thread to merge into."),
        ("next tuesday", "Enter a thread&#x27;s address"),
        ("999999", "There is no such thread in this community&#x27;s forum."),
    ],
)
def test_a_target_that_cannot_be_found_gets_an_error_summary_and_keeps_what_was_typed(
    client, place, typed, message
):
    client.force_login(place.facilitator)
    response = client.get(place.url("thread-merge", place.source.pk), {"target": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert page.index("govuk-error-summary") < page.index("<h1")
    assert '<a href="#id_target">' in page and message in page
    assert f'value="{escape(typed)}"' in page if typed else 'name="target"' in page
    assert fresh(place.source).status == Thread.Status.PUBLISHED


def test_another_communitys_thread_is_not_found_and_its_title_is_never_shown(client, place):
    secret = make_thread(community=CommunityFactory(visibility=PRIVATE), title="Secret plans")
    client.force_login(place.facilitator)
    for typed in (str(secret.pk), secret.get_absolute_url()):
        response = client.get(place.url("thread-merge", place.source.pk), {"target": typed})
        page = response.content.decode()
        assert response.status_code == 400
        assert "There is no such thread in this community" in page
        assert "Secret plans" not in page


def test_the_check_step_refuses_the_same_thread_with_an_error_summary(client, place):
    client.force_login(place.facilitator)
    response = client.get(
        place.url("thread-merge", place.source.pk), {"target": str(place.source.pk)}
    )
    assert response.status_code == 400
    assert "That is this thread. Choose the thread it repeats." in response.content.decode()


def test_merging_from_the_page_goes_to_the_target_and_says_what_happened(client, place):
    client.force_login(place.facilitator)
    response = client.post(
        place.url("thread-merge", place.source.pk), {"target": str(place.target.pk)}
    )
    assert response.status_code == 302 and response.url == place.target.get_absolute_url()
    assert fresh(place.source).status == Thread.Status.MERGED
    page = client.get(response.url).content.decode()
    assert "Merged “Mould in flats” into this thread" in page
    assert page.count('<article class="copsite-post') == 5


def test_sending_the_merge_form_twice_merges_once_and_says_it_is_already_merged(client, place):
    client.force_login(place.facilitator)
    url = place.url("thread-merge", place.source.pk)
    data = {"target": str(place.target.pk)}
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(place.target.get_absolute_url(), 302)]
    assert "“Mould in flats” has already been merged into this thread." in (
        response.content.decode()
    )
    assert len(posts_of(place.target)) == 5


def test_a_merge_that_loses_a_race_to_another_request_says_the_thread_is_already_merged(
    client, place, monkeypatch
):
    real_merge = merge_services.thread_merge

    def racing(**kwargs):
        real_merge(**kwargs)  # the other request, a moment earlier
        return real_merge(**kwargs)

    monkeypatch.setattr(merge_services, "thread_merge", racing)
    client.force_login(place.facilitator)
    response = client.post(
        place.url("thread-merge", place.source.pk), {"target": str(place.target.pk)}, follow=True
    )
    assert response.redirect_chain == [(place.target.get_absolute_url(), 302)]
    assert "has already been merged into this thread." in response.content.decode()
    assert len(posts_of(place.target)) == 5


def test_a_merge_refused_by_the_service_keeps_the_form_and_explains(client, place):
    Thread.objects.filter(pk=place.target.pk).update(is_locked=True)  # still allowed
    other = dated_thread(place.community, "Held back", [3])
    Thread.objects.filter(pk=other.pk).update(status=Thread.Status.HELD)
    client.force_login(place.facilitator)
    response = client.post(place.url("thread-merge", place.source.pk), {"target": str(other.pk)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "“Held back” is not published (waiting for approval)" in page
    assert f'value="{other.pk}"' in page
    assert fresh(place.source).status == Thread.Status.PUBLISHED


@pytest.mark.parametrize("visibility", [OPEN, RESTRICTED, PRIVATE])
@pytest.mark.parametrize("role", ["member", "outsider", "other_facilitator", "anonymous"])
def test_people_who_do_not_facilitate_the_community_cannot_merge_or_split(client, visibility, role):
    place = make_place(visibility)
    if role != "anonymous":
        person = (
            MembershipFactory(role=Role.FACILITATOR).user
            if role == "other_facilitator"
            else getattr(place, role)
        )
        client.force_login(person)
    expected = 302 if role == "anonymous" else 403
    if role != "member" and role != "anonymous" and visibility == PRIVATE:
        expected = 404
    source_posts = [p.pk for p in posts_of(place.source)]
    merge_url = place.url("thread-merge", place.source.pk)
    split_url = place.url("thread-split", place.target.pk)
    assert client.get(merge_url, {"target": place.target.pk}).status_code == expected
    assert client.post(merge_url, {"target": place.target.pk}).status_code == expected
    assert client.get(split_url).status_code == expected
    reply = posts_of(place.target)[1]
    data = {"posts": [reply.pk], "title": "New", "category": place.target.category_id}
    assert client.post(split_url, data).status_code == expected
    assert fresh(place.source).status == Thread.Status.PUBLISHED
    assert [p.pk for p in posts_of(place.source)] == source_posts
    assert Post.objects.get(pk=reply.pk).thread_id == place.target.pk


# --- After a merge: the source's address, posts' permalinks, lists, feeds and digests ----------


@pytest.mark.parametrize(
    ("visibility", "role"),
    [(OPEN, "anonymous"), (OPEN, "outsider"), (RESTRICTED, "member"), (PRIVATE, "member")],
)
def test_the_merged_threads_address_redirects_permanently_to_the_target_for_readers(
    client, visibility, role
):
    place = make_place(visibility)
    merge(place)
    if role != "anonymous":
        client.force_login(getattr(place, role))
    response = client.get(place.source.get_absolute_url())
    assert response.status_code == 301
    assert response.url == place.target.get_absolute_url()


@pytest.mark.parametrize(("visibility", "expected"), [(RESTRICTED, 403), (PRIVATE, 404)])
def test_the_merged_threads_address_tells_outsiders_nothing_more_than_before(
    client, visibility, expected
):
    place = make_place(visibility)
    merge(place)
    client.force_login(place.outsider)
    assert client.get(place.source.get_absolute_url()).status_code == expected
    client.logout()
    anonymous = client.get(place.source.get_absolute_url()).status_code
    assert anonymous in (302, expected) and anonymous != 301


def test_a_moved_posts_permalink_lands_in_the_target_thread(client, place):
    moved = posts_of(place.source)[0]
    merge(place)
    client.force_login(place.member)
    response = client.get(moved.get_absolute_url())
    assert response.status_code == 302
    assert response.url == f"{place.target.get_absolute_url()}?page=1#post-{moved.pk}"
    page = client.get(response.url).content.decode()
    assert f'id="post-{moved.pk}"' in page


def test_other_pages_of_the_merged_thread_are_gone(client, place):
    merge(place)
    client.force_login(place.facilitator)
    for name in ("thread-watch", "thread-move", "thread-split"):
        assert client.get(place.url(name, place.source.pk)).status_code in (404, 405), name


def test_replying_to_a_thread_merged_meanwhile_says_where_to_reply_and_keeps_the_text(
    client, place
):
    merge(place)
    client.force_login(place.member)
    response = client.post(
        place.url("reply", place.source.pk), {"body": "My thoughts on mould", "action": "post"}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "merged this thread into “Damp in tower blocks”" in page
    assert "My thoughts on mould" in page
    assert not Post.objects.filter(body="My thoughts on mould").exists()


def test_the_merged_thread_leaves_the_forum_lists_latest_and_the_community_home(client, place):
    merge(place)
    client.force_login(place.member)
    pages = [
        place.url("forum"),
        place.target.category.get_absolute_url(),
        reverse("forums:latest"),
        reverse("forums:mine"),
        place.community.get_absolute_url(),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "Damp in tower blocks" in page, url
        assert "Mould in flats" not in page, url


def test_category_counts_leave_out_the_merged_thread(client, place):
    merge(place)
    client.force_login(place.facilitator)
    category = place.target.category
    index = client.get(place.url("forum")).content.decode()
    assert f'{category.name}</a> <span class="govuk-body-s">(1)</span>' in index
    settings_page = client.get(place.url("forum-settings")).content.decode()
    delete_link = place.url("category-delete", category.pk)
    assert delete_link not in settings_page  # it still has a thread: the target


@pytest.mark.parametrize("feed", ["feed-rss", "feed-atom"])
def test_the_merged_thread_leaves_the_forum_feeds(client, place, feed):
    merge(place)
    body = client.get(place.url(feed)).content.decode()
    assert "Damp in tower blocks" in body
    assert "Mould in flats" not in body


def test_the_digest_no_longer_lists_the_merged_thread():
    community = CommunityFactory(name="Housing")
    reader = MembershipFactory(community=community).user
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    target = make_thread(community, title="Damp in tower blocks")
    source = make_thread(community, title="Mould in flats", replies=1)
    merge_services.thread_merge(actor=facilitator, source=source, target=target)
    digests.digest_batch_send(digests.DAILY, [reader.pk], next_digest_time())
    text = mail.outbox[0].body
    assert "Damp in tower blocks" in text
    assert "Mould in flats" not in text
    assert mail.outbox[0].subject == "Your daily digest: 1 new thread in Housing"


def test_a_category_left_with_only_merged_threads_can_be_deleted_and_their_addresses_still_work(
    client, place
):
    events = category_services.category_create(
        actor=place.facilitator, community=place.community, name="Events"
    )
    thread_services.thread_move(actor=place.facilitator, thread=place.source, category=events)
    merge(place)
    client.force_login(place.facilitator)
    settings_page = client.get(place.url("forum-settings")).content.decode()
    assert place.url("category-delete", events.pk) in settings_page
    response = client.post(place.url("category-delete", events.pk))
    assert response.status_code == 302
    assert not Category.objects.filter(pk=events.pk).exists()
    assert fresh(place.source).category_id == place.target.category_id
    response = client.get(place.source.get_absolute_url())
    assert response.status_code == 301 and response.url == place.target.get_absolute_url()


# --- Splitting ----------------------------------------------------------------------------------


@pytest.fixture
def long_thread(place) -> Thread:
    """A thread with five replies, 50, 40, 30, 20 and 10 minutes old."""
    return dated_thread(place.community, "Rent arrears", [60, 50, 40, 30, 20, 10])


def test_splitting_makes_a_published_thread_opened_by_the_earliest_chosen_reply(place, long_thread):
    posts = posts_of(long_thread)
    events = category_services.category_create(
        actor=place.facilitator, community=place.community, name="Events"
    )
    chosen = [posts[4], posts[2], posts[3]]
    new = split(long_thread, chosen, place.facilitator, title=" Evictions ", category=events)
    new = fresh(new)
    assert (new.title, new.category_id, new.status) == ("Evictions", events.pk, "published")
    assert (new.author_id, new.as_team) == (posts[2].author_id, False)
    assert new.created_at == posts[2].created_at
    assert [p.pk for p in posts_of(new)] == [posts[2].pk, posts[3].pk, posts[4].pk]
    assert [p.pk for p in posts_of(long_thread)] == [posts[0].pk, posts[1].pk, posts[5].pk]
    assert all(Watch.objects.filter(thread=new, user_id=p.author_id).exists() for p in chosen)


def test_splitting_recounts_both_threads(place, long_thread):
    posts = posts_of(long_thread)
    new = split(long_thread, [posts[5], posts[3]], place.facilitator)
    old, new = fresh(long_thread), fresh(new)
    assert (old.reply_count, old.last_post_id) == (3, posts[4].pk)
    assert old.last_activity_at == posts[4].created_at
    assert (new.reply_count, new.last_post_id) == (1, posts[5].pk)
    assert new.last_activity_at == posts[5].created_at


def test_an_accepted_answer_that_moves_is_no_longer_the_old_threads_answer(place, long_thread):
    posts = posts_of(long_thread)
    post_services.answer_mark(actor=place.facilitator, thread=long_thread, post=posts[3])
    new = split(fresh(long_thread), [posts[3], posts[4]], place.facilitator)
    assert fresh(long_thread).answer_id is None
    assert fresh(new).answer_id is None


def test_an_accepted_answer_that_stays_is_kept(place, long_thread):
    posts = posts_of(long_thread)
    post_services.answer_mark(actor=place.facilitator, thread=long_thread, post=posts[1])
    split(fresh(long_thread), [posts[3]], place.facilitator)
    assert fresh(long_thread).answer_id == posts[1].pk


def test_a_team_reply_opens_the_new_thread_as_the_team(place, long_thread):
    team = post_services.post_reply(
        actor=place.facilitator, thread=long_thread, body="From the team", as_team=True
    )
    new = fresh(split(long_thread, [team], place.facilitator))
    assert (new.author_id, new.as_team) == (place.facilitator.pk, True)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("opening-post", "The opening post starts this thread"),
        ("another-thread", "not in this thread"),
        ("nothing", "Choose at least one reply to move."),
        ("another-community", "Choose one of this community's categories."),
        ("no-title", "Give the new thread a title."),
        ("hidden", "Only replies on show can be moved."),
    ],
)
def test_splitting_refuses_what_cannot_move_and_changes_nothing(place, long_thread, case, message):
    posts = posts_of(long_thread)
    kwargs = {"title": "A tangent", "category": long_thread.category}
    chosen = [posts[2]]
    if case == "opening-post":
        chosen = [posts[0], posts[2]]
    elif case == "another-thread":
        chosen = [posts[2], posts_of(place.target)[1]]
    elif case == "nothing":
        chosen = []
    elif case == "another-community":
        kwargs["category"] = Category.objects.exclude(community=place.community).first() or (
            make_thread().category
        )
    elif case == "no-title":
        kwargs["title"] = "   "
    elif case == "hidden":
        post_services.post_hide(actor=place.facilitator, post=posts[2], reason="Rude")
    threads = Thread.objects.count()
    with pytest.raises(ValidationError) as refused:
        split(long_thread, chosen, place.facilitator, **kwargs)
    assert message in " ".join(refused.value.messages)
    assert Thread.objects.count() == threads
    assert [p.pk for p in posts_of(long_thread)] == [p.pk for p in posts]


@pytest.mark.parametrize("role", ["member", "other_facilitator", "author"])
def test_only_the_communitys_facilitators_and_staff_may_split(place, long_thread, role):
    person = {
        "member": place.member,
        "other_facilitator": MembershipFactory(role=Role.FACILITATOR).user,
        "author": long_thread.author,
    }[role]
    with pytest.raises(PermissionDenied):
        split(long_thread, [posts_of(long_thread)[2]], person)
    assert len(posts_of(long_thread)) == 6


def test_a_merged_thread_cannot_be_split(place):
    merge(place)
    with pytest.raises(ValidationError, match="Only published threads can be split"):
        split(fresh(place.source), [posts_of(place.target)[1]], place.facilitator)


# --- Splitting: the page ------------------------------------------------------------------------


def test_the_split_page_lists_the_replies_on_show_but_not_the_opening_post(
    client, place, long_thread
):
    posts = posts_of(long_thread)
    post_services.post_hide(actor=place.facilitator, post=posts[1], reason="Rude")
    client.force_login(place.facilitator)
    response = client.get(place.url("thread-split", long_thread.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Split replies into a new thread</h1>' in page
    assert f'value="{posts[0].pk}"' not in page
    assert f'value="{posts[1].pk}"' not in page
    for post in posts[2:]:
        assert f'name="posts" type="checkbox" value="{post.pk}"' in page
    assert 'for="id_posts_0"' in page and 'aria-describedby="id_posts_0_hint"' in page
    assert '<label class="govuk-label" for="id_title">' in page
    assert f'<option value="{long_thread.category_id}" selected>' in page


def test_the_split_page_keeps_what_was_typed_and_ticked_when_there_is_a_problem(
    client, place, long_thread
):
    posts = posts_of(long_thread)
    events = category_services.category_create(
        actor=place.facilitator, community=place.community, name="Events"
    )
    client.force_login(place.facilitator)
    url = place.url("thread-split", long_thread.pk)
    response = client.post(url, {"posts": [posts[2].pk, posts[4].pk], "category": events.pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in page
    assert page.index("govuk-error-summary") < page.index("<h1")
    assert '<a href="#id_title">Title of the new thread: Give the new thread a title.</a>' in page
    assert f'value="{posts[2].pk}" checked' in page and f'value="{posts[4].pk}" checked' in page
    assert f'value="{posts[3].pk}" aria-describedby' in page  # not ticked
    assert f'<option value="{events.pk}" selected>' in page

    response = client.post(url, {"title": "Evictions", "category": events.pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_posts_0">Replies to move: Choose at least one reply to move.</a>' in page
    assert 'value="Evictions"' in page
    assert Thread.objects.filter(title="Evictions").count() == 0


def test_splitting_from_the_page_goes_to_the_new_thread_and_says_what_happened(
    client, place, long_thread
):
    posts = posts_of(long_thread)
    client.force_login(place.facilitator)
    response = client.post(
        place.url("thread-split", long_thread.pk),
        {
            "posts": [posts[3].pk, posts[4].pk],
            "title": "Evictions",
            "category": posts[0].thread.category_id,
        },
    )
    new = Thread.objects.get(title="Evictions")
    assert response.status_code == 302 and response.url == new.get_absolute_url()
    page = client.get(response.url).content.decode()
    assert "Moved 2 replies from “Rent arrears” into this new thread." in page
    assert fresh(new).reply_count == 1
    assert fresh(long_thread).reply_count == 3


def test_the_split_page_shows_replies_a_page_at_a_time_and_says_so(client, place, settings):
    from forums.views import merge as views

    thread = dated_thread(place.community, "Busy", list(range(60, 0, -1)))
    client.force_login(place.facilitator)
    url = place.url("thread-split", thread.pk)
    page = client.get(url).content.decode()
    assert page.count('name="posts" type="checkbox"') == views.SPLIT_PER_PAGE
    assert "This thread has 59 replies on show, listed 50 to a page." in page
    assert 'action="?page=1"' in page
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('name="posts" type="checkbox"') == 9
    last = posts_of(thread)[-1]
    response = client.post(
        f"{url}?page=2", {"posts": [last.pk], "title": "Late", "category": thread.category_id}
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=last.pk).thread.title == "Late"


def test_the_split_page_of_a_thread_without_replies_says_there_is_nothing_to_move(client, place):
    lonely = make_thread(community=place.community, title="Quiet")
    client.force_login(place.facilitator)
    page = client.get(place.url("thread-split", lonely.pk)).content.decode()
    assert "This thread has no replies on show to move." in page
    assert 'name="posts"' not in page


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [2, 25])
def test_the_merge_check_page_query_count_does_not_grow_with_posts(
    client, django_assert_max_num_queries, rows
):
    place = make_place()
    source = make_thread(community=place.community, title="Duplicate", replies=rows)
    client.force_login(place.facilitator)
    url = place.url("thread-merge", source.pk)
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(url, {"target": str(place.target.pk)}).status_code == 200


@pytest.mark.parametrize("rows", [2, 30])
def test_the_split_page_query_count_does_not_grow_with_replies(
    client, django_assert_max_num_queries, rows
):
    place = make_place()
    thread = make_thread(community=place.community, title="Long", replies=rows)
    client.force_login(place.facilitator)
    with django_assert_max_num_queries(12):
        assert client.get(place.url("thread-split", thread.pk)).status_code == 200
