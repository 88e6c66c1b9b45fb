"""Join requests in notifications: facilitators hear about new requests; requesters see the
decision in their list (its e-mail is sent by communities.emails)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from notifications.digests import (
    Described,
    DigestBatch,
    bulk_target_describer,
    views_per_community,
)
from notifications.events import event_handler, event_record
from notifications.notify import Target, notify
from notifications.targets import TargetView, target_describer, target_filter

from . import permissions
from .models import Community, MembershipRequest, RequestStatus
from .notification_kinds import JOIN_REQUEST, REQUEST_DECIDED


def join_requested(request: MembershipRequest) -> None:
    event_record(
        kind="community.join_requested",
        key=f"join-request-{request.pk}",
        payload={"request_id": request.pk},
    )


def request_decided(request: MembershipRequest) -> None:
    event_record(
        kind="community.request_decided",
        key=f"join-request-{request.pk}-{request.status}",
        payload={"request_id": request.pk},
    )


def _request(request_id: int) -> MembershipRequest | None:
    return MembershipRequest.objects.select_related("community").filter(pk=request_id).first()


@event_handler("community.join_requested")
def on_join_requested(payload: dict) -> None:
    request = _request(payload["request_id"])
    if request is None or request.status != RequestStatus.PENDING:
        return
    notify(
        recipient_ids=permissions.moderator_ids(request.community),
        kind=JOIN_REQUEST,
        target=Target(
            type="community.join_queue",
            id=request.community_id,
            title=request.community.name,
            url=reverse("communities_admin:requests", args=[request.community_id]),
            community_id=request.community_id,
        ),
        actor_id=request.user_id,
    )


@event_handler("community.request_decided")
def on_request_decided(payload: dict) -> None:
    request = _request(payload["request_id"])
    if request is None or request.status not in (RequestStatus.APPROVED, RequestStatus.DECLINED):
        return
    notify(
        recipient_ids={request.user_id},
        kind=REQUEST_DECIDED,
        target=Target(
            type="community.request",
            id=request.pk,
            title=f"{request.community.name}: {request.get_status_display().lower()}",
            url=request.community.get_absolute_url(),
            community_id=request.community_id,
        ),
        actor_id=request.decided_by_id,
    )


def _join_queue_view(community: Community) -> TargetView:
    return TargetView(
        title=community.name,
        url=reverse("communities_admin:requests", args=[community.pk]),
        community_name=community.name,
    )


@target_describer("community.join_queue")
def describe_join_queues(user, community_ids: list[int]) -> dict[int, TargetView]:
    """A community's waiting requests, for people who still facilitate it."""
    communities = permissions.communities_moderated_by(user).filter(pk__in=community_ids)
    return {c.pk: _join_queue_view(c) for c in communities}


@target_filter("community.join_queue")
def moderated_join_queue_notifications(user) -> Q:
    """Notifications about the join queues of communities the person still facilitates."""
    return Q(target_id__in=permissions.communities_moderated_by(user).values("pk"))


@bulk_target_describer("community.join_queue")
def describe_join_queues_for_batch(
    batch: DigestBatch, wanted: dict[int, set[int]]
) -> dict[int, dict[int, TargetView]]:
    """`describe_join_queues` for a digest batch: one query; `can_moderate` answers from the
    memberships the batch read."""
    communities = Community.objects.in_bulk(set().union(*wanted.values()))
    found = {
        pk: Described(community_id=pk, subject=community, view=_join_queue_view(community))
        for pk, community in communities.items()
    }
    return views_per_community(batch, wanted, found, permissions.can_moderate)


@target_describer("community.request")
def describe_requests(user, request_ids: list[int]) -> dict[int, TargetView]:
    requests = MembershipRequest.objects.select_related("community").filter(
        pk__in=request_ids, user=user
    )
    return {
        r.pk: TargetView(
            title=f"{r.community.name}: {r.get_status_display().lower()}",
            url=r.community.get_absolute_url(),
            community_name=r.community.name,
        )
        for r in requests
        if permissions.can_know_exists(user, r.community)
    }


@target_filter("community.request")
def own_request_notifications(user) -> Q:
    """Notifications about the person's own requests, to communities they may still know
    exist (a declined request to a restricted community stays: it is listed)."""
    listed = permissions.filter_listed_communities(Community.objects.all(), user)
    return Q(
        Exists(
            MembershipRequest.objects.filter(
                pk=OuterRef("target_id"), user=user, community__in=listed.values("pk")
            )
        )
    )
