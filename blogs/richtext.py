"""Post bodies' rich text, shown through the site's one sanitiser.

The Wagtail editor only ever stores the elements its features allow, but anything can reach the
database (imports, the shell, a future API), so what we show is Wagtail's front-end HTML cleaned
again by `copsite.markup.clean_html`, the function that cleans everything people write. Wagtail
writes bold and italic as <b> and <i>; they become <strong> and <em>, which that function keeps.
"""

import re

from django.utils.safestring import SafeString, mark_safe

from wagtail.rich_text import RichText, expand_db_html

from copsite.markup import clean_html

_PRESENTATIONAL = re.compile(r"<(/?)(b|i)(\s[^>]*)?>", re.IGNORECASE)
_SEMANTIC = {"b": "strong", "i": "em"}

# What writers may use in a paragraph block (headings h2–h4: the page title is the h1).
FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "blockquote", "hr"]


def _semantic(match: re.Match) -> str:
    return f"<{match.group(1)}{_SEMANTIC[match.group(2).lower()]}>"


def render_rich_text(value: RichText | str) -> SafeString:
    source = value.source if isinstance(value, RichText) else (value or "")
    html = _PRESENTATIONAL.sub(_semantic, expand_db_html(source))
    return mark_safe(clean_html(html))  # noqa: S308 - cleaned by the site's sanitiser
