"""The one place that answers "may this person see / join / post / moderate this?".

Every view, list, feed, e-mail and admin screen asks here. Rules:

- open communities: anyone reads; members post;
- restricted communities: listed; content for members; join by request or allowed e-mail domain;
- private communities: unlisted; by invitation; outsiders get 404 for every URL;
- roles: member < facilitator < owner; active site staff may do everything.

A person's memberships, pending requests and bans are loaded once per request and cached
on the user object (`access_for`), so checks inside loops cost no queries.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from .models import (
    MODERATOR_ROLES,
    ROLE_RANK,
    Ban,
    Community,
    Membership,
    MembershipRequest,
    PostingBan,
    RequestStatus,
    Role,
    Visibility,
)

_CACHE_ATTR = "_copsite_access"


@dataclass
class Access:
    """What one person holds across communities. Build with `access_for(user)`."""

    user: Any  # a User, or an AnonymousUser
    memberships: dict[int, Membership] = field(default_factory=dict)

    @cached_property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False) and self.user.is_active)

    @cached_property
    def is_staff(self) -> bool:
        return self.is_authenticated and (self.user.is_staff or self.user.is_superuser)

    @cached_property
    def pending_request_community_ids(self) -> frozenset[int]:
        if not self.is_authenticated:
            return frozenset()
        return frozenset(
            MembershipRequest.objects.filter(
                user=self.user, status=RequestStatus.PENDING
            ).values_list("community_id", flat=True)
        )

    @cached_property
    def banned_community_ids(self) -> frozenset[int]:
        if not self.is_authenticated:
            return frozenset()
        return frozenset(Ban.objects.filter(user=self.user).values_list("community_id", flat=True))

    @cached_property
    def stopped_posting_community_ids(self) -> frozenset[int]:
        """Communities whose facilitators stopped this member posting: they stay a member and
        read, but write nothing there (threads, replies, blog posts, comments)."""
        if not self.is_authenticated:
            return frozenset()
        return frozenset(
            PostingBan.objects.filter(user=self.user).values_list("community_id", flat=True)
        )

    @cached_property
    def has_verified_email(self) -> bool:
        if not self.is_authenticated:
            return False
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=self.user, verified=True).exists()

    @cached_property
    def verified_emails(self) -> frozenset[str]:
        if not self.is_authenticated:
            return frozenset()
        from allauth.account.models import EmailAddress

        return frozenset(
            e.lower()
            for e in EmailAddress.objects.filter(user=self.user, verified=True).values_list(
                "email", flat=True
            )
        )

    def role_in(self, community: Community) -> str | None:
        membership = self.memberships.get(community.pk)
        return membership.role if membership else None

    @property
    def member_community_ids(self) -> set[int]:
        return set(self.memberships)

    @property
    def moderated_community_ids(self) -> set[int]:
        return {cid for cid, m in self.memberships.items() if m.role in MODERATOR_ROLES}


def access_for(user) -> Access:
    """The person's cached access: one query for memberships, the rest loaded when needed."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    access = Access(user=user)
    if access.is_authenticated:
        access.memberships = {
            m.community_id: m
            for m in Membership.objects.filter(user=user).only(
                "id", "community_id", "user_id", "role", "joined_at"
            )
        }
    if user is not None:
        with contextlib.suppress(AttributeError):  # an object that refuses attributes
            setattr(user, _CACHE_ATTR, access)
    return access


def access_prime(user, memberships: dict[int, Membership]) -> Access:
    """Cache the person's access from memberships read in bulk elsewhere (a digest batch reads
    everyone's in one query), so the questions below answer without querying them again."""
    access = Access(user=user, memberships=memberships)
    setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user) -> None:
    """Drop the cached access after changing someone's memberships within a request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


# --- Many people at once (notifications) -------------------------------------------------------


def user_ids_who_can_read(user_ids: Iterable[int], community: Community) -> set[int]:
    """Of these people, those `can_read` lets read the community now: active, and for
    restricted and private communities members or site staff. One query."""
    from accounts.models import User

    ids = set(user_ids)
    if not ids:
        return set()
    people = User.objects.filter(pk__in=ids, is_active=True)
    if community.visibility != Visibility.OPEN:
        members = Membership.objects.filter(community=community).values("user_id")
        people = people.filter(Q(is_staff=True) | Q(is_superuser=True) | Q(pk__in=members))
    return set(people.values_list("pk", flat=True))


def moderator_ids(community: Community) -> set[int]:
    """The community's facilitators and owners."""
    return set(
        Membership.objects.filter(community=community, role__in=MODERATOR_ROLES).values_list(
            "user_id", flat=True
        )
    )


# --- Questions about one community ---------------------------------------------------------------


def can_know_exists(user, community: Community) -> bool:
    """Whether the community may be named to this person at all (private ones are unlisted)."""
    if community.visibility != Visibility.PRIVATE:
        return True
    access = access_for(user)
    return access.is_staff or community.pk in access.memberships


def can_read(user, community: Community) -> bool:
    """Whether the person may read the community's content (threads, posts, members...)."""
    if community.visibility == Visibility.OPEN:
        return True
    access = access_for(user)
    return access.is_staff or community.pk in access.memberships


def is_member(user, community: Community) -> bool:
    return community.pk in access_for(user).memberships


def can_post(user, community: Community) -> bool:
    """Members with a verified e-mail address post, unless a facilitator stopped them; so do
    site staff. Posting is everything a member writes: threads, replies, blog posts, comments."""
    return why_no_posting(user, community) is None


class NoPosting(enum.Enum):
    """Why someone who may read a community cannot write in it, in the order they are checked."""

    SIGN_IN = "sign_in"
    BANNED = "banned"
    STOPPED = "stopped"
    JOIN = "join"
    VERIFY_EMAIL = "verify_email"


if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The same whatever the person tried to do.
STOPPED_POSTING = gettext_lazy("A facilitator has stopped you posting in this community.")


@dataclass(frozen=True)
class PostingRefusals:
    """What to tell someone who may not do one kind of posting, one whole sentence per reason
    (never "Sign in to" + an action: each language words each sentence its own way)."""

    sign_in: StrOrPromise
    banned: StrOrPromise
    join: StrOrPromise
    verify_email: StrOrPromise
    stopped: StrOrPromise = STOPPED_POSTING

    def for_reason(self, reason: NoPosting) -> str:
        return str(getattr(self, reason.value))


def why_no_posting(user, community: Community) -> NoPosting | None:
    """The one rule behind `can_post`, with its reason, so every "you cannot post here"
    message says the same thing. None means the person may post."""
    access = access_for(user)
    if not access.is_authenticated:
        return NoPosting.SIGN_IN
    if community.pk in access.banned_community_ids:
        return NoPosting.BANNED
    if is_stopped_posting(access, community):
        return NoPosting.STOPPED
    if not (access.is_staff or community.pk in access.memberships):
        return NoPosting.JOIN
    if not access.has_verified_email:
        return NoPosting.VERIFY_EMAIL
    return None


def is_stopped_posting(access: Access, community: Community) -> bool:
    """A facilitator stopped this person posting here. The stop outlives leaving and joining
    again. Facilitators are never stopped: a stop cannot be made for one, and promoting
    someone deletes theirs (`forums.signals`); site staff are exempt everywhere."""
    return not access.is_staff and community.pk in access.stopped_posting_community_ids


def posting_refusal(user, community: Community, refusals: PostingRefusals) -> str:
    """The sentence for why the person may not post in `community`, or "" if they may."""
    reason = why_no_posting(user, community)
    return refusals.for_reason(reason) if reason else ""


def can_moderate(user, community: Community) -> bool:
    access = access_for(user)
    return access.is_staff or access.role_in(community) in MODERATOR_ROLES


def can_manage_roles(user, community: Community) -> bool:
    """Owners (and site staff) appoint facilitators and owners."""
    access = access_for(user)
    return access.is_staff or access.role_in(community) == Role.OWNER


def can_change_member(user, community: Community, target: Membership) -> bool:
    """Facilitators manage members; only owners touch other facilitators and owners."""
    if not can_moderate(user, community):
        return False
    if target.user_id == getattr(user, "pk", None):
        return False
    if target.role == Role.MEMBER:
        return True
    return can_manage_roles(user, community)


def can_create_community(user) -> bool:
    access = access_for(user)
    if access.is_staff:
        return True
    return (
        settings.COPSITE_MEMBERS_CAN_CREATE_COMMUNITIES
        and access.is_authenticated
        and access.has_verified_email
    )


class JoinOption(enum.Enum):
    """What the person can do about membership: drives the community's "next step"."""

    SIGN_IN = "sign_in"
    JOIN = "join"
    REQUEST = "request"
    PENDING = "pending"
    INVITATION_ONLY = "invitation_only"
    MEMBER = "member"
    BANNED = "banned"
    VERIFY_EMAIL = "verify_email"


def join_option(user, community: Community) -> JoinOption:
    access = access_for(user)
    if not access.is_authenticated:
        return JoinOption.SIGN_IN
    if community.pk in access.memberships:
        return JoinOption.MEMBER
    if community.pk in access.banned_community_ids:
        return JoinOption.BANNED
    if community.visibility == Visibility.PRIVATE:
        return JoinOption.INVITATION_ONLY
    if not access.has_verified_email:
        return JoinOption.VERIFY_EMAIL
    if community.visibility == Visibility.OPEN:
        return JoinOption.JOIN
    if any(community.email_domain_may_join(email) for email in access.verified_emails):
        return JoinOption.JOIN
    if community.pk in access.pending_request_community_ids:
        return JoinOption.PENDING
    return JoinOption.REQUEST


def role_outranks(role: str, other: str) -> bool:
    return ROLE_RANK[role] > ROLE_RANK[other]


# --- Querysets ----------------------------------------------------------------------------------


def filter_listed_communities(queryset: QuerySet, user) -> QuerySet:
    """Communities the person may know exist: not private, or theirs."""
    access = access_for(user)
    if access.is_staff:
        return queryset
    return queryset.filter(
        ~Q(visibility=Visibility.PRIVATE) | Q(pk__in=access.member_community_ids)
    )


def filter_readable_communities(queryset: QuerySet, user) -> QuerySet:
    """Communities whose content the person may read."""
    access = access_for(user)
    if access.is_staff:
        return queryset
    return queryset.filter(Q(visibility=Visibility.OPEN) | Q(pk__in=access.member_community_ids))


def readable_communities(user) -> QuerySet:
    """Communities whose content the person may read (a subquery for scoped reads)."""
    return Community.objects.visible_to(user)


def filter_by_readable_community(queryset: QuerySet, user, path: str = "community") -> QuerySet:
    """`queryset` narrowed inside the query to rows whose community (the foreign key at `path`,
    e.g. "thread__community") the person may read. The one filter behind every
    `visible_to(user)` of community content: a model adds only its own states (published,
    visible, live) on top."""
    return queryset.filter(**{f"{path}__in": readable_communities(user).values("pk")})


def communities_moderated_by(user) -> QuerySet:
    """Communities the person facilitates or owns (all of them for site staff)."""
    access = access_for(user)
    if access.is_staff:
        return Community.objects.all()
    return Community.objects.filter(pk__in=access.moderated_community_ids)


def communities_of(user) -> QuerySet:
    """Communities the person belongs to, for menus and dashboards."""
    return Community.objects.filter(pk__in=access_for(user).member_community_ids)


def moderates_any_community(user) -> bool:
    access = access_for(user)
    return access.is_staff or bool(access.moderated_community_ids)


# --- Fetching single objects --------------------------------------------------------------------


def get_community_for_user_or_404(user, slug: str) -> Community:
    """The community, or 404 if this person must not learn that it exists."""
    community = Community.objects.filter(slug=slug).first()
    if community is None or not can_know_exists(user, community):
        raise Http404("No such community")
    return community


def require_read(user, community: Community) -> None:
    """403 for a listed community whose content this person may not read."""
    if not can_read(user, community):
        raise PermissionDenied("This community's content is for its members.")


def require_visible(user, community: Community | None, what: str = "page") -> Community:
    """For anything that belongs to a community (a page, a post, a picture): 404 "No such
    {what}" if there is no community or the person must not learn it exists, 403 if it is
    listed but its content is for members."""
    if community is None or not can_know_exists(user, community):
        raise Http404(f"No such {what}")
    require_read(user, community)
    return community


def get_readable_community_or_404(user, slug: str) -> Community:
    """The community whose content this person may read: 404 if hidden, 403 if restricted."""
    return require_visible(user, Community.objects.filter(slug=slug).first(), "community")


def require_moderate(user, community: Community) -> None:
    """403 for anyone but the community's facilitators, owners and site staff."""
    if not can_moderate(user, community):
        raise PermissionDenied("Only the community's facilitators can do this.")


def get_moderated_community_or_404(user, community_id: int) -> Community:
    """For facilitator screens: the community if the person facilitates it (or is staff).

    404 when they must not learn it exists; 403 when it is listed but not theirs to manage.
    """
    community = Community.objects.filter(pk=community_id).first()
    if community is None or not can_know_exists(user, community):
        raise Http404("No such community")
    if not can_moderate(user, community):
        raise PermissionDenied("You do not facilitate this community.")
    return community


# --- Blogs --------------------------------------------------------------------------------------


def can_blog(user, community: Community) -> bool:
    """Whether the person may write posts in the community's blog and comment on its posts.

    The same people who post in the forum: members with a verified e-mail address whom no
    facilitator has stopped posting, and site staff. Facilitators decide separately whether
    members' posts go through moderation first (`blogs.models.BlogSettings`).
    """
    return can_post(user, community)
