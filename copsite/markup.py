"""The one place user-written text becomes HTML: Markdown rendered by markdown-it, then
cleaned by nh3. Templates show user content only through `render_markdown` (or as plain,
auto-escaped text); nothing else marks user input safe."""

import html as html_lib
import re

import nh3
from markdown_it import MarkdownIt

from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "img", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}
LINK_REL = "nofollow ugc noopener"
# Images may only come from our own access-checked upload URLs.
LOCAL_IMAGE = re.compile(r"^/forums/images/\d+/[\w.-]*$")
MENTION = re.compile(r"@\[([^\]\n]{1,100})\]\(/people/(\d+)/\)")

_markdown = (
    MarkdownIt("commonmark", {"linkify": True, "html": False, "typographer": False})
    .enable(["linkify", "strikethrough", "table"])
    .disable(["heading", "lheading"])
)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not LOCAL_IMAGE.match(value):
        return None
    return value


def clean_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        clean_content_tags={"script", "style"},
    )


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML. Headings are shown as text: a post sits under the page's own."""
    return mark_safe(clean_html(_markdown.render(text or "")))  # noqa: S308 - cleaned by nh3 above


def mention_markdown(name: str, user_id: int) -> str:
    """What the mention picker inserts. Brackets in a name would end the link early."""
    safe_name = name.replace("[", "(").replace("]", ")").replace("\n", " ")
    return f"@[{safe_name}](/people/{user_id}/)"


def image_markdown(alt_text: str, url: str) -> str:
    alt = alt_text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"![{alt}]({url})"


def mentioned_user_ids(text: str) -> set[int]:
    """People mentioned as `@[Name](/people/<id>/)`, the form the mention picker inserts."""
    return {int(user_id) for _, user_id in MENTION.findall(text or "")}


def plain_text(text: str) -> str:
    """Markdown as the words a reader sees, without markup (for search, escaped where shown)."""
    html = clean_html(_markdown.render(text or ""))
    return re.sub(r"\s+", " ", html_lib.unescape(nh3.clean(html, tags=set()))).strip()


def plain_excerpt(text: str, length: int = 200) -> str:
    """Text without markup, for feeds, e-mails and search snippets (escaped where shown)."""
    plain = plain_text(text)
    return plain if len(plain) <= length else plain[: length - 1].rsplit(" ", 1)[0] + "…"
