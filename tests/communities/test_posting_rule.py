"""One rule says who may write in a community (forum threads and replies, blog posts and
comments) and why not: `communities.permissions.why_no_posting`. Every refusal message in the
forum and the blog comes from it, so they cannot disagree."""

import pytest

from django.contrib.auth.models import AnonymousUser

from blogs import permissions as blog_permissions
from blogs import services as blog_services
from communities import permissions
from communities.models import Ban, Membership, PostingBan, Role
from communities.permissions import NoPosting
from forums import permissions as forum_permissions
from tests.blogs.conftest import make_post
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _person(kind: str, community):
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "outsider":
        return UserFactory()
    if kind == "staff":
        return UserFactory(is_staff=True)
    if kind == "banned":
        person = UserFactory()
        Ban.objects.create(community=community, user=person)
        return person
    verified = kind not in {"unverified", "stopped unverified"}
    person = MembershipFactory(community=community, user=UserFactory(verified=verified)).user
    if kind.startswith("stopped"):
        PostingBan.objects.create(community=community, user=person)
    return person


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("anonymous", NoPosting.SIGN_IN),
        ("outsider", NoPosting.JOIN),
        ("banned", NoPosting.BANNED),
        ("unverified", NoPosting.VERIFY_EMAIL),
        ("stopped", NoPosting.STOPPED),
        ("stopped unverified", NoPosting.STOPPED),
        ("member", None),
        ("staff", None),
    ],
)
def test_who_may_post_and_why_not(kind, reason):
    community = CommunityFactory()
    person = _person(kind, community)
    assert permissions.why_no_posting(person, community) is reason
    assert permissions.can_post(person, community) is (reason is None)
    assert permissions.can_blog(person, community) is (reason is None)


def test_staff_are_never_stopped_by_a_record_left_from_before_they_were_staff():
    community = CommunityFactory()
    person = MembershipFactory(community=community).user
    PostingBan.objects.create(community=community, user=person)
    person.is_staff = True
    person.save()
    permissions.forget_access(person)
    assert permissions.can_post(person, community)


@pytest.mark.parametrize("kind", ["outsider", "unverified", "stopped", "banned"])
def test_the_forum_and_the_blog_give_the_same_reason(kind):
    community = CommunityFactory()
    author = MembershipFactory(community=community, role=Role.FACILITATOR).user
    post = make_post(community, author)
    person = _person(kind, community)
    reason = permissions.why_no_posting(person, community)
    assert blog_permissions.why_no_comment(person, post) == (
        blog_permissions.COMMENT_REFUSALS.for_reason(reason)
    )
    assert blog_services.why_no_writing(person, community) == (
        blog_services.WRITING_REFUSALS.for_reason(reason)
    )
    assert forum_permissions.why_no_thread(person, community) == (
        forum_permissions.THREAD_REFUSALS.for_reason(reason)
    )


def test_a_stop_outlives_leaving_and_is_said_before_join():
    community = CommunityFactory()
    person = _person("stopped", community)
    Membership.objects.filter(user=person, community=community).delete()
    permissions.forget_access(person)
    assert permissions.why_no_posting(person, community) is NoPosting.STOPPED


def test_promoting_a_stopped_member_lifts_the_stop():
    community = CommunityFactory()
    person = _person("stopped", community)
    membership = Membership.objects.get(user=person, community=community)
    membership.role = Role.FACILITATOR
    membership.save()
    permissions.forget_access(person)
    assert not PostingBan.objects.filter(user=person).exists()
    assert permissions.can_post(person, community)  # facilitators are never stopped
