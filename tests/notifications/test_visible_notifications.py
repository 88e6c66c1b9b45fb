"""The header's unread count and the notifications page count and show only what the person may
still open (`Notification.objects.visible_to`): decided inside the query, per target type,
before counting and paginating, in queries that do not grow with the rows."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageViewRestriction

from blogs import services as blog_services
from blogs.notification_kinds import BLOG_COMMENT
from communities.models import Membership, RequestStatus, Role, Visibility
from communities.notification_kinds import JOIN_REQUEST, REQUEST_DECIDED
from forums.notification_kinds import FLAG
from forums.services import posts as forum_posts
from notifications.models import Notification
from notifications.notification_kinds import REPLY
from notifications.views import PER_PAGE
from tests.blogs.conftest import make_post
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
    make_thread,
)

pytestmark = pytest.mark.django_db

COUNT = '<span class="copsite-count">{}<span class="govuk-visually-hidden"> unread'


def _header(client) -> str:
    return client.get(reverse("notifications:settings")).content.decode()


def test_someone_removed_from_a_private_community_stops_counting_and_seeing_it(
    client, run_after_commit
):
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    thread = make_thread(community=community, title="Secret plans")
    replier = MembershipFactory(community=community).user
    run_after_commit(lambda: forum_posts.post_reply(actor=replier, thread=thread, body="Yes"))
    client.force_login(thread.author)
    assert COUNT.format(1) in _header(client)

    Membership.objects.filter(user=thread.author, community=community).delete()
    assert "copsite-count" not in _header(client)
    page = client.get(reverse("notifications:list"))
    assert "Secret plans" not in page.content.decode()
    assert page.context["page_obj"].paginator.count == 0
    # Still there, unread: joining again brings it back.
    assert Notification.objects.filter(recipient=thread.author, read_at__isnull=True).exists()
    MembershipFactory(community=community, user=thread.author)
    assert COUNT.format(1) in _header(client)


def test_the_list_paginates_over_what_the_person_may_see(client):
    person = UserFactory()
    seen = make_thread(title="Open question")
    hidden = make_thread(community=CommunityFactory(visibility=Visibility.PRIVATE), title="Hush")
    visible_rows = PER_PAGE + 1
    _notify(person, [(REPLY, seen.community, "forum.post", seen.posts.get().pk)], visible_rows)
    # Newer than all of them, so the first page would be theirs if they counted.
    _notify(person, [(REPLY, hidden.community, "forum.post", hidden.posts.get().pk)], 5)
    client.force_login(person)

    response = client.get(reverse("notifications:list"))
    assert response.context["page_obj"].paginator.count == visible_rows
    assert len(response.context["notifications"]) == PER_PAGE
    assert "Hush" not in response.content.decode()
    second = client.get(reverse("notifications:list") + "?page=2")
    assert len(second.context["notifications"]) == 1


def _notify(person, targets, copies: int) -> None:
    """`copies` rows per target, interleaved, newest last; only the last of each is unread
    (the unread ones are unique per target)."""
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(
            recipient=person,
            kind=kind,
            community=community,
            target_type=target_type,
            target_id=target_id,
            title="Something",
            url="/",
            read_at=None if copy == copies - 1 else now,
        )
        for copy in range(copies)
        for kind, community, target_type, target_id in targets
    )


def _cast(person) -> tuple[list, list]:
    """Targets of every type the person may open, and as many they may not."""
    theirs = CommunityFactory()
    MembershipFactory(community=theirs, user=person)
    facilitated = CommunityFactory(visibility=Visibility.RESTRICTED)
    MembershipFactory(community=facilitated, user=person, role=Role.FACILITATOR)
    private = CommunityFactory(visibility=Visibility.PRIVATE)
    post_in = {c.pk: make_thread(community=c).posts.get().pk for c in (theirs, private)}
    reported = make_thread(community=facilitated).posts.get().pk
    comment = blog_services.comment_create(
        actor=MembershipFactory(community=theirs).user, post=make_post(theirs), body="Nice"
    )
    declined = MembershipRequestFactory(user=person, status=RequestStatus.DECLINED)
    visible = [
        (REPLY, theirs, "forum.post", post_in[theirs.pk]),
        (BLOG_COMMENT, theirs, "blog.comment", comment.pk),
        (FLAG, facilitated, "forum.review", reported),
        (JOIN_REQUEST, facilitated, "community.join_queue", facilitated.pk),
        (REQUEST_DECIDED, declined.community, "community.request", declined.pk),
    ]
    hidden = [
        (REPLY, private, "forum.post", post_in[private.pk]),
        (FLAG, theirs, "forum.review", post_in[theirs.pk]),  # a member, not a facilitator
        (JOIN_REQUEST, private, "community.join_queue", private.pk),
    ]
    return visible, hidden


def test_each_target_type_counts_only_what_its_describer_would_show(client):
    person = UserFactory()
    visible, hidden = _cast(person)
    _notify(person, visible + hidden, 1)
    client.force_login(person)
    assert COUNT.format(len(visible)) in _header(client)
    shown = client.get(reverse("notifications:list")).context["notifications"]
    assert sorted(n.target_type for n in shown) == sorted(t[2] for t in visible)
    assert Notification.objects.visible_to(person).count() == len(visible)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_count_and_the_list_cost_the_same_queries_for_few_or_many_rows(client):
    """Every target type, visible and hidden, once and then twelve times over."""
    person = UserFactory()
    visible, hidden = _cast(person)
    client.force_login(person)
    header, listing = reverse("notifications:settings"), reverse("notifications:list")
    client.get(header)  # makes the person's e-mail settings row
    _notify(person, visible + hidden, 1)
    few = _queries(client, header), _queries(client, listing)
    Notification.objects.update(read_at=timezone.now())  # the hidden ones too
    _notify(person, visible + hidden, 12)
    many = _queries(client, header), _queries(client, listing)
    assert many == few
    # The list: 7, plus one describer query per target type on the page beyond the first
    # (the blog's comments two: Wagtail's view restrictions); the header's count comes with
    # the page's own.
    assert many[0] <= 12 and many[1] <= 12


@pytest.mark.parametrize("rows", [2, 25])
def test_a_facilitators_notifications_page_stays_within_its_bound(
    client, django_assert_max_num_queries, rows
):
    """Replies, reports and join requests, with as many they may no longer see."""
    person = UserFactory()
    visible, hidden = _cast(person)
    of_forum_and_queue = [t for t in visible + hidden if t[2] != "blog.comment"]
    _notify(person, [t for t in of_forum_and_queue if t[2] != "community.request"], rows)
    client.force_login(person)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notifications:list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notifications:settings")).status_code == 200


def test_a_comment_on_a_view_restricted_post_is_neither_counted_nor_listed(client):
    person = UserFactory()
    community = CommunityFactory()
    post = make_post(community)
    comment = blog_services.comment_create(
        actor=MembershipFactory(community=community).user, post=post, body="Behind a password"
    )
    Notification.objects.create(
        recipient=person, kind=BLOG_COMMENT, community=community, target_type="blog.comment",
        target_id=comment.pk, title="A comment", url="/",
    )  # fmt: skip
    assert Notification.objects.visible_to(person).count() == 1
    PageViewRestriction.objects.create(page=post, restriction_type="password", password="x")
    assert Notification.objects.visible_to(person).count() == 0
