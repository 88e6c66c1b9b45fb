"""The providers facilitation registers itself: join requests waiting, and new members nobody
has welcomed.

Both read the communities app's data (requests, memberships), but they are registered here,
not by communities: communities is the access layer, below facilitation, and may not import
it. "New members to welcome" belongs here in any case: its other half is facilitation's own
`Welcome` record and one-click welcome form.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, Min, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Membership, MembershipRequest, RequestStatus, Role
from copsite.ranking import first_per_community

from .attention import Attention, AttentionProvider, attention_providers
from .models import Welcome

NEW_MEMBERS_WITHIN = timedelta(days=7)
NEW_MEMBERS_SHOWN = 20  # new members offered for welcome per community


def join_requests_waiting(communities: QuerySet[Community], now: datetime) -> dict:
    """Pending requests of active people per community, with the oldest's date (one query)."""
    found = {}
    for row in (
        MembershipRequest.objects.filter(
            community_id__in=communities.values("pk"),
            status=RequestStatus.PENDING,
            user__is_active=True,
        )
        .values("community_id")
        .annotate(total=Count("pk"), oldest=Min("created_at"))
        .order_by()
    ):
        found[row["community_id"]] = Attention(
            count=row["total"],
            fields={
                "requests_total": row["total"],
                "oldest_request_at": row["oldest"],
                "requests_url": reverse("communities_admin:requests", args=[row["community_id"]]),
            },
        )
    return found


def new_members_to_welcome(community_ids, *, now: datetime | None = None) -> QuerySet:
    """Memberships (role member) started in the last NEW_MEMBERS_WITHIN, not yet welcomed."""
    now = now or timezone.now()
    welcomed = Welcome.objects.filter(
        community_id=OuterRef("community_id"), user_id=OuterRef("user_id")
    )
    return Membership.objects.filter(
        community_id__in=community_ids,
        role=Role.MEMBER,
        user__is_active=True,
        joined_at__gte=now - NEW_MEMBERS_WITHIN,
    ).filter(~Exists(welcomed))


def new_members_waiting(communities: QuerySet[Community], now: datetime) -> dict:
    """The first NEW_MEMBERS_SHOWN new members per community to welcome, oldest first, with
    each community's total (one query)."""
    members: dict[int, list[Membership]] = {}
    totals: dict[int, int] = {}
    for membership in first_per_community(
        new_members_to_welcome(communities.values("pk"), now=now).select_related("user"),
        [F("joined_at").asc(), F("pk").asc()],
        NEW_MEMBERS_SHOWN,
    ):
        members.setdefault(membership.community_id, []).append(membership)
        totals[membership.community_id] = membership.community_total
    return {
        community_id: Attention(
            count=totals[community_id],
            fields={"new_members": shown, "new_members_total": totals[community_id]},
        )
        for community_id, shown in members.items()
    }


REQUESTS = AttentionProvider(
    key="join-requests",
    order=20,
    collect=join_requests_waiting,
    empty={"requests_total": 0, "oldest_request_at": None, "requests_url": ""},
    page_template="facilitation/attention/requests.html",
    email_template="facilitation/attention/requests_email.html",
    text_template="facilitation/attention/requests.txt",
)
NEW_MEMBERS = AttentionProvider(
    key="new-members",
    order=30,
    collect=new_members_waiting,
    empty={"new_members": [], "new_members_total": 0},
    page_template="facilitation/attention/new_members.html",
    email_template="facilitation/attention/new_members_email.html",
    text_template="facilitation/attention/new_members.txt",
)


def register_member_attention() -> None:
    attention_providers.register(REQUESTS)
    attention_providers.register(NEW_MEMBERS)
