"""The permission matrix for what notifications and digests carry.

Every kind of thing a notification can point at (forum posts, reported posts, blog comments,
a community's waiting join requests; a decided request is in-site only and checked in
tests/notifications/test_notifications.py) x every way someone stands towards a community
(outsider, member, facilitator, removed after the notification was made, site staff) x open,
restricted and private communities. Each
person already has an unread notification about each thing, as if it was queued while they
could see it; the question is what the notifications page, the e-mail sent straight away and
the digest's "For you" show them now. The answer must be the access module's.
"""

import pytest

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from blogs import services as blog_services
from blogs.notification_kinds import BLOG_COMMENT
from communities.models import Membership, Role, Visibility
from communities.notification_kinds import JOIN_REQUEST
from forums.notification_kinds import FLAG
from notifications import digests
from notifications.emails import notification_email
from notifications.models import Delivery, EmailSettings, Notification
from notifications.notification_kinds import REPLY
from tests.blogs.conftest import make_post
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db

READERS = {"member", "facilitator", "staff"}
MODERATORS = {"facilitator", "staff"}
ROLES = ("outsider", "member", "facilitator", "removed", "staff")


def _person(role: str, community):
    person = UserFactory(is_staff=role == "staff")
    if role in ("member", "removed"):
        MembershipFactory(community=community, user=person)
    if role == "facilitator":
        MembershipFactory(community=community, user=person, role=Role.FACILITATOR)
    return person


def _targets(community) -> list[tuple[str, str, int]]:
    """(target type, kind, id) for one of each thing a notification points at."""
    thread = make_thread(community, replies=1)
    reply = thread.posts.order_by("-created_at").first()
    post = make_post(community)
    commenter = MembershipFactory(community=community).user
    comment = blog_services.comment_create(actor=commenter, post=post, body="A comment")
    return [
        ("forum.post", REPLY, reply.pk),
        ("forum.review", FLAG, reply.pk),
        ("blog.comment", BLOG_COMMENT, comment.pk),
        ("community.join_queue", JOIN_REQUEST, community.pk),
    ]


def _should_see(target_type: str, role: str, visibility: str) -> bool:
    if target_type in ("forum.review", "community.join_queue"):
        return role in MODERATORS
    return visibility == Visibility.OPEN or role in READERS


@pytest.mark.parametrize("visibility", [v.value for v in Visibility])
@pytest.mark.parametrize("role", ROLES)
def test_notifications_and_digests_carry_only_what_the_person_may_see_now(client, visibility, role):
    community = CommunityFactory(visibility=visibility)
    person = _person(role, community)
    targets = _targets(community)
    notifications = {
        target_type: Notification.objects.create(
            recipient=person,
            kind=kind,
            community=community,
            target_type=target_type,
            target_id=target_id,
            title="Something",
            url="/",
        )
        for target_type, kind, target_id in targets
    }
    if role == "removed":
        Membership.objects.filter(user=person, community=community).delete()

    client.force_login(person)
    page = client.get(reverse("notifications:list")).content.decode()
    Notification.objects.filter(recipient=person).update(read_at=None)  # the page read them
    _set_every_email(person, Delivery.IMMEDIATELY)
    emailed = {
        target_type: notification_email({"notification_id": notification.pk})
        for target_type, notification in notifications.items()
    }
    _set_every_email(person, Delivery.DAILY)
    Notification.objects.filter(recipient=person).update(emailed_at=None)
    mail.outbox.clear()
    digests.digest_batch_send(digests.DAILY, [person.pk], timezone.now())
    digest = "".join(message.body for message in mail.outbox if message.to == [person.email])

    for target_type, notification in notifications.items():
        expected = _should_see(target_type, role, visibility)
        where = f"{target_type} for a {role} of a {visibility} community"
        link = reverse("notifications:open", args=[notification.pk])
        assert (f'href="{link}"' in page) is expected, f"notifications page: {where}"
        assert (emailed[target_type] is not None) is expected, f"e-mail: {where}"
        assert (link in digest) is expected, f"digest: {where}"


@pytest.mark.parametrize("visibility", [v.value for v in Visibility])
@pytest.mark.parametrize("role", ROLES)
def test_the_unread_count_counts_only_what_the_person_may_see_now(visibility, role):
    """`Notification.objects.visible_to` (the header's count, the page's pagination) decides
    in the query what the describers decide when showing."""
    community = CommunityFactory(visibility=visibility)
    person = _person(role, community)
    targets = _targets(community)
    for target_type, kind, target_id in targets:
        Notification.objects.create(
            recipient=person,
            kind=kind,
            community=community,
            target_type=target_type,
            target_id=target_id,
            title="Something",
            url="/",
        )
    if role == "removed":
        Membership.objects.filter(user=person, community=community).delete()
    counted = set(Notification.objects.visible_to(person).values_list("target_type", flat=True))
    expected = {t for t, _, _ in targets if _should_see(t, role, visibility)}
    assert counted == expected, f"a {role} of a {visibility} community"


def _set_every_email(person, delivery: str) -> None:
    EmailSettings.objects.update_or_create(
        user=person,
        defaults={"replies": delivery, "my_posts_activity": delivery, "facilitation": delivery},
    )
