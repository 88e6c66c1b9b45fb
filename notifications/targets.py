"""What a notification points at, described for one reader, only if they may still see it.

Each app registers a describer per target type. It takes the reader and a list of target ids
and returns descriptions for the ones the reader may see now: that is how lists and e-mails
drop anything the person lost access to (checked when shown and when sent).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class TargetView:
    title: str
    url: str
    excerpt: str = ""
    community_name: str = ""


Describer = Callable[[object, list[int]], dict[int, TargetView]]
_describers: dict[str, Describer] = {}


def target_describer(target_type: str) -> Callable[[Describer], Describer]:
    def register(describer: Describer) -> Describer:
        _describers[target_type] = describer
        return describer

    return register


def describe(user, target_type: str, target_ids: Iterable[int]) -> dict[int, TargetView]:
    describer = _describers.get(target_type)
    ids = sorted(set(target_ids))
    if describer is None or not ids:
        return {}
    return describer(user, ids)
