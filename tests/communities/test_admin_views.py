import pytest

from django.urls import reverse
from django.utils.html import escape

from communities.models import Membership, MembershipRequest, RequestStatus, Role, Visibility
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_facilitator_sees_only_their_own_communities_in_the_admin(client):
    mine = MembershipFactory(role=Role.FACILITATOR, community__name="Mine")
    CommunityFactory(name="Someone else's")
    client.force_login(mine.user)
    html = client.get(reverse("communities_admin:index")).content.decode()
    assert "Mine" in html and "Someone else&#x27;s" not in html and "Someone else's" not in html


def test_site_staff_see_every_community_in_the_admin(client):
    CommunityFactory(name="Hidden board", visibility=Visibility.PRIVATE)
    client.force_login(UserFactory(is_staff=True))
    assert "Hidden board" in client.get(reverse("communities_admin:index")).content.decode()


def test_a_facilitator_approves_a_request_in_the_admin(client, django_capture_on_commit_callbacks):
    request = MembershipRequestFactory()
    facilitator = MembershipFactory(community=request.community, role=Role.FACILITATOR).user
    client.force_login(facilitator)
    page = client.get(reverse("communities_admin:requests", args=[request.community.pk]))
    assert escape(request.user.public_name) in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("communities_admin:request-approve", args=[request.pk]))
    assert response.status_code == 302
    assert Membership.objects.filter(user=request.user, community=request.community).exists()


def test_approving_a_request_in_a_community_you_do_not_facilitate_changes_nothing(client):
    request = MembershipRequestFactory()
    client.force_login(MembershipFactory(role=Role.FACILITATOR).user)
    response = client.post(
        reverse("communities_admin:request-approve", args=[request.pk]), follow=True
    )
    assert response.redirect_chain[0] == ("/admin/", 302)
    assert "do not have permission" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert not Membership.objects.filter(user=request.user).exists()


def test_an_already_decided_request_shows_a_message(client):
    request = MembershipRequestFactory(status=RequestStatus.DECLINED)
    owner = MembershipFactory(community=request.community, role=Role.OWNER).user
    client.force_login(owner)
    response = client.post(
        reverse("communities_admin:request-approve", args=[request.pk]), follow=True
    )
    assert "already been dealt with" in response.content.decode()
    assert not Membership.objects.filter(user=request.user).exists()


def test_removing_the_last_owner_in_the_admin_is_refused_with_a_message(client):
    owner = MembershipFactory(role=Role.OWNER)
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.post(reverse("communities_admin:member-remove", args=[owner.pk]), follow=True)
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_an_invitation_to_a_bad_address_keeps_what_was_typed(client):
    owner = MembershipFactory(role=Role.OWNER)
    client.force_login(owner.user)
    response = client.post(
        reverse("communities_admin:invitations", args=[owner.community.pk]),
        {"email": "not-an-address", "role": "member"},
    )
    assert response.status_code == 400
    assert 'value="not-an-address"' in response.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_admin_request_and_member_lists_have_a_bounded_query_count(
    client, django_assert_max_num_queries, rows
):
    community = CommunityFactory(visibility=Visibility.RESTRICTED)
    owner = MembershipFactory(community=community, role=Role.OWNER).user
    for _ in range(rows):
        MembershipRequestFactory(community=community)
        MembershipFactory(community=community)
    client.force_login(owner)
    for name in ("requests", "members", "invitations"):
        with django_assert_max_num_queries(30):
            response = client.get(reverse(f"communities_admin:{name}", args=[community.pk]))
        assert response.status_code == 200
    assert MembershipRequest.objects.count() == rows


def test_a_decline_reason_counts_line_breaks_once_and_one_too_long_declines_nothing(client):
    request = MembershipRequestFactory()
    owner = MembershipFactory(community=request.community, role=Role.OWNER).user
    client.force_login(owner)
    url = reverse("communities_admin:request-decline", args=[request.pk])
    too_long = client.post(url, {"note": "x" * 2001}, follow=True)
    assert "Not declined" in too_long.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    fits_in_the_box = "\r\n".join(["line"] * 399)  # 1,995 characters as the browser counts
    client.post(url, {"note": fits_in_the_box})
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED
    assert request.decision_note == fits_in_the_box.replace("\r\n", "\n")


def test_the_admin_index_counts_members_and_waiting_requests_separately(client):
    community = CommunityFactory(name="Counted")
    owner = MembershipFactory(community=community, role=Role.OWNER).user
    for _ in range(3):
        MembershipFactory(community=community)
    MembershipRequestFactory(community=community)
    MembershipRequestFactory(community=community)
    MembershipRequestFactory(community=community, status=RequestStatus.DECLINED)
    client.force_login(owner)
    response = client.get(reverse("communities_admin:index"))
    counted = next(c for c in response.context["communities"] if c.pk == community.pk)
    assert (counted.member_count, counted.pending_count) == (4, 2)
