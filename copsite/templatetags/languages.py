"""The header's language switch and each page's `hreflang` alternates (copsite.languages)."""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from copsite import languages

register = template.Library()


@dataclass(frozen=True)
class LanguageVersion:
    code: str
    name: str  # in the language itself: "Cymraeg", "English"
    html_code: str  # for lang and hreflang: "cy", "en-GB"
    switch_url: str
    canonical_url: str
    is_current: bool


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[LanguageVersion]:
    """This page in each of the site's languages (empty where the address has only one)."""
    request: HttpRequest | None = context.get("request")
    if request is None or not languages.is_translated_path(request.path):
        return []
    current = translation.get_language()
    return [
        LanguageVersion(
            code=code,
            name=name,
            html_code=languages.html_lang(code),
            switch_url=languages.switch_address(request, code),
            canonical_url=languages.absolute_address_in(code, request),
            is_current=code == current,
        )
        for code, name in settings.LANGUAGES
    ]


@register.filter
def html_lang(code: str) -> str:
    """A language code as `lang` and `hreflang` spell it: "en-gb" → "en-GB"."""
    return languages.html_lang(code)


@register.filter
def in_language(obj, field: str):
    """`obj.in_language(field)` for the reader: `{% with name=community|in_language:"name" %}`."""
    return obj.in_language(field)
