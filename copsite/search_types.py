"""What can be searched: each content type, registered by the app that owns it.

Site-wide search indexes one entry per searchable item (its type, community, title, text,
author, dates) so that one query returns mixed results filtered inside the query by the
searcher's readable communities (ARCHITECTURE 9). The search app reads this registry; each app
that has searchable content registers a `SearchType` in its AppConfig.ready():

    search_types.register(SearchType("forum.thread", "Discussions", Thread, thread_documents))

`documents(ids)` returns the documents for those object ids (all searchable ones when `ids` is
None). It returns only what may be listed at all: published threads and their visible posts,
live public blog posts. Who may read which community is decided at query time, never here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models

from .registry import Registry

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class SearchDocument:
    type_key: str
    object_id: int
    community_id: int | None
    title: str
    text: str
    url: str
    author_id: int | None
    created_at: datetime
    updated_at: datetime
    tags: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class SearchType:
    key: str
    label: StrOrPromise  # what a results filter calls it, e.g. "Discussions"
    model: type[models.Model]
    documents: Callable[[Iterable[int] | None], Iterable[SearchDocument]]
    order: int = 100


search_types: Registry[SearchType] = Registry("search type")
