import pytest

from django.urls import reverse

from communities import permissions
from communities.models import Community, Membership, MembershipRequest, Role, Visibility
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_directory_lists_open_and_restricted_but_not_private_communities(client):
    CommunityFactory(name="Open housing", visibility=Visibility.OPEN)
    CommunityFactory(name="Restricted data", visibility=Visibility.RESTRICTED)
    CommunityFactory(name="Private board", visibility=Visibility.PRIVATE)
    client.force_login(UserFactory())
    html = client.get(reverse("communities:directory")).content.decode()
    assert "Open housing" in html and "Restricted data" in html
    assert "Private board" not in html


def test_members_of_a_private_community_see_it_in_the_directory(client):
    membership = MembershipFactory(community__name="Private board", community__visibility="private")
    client.force_login(membership.user)
    assert "Private board" in client.get(reverse("communities:directory")).content.decode()


def test_the_directory_searches_by_name_and_filters_by_tag(client):
    housing = CommunityFactory(name="Housing officers")
    housing.tags.add("homes")
    CommunityFactory(name="Data people").tags.add("data")
    html = client.get(reverse("communities:directory"), {"q": "housing"}).content.decode()
    assert "Housing officers" in html and "Data people" not in html
    html = client.get(reverse("communities:directory"), {"tag": "data"}).content.decode()
    assert "Data people" in html and "Housing officers" not in html


def test_the_directory_puts_the_most_recently_active_first(client):
    from datetime import timedelta

    from django.utils import timezone

    CommunityFactory(name="Quiet one", last_activity_at=timezone.now() - timedelta(days=30))
    CommunityFactory(name="Busy one", last_activity_at=timezone.now())
    html = client.get(reverse("communities:directory")).content.decode()
    assert html.index("Busy one") < html.index("Quiet one")


def _communities_with_members(count: int):
    for _ in range(count):
        community = CommunityFactory()
        community.tags.add("housing", "data")
        MembershipFactory(community=community, role=Role.OWNER)
        MembershipFactory(community=community, role=Role.FACILITATOR)
        MembershipFactory(community=community)


@pytest.mark.parametrize("rows", [2, 12])
def test_the_directory_query_count_does_not_grow_with_communities(
    client, django_assert_max_num_queries, rows
):
    _communities_with_members(rows)
    client.force_login(UserFactory())
    with django_assert_max_num_queries(12):
        response = client.get(reverse("communities:directory"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 20])
def test_the_community_home_query_count_does_not_grow_with_members(
    client, django_assert_max_num_queries, rows
):
    community = CommunityFactory()
    MembershipFactory(community=community, role=Role.OWNER)
    for _ in range(rows):
        MembershipFactory(community=community)
    client.force_login(MembershipFactory(community=community).user)
    with django_assert_max_num_queries(16):
        response = client.get(community.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [2, 30])
def test_the_member_list_query_count_does_not_grow_with_members(
    client, django_assert_max_num_queries, rows
):
    community = CommunityFactory()
    for _ in range(rows):
        MembershipFactory(community=community)
    client.force_login(MembershipFactory(community=community).user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("communities:member-list", args=[community.slug]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("who", "button"),
    [
        ("anonymous", "Sign in"),
        ("outsider_open", "Join "),
        ("outsider_restricted", "Ask to join"),
        ("pending", "Withdraw my request"),
        ("member", "See who else is here"),
    ],
)
def test_the_community_home_shows_each_visitor_their_next_step(client, who, button):
    visibility = (
        Visibility.OPEN
        if who in ("anonymous", "outsider_open", "member")
        else Visibility.RESTRICTED
    )
    community = CommunityFactory(visibility=visibility)
    if who.startswith("outsider"):
        client.force_login(UserFactory())
    elif who == "pending":
        client.force_login(MembershipRequestFactory(community=community).user)
    elif who == "member":
        client.force_login(MembershipFactory(community=community).user)
    assert button in client.get(community.get_absolute_url()).content.decode()


def test_joining_through_the_form_needs_the_guidelines_ticked_and_keeps_the_page(client):
    community = CommunityFactory(guidelines="No personal data.")
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("communities:join", args=[community.slug]), {})
    assert response.status_code == 200
    assert "Accept the community guidelines" in response.content.decode()
    assert not Membership.objects.filter(user=person).exists()
    response = client.post(
        reverse("communities:join", args=[community.slug]), {"accept_guidelines": "on"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=person, community=community).exists()


def test_a_join_request_keeps_the_message_when_the_guidelines_are_not_accepted(client):
    community = CommunityFactory(visibility=Visibility.RESTRICTED, guidelines="Be kind.")
    client.force_login(UserFactory())
    response = client.post(
        reverse("communities:request", args=[community.slug]), {"message": "I run the team"}
    )
    assert response.status_code == 200
    assert "I run the team" in response.content.decode()
    assert not MembershipRequest.objects.exists()


def test_guessing_a_private_community_url_gives_404_to_outsiders(client):
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    client.force_login(UserFactory())
    for url in (
        community.get_absolute_url(),
        reverse("communities:member-list", args=[community.slug]),
        reverse("communities:join", args=[community.slug]),
        reverse("communities:request", args=[community.slug]),
        reverse("communities:leave", args=[community.slug]),
        "/c/no-such-community/",
    ):
        assert client.get(url).status_code == 404, url


def test_creating_a_community_with_a_taken_slug_keeps_what_was_typed(client):
    CommunityFactory(slug="housing")
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("communities:community-create"),
        {
            "name": "Housing two",
            "slug": "housing",
            "description": "Typed text",
            "visibility": "open",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Another community already uses that web address" in html
    assert "Typed text" in html and "Housing two" in html
    assert Community.objects.count() == 1


def test_creating_a_community_with_a_reserved_slug_is_refused(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("communities:community-create"),
        {"name": "Admin", "slug": "admin", "description": "d", "visibility": "open"},
    )
    assert "reserved" in response.content.decode()
    assert not Community.objects.exists()


def test_staff_create_a_community_and_become_its_owner(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    response = client.post(
        reverse("communities:community-create"),
        {
            "name": "Digital inclusion",
            "slug": "digital-inclusion",
            "description": "Getting everyone online.",
            "visibility": "restricted",
            "allowed_email_domains": "*.gov.uk",
            "tags": "digital, inclusion",
        },
    )
    community = Community.objects.get(slug="digital-inclusion")
    assert response.status_code == 302
    assert permissions.can_manage_roles(staff, community)
    assert Membership.objects.get(community=community).role == Role.OWNER


def test_the_invitation_page_sends_anonymous_visitors_to_sign_in(client):
    from communities import services

    owner = MembershipFactory(role=Role.OWNER, community__visibility=Visibility.PRIVATE)
    _, token = services.invitation_create(
        actor=owner.user, community=owner.community, email="new@example.gov.uk"
    )
    html = client.get(reverse("communities:invitation", args=[token])).content.decode()
    assert "Sign in" in html and owner.community.name in html


def test_an_invitation_opened_by_another_account_says_so_and_changes_nothing(client):
    from communities import services

    owner = MembershipFactory(role=Role.OWNER, community__visibility=Visibility.PRIVATE)
    _, token = services.invitation_create(
        actor=owner.user, community=owner.community, email="new@example.gov.uk"
    )
    intruder = UserFactory()
    client.force_login(intruder)
    response = client.post(
        reverse("communities:invitation", args=[token]), {"accept_guidelines": "on"}
    )
    assert response.status_code == 400
    assert "different e-mail address" in response.content.decode()
    assert not Membership.objects.filter(user=intruder).exists()
