"""The first rows per community in one query (for lists that show "the oldest 5 of 12")."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber


def first_per_community(queryset: QuerySet, order_by: list, limit: int) -> QuerySet:
    """The first `limit` rows of `queryset` per `community_id` in `order_by`'s order, each
    carrying `community_total` (how many rows that community has in all): one query."""
    partition = [F("community_id")]
    return queryset.annotate(
        position=Window(RowNumber(), partition_by=partition, order_by=order_by),
        community_total=Window(Count("pk"), partition_by=partition),
    ).filter(position__lte=limit)
