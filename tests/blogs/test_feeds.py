"""Blog feeds: RSS 2.0 and Atom per blog, per tag, per author and site-wide. Public feeds carry
open communities only; members use their personal secret feed URLs; every feed parses cleanly."""

import xml.etree.ElementTree as ET

import feedparser
import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.feeds import feed_token_for, feed_token_reset
from blogs.feeds import FEED_LENGTH
from communities.models import Membership, Visibility
from tests.blogs.conftest import make_image, make_post
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

OPEN, RESTRICTED, PRIVATE = Visibility.OPEN, Visibility.RESTRICTED, Visibility.PRIVATE
FORMATS = ("rss", "atom")
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
ATOM = "{http://www.w3.org/2005/Atom}"


def fetch_feed(client, url: str, fmt: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Type"] == CONTENT_TYPES[fmt]
    parsed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if fmt == "rss" else "atom10")
    return parsed


def titles(parsed) -> list[str]:
    return [entry.title for entry in parsed.entries]


def raw_item_html(content: bytes, fmt: str) -> list[str]:
    root = ET.fromstring(content)  # noqa: S314 - our own output
    if fmt == "rss":
        return [item.findtext("description") for item in root.iter("item")]
    return [entry.findtext(f"{ATOM}summary") for entry in root.iter(f"{ATOM}entry")]


@pytest.fixture
def blogs():
    open_community = CommunityFactory(slug="open", name="Open blog")
    restricted = CommunityFactory(slug="members", visibility=RESTRICTED)
    private = CommunityFactory(slug="secret", visibility=PRIVATE)
    author = UserFactory(display_name="Priya Shah")
    for community in (open_community, restricted, private):
        MembershipFactory(community=community, user=author)
    make_post(
        open_community, author, title="Open news", tags=["damp"], body="<p>Body <b>text</b></p>"
    )
    make_post(restricted, author, title="Members news", tags=["damp"])
    make_post(private, author, title="Secret news", tags=["damp"])
    return open_community, restricted, private, author


def _public_urls(fmt: str, author) -> dict[str, str]:
    return {
        "blog": reverse(f"blogs:blog-feed-{fmt}", args=["open"]),
        "blog tag": reverse(f"blogs:blog-tag-feed-{fmt}", args=["open", "damp"]),
        "site": reverse(f"blogs:feed-{fmt}"),
        "tag": reverse(f"blogs:tag-feed-{fmt}", args=["damp"]),
        "author": reverse(f"blogs:author-feed-{fmt}", args=[author.pk]),
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_feeds_parse_and_carry_only_open_posts(client, blogs, fmt):
    *_, author = blogs
    for name, url in _public_urls(fmt, author).items():
        parsed = fetch_feed(client, url, fmt)
        assert titles(parsed) == ["Open news"], name


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_feeds_are_the_same_whoever_asks(client, blogs, fmt):
    *_, author = blogs
    client.force_login(author)
    parsed = fetch_feed(client, reverse(f"blogs:feed-{fmt}"), fmt)
    assert titles(parsed) == ["Open news"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_restricted_blog_feeds_are_403_and_private_ones_404(client, blogs, fmt):
    assert client.get(reverse(f"blogs:blog-feed-{fmt}", args=["members"])).status_code == 403
    assert client.get(reverse(f"blogs:blog-feed-{fmt}", args=["secret"])).status_code == 404
    tag_url = reverse(f"blogs:blog-tag-feed-{fmt}", args=["secret", "damp"])
    assert client.get(tag_url).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_personal_feeds_carry_what_the_member_may_read(client, blogs, fmt):
    open_community, restricted, private, author = blogs
    reader = MembershipFactory(community=private).user
    token = feed_token_for(reader)
    site = fetch_feed(client, reverse(f"blogs:personal-feed-{fmt}", args=[token]), fmt)
    assert sorted(titles(site)) == ["Open news", "Secret news"]
    blog = fetch_feed(
        client, reverse(f"blogs:personal-blog-feed-{fmt}", args=[token, "secret"]), fmt
    )
    assert titles(blog) == ["Secret news"]
    tag = fetch_feed(client, reverse(f"blogs:personal-tag-feed-{fmt}", args=[token, "damp"]), fmt)
    assert sorted(titles(tag)) == ["Open news", "Secret news"]
    by_author = fetch_feed(
        client, reverse(f"blogs:personal-author-feed-{fmt}", args=[token, author.pk]), fmt
    )
    assert sorted(titles(by_author)) == ["Open news", "Secret news"]
    blog_tag = fetch_feed(
        client,
        reverse(f"blogs:personal-blog-tag-feed-{fmt}", args=[token, "secret", "damp"]),
        fmt,
    )
    assert titles(blog_tag) == ["Secret news"]


def test_personal_feed_responses_are_private(client, blogs):
    token = feed_token_for(UserFactory())
    response = client.get(reverse("blogs:personal-feed-rss", args=[token]))
    assert response["Cache-Control"] == "private"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_wrong_or_reset_tokens_are_404(client, blogs):
    reader = UserFactory()
    old = feed_token_for(reader)
    feed_token_reset(reader)
    assert client.get(reverse("blogs:personal-feed-rss", args=[old])).status_code == 404
    assert client.get(reverse("blogs:personal-feed-rss", args=["1-" + "0" * 40])).status_code == 404


def test_outsiders_personal_feeds_of_private_blogs_are_404_and_former_members_get_nothing(
    client, blogs
):
    open_community, restricted, private, author = blogs
    outsider = feed_token_for(UserFactory())
    assert (
        client.get(reverse("blogs:personal-blog-feed-rss", args=[outsider, "secret"])).status_code
        == 404
    )
    former = MembershipFactory(community=restricted).user
    token = feed_token_for(former)
    assert titles(
        fetch_feed(client, reverse("blogs:personal-blog-feed-rss", args=[token, "members"]), "rss")
    ) == ["Members news"]
    Membership.objects.filter(user=former, community=restricted).delete()
    parsed = fetch_feed(
        client, reverse("blogs:personal-blog-feed-rss", args=[token, "members"]), "rss"
    )
    assert titles(parsed) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_feeds_carry_full_content_or_summaries_by_setting(client, blogs, settings, fmt):
    url = reverse(f"blogs:blog-feed-{fmt}", args=["open"])
    settings.COPSITE_BLOG_FEEDS_FULL_CONTENT = True
    full = raw_item_html(client.get(url).content, fmt)[0]
    assert "<strong>text</strong>" in full and "Three things" in full
    settings.COPSITE_BLOG_FEEDS_FULL_CONTENT = False
    summary = raw_item_html(client.get(url).content, fmt)[0]
    assert "Three things" in summary and "Body" not in summary


def test_feed_items_name_authors_link_posts_and_use_stable_guids(client, blogs):
    parsed = fetch_feed(client, reverse("blogs:blog-feed-rss", args=["open"]), "rss")
    entry = parsed.entries[0]
    assert entry.author == "Priya Shah"
    assert entry.link.endswith("/c/open/blog/open-news/")
    assert entry.id.startswith("tag:") and ":blog-post-" in entry.id
    assert {tag.term for tag in entry.tags} == {"Open blog", "damp"}


def test_unknown_tags_and_authors_are_404(client, blogs):
    assert client.get(reverse("blogs:tag-feed-rss", args=["nothing"])).status_code == 404
    quiet = UserFactory()
    assert client.get(reverse("blogs:author-feed-rss", args=[quiet.pk])).status_code == 404


def test_hostile_text_still_makes_a_valid_feed(client):
    community = CommunityFactory(slug="hostile")
    make_post(
        community,
        title="Bell \x07 & <b>bold</b> ]]> \ufffe",
        summary="Summary with \x01 controls (PostgreSQL refuses NUL) & <script>alert(1)</script>",
        body="<p>Fine &amp; dandy</p>",
    )
    for fmt in FORMATS:
        parsed = fetch_feed(client, reverse(f"blogs:blog-feed-{fmt}", args=["hostile"]), fmt)
        assert parsed.entries[0].title == "Bell  & <b>bold</b> ]]>"


def test_a_feed_costs_the_same_queries_however_many_posts(
    client, settings, django_assert_max_num_queries
):
    settings.COPSITE_BLOG_FEEDS_FULL_CONTENT = True
    community = CommunityFactory(slug="busy")
    author = MembershipFactory(community=community).user
    # Every post carries pictures: full-content items render them, and their images must come
    # from one query for the whole feed, not one per post.
    for n in range(FEED_LENGTH + 2):
        images = [make_image(community, f"Chart {n}-{i}") for i in range(2)]
        make_post(community, author, title=f"Post {n}", tags=["damp"], pictures=images)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("blogs:blog-feed-rss", args=["busy"]))
    assert response.status_code == 200
    assert len(feedparser.parse(response.content).entries) == FEED_LENGTH
    assert response.content.count(b"copsite-figure__image") == 2 * FEED_LENGTH
    with django_assert_max_num_queries(len(queries)):
        client.get(reverse("blogs:blog-feed-atom", args=["busy"]))
    assert len(queries) <= 8


def test_blog_and_forum_pages_share_one_kind_of_feed_links(settings):
    """One FeedLinks and one links helper (copsite.feeds): blogs link root-relative, forums in
    full; personal links say so."""
    from blogs import feed_links as blog_feed_links
    from copsite.feeds import FeedLinks, feed_links
    from forums import feeds as forum_feeds

    assert blog_feed_links.FeedLinks is FeedLinks is forum_feeds.FeedLinks
    assert feed_links("blogs:tag-feed", tag="damp") == FeedLinks(
        rss=reverse("blogs:tag-feed-rss", args=["damp"]),
        atom=reverse("blogs:tag-feed-atom", args=["damp"]),
    )
    links = forum_feeds.personal_all_links("1-abc")
    assert links.personal and links.rss.startswith(f"{settings.SITE_URL}/")
    assert (
        links.atom == f"{settings.SITE_URL}{reverse('forums:personal-feed-atom', args=['1-abc'])}"
    )
    mine = blog_feed_links.site_wide("1-abc")
    assert mine.personal and mine.rss == reverse("blogs:personal-feed-rss", args=["1-abc"])
