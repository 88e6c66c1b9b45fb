"""Digest sections: the registry apps add their sections to (`register_digest_section`),
and what a section's builder returns, `DigestItem`s, found as `Candidate`s, with
`lazy_excerpt` and `deferred` to put off work for items that are never shown."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils.functional import lazy
from django.utils.translation import ngettext_lazy

from copsite.markup import plain_excerpt

if TYPE_CHECKING:
    from .batch import DigestBatch

DEFAULT_LIMIT = 5

EXCERPT_CHARACTERS = 260  # about 40 words


def deferred(function: Callable[..., str]) -> Callable[..., object]:
    """Wrap a function of hashable arguments so that calling it returns a lazy string, worked
    out when an item is first shown and then remembered. Builders find far more than a digest
    shows (sections are capped), and many people in a batch share an item."""
    return lazy(functools.lru_cache(maxsize=16384)(function), str)


lazy_excerpt = deferred(lambda markdown: plain_excerpt(markdown, EXCERPT_CHARACTERS))
"""`lazy_excerpt(markdown)`: about 40 words of plain text, never the whole post."""


@dataclass(frozen=True)
class DigestItem:
    """One line of a digest. The same `key` in two sections is shown once (the first wins)."""

    key: str
    title: str
    url: str  # absolute
    community_id: int | None = None
    community_name: str = ""
    byline: str = ""
    detail: str = ""
    excerpt: str = ""  # plain text, about 40 words: `lazy_excerpt(markdown)`
    # `url` and `excerpt` may be lazy strings (`deferred`): made only for items shown.

    @cached_property
    def meta(self) -> str:
        return " · ".join(part for part in (self.community_name, self.byline, self.detail) if part)


@dataclass(frozen=True)
class Candidate:
    """Something a builder found for the batch, before it is given to people.

    `when` puts it in or out of a person's window; `subject` is what `may_see` checks; the
    author of something (and its co-authors) are not told about it in their own digest.
    """

    community_id: int
    when: datetime
    item: DigestItem
    subject: object = None
    author_id: int | None = None
    co_author_ids: frozenset[int] = frozenset()

    def is_by(self, user_id: int) -> bool:
        return user_id == self.author_id or user_id in self.co_author_ids


Builder = Callable[["DigestBatch"], dict[int, list[DigestItem]]]


@dataclass(frozen=True)
class DigestSection:
    key: str
    builder: Builder
    order: int
    heading: str
    # ngettext_lazy("%(count)s new thread", "%(count)s new threads", "count"): subject lines
    noun: object
    limit: int
    more_url_name: str  # where the rest are (a URL name), shown with "and N more"

    def phrase(self, count: int) -> str:
        return self.noun % {"count": count}


_sections: dict[str, DigestSection] = {}
DEFAULT_NOUN = ngettext_lazy("%(count)s new item", "%(count)s new items", "count")


def register_digest_section(
    key: str,
    builder: Builder,
    order: int = 100,
    *,
    heading: str,
    noun: object = DEFAULT_NOUN,
    limit: int = DEFAULT_LIMIT,
    more_url_name: str = "",
) -> None:
    """Add a section to every digest (registering a key again replaces it). Sections are
    shown by `order`, and each shows its first `limit` items with "and N more"."""
    _sections[key] = DigestSection(key, builder, order, heading, noun, limit, more_url_name)


def digest_sections() -> list[DigestSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))
