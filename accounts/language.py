"""Each person's language: which one a request is answered in, and remembering a choice.

A signed-in person's saved language comes first (it is also the language we e-mail them in),
then a visitor's cookie, then the browser's Accept-Language. An address under /cy/ is always
Welsh; an unprefixed one is English unless the person prefers Welsh, who is sent to /cy/.
The header's switch (`?lang=cy`) remembers the choice: in the cookie, and for a signed-in
person in their settings too, so pages and e-mails keep to one language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers

from copsite import languages


def saved_language(user: object) -> str | None:
    code = getattr(user, "language", None)
    return code if languages.is_language(code) else None


def preferred_language(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and saved_language(user):
        return saved_language(user)  # type: ignore[return-value]
    return (
        languages.cookie_language(request)
        or languages.browser_language(request)
        or languages.ENGLISH
    )


def remember_language(user: object, language: str) -> None:
    """Save a signed-in person's language, for pages, e-mails and Wagtail's admin alike."""
    from accounts.models import User

    if not isinstance(user, User) or user.language == language:
        return
    user.language = language
    user.save(update_fields=["language"])
    sync_admin_language(user)


def sync_admin_language(user: object) -> None:
    """Wagtail's admin reads its own profile setting; keep it the person's language."""
    from wagtail.users.models import UserProfile

    admin_language = "cy" if saved_language(user) == languages.WELSH else "en"
    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != admin_language:
        profile.preferred_language = admin_language
        profile.save(update_fields=["preferred_language"])


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _address_without_switch(request: HttpRequest, language: str) -> str:
    query = request.GET.copy()
    query.pop(languages.SWITCH_PARAMETER, None)
    address = languages.address_in(language, request.path)
    return f"{address}?{query.urlencode()}" if query else address


class PreferredLanguageMiddleware:
    """After authentication: honour the switch, and send Welsh speakers to Welsh addresses."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in {"GET", "HEAD"} or not languages.is_translated_path(request.path):
            return self.get_response(request)
        chosen = request.GET.get(languages.SWITCH_PARAMETER)
        if languages.is_language(chosen):
            return self._switch(request, chosen)  # type: ignore[arg-type]
        if languages.language_of_path(request.path) is None:
            preferred = preferred_language(request)
            if preferred != languages.ENGLISH:
                response: HttpResponse = HttpResponseRedirect(
                    languages.address_in(preferred, request.get_full_path())
                )
            else:
                response = self.get_response(request)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        return self.get_response(request)

    def _switch(self, request: HttpRequest, language: str) -> HttpResponse:
        if request.user.is_authenticated:
            remember_language(request.user, language)
        response = HttpResponseRedirect(_address_without_switch(request, language))
        _set_language_cookie(response, language)
        translation.activate(language)
        return response
