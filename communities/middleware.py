"""Old addresses keep working after a community, or a page in it, moves: without telling
anyone a private community's new address."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from wagtail.contrib.redirects.middleware import RedirectMiddleware

from copsite import languages

from . import permissions
from .models import Community, CommunitySlugRedirect

COMMUNITY_PATH = re.compile(r"^/c/(?P<slug>[-a-z0-9]+)(?P<rest>/.*)$")


class CommunitySlugRedirectMiddleware:
    """A GET or HEAD under /c/<old address>/ that found nothing is sent permanently to the
    same path under the community's current address, if the person may know the community
    exists (a private community's new address is not given away)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        return new_address_for(request) or response


def new_address_for(request: HttpRequest) -> HttpResponse | None:
    """The same page at the community's current address, in the same language (/cy/ kept)."""
    match = COMMUNITY_PATH.match(languages.path_without_prefix(request.path))
    if match is None:
        return None
    moved = (
        CommunitySlugRedirect.objects.select_related("community")
        .filter(old_slug=match["slug"])
        .first()
    )
    if moved is None or not permissions.can_know_exists(request.user, moved.community):
        return None
    language = languages.language_of_path(request.path) or languages.ENGLISH
    path = languages.address_in(language, f"/c/{moved.community.slug}{match['rest']}")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)


class AccessCheckedRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects (made by hand, or automatically when a page's address changes),
    followed only when the person may know the community the redirect leads into exists."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        redirected = super().process_response(request, response)
        if redirected is response or may_know_destination(request, redirected["Location"]):
            return redirected
        return response


def may_know_destination(request: HttpRequest, location: str) -> bool:
    """False when `location` is under /c/<slug>/ of a community the person may not know of."""
    parts = urlsplit(location)
    if parts.netloc and parts.netloc != request.get_host():
        return True
    match = COMMUNITY_PATH.match(parts.path)
    if match is None:
        return True
    community = Community.objects.filter(slug=match["slug"]).first()
    return community is None or permissions.can_know_exists(request.user, community)
