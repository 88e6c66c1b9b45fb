"""Cross-site scripting test helpers shared by the forum and blog XSS tests.

`CORPUS` is hostile text to type into every field people control. `executable_markup` parses a
page (Python's html.parser) and lists everything in it that could run code: script elements
other than the site's own external ones, inline script, event-handler attributes, URLs whose
scheme a browser would run (javascript:, vbscript:, data:), and elements that load or run other
documents (frames are allowed only from the `allowed_frames` prefixes a caller passes; none by
default). `parse(html).text` is the page's visible text, where escaped payloads must show up.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser


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
# Django's JavaScript catalogue of our translations, in each language (copsite/urls.py).
TRANSLATION_SCRIPTS = ("/jsi18n/", "/cy/jsi18n/")
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

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.texts: list[str] = []
        self.script_texts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: Sequence[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: Sequence[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.script_texts if self._in_script else self.texts).append(data)

    @property
    def text(self) -> str:
        return normalise("".join(self.texts))


def normalise(text: str) -> str:
    """Whitespace runs collapsed to single spaces, as a reader sees them."""
    return " ".join(text.split())


def parse(html: str) -> ParsedPage:
    """The elements, visible text and inline script text of `html`."""
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


def executable_markup(html: str, *, allowed_frames: tuple[str, ...] = ()) -> list[str]:
    """Everything in the page that could run code; an empty list for a safe page.

    `allowed_frames` are `src` prefixes (scheme, host and path, e.g.
    "https://player.vimeo.com/video/") of <iframe> elements that are expected markup; any other
    frame is a finding. Their attributes are still checked like every other element's.
    """
    page = parse(html)
    problems = []
    scripts = [e for e in page.elements if e.tag == "script"]
    for script in scripts:
        source = script.attrs.get("src", "")
        if not source.startswith(SITE_SCRIPT_PREFIX) and source not in TRANSLATION_SCRIPTS:
            problems.append(f"<script> not from {SITE_SCRIPT_PREFIX}: {script.attrs}")
    if any(text.strip() for text in page.script_texts):
        problems.append(f"inline script: {page.script_texts}")
    # A parser that disagrees with the raw text about where scripts start is itself a finding.
    raw_scripts = len(re.findall(r"<script\b", html, flags=re.IGNORECASE))
    if raw_scripts != len(scripts):
        problems.append(f"{raw_scripts} '<script' in the source but {len(scripts)} parsed")
    for element in page.elements:
        if element.tag == "iframe" and element.attrs.get("src", "").startswith(allowed_frames):
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


def assert_safe(html: str, where: str, *, allowed_frames: tuple[str, ...] = ()) -> ParsedPage:
    """Fail with every finding if the page has executable markup; otherwise the parsed page."""
    problems = executable_markup(html, allowed_frames=allowed_frames)
    assert problems == [], f"{where}: executable markup:\n" + "\n".join(problems)
    return parse(html)
