"""Cross-site scripting corpus over everything people type into blogs: post titles,
summaries, bodies (rich text, including raw HTML that bypassed the editor), tags, alt text,
captions, quotations, video titles and comments, and the names shown beside them. No page that
shows them may contain executable markup, and escaped text must still be visible.

The corpus and the checker are shared with the forum tests (tests/html_safety.py). Here the
checker is called with one allowance: the blog's own video players (<iframe> from the two player
hosts the Content-Security-Policy allows, `VIDEO_PLAYERS`) are expected markup, anything else in
a frame is not.
"""

import pytest

from django.urls import reverse
from django.utils.html import escape

from wagtail.rich_text import RichText

from blogs import services
from blogs.richtext import render_rich_text
from blogs.video import parse_video_url
from communities.models import Role
from tests import html_safety
from tests.blogs.conftest import make_post
from tests.factories import CommunityFactory, MembershipFactory, UserFactory
from tests.html_safety import CORPUS, normalise, parse

pytestmark = pytest.mark.django_db


VIDEO_PLAYERS = ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")


def executable_markup(html: str) -> list[str]:
    return html_safety.executable_markup(html, allowed_frames=VIDEO_PLAYERS)


def assert_safe(html: str, where: str) -> html_safety.ParsedPage:
    return html_safety.assert_safe(html, where, allowed_frames=VIDEO_PLAYERS)


def test_the_checker_allows_only_the_blog_s_own_video_players():
    ours = '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="x"></iframe>'
    assert executable_markup(ours) == []
    assert executable_markup('<iframe src="https://evil.example/embed/"></iframe>')
    assert executable_markup("<script>alert(1)</script>")


# --- Rich text on its own -----------------------------------------------------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_post_rich_text_never_outputs_executable_markup_even_as_raw_html(payload):
    sources = (payload.text, f"<p>{payload.text}</p>", f'<p><a href="{payload.text}">x</a></p>')
    for source in sources:
        html = str(render_rich_text(RichText(source)))
        assert executable_markup(html) == [], source


def test_rich_text_keeps_headings_lists_links_and_quotes():
    html = str(
        render_rich_text(
            RichText(
                "<h2>Title</h2><h3>Sub</h3><h4>Small</h4><ul><li>One</li></ul><ol><li>Two</li></ol>"
                "<blockquote>Quoted</blockquote><p><b>bold</b> <i>it</i> "
                '<a href="https://example.gov.uk/">link</a></p>'
            )
        )
    )
    for expected in ("<h2>Title</h2>", "<h3>Sub</h3>", "<h4>Small</h4>", "<li>One</li>",
                     "<ol>", "<blockquote>Quoted</blockquote>", "<strong>bold</strong>",
                     "<em>it</em>", 'href="https://example.gov.uk/"'):  # fmt: skip
        assert expected in html


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_video_blocks_only_accept_real_player_addresses(payload):
    assert parse_video_url(payload.text) is None
    assert parse_video_url(f"https://www.youtube.com/watch?v={payload.text}") is None


# --- Every page that shows what people typed -----------------------------------------------------


def _hostile_blog(text: str):
    """A community whose blog has a post, a reply and tags where every field holds `text`."""
    community = CommunityFactory(name=text[:120], slug="xss", description=text)
    author = UserFactory(display_name=text[:100], job_title=text[:100], organisation=text[:150])
    commenter = UserFactory(display_name=text[:100], job_title=text[:100], organisation=text)
    facilitator = UserFactory(display_name="Facilitator")
    MembershipFactory(community=community, user=author)
    MembershipFactory(community=community, user=commenter)
    MembershipFactory(community=community, user=facilitator, role=Role.FACILITATOR)
    post = make_post(
        community,
        author,
        title=text[:255],
        summary=text[:300],
        body=f"<p>{text}</p><h2>{text}</h2><ul><li>{text}</li></ul>",
        tags=[text[:40]],
        co_authors=[commenter],
    )
    post.body.extend(
        [
            ("quote", {"quote": text, "attribution": text[:200]}),
            ("video", {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": text[:200]}),
        ]
    )
    post.save_revision(user=author).publish(user=author)
    comment = services.comment_create(actor=commenter, post=post, body=text)
    reply = services.comment_create(actor=author, post=post, body=text, parent=comment)
    return community, post, author, commenter, facilitator, comment, reply


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_no_blog_page_runs_what_people_typed(client, payload):
    community, post, author, commenter, facilitator, comment, reply = _hostile_blog(payload.text)
    post.refresh_from_db()
    tag = post.tags.first()
    reader_pages = {
        "blog": "/c/xss/blog/",
        "post": post.get_absolute_url(),
        "latest": reverse("blogs:latest"),
        "author": reverse("blogs:author", args=[author.pk]),
        "community home": community.get_absolute_url(),
        "reply page": reverse("blogs:comment-reply", args=[comment.pk]),
        "feeds page": reverse("blogs:feed-list"),
        "write page": reverse("blogs:post-write", args=["xss"]),
    }
    if tag.slug:
        reader_pages["blog tag"] = f"/c/xss/blog/tags/{tag.slug}/"
        reader_pages["site tag"] = reverse("blogs:tag", args=[tag.slug])
    reader = MembershipFactory(community=community).user
    client.force_login(reader)
    plain = normalise(payload.text)
    for name, url in reader_pages.items():
        response = client.get(url)
        assert response.status_code == 200, f"{name} ({url}): {response.status_code}"
        assert_safe(response.content.decode(), f"{name} ({url})")

    post_page = parse(client.get(post.get_absolute_url()).content.decode())
    assert plain[:100] in post_page.text  # the title, summary, quote and names: escaped text
    assert escape(payload.text[:255]) in client.get(post.get_absolute_url()).content.decode()
    assert normalise(payload.markdown_text) in post_page.text  # the comments, as Markdown

    preview = client.post(
        reverse("blogs:comment-create", args=[post.pk]),
        {"body": payload.text, "submission_key": "p", "action": "preview"},
    )
    assert normalise(payload.markdown_text) in assert_safe(preview.content.decode(), "preview").text
    empty = client.post(
        reverse("blogs:comment-create", args=[post.pk]),
        {"body": "", "submission_key": payload.text[:64], "action": "post"},
    )
    assert empty.status_code == 400
    assert_safe(empty.content.decode(), "comment with errors")

    client.force_login(commenter)
    for name in ("comment-edit", "comment-delete"):
        response = client.get(reverse(f"blogs:{name}", args=[comment.pk]))
        assert response.status_code == 200, name
        assert_safe(response.content.decode(), name)
    client.force_login(facilitator)
    response = client.get(reverse("blogs:comment-hide", args=[comment.pk]))
    assert_safe(response.content.decode(), "hide comment")
    services.comment_hide(actor=facilitator, comment=reply, reason=payload.text[:500])
    client.force_login(reader)
    page = assert_safe(client.get(post.get_absolute_url()).content.decode(), "hidden reply")
    assert normalise(payload.text[:500]) in page.text
