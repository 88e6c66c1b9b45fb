"""Cross-site scripting corpus: hostile text typed into every field people control (thread
titles, post bodies, tags, category and community names and descriptions, display names, job
titles) never becomes executable markup on any page that shows it.

Each page is parsed (Python's html.parser) and checked for script elements other than the
site's own external ones, event-handler attributes, URLs whose scheme a browser would run
(javascript:, vbscript:, data:), and elements that load or run other documents. The payload must
also be visible as text, which is only possible if it was escaped. `render_markdown` is tested on
the same corpus directly.
"""

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

import pytest

from django.urls import reverse
from django.utils.html import escape

from communities.models import Role
from copsite.markup import plain_excerpt, render_markdown
from forums import services
from tests.factories import CategoryFactory, CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Payload:
    id: str
    text: str
    # What a reader sees when the text is rendered as Markdown, if not the text itself
    # (Markdown decodes entities and turns some of it into safe links).
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
        if element.tag in FORBIDDEN_ELEMENTS:
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


# --- The checker itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        "<img src=x onerror=alert(1)>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" JAVASCRIPT:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "<svg onload=alert(1)>",
        "<iframe src=https://example.gov.uk/></iframe>",
        '<img srcset="x.png 1x, javascript:alert(1) 2x">',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<input value=""><script>alert(1)</script>">',
    ],
)
def test_the_checker_finds_executable_markup(unsafe):
    assert executable_markup(f"<p>{unsafe}</p>")


def test_the_checker_accepts_the_site_s_own_markup():
    html = (
        '<link rel="icon" href="data:,"><script type="module" src="/static/js/app.js"></script>'
        '<a href="/c/x/">x</a><a href="https://example.gov.uk/">y</a>'
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=alert(1) javascript:alert(1)</p>"
    )
    assert executable_markup(html) == []
    assert "<script>alert(1)</script> onerror=alert(1)" in parse(html).text


# --- The Markdown sanitiser on its own --------------------------------------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_render_markdown_never_outputs_executable_markup(payload):
    html = str(render_markdown(payload.text))
    assert executable_markup(html) == []
    assert normalise(payload.markdown_text) in parse(html).text
    for element in parse(html).elements:
        if element.tag == "a":
            assert url_scheme(element.attrs["href"]) in {"", "http", "https", "mailto"}
            assert element.attrs["rel"] == "nofollow ugc noopener"
        if element.tag == "img":
            assert element.attrs.get("src", "").startswith("/forums/images/")


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_plain_excerpts_are_the_visible_text(payload):
    """Excerpts (bookmarks, reports, feeds, e-mails) are text for the template to escape."""
    assert plain_excerpt(payload.text, 1000) == parse(str(render_markdown(payload.text))).text


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[ok](https://example.gov.uk/)", 'href="https://example.gov.uk/"'),
        ("![chart](/forums/images/3/chart.png)", 'src="/forums/images/3/chart.png"'),
        ("> quoted", "<blockquote>"),
    ],
)
def test_render_markdown_keeps_safe_markup(markdown, expected):
    assert expected in render_markdown(markdown)


@pytest.mark.parametrize(
    "markdown",
    [
        "![x](https://evil.example/track.png)",
        "![x](//evil.example/track.png)",
        "![x](/forums/images/3/x.png?steal=1)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
    ],
)
def test_images_only_come_from_the_site_s_own_uploads(markdown):
    assert "src=" not in render_markdown(markdown)


# --- Every page that shows what people typed ---------------------------------------------------


@pytest.fixture(autouse=True)
def _no_post_rate_limit(settings):
    settings.COPSITE_POSTS_PER_MINUTE = 10_000


def _hostile_forum(text: str):
    """A community where every field people control holds `text`."""
    community = CommunityFactory(name=text, slug="xss", description=text, guidelines=text)
    community.tags.add(text[:100])
    category = CategoryFactory(
        community=community, name=text[:80], slug="xss-category", description=text[:300]
    )
    author = UserFactory(display_name=text, job_title=text[:100], organisation=text, bio=text)
    author.expertise.add(text[:100])
    replier = UserFactory(display_name=text, job_title=text[:100], organisation=text)
    reader = UserFactory(display_name="Reader")
    MembershipFactory(community=community, user=author, role=Role.OWNER)
    MembershipFactory(community=community, user=replier)
    MembershipFactory(community=community, user=reader)
    thread = services.thread_create(
        actor=author,
        community=community,
        category=category,
        title=text,
        body=text,
        tags=[text[:100]],
    )
    first_post = thread.posts.get()
    reply = services.post_reply(actor=replier, thread=thread, body=text)
    services.answer_mark(actor=author, thread=thread, post=reply)
    services.reaction_toggle(actor=replier, post=first_post, kind="helpful")
    services.bookmark_toggle(actor=reader, post=first_post)
    return community, category, thread, first_post, reply, author, reader


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_no_page_runs_what_people_typed(client, payload):
    community, category, thread, first_post, reply, author, reader = _hostile_forum(payload.text)
    slug = community.slug
    reader_pages = {
        "forum index": reverse("forums:forum", args=[slug]),
        "category": category.get_absolute_url(),
        "thread": thread.get_absolute_url(),
        "latest": reverse("forums:latest"),
        "your communities' threads": reverse("forums:mine"),
        "bookmarks": reverse("forums:bookmarks"),
        "reply with a quote": reverse("forums:reply", args=[slug, thread.pk])
        + f"?quote={first_post.pk}",
        "start a thread": reverse("forums:thread-start", args=[slug]),
        "report a post": reverse("forums:post-flag", args=[slug, first_post.pk]),
        "community home": community.get_absolute_url(),
        "directory": reverse("communities:directory"),
        "member list": reverse("communities:member-list", args=[slug]),
        "profile": author.get_absolute_url(),
    }
    author_pages = {
        "edit post": reverse("forums:post-edit", args=[slug, first_post.pk]),
        "delete post": reverse("forums:post-delete", args=[slug, first_post.pk]),
    }
    plain = normalise(payload.text)

    client.force_login(reader)
    for name, url in reader_pages.items():
        response = client.get(url)
        assert response.status_code == 200, f"{name} ({url}): {response.status_code}"
        page = assert_safe(response.content.decode(), f"{name} ({url})")
        assert plain in page.text, f"{name}: the text is not shown escaped"

    thread_page = client.get(thread.get_absolute_url()).content.decode()
    assert escape(payload.text) in thread_page  # the title, escaped once
    assert normalise(payload.markdown_text) in parse(thread_page).text  # the posts

    preview = client.post(
        reverse("forums:reply", args=[slug, thread.pk]),
        {"body": payload.text, "submission_key": "preview", "action": "preview"},
    )
    page = assert_safe(preview.content.decode(), "reply preview")
    assert normalise(payload.markdown_text) in page.text

    empty = client.post(
        reverse("forums:thread-start", args=[slug]),
        {"title": payload.text, "category": category.pk, "body": "", "action": "post"},
    )
    assert empty.status_code == 400
    assert_safe(empty.content.decode(), "start a thread, with errors")

    client.force_login(author)
    for name, url in author_pages.items():
        response = client.get(url)
        assert response.status_code == 200, f"{name} ({url}): {response.status_code}"
        page = assert_safe(response.content.decode(), f"{name} ({url})")
        assert plain in page.text, f"{name}: the text is not shown escaped"


@pytest.mark.parametrize("payload", CORPUS[:6], ids=lambda p: p.id)
def test_the_mention_search_answers_json_that_no_browser_renders(client, payload):
    community, *_, reader = _hostile_forum(payload.text)
    client.force_login(reader)
    response = client.get(
        reverse("forums:mention-search", args=[community.slug]), {"q": payload.text[:10]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert payload.text in [person["name"] for person in response.json()["results"]]


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_no_facilitator_page_runs_what_people_typed(client, payload):
    community, category, thread, first_post, reply, author, reader = _hostile_forum(payload.text)
    slug = community.slug
    services.flag_create(actor=reader, post=first_post, reason="spam", note=payload.text[:500])
    services.post_edit(actor=author, post=first_post, body=f"{payload.text} (edited)")
    pages = {
        "review queue": reverse("forums:review", args=[slug]),
        "forum settings": reverse("forums:forum-settings", args=[slug]),
        "post history": reverse("forums:post-history", args=[slug, first_post.pk]),
        "reports on a post": reverse("forums:flag-resolve", args=[slug, first_post.pk]),
        "edit category": reverse("forums:category-edit", args=[slug, category.pk]),
        "move thread": reverse("forums:thread-move", args=[slug, thread.pk]),
        "hide post": reverse("forums:post-hide", args=[slug, reply.pk]),
        "ban a member": reverse("forums:posting-ban-create", args=[slug]),
    }
    client.force_login(author)
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code == 405:  # an action that only answers POST
            continue
        assert response.status_code == 200, f"{name} ({url}): {response.status_code}"
        page = assert_safe(response.content.decode(), f"{name} ({url})")
        assert normalise(payload.text) in page.text, f"{name}: the text is not shown escaped"
