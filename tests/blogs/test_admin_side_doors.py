"""Side doors of the Wagtail admin: screens that list pages (or people) without naming a page in
their URL path, so the per-page 404 of the middleware does not cover them. A writer sees only
what the explorer shows them: their communities' published posts and their own drafts; never
another community's pages, other members' drafts, or anyone's e-mail address."""

from urllib.parse import urlencode

import pytest

from django.urls import reverse

from accounts.models import User
from blogs import services
from communities.models import Role, Visibility
from tests.blogs.conftest import blog_of, make_post, make_writer
from tests.blogs.test_admin import _image
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

# These tests search in the admin: Wagtail keeps its search index as it would in use.
pytestmark = [pytest.mark.django_db, pytest.mark.search_index]

PRIVATE_SECRETS = (
    "Zebra merger plans",
    "Zebra draft plans",
    "Bravo secret board",
    "Xanthe Hiddenwriter",
    "hiddenwriter@example.gov.uk",
    "colleague@example.gov.uk",  # e-mail addresses are never shown to other people
)
COLLEAGUE_SECRETS = ("Zebra unfinished draft",)


@pytest.fixture
def world():
    """A writer in an open community; a colleague's draft there; a private community with a
    published post and a draft by someone who writes only there, with moderation on."""
    mine = CommunityFactory(slug="mine", name="Alpha housing")
    theirs = CommunityFactory(
        slug="theirs", name="Bravo secret board", visibility=Visibility.PRIVATE
    )
    writer = make_writer(mine)
    facilitator = MembershipFactory(community=mine, role=Role.FACILITATOR).user
    colleague = MembershipFactory(
        community=mine, user=UserFactory(email="colleague@example.gov.uk")
    ).user
    hidden = MembershipFactory(
        community=theirs,
        user=UserFactory(email="hiddenwriter@example.gov.uk", display_name="Xanthe Hiddenwriter"),
    ).user
    their_post = make_post(theirs, hidden, title="Zebra merger plans")
    their_draft = make_post(theirs, hidden, title="Zebra draft plans", publish=False)
    colleague_draft = make_post(mine, colleague, title="Zebra unfinished draft", publish=False)
    my_post = make_post(mine, writer, title="Zebra my post")
    owner = MembershipFactory(community=theirs, role=Role.OWNER).user
    services.blog_settings_update(actor=owner, community=theirs, moderate_member_posts=True)
    return {
        "mine": mine,
        "theirs": theirs,
        "writer": writer,
        "facilitator": facilitator,
        "colleague": colleague,
        "their_post": their_post,
        "their_draft": their_draft,
        "colleague_draft": colleague_draft,
        "my_post": my_post,
    }


def _secrets_for(who: str) -> tuple[str, ...]:
    # A facilitator moderates their blog, so sees the drafts written in it.
    return PRIVATE_SECRETS + (COLLEAGUE_SECRETS if who == "writer" else ())


def _assert_nothing_secret(response, who: str, where: str) -> None:
    html = response.content.decode()
    for secret in _secrets_for(who):
        assert secret not in html, (where, secret)


def _assert_no_one_else_s_address(response, viewer, where: str) -> None:
    html = response.content.decode()
    for email in User.objects.exclude(pk=viewer.pk).values_list("email", flat=True):
        assert email not in html, (where, email)


def _bulk(action: str, *params) -> str:
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", action))
    return f"{url}?{urlencode(params)}"


# --- Bulk actions --------------------------------------------------------------------------------

BULK_ACTIONS = ("delete", "publish", "unpublish", "move")


@pytest.mark.parametrize("action", BULK_ACTIONS)
def test_bulk_actions_are_404_for_pages_a_writer_may_not_see(client, world, action):
    w = world
    client.force_login(w["writer"])
    their_blog = blog_of(w["theirs"])
    for name, params in {
        "private post": [("id", w["their_post"].pk)],
        "private draft": [("id", w["their_draft"].pk)],
        "colleague's draft": [("id", w["colleague_draft"].pk)],
        "mixed": [("id", w["my_post"].pk), ("id", w["their_post"].pk)],
        "private blog": [("id", their_blog.pk)],
        "hidden parent": [("id", w["my_post"].pk), ("childOf", their_blog.pk)],
        "all": [("id", "all")],
        "all, searching": [("id", "all"), ("q", "zebra")],
        "all under a private blog": [("id", "all"), ("childOf", their_blog.pk)],
        "search of a private blog": [("id", "all"), ("childOf", their_blog.pk), ("q", "zebra")],
        "not a number": [("id", "x")],
        "parent not a number": [("id", "all"), ("childOf", "x")],
    }.items():
        response = client.get(_bulk(action, *params))
        assert response.status_code == 404, name
        _assert_nothing_secret(response, "writer", name)


@pytest.mark.parametrize("action", BULK_ACTIONS)
def test_select_all_in_a_writer_s_blog_lists_no_colleague_s_draft(client, world, action):
    w = world
    client.force_login(w["writer"])
    blog = blog_of(w["mine"])
    for params in ([("id", "all"), ("childOf", blog.pk)],
                   [("id", "all"), ("childOf", blog.pk), ("q", "zebra")]):  # fmt: skip
        response = client.get(_bulk(action, *params))
        assert response.status_code in (200, 404), params
        _assert_nothing_secret(response, "writer", str(params))


def test_a_writer_still_bulk_deletes_their_own_post(client, world):
    w = world
    client.force_login(w["writer"])
    response = client.get(_bulk("delete", ("id", w["my_post"].pk)))
    assert response.status_code == 200
    assert "Zebra my post" in response.content.decode()
    _assert_nothing_secret(response, "writer", "own post")


def test_posting_a_bulk_delete_of_another_community_s_post_is_404(client, world):
    w = world
    client.force_login(w["writer"])
    response = client.post(_bulk("delete", ("id", w["their_post"].pk)))
    assert response.status_code == 404
    w["their_post"].refresh_from_db()
    assert w["their_post"].live


def test_a_facilitator_selects_all_in_their_blog_but_not_in_a_private_one(client, world):
    w = world
    client.force_login(w["facilitator"])
    mine = client.get(_bulk("unpublish", ("id", "all"), ("childOf", blog_of(w["mine"]).pk)))
    assert mine.status_code == 200
    assert "Zebra my post" in mine.content.decode()
    _assert_nothing_secret(mine, "facilitator", "own blog")
    theirs = client.get(
        _bulk("delete", ("id", "all"), ("childOf", blog_of(w["theirs"]).pk), ("q", "zebra"))
    )
    assert theirs.status_code == 404


def test_superusers_keep_every_bulk_action(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(
        _bulk("delete", ("id", "all"), ("childOf", blog_of(world["theirs"]).pk), ("q", "zebra"))
    )
    assert response.status_code == 200
    assert "Zebra merger plans" in response.content.decode()


def test_image_bulk_actions_are_404_for_another_community_s_images(client, world):
    w = world
    theirs, mine = _image(w["theirs"], title="Bravo chart"), _image(w["mine"], title="Alpha chart")
    client.force_login(w["writer"])
    for action in ("delete", "add_to_collection", "add_tags"):
        for ids in ([theirs.pk], [mine.pk, theirs.pk], ["x"]):
            response = client.get(_bulk_images(action, *ids))
            assert response.status_code == 404, (action, ids)
            assert "Bravo chart" not in response.content.decode(), (action, ids)
    own = client.get(_bulk_images("add_tags", mine.pk))
    assert own.status_code == 200 and "Alpha chart" in own.content.decode()


def _bulk_images(action: str, *ids) -> str:
    url = reverse("wagtail_bulk_action", args=("wagtailimages", "image", action))
    return f"{url}?{urlencode([('id', pk) for pk in ids])}"


# --- Reports -------------------------------------------------------------------------------------

REPORTS = (
    "site_history",
    "site_history_results",
    "aging_pages",
    "aging_pages_results",
    "page_types_usage",
    "page_types_usage_results",
    "workflow",
    "workflow_results",
    "workflow_tasks",
    "workflow_tasks_results",
    "locked_pages",
    "locked_pages_results",
)


@pytest.mark.parametrize("who", ["writer", "facilitator"])
def test_reports_are_404_for_everyone_but_superusers(client, world, who):
    """Aging pages shows publishers' usernames (e-mail addresses); the others list every
    workflow (named after communities), the latest page of each type, or everyone who ever
    locked or changed a page, whichever community it is in."""
    client.force_login(world[who])
    for name in REPORTS:
        url = reverse(f"wagtailadmin_reports:{name}")
        for query in ("", "?export=csv"):
            response = client.get(url + query)
            assert response.status_code == 404, (name, query)
            _assert_no_one_else_s_address(response, world[who], name + query)
    dashboard = client.get("/admin/").content.decode()
    assert "/admin/reports/" not in dashboard  # not offered in the menu either


def test_superusers_keep_the_reports(client, world, settings):
    assert settings.WAGTAIL_AGING_PAGES_ENABLED is False  # not in the menu, even for them
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for name in REPORTS:
        assert client.get(reverse(f"wagtailadmin_reports:{name}")).status_code == 200, name
    dashboard = client.get("/admin/").content.decode()
    assert reverse("wagtailadmin_reports:site_history") in dashboard
    assert reverse("wagtailadmin_reports:aging_pages") not in dashboard


# --- Search, the admin API, page type usage, listing filters -------------------------------------


@pytest.mark.parametrize("who", ["writer", "facilitator"])
def test_admin_page_search_shows_only_what_the_explorer_shows(client, world, who):
    client.force_login(world[who])
    for name in ("search", "search_results"):
        response = client.get(reverse(f"wagtailadmin_pages:{name}") + "?q=zebra")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Zebra my post" in html, name
        _assert_nothing_secret(response, who, name)
    if who == "facilitator":
        assert "Zebra unfinished draft" in html  # they moderate that blog


@pytest.mark.parametrize("who", ["writer", "facilitator"])
def test_the_admin_api_shows_only_what_the_explorer_shows(client, world, who):
    w = world
    client.force_login(w[who])
    api = "/admin/api/main/pages/"
    for query in (
        "",
        "?search=zebra",
        f"?child_of={blog_of(w['mine']).pk}",
        f"?child_of={blog_of(w['mine']).pk}&for_explorer=1",
        f"?descendant_of={blog_of(w['mine']).get_parent().pk}",
    ):
        response = client.get(api + query)
        assert response.status_code == 200, query
        _assert_nothing_secret(response, who, query)
    hidden = [w["their_post"], w["their_draft"]]
    if who == "writer":
        hidden.append(w["colleague_draft"])
    for page in hidden:
        assert client.get(f"{api}{page.pk}/").status_code == 404, page.title
    assert client.get(f"{api}{w['my_post'].pk}/").status_code == 200


@pytest.mark.parametrize("who", ["writer", "facilitator"])
def test_page_type_usage_lists_only_what_the_explorer_shows(client, world, who):
    client.force_login(world[who])
    for name in ("type_use", "type_use_results"):
        response = client.get(reverse(f"wagtailadmin_pages:{name}", args=["blogs", "blogpostpage"]))
        assert response.status_code == 200, name
        _assert_nothing_secret(response, who, name)


@pytest.mark.parametrize("who", ["writer", "facilitator"])
def test_listing_filters_name_only_people_behind_visible_pages(client, world, who):
    w = world
    client.force_login(w[who])
    for url in (
        reverse("wagtailadmin_explore", args=[blog_of(w["mine"]).pk]),
        reverse("wagtailadmin_explore_results", args=[blog_of(w["mine"]).pk]),
        reverse("wagtailadmin_pages:type_use", args=["blogs", "blogpostpage"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Xanthe Hiddenwriter" not in response.content.decode(), url
        _assert_no_one_else_s_address(response, w[who], url)


def test_superusers_still_filter_listings_by_anyone(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    html = client.get(reverse("wagtailadmin_explore", args=[blog_of(world["mine"]).pk]))
    assert "Xanthe Hiddenwriter" in html.content.decode()
