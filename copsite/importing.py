"""What every app's import path shares (forums.importing, blogs.importing): the error for bad
input, people given as users or ids, source keys stored as submission keys, batches, and
taggit tags made in bulk. Importing writes history: no notifications, events or rate limits."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

from taggit.models import Tag

from django.db.models.functions import Lower

BATCH_SIZE = 2000
SOURCE_KEY_PREFIX = "import:"
_SUBMISSION_KEY_LENGTH = 64
_TAG_LENGTH = 100

T = TypeVar("T")


class InvalidImport(ValueError):
    """Content that cannot be written as given (nothing is written)."""


class Saved(Protocol):
    pk: Any


def person_pk(person: Saved | int) -> int:
    """A person given as a user or a user's id, as an id."""
    return person if isinstance(person, int) else person.pk


def submission_key_for(source_key: str) -> str:
    """The submission key an imported post or comment with this source key is stored under
    (unique per author, decision 13; long keys are hashed to fit the column)."""
    key = f"{SOURCE_KEY_PREFIX}{source_key}"
    if len(key) <= _SUBMISSION_KEY_LENGTH:
        return key
    return f"{SOURCE_KEY_PREFIX}sha256:{hashlib.sha256(source_key.encode()).hexdigest()[:48]}"


def batches(items: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), BATCH_SIZE):
        yield items[start : start + BATCH_SIZE]


def clean_tags(names: Iterable[str]) -> list[str]:
    """Names stripped and cut to taggit's length, once each (ignoring case)."""
    cleaned = (name.strip()[:_TAG_LENGTH] for name in names)
    return list({name.lower(): name for name in cleaned if name}.values())


def tags_by_name(names: Iterable[str]) -> dict[str, Tag]:
    """taggit tags for these names, made where missing: `{lower-case name: tag}` (tags are
    case-insensitive here, TAGGIT_CASE_INSENSITIVE)."""
    wanted = {name.lower(): name for name in names}

    def known() -> dict[str, Tag]:
        found = {}
        for batch in batches(sorted(wanted)):
            for tag in Tag.objects.annotate(lower=Lower("name")).filter(lower__in=batch):
                found[tag.lower] = tag
        return found

    tags = known()
    missing = [name for lower, name in wanted.items() if lower not in tags]
    if missing:
        Tag.objects.bulk_create(
            [Tag(name=name, slug=Tag().slugify(name)) for name in missing], ignore_conflicts=True
        )
        tags = known()
        for lower, name in wanted.items():
            if lower not in tags:  # its slug was taken: taggit's save finds a free one
                tags[lower] = Tag.objects.create(name=name)
    return tags
