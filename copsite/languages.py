"""The site's two languages and their addresses: English unprefixed, Welsh under /cy/.

One page has one address per language (`address_in`), which is what the language switch,
`hreflang` alternates and "English pages link to their Welsh page" need. Which language a
person prefers is decided in one place (`accounts.language`); this module only knows URLs.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext

ENGLISH = settings.LANGUAGE_CODE
WELSH = "cy"
LANGUAGE_CODES = tuple(code for code, _name in settings.LANGUAGES)
# The query parameter the language switch adds: `?lang=cy` on any page remembers the choice.
SWITCH_PARAMETER = "lang"
# Addresses that exist in one language only: the admin (its language is the person's own
# setting), files and pictures (a post's Markdown links them at one address), and what
# machines fetch. A Welsh speaker is not redirected there.
UNTRANSLATED_PREFIXES = (
    "/admin/",
    "/documents/",
    "/media/",
    "/static/",
    "/health/",
    "/theme.css",
    "/forums/images/",
    "/blog/images/",
)


@dataclass(frozen=True)
class LanguageText:
    """Text written in one language, shown to a reader of `reader_language`: marked with its
    `lang` and, when it is not theirs, with a note that it exists only in its own."""

    text: str
    language: str
    reader_language: str

    def __str__(self) -> str:
        return self.text

    @property
    def html_lang(self) -> str:
        return html_lang(self.language)

    @property
    def is_other_language(self) -> bool:
        return self.language != self.reader_language

    @property
    def only_available_in(self) -> str:
        if self.language == WELSH:
            return gettext("Only available in Welsh.")
        return gettext("Only available in English.")


def text_for_reader(
    written: str, translated: str, written_language: str, reader: str
) -> LanguageText:
    """The reader's language where the text is written in it, otherwise the original."""
    if reader != written_language and translated:
        return LanguageText(translated, other_language(written_language), reader)
    return LanguageText(written, written_language, reader)


def other_language(code: str) -> str:
    return ENGLISH if code == WELSH else WELSH


def is_language(code: str | None) -> bool:
    return code in LANGUAGE_CODES


def html_lang(code: str) -> str:
    """As `lang` and `hreflang` spell it: "en-gb" → "en-GB", "cy" → "cy"."""
    return translation.to_locale(code).replace("_", "-")


def language_of_path(path: str) -> str | None:
    """The language an address names by its prefix, or None for an unprefixed (English) one."""
    return translation.get_language_from_path(path)


def is_translated_path(path: str) -> bool:
    return not path.startswith(UNTRANSLATED_PREFIXES)


def path_without_prefix(path: str) -> str:
    language = language_of_path(path)
    if language and language != ENGLISH:
        return path[len(language) + 1 :] or "/"
    return path


def address_in(language: str, path: str) -> str:
    """The same page's address in `language` (a path, with any query string kept)."""
    if not is_translated_path(path):
        return path
    bare = path_without_prefix(path)
    return bare if language == ENGLISH else f"/{language}{bare}"


def switch_address(request: HttpRequest, language: str) -> str:
    """Where the header's link to `language` goes: this page in that language, remembering it."""
    query = request.GET.copy()
    query.pop(SWITCH_PARAMETER, None)
    query[SWITCH_PARAMETER] = language
    return f"{address_in(language, request.path)}?{query.urlencode()}"


def absolute_address_in(language: str, request: HttpRequest) -> str:
    """This page's canonical address in `language`, for `hreflang` alternates."""
    query = request.GET.copy()
    query.pop(SWITCH_PARAMETER, None)
    suffix = f"?{urlencode(query, doseq=True)}" if query else ""
    return settings.SITE_URL + address_in(language, request.path) + suffix


def browser_language(request: HttpRequest) -> str | None:
    """The first of our languages in the browser's Accept-Language, if any."""
    header = request.headers.get("Accept-Language", "")
    for accepted, _quality in translation.trans_real.parse_accept_lang_header(header):
        if accepted == "*":
            break
        try:
            code = translation.get_supported_language_variant(accepted)
        except LookupError:
            continue
        if is_language(code):
            return code
    return None


def cookie_language(request: HttpRequest) -> str | None:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return code if is_language(code) else None
