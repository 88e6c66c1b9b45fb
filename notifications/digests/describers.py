"""Bulk target describers: how a digest finds out, for a whole batch at once, what each
person's notifications point at and whether they may still see it (`bulk_target_describer`,
`Described`, `views_per_community`), falling back to `notifications.targets.describe`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from ..targets import TargetView, describe

if TYPE_CHECKING:
    from .batch import DigestBatch

BulkDescriber = Callable[["DigestBatch", dict[int, set[int]]], dict[int, dict[int, TargetView]]]
_bulk_describers: dict[str, BulkDescriber] = {}


def bulk_target_describer(target_type: str) -> Callable[[BulkDescriber], BulkDescriber]:
    """Register a batch version of a `notifications.targets` describer: given {user id:
    target ids} it returns {user id: {target id: view}} with one query for the batch. Types
    without one fall back to `targets.describe`, one call per person."""

    def register(describer: BulkDescriber) -> BulkDescriber:
        _bulk_describers[target_type] = describer
        return describer

    return register


def describe_for_batch(
    batch: DigestBatch, target_type: str, wanted: dict[int, set[int]]
) -> dict[int, dict[int, TargetView]]:
    bulk = _bulk_describers.get(target_type)
    if bulk is not None:
        return bulk(batch, wanted)
    return {
        user_id: describe(batch.users_by_id[user_id], target_type, ids)
        for user_id, ids in wanted.items()
    }


class Described(NamedTuple):
    """A target a bulk describer found: its community, what `may_see` checks, and its view."""

    community_id: int
    subject: object
    view: TargetView


def views_per_community(
    batch: DigestBatch,
    wanted: dict[int, set[int]],
    found: dict[int, Described],
    may_see: Callable[[object, object], bool],
) -> dict[int, dict[int, TargetView]]:
    """Hand each person the views of the targets they asked for that `may_see(user, subject)`
    allows, asked once per person and community: for bulk describers whose query keeps only
    what every reader of the community may see (visible posts of published threads, say)."""
    allowed: dict[tuple[int, int], bool] = {}
    result: dict[int, dict[int, TargetView]] = {}
    for user_id, target_ids in wanted.items():
        user = batch.users_by_id[user_id]
        result[user_id] = mine = {}
        for target_id in target_ids & found.keys():
            described = found[target_id]
            key = (user_id, described.community_id)
            if key not in allowed:
                allowed[key] = may_see(user, described.subject)
            if allowed[key]:
                mine[target_id] = described.view
    return result
