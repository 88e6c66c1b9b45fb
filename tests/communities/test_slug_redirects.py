"""A community that changes its web address keeps its old links working: any address under
/c/<old>/ that finds nothing goes on to the same address under the new one, for people who
may know the community exists."""

import pytest

from django.urls import reverse

from wagtail.contrib.redirects.models import Redirect

from communities.models import CommunitySlugRedirect, Role, Visibility
from tests.blogs.conftest import make_post
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db


def _move(community, slug: str):
    community.slug = slug
    community.save()
    return community


def test_the_settings_page_moves_the_address_and_the_old_one_leads_to_the_new(client):
    owner = MembershipFactory(role=Role.OWNER, community__slug="damp-and-mould")
    community = owner.community
    client.force_login(owner.user)
    form = {
        "name": community.name,
        "slug": "housing-conditions",
        "description": community.description,
        "guidelines": community.guidelines,
        "visibility": community.visibility,
        "allowed_email_domains": "",
        "tags": "",
    }
    response = client.post(reverse("communities_admin:edit", args=[community.pk]), form)
    assert response.status_code == 302
    old_home = client.get("/c/damp-and-mould/")
    assert old_home.status_code == 301 and old_home["Location"] == "/c/housing-conditions/"


def test_forum_addresses_and_their_query_strings_follow_the_community(client):
    community = CommunityFactory(slug="old-name")
    thread = make_thread(community)
    old_url = thread.get_absolute_url()
    _move(community, "new-name")
    response = client.get(f"{old_url}?page=2")
    assert response.status_code == 301
    assert response["Location"] == f"{old_url.replace('/c/old-name/', '/c/new-name/')}?page=2"
    assert client.get(response["Location"]).status_code == 200


def test_a_welsh_address_follows_the_community_in_welsh(client):
    community = CommunityFactory(slug="hen-enw")
    thread = make_thread(community)
    old_url = thread.get_absolute_url()
    _move(community, "enw-newydd")
    new_url = old_url.replace("/c/hen-enw/", "/c/enw-newydd/")
    response = client.get(f"/cy{old_url}")
    assert response.status_code == 301
    assert response["Location"] == f"/cy{new_url}"


def test_blog_posts_follow_the_community(client):
    community = CommunityFactory(slug="old-name")
    post = make_post(community, title="Damp surveys")
    old_url = post.get_absolute_url()
    _move(community, "new-name")
    post.refresh_from_db()
    response = client.get(old_url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == post.get_absolute_url()
    assert post.get_absolute_url().startswith("/c/new-name/blog/")


def test_an_address_changed_twice_leads_straight_to_the_latest():
    community = CommunityFactory(slug="first")
    _move(community, "second")
    _move(community, "third")
    assert dict(CommunitySlugRedirect.objects.values_list("old_slug", "community__slug")) == {
        "first": "third",
        "second": "third",
    }


def test_a_community_that_takes_an_old_address_takes_it_over(client):
    moved = CommunityFactory(slug="shared-name")
    _move(moved, "moved-away")
    CommunityFactory(slug="shared-name", name="Newcomer")
    assert not CommunitySlugRedirect.objects.exists()
    assert "Newcomer" in client.get("/c/shared-name/").content.decode()


def test_moving_back_to_an_old_address_drops_its_redirect(client):
    community = CommunityFactory(slug="original")
    _move(community, "renamed")
    _move(community, "original")
    assert list(CommunitySlugRedirect.objects.values_list("old_slug", flat=True)) == ["renamed"]
    assert client.get("/c/original/").status_code == 200


@pytest.mark.parametrize(
    "who, expected",
    [("anonymous", 404), ("outsider", 404), ("member", 301), ("staff", 301)],
)
def test_a_private_community_s_new_address_is_given_only_to_who_may_know_it(client, who, expected):
    community = CommunityFactory(slug="secret-old", visibility=Visibility.PRIVATE)
    member = MembershipFactory(community=community).user
    _move(community, "secret-new")
    people = {"outsider": UserFactory(), "member": member, "staff": UserFactory(is_staff=True)}
    if who in people:
        client.force_login(people[who])
    response = client.get("/c/secret-old/forum/")
    assert response.status_code == expected
    if expected == 404:
        assert "secret-new" not in response.content.decode()


def test_only_reading_is_redirected_and_unknown_addresses_stay_404(client):
    community = CommunityFactory(slug="old-name")
    member = MembershipFactory(community=community).user
    _move(community, "new-name")
    client.force_login(member)
    assert client.post("/c/old-name/forum/").status_code in (404, 405)
    assert client.get("/c/never-existed/").status_code == 404


def _move_and_commit(community, slug: str, django_capture_on_commit_callbacks):
    """Rename as the settings page does, running what waits for the commit (Wagtail creates
    its automatic redirects for the renamed pages then)."""
    with django_capture_on_commit_callbacks(execute=True):
        return _move(community, slug)


@pytest.mark.parametrize("who, expected", [("anonymous", 404), ("member", 301)])
def test_wagtail_s_own_redirects_do_not_give_a_private_blog_s_new_address_away(
    client, who, expected, django_capture_on_commit_callbacks
):
    community = CommunityFactory(slug="old-secret", visibility=Visibility.PRIVATE)
    member = MembershipFactory(community=community).user
    post = make_post(community, member, title="Layoff list")
    old_url = post.get_absolute_url()
    _move_and_commit(community, "new-secret", django_capture_on_commit_callbacks)
    assert Redirect.objects.filter(old_path__startswith="/c/old-secret").exists()
    if who == "member":
        client.force_login(member)
    for path in (old_url, "/c/old-secret/blog/"):
        response = client.get(path)
        assert response.status_code == expected, path
        if expected == 404:
            assert "new-secret" not in response.content.decode()
        else:
            assert response["Location"].startswith("/c/new-secret/blog/")


def test_a_renamed_post_s_old_address_leads_to_it(client, django_capture_on_commit_callbacks):
    community = CommunityFactory(slug="housing")
    post = make_post(community, title="Damp surveys")
    old_url = post.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        post.slug = "damp-surveys-2026"
        post.save_revision(user=post.owner).publish(user=post.owner)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"].endswith("/c/housing/blog/damp-surveys-2026/")
