"""Reading the facilitators' review queue: reported posts, posts waiting for approval and
threads waiting to be published, oldest first."""

from __future__ import annotations

from django.db.models import Count, Min, Prefetch, Q, QuerySet

from communities.models import Community

from .models import Flag, Post, Thread


def flagged_posts(community: Community) -> QuerySet:
    """Posts with open reports, oldest report first, each with its open flags and reporters."""
    is_open = Q(flags__resolution=Flag.Resolution.OPEN)
    open_flags = (
        Flag.objects.filter(resolution=Flag.Resolution.OPEN)
        .select_related("reporter")
        .order_by("created_at", "pk")
    )
    return (
        Post.objects.filter(thread__community=community)
        .annotate(
            open_flag_count=Count("flags", filter=is_open),
            first_flagged_at=Min("flags__created_at", filter=is_open),
        )
        .filter(open_flag_count__gt=0)
        .select_related("thread__category", "author")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
        .order_by("first_flagged_at", "pk")
    )


def held_posts(community: Community) -> QuerySet:
    """Posts waiting for approval, oldest first."""
    return (
        Post.objects.filter(thread__community=community, status=Post.Status.HELD)
        .select_related("thread", "author")
        .order_by("created_at", "pk")
    )


def scheduled_threads(community: Community) -> QuerySet:
    """Threads waiting to be published, the first due first."""
    return (
        Thread.objects.filter(community=community, status=Thread.Status.SCHEDULED)
        .select_related("author", "category")
        .order_by("publish_at", "pk")
    )
