"""An ordered registry of things other apps plug in by key (sections, links, actions…).

Each seam where later apps add to an earlier one (a community's navigation, its section
settings, the actions on a forum thread, the signed-in home page, search types) is one of these:
the owning app defines what an entry is, and apps register entries in their AppConfig.ready().
Registering a key again replaces the entry (so a test can swap one in and restore it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar


class Entry(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def order(self) -> int: ...


E = TypeVar("E", bound=Entry)


class Registry(Generic[E]):
    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, E] = {}

    def register(self, entry: E) -> E:
        self._entries[entry.key] = entry
        return entry

    def unregister(self, key: str) -> None:
        self._entries.pop(key, None)

    def get(self, key: str) -> E:
        try:
            return self._entries[key]
        except KeyError:
            raise LookupError(f"No {self.what} is registered as {key!r}.") from None

    def __iter__(self) -> Iterator[E]:
        """Entries in their order (then by key, so the order never depends on import order)."""
        return iter(sorted(self._entries.values(), key=lambda entry: (entry.order, entry.key)))

    def __contains__(self, key: str) -> bool:
        return key in self._entries


def sections_shown(sections, *args) -> list[dict]:
    """For registries of page sections (entries with `template` and `context(*args)`): each
    section whose context is not None, as {"template": ..., **context}, in order."""
    shown = []
    for section in sections:
        context = section.context(*args)
        if context is not None:
            shown.append({"template": section.template, **context})
    return shown
