"""The seams later apps plug into (copsite.registry): a community's navigation and section
settings, actions on a forum thread, the home page's sections and the search types. Each test
registers what a new app would, without editing the app that owns the seam."""

from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from communities.models import Role, Visibility
from communities.navigation import CommunityLink, community_links
from copsite.registry import Registry
from copsite.search_types import search_types
from forums.services import posts as post_services
from forums.thread_actions import ThreadAction, thread_actions
from pages.home_sections import HomeSection, home_sections
from tests.blogs.conftest import _blog_settings, make_post  # noqa: F401  (an autouse fixture)
from tests.factories import CommunityFactory, MembershipFactory, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    """Register entries for one test, as a new app's ready() would; forget them afterwards."""
    added: list[tuple[Registry, str]] = []

    def register(registry: Registry, entry):
        registry.register(entry)
        added.append((registry, entry.key))
        return entry

    yield register
    for registry, key in added:
        registry.unregister(key)


def test_a_registry_lists_entries_in_order_and_names_an_unknown_key():
    registry = Registry("widget")
    registry.register(CommunityLink("b", "B", str, order=2))
    registry.register(CommunityLink("a", "A", str, order=2))
    registry.register(CommunityLink("c", "C", str, order=1))
    assert [entry.key for entry in registry] == ["c", "a", "b"]
    with pytest.raises(LookupError, match="No widget is registered as 'nope'"):
        registry.get("nope")


def test_community_pages_show_the_sections_links_with_the_current_one_marked(client):
    community = CommunityFactory(slug="damp")
    home = client.get(community.get_absolute_url()).content.decode()
    assert 'href="/c/damp/forum/"' in home and 'href="/c/damp/blog/"' in home
    assert 'href="/c/damp/" aria-current="page">Home<' in home
    forum = client.get(reverse("forums:forum", args=["damp"])).content.decode()
    assert 'href="/c/damp/forum/" aria-current="page">Forum<' in forum
    blog = client.get("/c/damp/blog/").content.decode()
    assert 'href="/c/damp/blog/" aria-current="page">Blog<' in blog


def test_a_new_section_adds_its_link_without_editing_communities(client, registered):
    registered(community_links, CommunityLink("wiki", "Wiki", lambda c: f"/c/{c.slug}/wiki/"))
    community = CommunityFactory(slug="damp")
    assert 'href="/c/damp/wiki/">Wiki<' in client.get("/c/damp/").content.decode()
    hidden = CommunityFactory(slug="secret", visibility=Visibility.RESTRICTED)
    # Links are for people who may read the community's content.
    assert 'href="/c/secret/wiki/"' not in client.get(hidden.get_absolute_url()).content.decode()
    assert community.pk


def test_facilitators_find_each_sections_settings_from_the_communitys_settings(client):
    facilitator = MembershipFactory(role=Role.FACILITATOR).user
    community = facilitator.memberships.get().community
    client.force_login(facilitator)
    page = client.get(reverse("communities_admin:edit", args=[community.pk])).content.decode()
    assert reverse("forums:forum-settings", args=[community.slug]) in page
    assert reverse("blogs_admin:settings", args=[community.pk]) in page


def test_other_apps_offer_actions_on_a_thread_to_whom_they_choose(client, registered):
    thread = make_thread(title="Damp in new builds")
    registered(
        thread_actions,
        ThreadAction(
            "wiki.page-from-thread",
            "Start a wiki page from this thread",
            url=lambda thread: f"/c/{thread.community.slug}/wiki/new/?from={thread.pk}",
            shown=lambda user, thread: user.is_authenticated,
        ),
    )
    url = thread.get_absolute_url()
    assert "Start a wiki page from this thread" not in client.get(url).content.decode()
    client.force_login(MembershipFactory(community=thread.community).user)
    page = client.get(url).content.decode()
    assert f'href="/c/{thread.community.slug}/wiki/new/?from={thread.pk}"' in page


def test_apps_add_sections_to_the_home_page(client, registered):
    CommunityFactory(name="Housing officers")
    registered(
        home_sections,
        HomeSection(
            "welcome-back",
            "pages/_active_communities.html",
            lambda request: {"active_communities": [], "can_create_community": False},
            order=1,
        ),
    )
    page = client.get("/").content.decode()
    assert page.count("Active communities") == 2  # the new section and the registered one
    assert "Housing officers" in page


def test_forum_threads_are_searchable_with_their_visible_posts_only():
    thread = make_thread(title="Damp in new builds", body="Ventilation **matters**.", replies=2)
    facilitator = MembershipFactory(community=thread.community, role=Role.FACILITATOR).user
    hidden = thread.posts.order_by("-created_at").first()
    post_services.post_hide(actor=facilitator, post=hidden, reason="Off topic")
    team = make_thread(community=thread.community, author=facilitator, title="Welcome",
                       as_team=True)  # fmt: skip
    held = make_thread(community=thread.community, title="Held back")
    type(held).objects.filter(pk=held.pk).update(status=type(held).Status.HELD)

    documents = {d.object_id: d for d in search_types.get("forum.thread").documents(None)}
    assert held.pk not in documents
    found = documents[thread.pk]
    assert (found.title, found.community_id, found.author_id) == (
        "Damp in new builds",
        thread.community_id,
        thread.author_id,
    )
    assert "Ventilation matters." in found.text and "Reply 0" in found.text
    assert "Reply 1" not in found.text  # hidden by a facilitator
    assert found.url == thread.get_absolute_url()
    assert documents[team.pk].author_id is None  # team posts never name their writer
    only = list(search_types.get("forum.thread").documents([team.pk]))
    assert [d.object_id for d in only] == [team.pk]


def test_blog_posts_are_searchable_when_live_and_public_only():
    community = CommunityFactory()
    post = make_post(community, title="A year of damp surveys", body="<p>400 homes.</p>",
                     tags=["damp"])  # fmt: skip
    draft = make_post(community, title="Not yet", publish=False)
    documents = {d.object_id: d for d in search_types.get("blog.post").documents(None)}
    assert draft.pk not in documents
    found = documents[post.pk]
    assert found.title == "A year of damp surveys" and "400 homes." in found.text
    assert found.tags == ("damp",) and found.author_id == post.owner_id
    assert found.url == post.get_absolute_url()
    assert timezone.now() - found.created_at < timedelta(minutes=5)
