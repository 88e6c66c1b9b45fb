"""Cross-site scripting corpus over everything people type into blogs: post titles,
summaries, bodies (rich text, including raw HTML that bypassed the editor), tags, alt text,
captions, quotations, video titles and comments, and the names shown beside them. No page that
shows them may contain executable markup, and escaped text must still be visible.

The checker is copied from tests/forums/test_xss.py (test modules do not import each other),
with one addition: the blog's own video players (<iframe> from the two player hosts the
Content-Security-Policy allows) are expected markup, anything else in a frame is not.
"""

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import pytest

from django.urls import reverse
from django.utils.html import escape

from wagtail.rich_text import RichText

from blogs import services
from blogs.richtext import render_rich_text
from blogs.video import parse_video_url
from communities.models import Role
from tests.blogs.conftest import make_post
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Payload:
    id: str
    text: str
    shown_as_markdown: str | None = None

    @property
    def markdown_text(self) -> str:
        return self.shown_as_markdown if self.shown_as_markdown is not None else unescape(self.text)


CORPUS = [
    Payload("script", "<script>alert(1)</script>"),
    Payload("script-upper", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>"),
    Payload("img-onerror", "<img src=x onerror=alert(1)>"),
    Payload("svg-onload", "<svg onload=alert(1)>"),
    Payload("iframe", "<iframe src=javascript:alert(1)>"),
    Payload("attribute-breakout", '"><script>alert(1)</script>'),
    Payload("single-quote-breakout", "'><img src=x onerror=alert(1)>"),
    Payload("tab-in-scheme", '<a href="jav&#x09;ascript:alert(1)">x</a>'),
    Payload("unclosed-tags", "<b><i>"),
    Payload("textarea-breakout", "</textarea><script>alert(1)</script>"),
    Payload("title-breakout", "</title><script>alert(1)</script>"),
    Payload("style-breakout", "</style><script>alert(1)</script>"),
    Payload("comment", "<!-- --><script>alert(1)</script>"),
    Payload("markdown-link-javascript", "[x](javascript:alert(1))"),
    Payload("markdown-link-mixed-case", "[x](JaVaScRiPt:alert(1))"),
    Payload("markdown-link-entity", "[x](&#106;avascript:alert(1))"),
    Payload(
        "markdown-link-data",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ),
    Payload("markdown-link-vbscript", "[x](vbscript:msgbox(1))"),
    Payload("markdown-image-javascript", "![x](javascript:alert(1))"),
    Payload("markdown-image-data", "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)"),
    Payload("markdown-autolink-javascript", "<javascript:alert(1)>"),
    Payload("markdown-autolink-data", "<data:text/html,alert(1)>"),
    Payload("markdown-reference-link", "[x][1] [1]: javascript:alert(1)"),
    Payload(
        "mention-with-markup",
        "@[<img src=x onerror=alert(1)>](/people/1/)",
        "@<img src=x onerror=alert(1)>",
    ),
    Payload(
        "link-text-markup",
        "[<svg onload=alert(1)>](https://example.gov.uk/)",
        "<svg onload=alert(1)>",
    ),
    Payload("code-span", "`<script>alert(1)</script>`", "<script>alert(1)</script>"),
    Payload("entity-encoded", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    Payload("template-syntax", "{{ request.user.email }} {% csrf_token %}"),
]  # fmt: skip


SITE_SCRIPT_PREFIX = "/static/"
URL_ATTRIBUTES = {
    "action", "background", "cite", "codebase", "data", "dynsrc", "formaction", "href",
    "longdesc", "lowsrc", "manifest", "ping", "poster", "src", "usemap", "xlink:href",
}  # fmt: skip
RUNNABLE_SCHEMES = {"javascript", "vbscript", "data"}
# Elements that load or run other documents or code; the site's templates use none of them.
FORBIDDEN_ELEMENTS = {
    "applet", "base", "embed", "frame", "frameset", "iframe", "math", "object", "portal",
    "style", "template",
}  # fmt: skip
VIDEO_PLAYERS = ("https://www.youtube-nocookie.com/embed/", "https://player.vimeo.com/video/")
_C0_AND_SPACE = "".join(chr(n) for n in range(0x21))
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def url_scheme(value: str) -> str:
    """The scheme a browser reads from an attribute value (WHATWG URL parsing: leading and
    trailing C0 controls and spaces are dropped, tabs and newlines anywhere are removed)."""
    value = re.sub(r"[\t\n\r]", "", value.strip(_C0_AND_SPACE))
    match = _SCHEME.match(value)
    return match.group(1).lower() if match else ""


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]


class ParsedPage(HTMLParser):
    """Elements with their attributes, visible text and inline script text of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.texts: list[str] = []
        self.script_texts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.script_texts if self._in_script else self.texts).append(data)

    @property
    def text(self) -> str:
        return normalise("".join(self.texts))


def normalise(text: str) -> str:
    return " ".join(text.split())


def parse(html: str) -> ParsedPage:
    page = ParsedPage()
    page.feed(html)
    page.close()
    return page


def _is_site_icon(element: Element) -> bool:
    """base.html's empty icon (`<link rel="icon" href="data:,">`) stops /favicon.ico requests."""
    return (
        element.tag == "link"
        and element.attrs.get("rel") == "icon"
        and element.attrs.get("href") == "data:,"
    )


def executable_markup(html: str) -> list[str]:
    """Everything in the page that could run code; an empty list for a safe page."""
    page = parse(html)
    problems = []
    scripts = [e for e in page.elements if e.tag == "script"]
    for script in scripts:
        if not script.attrs.get("src", "").startswith(SITE_SCRIPT_PREFIX):
            problems.append(f"<script> not from {SITE_SCRIPT_PREFIX}: {script.attrs}")
    if any(text.strip() for text in page.script_texts):
        problems.append(f"inline script: {page.script_texts}")
    # A parser that disagrees with the raw text about where scripts start is itself a finding.
    raw_scripts = len(re.findall(r"<script\b", html, flags=re.IGNORECASE))
    if raw_scripts != len(scripts):
        problems.append(f"{raw_scripts} '<script' in the source but {len(scripts)} parsed")
    for element in page.elements:
        if element.tag == "iframe" and element.attrs.get("src", "").startswith(VIDEO_PLAYERS):
            pass
        elif element.tag in FORBIDDEN_ELEMENTS:
            problems.append(f"<{element.tag}> element: {element.attrs}")
        if element.tag == "svg" and "govuk-pagination__icon" not in element.attrs.get("class", ""):
            problems.append(f"<svg> element: {element.attrs}")
        if element.tag == "meta" and "http-equiv" in element.attrs:
            problems.append(f"<meta http-equiv>: {element.attrs}")
        for name, value in element.attrs.items():
            if name.startswith("on"):
                problems.append(f"event handler on <{element.tag}>: {name}={value!r}")
            if name == "style" and re.search(r"url\(|expression|javascript", value, re.I):
                problems.append(f"style that loads or runs something: {value!r}")
            urls = (
                [c.strip().split(" ")[0] for c in value.split(",")]
                if name in {"srcset", "imagesrcset"}
                else [value]
                if name in URL_ATTRIBUTES
                else []
            )
            for url in urls:
                if url_scheme(url) in RUNNABLE_SCHEMES and not _is_site_icon(element):
                    problems.append(f"<{element.tag} {name}={url!r}>")
    return problems


def assert_safe(html: str, where: str) -> ParsedPage:
    problems = executable_markup(html)
    assert problems == [], f"{where}: executable markup:\n" + "\n".join(problems)
    return parse(html)


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
