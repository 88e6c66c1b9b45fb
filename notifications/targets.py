"""What a notification points at, described for one reader, only if they may still see it.

Each app registers, per target type:

- a describer (`target_describer`). It takes the reader and a list of target ids and returns
  descriptions for the ones the reader may see now: that is how lists and e-mails drop
  anything the person lost access to (checked when shown and when sent). It is the final word.
- optionally, a filter (`target_filter`): a `Q` over `Notification` rows of that type that
  keeps the ones whose target the reader may still see, decided inside the query, so counts
  and pages of notifications leave out the others before counting or paginating
  (`Notification.objects.visible_to`). It must never keep fewer than the describer would
  show; it may keep a few more (what only the describer can decide, such as a blog post's
  Wagtail view restrictions), which the describer then drops. A filter makes no query of its
  own beyond the reader's cached access (`communities.permissions.access_for`), whatever the
  number of rows: subqueries go inside the `Q`.

Target types without a filter keep notifications with no community, or whose community the
reader may read now; target types without a describer are never shown, so never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class TargetView:
    title: str
    url: str
    excerpt: str = ""
    community_name: str = ""


Describer = Callable[[object, list[int]], dict[int, TargetView]]
TargetFilter = Callable[[object], Q]
_describers: dict[str, Describer] = {}
_filters: dict[str, TargetFilter] = {}


def target_describer(target_type: str) -> Callable[[Describer], Describer]:
    def register(describer: Describer) -> Describer:
        _describers[target_type] = describer
        return describer

    return register


def target_filter(target_type: str) -> Callable[[TargetFilter], TargetFilter]:
    """Register `filter(user) -> Q` for notifications whose target is of this type (see the
    module's docstring for what it must keep)."""

    def register(filter_: TargetFilter) -> TargetFilter:
        _filters[target_type] = filter_
        return filter_

    return register


def describe(user, target_type: str, target_ids: Iterable[int]) -> dict[int, TargetView]:
    describer = _describers.get(target_type)
    ids = sorted(set(target_ids))
    if describer is None or not ids:
        return {}
    return describer(user, ids)


def readable_community_q(user) -> Q:
    """Notifications with no community, or whose community the person may read now."""
    from communities.permissions import readable_communities

    return Q(community__isnull=True) | Q(community__in=readable_communities(user).values("pk"))


def visible_targets_q(user) -> Q:
    """Notifications (of any recipient: callers add theirs) whose target `user` may still see:
    each described target type by its filter if it has one, else by its community. Types
    nobody describes are never shown, so never kept."""
    described = sorted(_describers)
    unfiltered = [target_type for target_type in described if target_type not in _filters]
    visible = Q(target_type__in=unfiltered) & readable_community_q(user)
    for target_type in described:
        if target_type in _filters:
            visible |= Q(target_type=target_type) & _filters[target_type](user)
    return visible
