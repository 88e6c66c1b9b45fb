"""What every RSS 2.0 and Atom feed of the site shares, whichever app it comes from.

XML-safe generators, absolute links and tag: GUIDs; a `FeedSource` (one feed's channel and
items, built once per request) and the `SourceFeed` that renders it. Public feeds read as an
anonymous visitor (`public_community`); personal feeds read as the person a secret token
belongs to (`feed_reader_or_404`, accounts.feeds) and answer with private responses
(`PersonalFeedMixin`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from accounts.feeds import user_for_feed_token
from accounts.models import User
from communities import permissions as community_permissions
from communities.models import Community

# The date in the tag: URIs of item GUIDs (RFC 4151). Changing it would re-announce every item.
GUID_DATE = "2025"

Reader = User | AnonymousUser
ItemT = TypeVar("ItemT")

# XML 1.0 forbids C0 controls (bar tab, newline, return), lone surrogates and U+FFFE/U+FFFF;
# C1 controls are allowed but make Outlook and some readers refuse the feed.
_NOT_XML_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ROOT_RELATIVE_URL = re.compile(r'(\s(?:href|src)=")/(?!/)')


# --- Output: valid XML whatever people typed --------------------------------------------------


def xml_text(value: str) -> str:
    """The text without characters that XML cannot carry."""
    return _NOT_XML_TEXT.sub("", value)


def _xml_clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_clean(part) for part in value)
    return value


class _XmlTextMixin:
    """Cleans every text handed to the feed generator, so no field can break the XML."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{name: _xml_clean(value) for name, value in kwargs.items()})

    def add_item(self, **kwargs: Any) -> None:
        super().add_item(**{name: _xml_clean(value) for name, value in kwargs.items()})


class RssFeed(_XmlTextMixin, Rss201rev2Feed):
    pass


class AtomFeed(_XmlTextMixin, Atom1Feed):
    pass


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


@dataclass(frozen=True)
class FeedLinks:
    """A page's RSS and Atom addresses; `personal` ones carry the reader's secret token."""

    rss: str
    atom: str
    personal: bool = False


def feed_links(
    name: str, *, personal: bool = False, absolute: bool = False, **kwargs: Any
) -> FeedLinks:
    """The addresses of the feed routed as `name`-rss and `name`-atom (`name` with its
    namespace, e.g. "blogs:tag-feed"), root-relative unless `absolute`."""
    rss = reverse(f"{name}-rss", kwargs=kwargs)
    atom = reverse(f"{name}-atom", kwargs=kwargs)
    if absolute:
        rss, atom = absolute_url(rss), absolute_url(atom)
    return FeedLinks(rss=rss, atom=atom, personal=personal)


def absolute_html(html: str) -> str:
    """Root-relative links and images made absolute: feed readers have no base URL."""
    return _ROOT_RELATIVE_URL.sub(rf"\g<1>{settings.SITE_URL}/", html)


def tag_guid(kind: str, pk: int) -> str:
    """A tag: URI for an item, e.g. `forum-post` 12: it survives renames and moves."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{GUID_DATE}:{kind}-{pk}"


def site_name() -> str:
    return settings.COPSITE_SITE_NAME


# --- Who reads a feed -------------------------------------------------------------------------


def public_community(slug: str) -> tuple[AnonymousUser, Community]:
    """404 for a private community, 403 for a restricted one: public feeds are anonymous."""
    visitor = AnonymousUser()
    return visitor, community_permissions.get_readable_community_or_404(visitor, slug)


def feed_reader_or_404(token: str) -> User:
    """The person a personal feed token belongs to; 404 for an unknown or revoked token."""
    reader = user_for_feed_token(token)
    if reader is None:
        raise Http404("No such feed")
    return reader


# --- The feeds --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSource(Generic[ItemT]):
    """One feed's channel and items, built once per request."""

    title: str
    description: str
    link: str
    feed_url: str
    items: list[ItemT]


class SourceFeed(Feed):
    """A feed whose `get_object` returns a `FeedSource`; subclasses add the `item_*` methods.

    One instance serves every request, so nothing per request is kept on `self`.
    """

    item_guid_is_permalink = False

    def __init__(self, feed_type: type[SyndicationFeed] = RssFeed) -> None:
        self.feed_type = feed_type

    def title(self, source: FeedSource[Any]) -> str:
        return source.title

    def subtitle(self, source: FeedSource[Any]) -> str:
        return source.description

    def description(self, source: FeedSource[Any]) -> str:
        return source.description

    def link(self, source: FeedSource[Any]) -> str:
        return source.link

    def feed_url(self, source: FeedSource[Any]) -> str:
        return source.feed_url

    def feed_guid(self, source: FeedSource[Any]) -> str:
        # Atom's feed <id>: Django would use the page link, shared by the page's RSS, Atom,
        # public and personal feeds; each document gets its own.
        return source.feed_url

    def items(self, source: FeedSource[Any]) -> list[Any]:
        return source.items


class PersonalFeedMixin:
    """For feeds read as a token's owner: responses are private, never kept by shared caches
    nor indexed. List it before the `SourceFeed` subclass."""

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
