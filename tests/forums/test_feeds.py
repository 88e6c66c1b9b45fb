"""Forum feeds: public ones for open communities, personal secret ones for everything else."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import feedparser
import pytest

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.feeds import feed_token_for, feed_token_reset, user_for_feed_token
from accounts.services import account_delete
from communities import services as community_services
from communities.models import Membership, Visibility
from forums.feeds import FEED_LENGTH
from forums.models import Category, ForumSettings, Post
from forums.services import posts as post_services
from tests.conftest import make_cast
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread
from tests.matrix import Matrix, Row

pytestmark = pytest.mark.django_db

OPEN, RESTRICTED, PRIVATE = Visibility.OPEN, Visibility.RESTRICTED, Visibility.PRIVATE
FORMATS = ("rss", "atom")
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
ATOM = "{http://www.w3.org/2005/Atom}"


# --- Helpers ------------------------------------------------------------------------------------


def public_url(fmt: str, community, category=None) -> str:
    if category is None:
        return reverse(f"forums:feed-{fmt}", kwargs={"slug": community.slug})
    return reverse(
        f"forums:category-feed-{fmt}",
        kwargs={"slug": community.slug, "category_slug": category.slug},
    )


def personal_url(fmt: str, token: str, community=None, category=None) -> str:
    if community is None:
        return reverse(f"forums:personal-feed-{fmt}", kwargs={"token": token})
    if category is None:
        return reverse(
            f"forums:personal-community-feed-{fmt}", kwargs={"token": token, "slug": community.slug}
        )
    return reverse(
        f"forums:personal-category-feed-{fmt}",
        kwargs={"token": token, "slug": community.slug, "category_slug": category.slug},
    )


def fetch_feed(client, url: str, fmt: str):
    """Gets a feed and checks it is a well-formed feed that readers and Outlook accept."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    parsed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if fmt == "rss" else "atom10")
    return parsed


def raw_item_html(content: bytes, fmt: str) -> list[str]:
    """Each item's HTML exactly as we wrote it (feedparser would sanitise it for us)."""
    root = ET.fromstring(content)  # noqa: S314 - our own output
    if fmt == "rss":
        return [item.findtext("description") for item in root.iter("item")]
    return [entry.findtext(f"{ATOM}summary") for entry in root.iter(f"{ATOM}entry")]


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def html_tags(html: str) -> list[tuple[str, dict]]:
    """The real elements in an HTML fragment (escaped text is not an element)."""
    collector = _TagCollector()
    collector.feed(html)
    return collector.tags


def titles(parsed) -> list[str]:
    return [entry.title for entry in parsed.entries]


def hold_first_posts(community) -> None:
    ForumSettings.objects.update_or_create(community=community, defaults={"hold_first_posts": True})


def general(community) -> Category:
    return Category.objects.get(community=community, slug="general")


def off_topic(community) -> Category:
    return Category.objects.get(community=community, slug="off-topic")


# --- Public feeds -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_open_communitys_public_feed_lists_new_threads_and_replies_newest_first(client, fmt):
    community = CommunityFactory(name="Housing officers")
    author = MembershipFactory(community=community, user__display_name="Ann Author").user
    replier = MembershipFactory(community=community, user__display_name="Rob Replier").user
    thread = make_thread(community=community, author=author, title="Damp in tower blocks")
    reply = post_services.post_reply(actor=replier, thread=thread, body="Try *ventilation*.")

    parsed = fetch_feed(client, public_url(fmt, community), fmt)

    assert parsed.feed.title == f"Housing officers forum – {settings.COPSITE_SITE_NAME}"
    assert parsed.feed.link == f"{settings.SITE_URL}/c/{community.slug}/forum/"
    assert titles(parsed) == ["Re: Damp in tower blocks", "Damp in tower blocks"]
    newest, oldest = parsed.entries
    assert newest.link == f"{settings.SITE_URL}{reply.get_absolute_url()}"
    assert oldest.link == f"{settings.SITE_URL}{thread.get_absolute_url()}"
    assert [newest.author, oldest.author] == ["Rob Replier", "Ann Author"]
    assert "<em>ventilation</em>" in newest.summary
    assert newest.published_parsed
    if fmt == "atom":
        assert newest.updated_parsed


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_category_feed_shows_only_that_categorys_threads(client, fmt):
    community = CommunityFactory()
    make_thread(community=community, title="In general", category=general(community))
    make_thread(community=community, title="Off the topic", category=off_topic(community))

    parsed = fetch_feed(client, public_url(fmt, community, off_topic(community)), fmt)

    assert titles(parsed) == ["Off the topic"]
    assert parsed.feed.title.startswith(f"Off topic – {community.name} forum")
    assert parsed.feed.link == f"{settings.SITE_URL}{off_topic(community).get_absolute_url()}"


def test_a_category_feed_of_an_unknown_category_is_404(client):
    community = CommunityFactory()
    url = reverse(
        "forums:category-feed-rss", kwargs={"slug": community.slug, "category_slug": "nope"}
    )
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_feeds_of_a_private_community_are_404_even_for_its_members(client, fmt):
    community = CommunityFactory(visibility=PRIVATE)
    thread = make_thread(community=community)
    urls = [public_url(fmt, community), public_url(fmt, community, thread.category)]
    assert [client.get(url).status_code for url in urls] == [404, 404]
    client.force_login(thread.author)
    assert [client.get(url).status_code for url in urls] == [404, 404]


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_feeds_of_a_restricted_community_are_403_and_show_nothing(client, fmt):
    community = CommunityFactory(visibility=RESTRICTED)
    thread = make_thread(community=community, title="Members only talk")
    for url in (public_url(fmt, community), public_url(fmt, community, thread.category)):
        response = client.get(url)
        assert response.status_code == 403
        assert b"Members only talk" not in response.content


def test_a_public_feed_is_the_same_for_a_signed_in_member_as_for_anyone(client):
    """Public feeds always read as an anonymous visitor, so they can be cached and shared."""
    community = CommunityFactory()
    thread = make_thread(community=community)
    anonymous = client.get(public_url("rss", community)).content
    client.force_login(thread.author)
    assert client.get(public_url("rss", community)).content == anonymous


def test_a_feed_holds_the_latest_posts_only(client):
    community = CommunityFactory()
    make_thread(community=community, replies=FEED_LENGTH + 4)
    parsed = fetch_feed(client, public_url("rss", community), "rss")
    assert len(parsed.entries) == FEED_LENGTH
    assert parsed.entries[0].title.startswith("Re: ")


# --- What never appears -------------------------------------------------------------------------


def test_held_hidden_deleted_and_rejected_posts_and_unpublished_threads_never_appear(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role="facilitator").user
    thread = make_thread(community=community, author=facilitator, body="visible-start")
    hidden = post_services.post_reply(
        actor=MembershipFactory(community=community).user, thread=thread, body="hidden-reply"
    )
    post_services.post_hide(actor=facilitator, post=hidden, reason="Off topic")
    deleter = MembershipFactory(community=community).user
    deleted = post_services.post_reply(actor=deleter, thread=thread, body="deleted-reply")
    post_services.post_delete(actor=deleter, post=deleted)
    post_services.post_reply(
        actor=MembershipFactory(community=community).user, thread=thread, body="visible-reply"
    )
    hold_first_posts(community)
    post_services.post_reply(
        actor=MembershipFactory(community=community).user, thread=thread, body="held-reply"
    )
    rejected = post_services.post_reply(
        actor=MembershipFactory(community=community).user, thread=thread, body="rejected-reply"
    )
    post_services.post_reject(actor=facilitator, post=rejected)
    make_thread(community=community, title="Held thread", body="held-thread")
    make_thread(
        community=community,
        author=facilitator,
        title="Scheduled thread",
        body="scheduled-thread",
        publish_at=timezone.now() + timedelta(days=1),
    )
    token = feed_token_for(facilitator)
    urls = [public_url(fmt, community) for fmt in FORMATS]
    urls += [public_url(fmt, community, general(community)) for fmt in FORMATS]
    urls += [personal_url(fmt, token, community) for fmt in FORMATS]
    urls += [personal_url(fmt, token) for fmt in FORMATS]

    for url in urls:
        content = client.get(url).content.decode()
        assert "visible-start" in content and "visible-reply" in content, url
        for secret in ("hidden", "deleted", "held", "rejected", "scheduled"):
            assert f"{secret}-" not in content, (url, secret)


@pytest.mark.parametrize("fmt", FORMATS)
def test_email_addresses_never_appear_in_any_feed(client, fmt):
    community = CommunityFactory(visibility=PRIVATE)
    author = MembershipFactory(community=community, user__display_name="").user
    replier = MembershipFactory(community=community).user
    thread = make_thread(community=community, author=author)
    post_services.post_reply(actor=replier, thread=thread, body="A reply")
    open_community = CommunityFactory()
    make_thread(community=open_community, author=MembershipFactory(community=open_community).user)
    token = feed_token_for(replier)
    urls = [
        personal_url(fmt, token),
        personal_url(fmt, token, community),
        personal_url(fmt, token, community, thread.category),
        public_url(fmt, open_community),
    ]
    addresses = [user.email for user in (author, replier)] + [
        post.author.email for post in Post.objects.filter(thread__community=open_community)
    ]

    for url in urls:
        parsed = fetch_feed(client, url, fmt)
        content = client.get(url).content.decode()
        assert parsed.entries, url
        assert "@" not in content, url
        assert not any(address in content for address in addresses)
    personal = fetch_feed(client, personal_url(fmt, token, community), fmt)
    assert {entry.author for entry in personal.entries} == {
        f"Member {author.pk}",
        replier.display_name,
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_script_javascript_links_and_event_handlers_are_inert_in_feeds(client, fmt):
    community = CommunityFactory()
    title = '<script>alert("t")</script> Tom & Jerry <img src=x onerror=alert(1)>'
    body = (
        "<script>alert(1)</script>\n\n"
        "[click me](javascript:alert(2))\n\n"
        '<img src="x" onerror="alert(3)">\n\n'
        '<a href="javascript:alert(4)">raw</a>'
    )
    make_thread(community=community, title=title, body=body)
    response = client.get(public_url(fmt, community))

    assert b"<script" not in response.content
    assert b"<img" not in response.content
    parsed = fetch_feed(client, public_url(fmt, community), fmt)
    assert parsed.entries[0].title == title  # plain text, shown as typed, never markup
    [html] = raw_item_html(response.content, fmt)
    tags = html_tags(html)
    assert {name for name, _ in tags} <= {"p", "a"}
    for _, attributes in tags:
        assert not [name for name in attributes if name.startswith("on")]
        assert not any(
            (value or "").strip().lower().startswith("javascript:") for value in attributes.values()
        )
    assert "click me" in html


@pytest.mark.parametrize("fmt", FORMATS)
def test_control_characters_are_stripped_so_the_feed_stays_valid_xml(client, fmt):
    community = CommunityFactory()
    make_thread(
        community=community,
        title="Bell\x07 and escape\x1b in\x85 a title",
        body="Form feed\x0c, vertical tab\x0b and unit separator\x1f.",
    )
    parsed = fetch_feed(client, public_url(fmt, community), fmt)
    assert parsed.entries[0].title == "Bell and escape in a title"
    assert "Form feed, vertical tab and unit separator." in parsed.entries[0].summary


@pytest.mark.parametrize("fmt", FORMATS)
def test_links_inside_posts_are_absolute(client, fmt):
    community = CommunityFactory()
    make_thread(community=community, body="Ask @[Ann](/people/5/) or see [the guide](/help/).")
    response = client.get(public_url(fmt, community))
    [html] = raw_item_html(response.content, fmt)
    assert f'href="{settings.SITE_URL}/people/5/"' in html
    assert f'href="{settings.SITE_URL}/help/"' in html


def test_a_thread_posted_as_the_team_is_by_the_facilitation_team(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role="facilitator").user
    thread = make_thread(community=community, author=facilitator, title="Welcome", as_team=True)
    replier = MembershipFactory(community=community, user__display_name="Rob Replier").user
    post_services.post_reply(actor=replier, thread=thread, body="Thanks")
    parsed = fetch_feed(client, public_url("atom", community), "atom")
    assert [entry.author for entry in parsed.entries] == ["Rob Replier", "The facilitation team"]


def test_item_guids_are_unique_stable_and_shared_by_rss_atom_and_personal_feeds(client):
    community = CommunityFactory()
    thread = make_thread(community=community, replies=3)
    token = feed_token_for(thread.author)
    feeds = [
        fetch_feed(client, public_url("rss", community), "rss"),
        fetch_feed(client, public_url("atom", community), "atom"),
        fetch_feed(client, personal_url("rss", token, community), "rss"),
    ]
    guids = [[entry.id for entry in parsed.entries] for parsed in feeds]
    assert guids[0] == guids[1] == guids[2]
    assert len(set(guids[0])) == 4
    assert all(guid.startswith("tag:") for guid in guids[0])
    assert feeds[0].entries[0].guidislink is False
    assert feeds[1].feed.id == f"{settings.SITE_URL}{public_url('atom', community)}"


# --- Personal feeds -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_personal_feed_shows_a_member_their_private_communitys_posts(client, fmt):
    community = CommunityFactory(visibility=PRIVATE, name="Secret garden")
    member = MembershipFactory(community=community).user
    make_thread(community=community, title="Private matters")

    parsed = fetch_feed(client, personal_url(fmt, feed_token_for(member), community), fmt)

    assert titles(parsed) == ["Private matters"]
    assert parsed.feed.title.startswith("Secret garden forum")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_personal_category_feed_shows_only_that_category(client, fmt):
    community = CommunityFactory(visibility=RESTRICTED)
    member = MembershipFactory(community=community).user
    make_thread(community=community, title="In general", category=general(community))
    make_thread(community=community, title="Off the topic", category=off_topic(community))
    url = personal_url(fmt, feed_token_for(member), community, off_topic(community))
    assert titles(fetch_feed(client, url, fmt)) == ["Off the topic"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_all_communities_feed_shows_nothing_from_communities_the_person_is_not_in(client, fmt):
    mine = CommunityFactory(visibility=PRIVATE)
    member = MembershipFactory(community=mine).user
    make_thread(community=mine, title="In my private community")
    my_open = CommunityFactory()
    MembershipFactory(community=my_open, user=member)
    make_thread(community=my_open, title="In my open community")
    for visibility in (OPEN, RESTRICTED, PRIVATE):
        make_thread(
            community=CommunityFactory(visibility=visibility), title=f"Not mine {visibility}"
        )

    parsed = fetch_feed(client, personal_url(fmt, feed_token_for(member)), fmt)

    assert sorted(titles(parsed)) == ["In my open community", "In my private community"]


def test_the_all_communities_feed_of_site_staff_holds_only_their_own_communities(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    make_thread(community=CommunityFactory(visibility=PRIVATE), title="Somebody else's")
    parsed = fetch_feed(client, personal_url("rss", feed_token_for(staff)), "rss")
    assert parsed.entries == []


def test_personal_feeds_need_no_session_and_are_private_to_caches(client):
    community = CommunityFactory(visibility=PRIVATE)
    member = MembershipFactory(community=community).user
    make_thread(community=community)
    response = client.get(personal_url("rss", feed_token_for(member), community))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private"
    assert "noindex" in response["X-Robots-Tag"]
    assert response.wsgi_request.user.is_authenticated is False


@pytest.mark.parametrize(
    "token",
    ["nonsense", "12-", "-abc", "0-" + "0" * 40, "99999999999999999999999-" + "a" * 40],
)
def test_a_wrong_or_malformed_token_is_404(client, token):
    community = CommunityFactory()
    for url in (personal_url("rss", token), personal_url("atom", token, community)):
        assert client.get(url).status_code == 404


def test_a_token_with_a_tampered_signature_is_404(client):
    member = MembershipFactory().user
    token = feed_token_for(member)
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert client.get(personal_url("rss", tampered)).status_code == 404
    assert user_for_feed_token(f"{token}\n") is None


def test_a_reset_token_stops_working_and_the_new_one_works(client):
    community = CommunityFactory(visibility=PRIVATE)
    member = MembershipFactory(community=community).user
    old = feed_token_for(member)
    assert feed_token_for(member) == old
    new = feed_token_reset(member)
    assert new != old
    assert client.get(personal_url("rss", old, community)).status_code == 404
    assert client.get(personal_url("rss", old)).status_code == 404
    assert client.get(personal_url("rss", new, community)).status_code == 200


def test_a_deleted_account_s_token_stops_working(client):
    member = MembershipFactory().user
    token = feed_token_for(member)
    account_delete(actor=member)
    assert client.get(personal_url("rss", token)).status_code == 404


def test_a_removed_member_no_longer_sees_a_private_community_in_personal_feeds(client):
    cast = make_cast(PRIVATE)
    make_thread(community=cast.community, title="Private matters")
    token = feed_token_for(cast.member)
    assert titles(fetch_feed(client, personal_url("rss", token), "rss")) == ["Private matters"]

    membership = Membership.objects.get(community=cast.community, user=cast.member)
    community_services.membership_remove(actor=cast.owner, membership_id=membership.pk)

    assert client.get(personal_url("rss", token, cast.community)).status_code == 404
    category_url = personal_url("atom", token, cast.community, general(cast.community))
    assert client.get(category_url).status_code == 404
    assert fetch_feed(client, personal_url("rss", token), "rss").entries == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_former_member_of_a_restricted_community_gets_a_feed_with_no_content(client, fmt):
    cast = make_cast(RESTRICTED)
    thread = make_thread(community=cast.community, title="Members only talk")
    token = feed_token_for(cast.member)
    community_services.membership_leave(actor=cast.member, community=cast.community)

    for url in (
        personal_url(fmt, token, cast.community),
        personal_url(fmt, token, cast.community, thread.category),
        personal_url(fmt, token, cast.community, Category(slug="no-such-category")),
    ):
        parsed = fetch_feed(client, url, fmt)
        assert parsed.entries == []
        assert thread.category.name not in parsed.feed.title
    assert b"Members only talk" not in client.get(personal_url(fmt, token)).content


# --- Who gets what: statuses for the permission matrix ------------------------------------------


ROLES = (
    "anonymous", "outsider", "pending", "member", "facilitator", "owner", "other_facilitator",
    "staff",
)  # fmt: skip
INSIDERS = {"member", "facilitator", "owner", "staff"}


def public_feed_status(visibility, role) -> int:
    return {OPEN: 200, RESTRICTED: 403, PRIVATE: 404}[visibility]


def personal_community_feed_status(visibility, role) -> int:
    if role == "anonymous":
        return 404
    return 404 if visibility == PRIVATE and role not in INSIDERS else 200


def personal_all_feed_status(visibility, role) -> int:
    return 404 if role == "anonymous" else 200


def feed_settings_status(visibility, role) -> int:
    return 302 if role == "anonymous" else 200


def _public(fmt):
    return lambda cast: public_url(fmt, cast.community)


def _public_category(fmt):
    return lambda cast: public_url(fmt, cast.community, general(cast.community))


def _personal_community(fmt):
    return lambda cast: personal_url(fmt, cast.token, cast.community)


def _personal_category(fmt):
    return lambda cast: personal_url(fmt, cast.token, cast.community, general(cast.community))


def _personal_all(fmt):
    return lambda cast: personal_url(fmt, cast.token)


# Feeds are fetched without a session, as a feed reader would; personal ones carry the token of
# the person in the column (the anonymous column's is nobody's).
FEED_ROWS = [
    *[Row(f"feed-{fmt}", _public(fmt), public_feed_status, session=False) for fmt in FORMATS],
    *[
        Row(f"category-feed-{fmt}", _public_category(fmt), public_feed_status, session=False)
        for fmt in FORMATS
    ],
    *[
        Row(
            f"personal-community-feed-{fmt}",
            _personal_community(fmt),
            personal_community_feed_status,
            session=False,
        )
        for fmt in FORMATS
    ],
    *[
        Row(
            f"personal-category-feed-{fmt}",
            _personal_category(fmt),
            personal_community_feed_status,
            session=False,
        )
        for fmt in FORMATS
    ],
    *[
        Row(f"personal-feed-{fmt}", _personal_all(fmt), personal_all_feed_status, session=False)
        for fmt in FORMATS
    ],
    Row("feed-settings", lambda cast: reverse("forums:feed-settings"), feed_settings_status),
]


def build_feed_cast(visibility):
    cast = make_cast(visibility)
    cast.other_facilitator = MembershipFactory(role="facilitator").user
    make_thread(community=cast.community)
    return cast


matrix = Matrix("forum feeds", FEED_ROWS, ROLES, build_feed_cast)


@pytest.mark.parametrize("row", matrix.cells())
def test_feed_statuses_for_every_kind_of_person(client, cast, row):
    matrix.check(client, cast, row)


def test_outsiders_personal_feeds_of_a_restricted_community_are_empty(client):
    cast = make_cast(RESTRICTED)
    make_thread(community=cast.community)
    for person in (cast.outsider, cast.pending):
        url = personal_url("rss", feed_token_for(person), cast.community)
        assert fetch_feed(client, url, "rss").entries == []
    url = personal_url("rss", feed_token_for(cast.member), cast.community)
    assert len(fetch_feed(client, url, "rss").entries) == 1


# --- Performance --------------------------------------------------------------------------------


def _feed_urls(community, token) -> list[str]:
    return [
        public_url("rss", community),
        public_url("atom", community, general(community)),
        personal_url("rss", token, community),
        personal_url("atom", token, community, general(community)),
        personal_url("rss", token),
    ]


def _query_counts(client, urls) -> list[int]:
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts


def test_a_feed_costs_a_fixed_number_of_queries_however_many_items_it_has(
    client, django_assert_max_num_queries
):
    reader = UserFactory()
    small, large = CommunityFactory(), CommunityFactory()
    for community in (small, large):
        MembershipFactory(community=community, user=reader)
    make_thread(community=small, replies=1)
    for _ in range(4):
        make_thread(community=large, replies=FEED_LENGTH // 3)
    token = feed_token_for(reader)
    client.get(public_url("rss", small))  # the current Site is cached after its first use

    for community in (small, large):
        for url in _feed_urls(community, token):
            with django_assert_max_num_queries(6):
                client.get(url)
    assert _query_counts(client, _feed_urls(small, token)) == _query_counts(
        client, _feed_urls(large, token)
    )


# --- Pages --------------------------------------------------------------------------------------


def test_the_feed_settings_page_lists_personal_links_for_each_of_my_communities(client):
    member = UserFactory()
    mine = [
        MembershipFactory(user=member, community__visibility=visibility).community
        for visibility in (OPEN, RESTRICTED, PRIVATE)
    ]
    not_mine = CommunityFactory(visibility=PRIVATE, name="Not my secret")
    client.force_login(member)

    page = client.get(reverse("forums:feed-settings")).content.decode()

    token = feed_token_for(member)
    assert f"{settings.SITE_URL}{personal_url('rss', token)}" in page
    for community in mine:
        assert f"{settings.SITE_URL}{personal_url('rss', token, community)}" in page
        assert f"{settings.SITE_URL}{personal_url('atom', token, community)}" in page
        category_url = personal_url("rss", token, community, general(community))
        assert f"{settings.SITE_URL}{category_url}" in page
    assert not_mine.name not in page and not_mine.slug not in page
    assert "Reset my feed links" in page


def test_the_feed_settings_page_asks_anonymous_people_to_sign_in(client):
    response = client.get(reverse("forums:feed-settings"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_resetting_feed_links_revokes_the_old_ones(client):
    community = CommunityFactory(visibility=PRIVATE)
    member = MembershipFactory(community=community).user
    old = feed_token_for(member)
    client.force_login(member)

    response = client.post(reverse("forums:feed-settings"), follow=True)

    assert response.redirect_chain == [(reverse("forums:feed-settings"), 302)]
    assert "Your feed links have changed" in response.content.decode()
    new = feed_token_for(member)
    assert new != old and new in response.content.decode()
    client.logout()
    assert client.get(personal_url("rss", old, community)).status_code == 404
    assert client.get(personal_url("rss", new, community)).status_code == 200


def test_an_open_forum_and_its_categories_link_to_their_public_feeds(client):
    community = CommunityFactory()
    forum = client.get(reverse("forums:forum", args=[community.slug])).content.decode()
    assert public_url("rss", community) in forum and public_url("atom", community) in forum
    category = general(community)
    page = client.get(category.get_absolute_url()).content.decode()
    assert public_url("rss", community, category) in page
    assert public_url("atom", community, category) in page


@pytest.mark.parametrize("visibility", [RESTRICTED, PRIVATE])
def test_a_members_only_forum_links_to_the_personal_feeds_page(client, visibility):
    community = CommunityFactory(visibility=visibility)
    client.force_login(MembershipFactory(community=community).user)
    for url in (
        reverse("forums:forum", args=[community.slug]),
        general(community).get_absolute_url(),
    ):
        page = client.get(url).content.decode()
        assert reverse("forums:feed-settings") in page
        assert public_url("rss", community) not in page


def test_a_reply_posted_as_the_team_is_by_the_facilitation_team(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(
        community=community, role="facilitator", user__display_name="Fran Hidden"
    ).user
    thread = make_thread(community=community, title="Where do I start?")
    post_services.post_reply(actor=facilitator, thread=thread, body="Read the guide.", as_team=True)
    for fmt in FORMATS:
        response = client.get(public_url(fmt, community))
        assert b"Fran Hidden" not in response.content
    parsed = fetch_feed(client, public_url("atom", community), "atom")
    assert parsed.entries[0].author == "The facilitation team"


def test_the_feed_settings_page_costs_the_same_queries_however_many_communities_it_lists(
    client, django_assert_max_num_queries
):
    few, many = UserFactory(), UserFactory()
    for reader, rows in ((few, 1), (many, 8)):
        for n in range(rows):
            community = MembershipFactory(user=reader).community
            Category.objects.create(community=community, name=f"Extra {n}", slug=f"extra-{n}")
        feed_token_for(reader)
    counts = []
    for reader, rows in ((few, 1), (many, 8)):
        client.force_login(reader)
        with (
            django_assert_max_num_queries(8),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.get(reverse("forums:feed-settings"))
        assert response.status_code == 200
        assert f"Extra {rows - 1}" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
