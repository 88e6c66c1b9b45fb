"""Writes to communities and memberships. Each function validates, then changes, atomically.

Errors a person can fix or should be told about are raised as `ValidationError` with a
message fit to show them; nothing is changed when one is raised.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from notifications.services import email_queue

from . import notifications, permissions
from .models import (
    Ban,
    Community,
    Invitation,
    Membership,
    MembershipRequest,
    PostingBan,
    RequestStatus,
    Role,
    hash_invitation_token,
)
from .permissions import JoinOption


def _touch(community: Community) -> None:
    Community.objects.filter(pk=community.pk).update(last_activity_at=timezone.now())


@transaction.atomic
def community_create(
    *,
    actor,
    name: str,
    slug: str,
    description: str,
    visibility: str,
    guidelines: str = "",
    tags: list[str] | None = None,
    allowed_email_domains: str = "",
    language: str = settings.LANGUAGE_CODE,
    translated_name: str = "",
    translated_description: str = "",
    translated_guidelines: str = "",
    bilingual_announcements: bool = False,
) -> Community:
    """Create a community owned by `actor`. (Its collection and pages follow from its creation:
    community_pages.signals.)"""
    if not permissions.can_create_community(actor):
        raise PermissionDenied("You may not create communities.")
    community = Community(
        name=name,
        slug=slug,
        description=description,
        guidelines=guidelines,
        visibility=visibility,
        allowed_email_domains=allowed_email_domains,
        language=language,
        translated_name=translated_name,
        translated_description=translated_description,
        translated_guidelines=translated_guidelines,
        bilingual_announcements=bilingual_announcements,
        created_by=actor,
    )
    community.full_clean()
    community.save()
    if tags:
        community.tags.set(tags)
    Membership.objects.create(
        community=community, user=actor, role=Role.OWNER, accepted_guidelines_at=timezone.now()
    )
    permissions.forget_access(actor)
    return community


@transaction.atomic
def membership_join(*, actor, community: Community, accepted_guidelines: bool) -> Membership:
    """Join an open community, or a restricted one the person's e-mail domain may join."""
    option = permissions.join_option(actor, community)
    if option == JoinOption.MEMBER:
        raise ValidationError(gettext("You are already a member of this community."))
    if option == JoinOption.VERIFY_EMAIL:
        raise ValidationError(gettext("Confirm your e-mail address before joining a community."))
    if option != JoinOption.JOIN:
        raise PermissionDenied("You cannot join this community directly.")
    if community.guidelines and not accepted_guidelines:
        raise ValidationError(gettext("Accept the community guidelines to join."))
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                community=community, user=actor, accepted_guidelines_at=timezone.now()
            )
    except IntegrityError as error:  # joined twice at once (double click)
        raise ValidationError(gettext("You are already a member of this community.")) from error
    MembershipRequest.objects.filter(
        community=community, user=actor, status=RequestStatus.PENDING
    ).update(status=RequestStatus.APPROVED, decided_at=timezone.now())
    permissions.forget_access(actor)
    _touch(community)
    return membership


@transaction.atomic
def membership_request_create(
    *, actor, community: Community, message: str, accepted_guidelines: bool
) -> MembershipRequest:
    option = permissions.join_option(actor, community)
    if option == JoinOption.PENDING:
        raise ValidationError(
            gettext("You have already asked to join; the facilitators will reply.")
        )
    if option == JoinOption.MEMBER:
        raise ValidationError(gettext("You are already a member of this community."))
    if option == JoinOption.VERIFY_EMAIL:
        raise ValidationError(gettext("Confirm your e-mail address before asking to join."))
    if option not in (JoinOption.REQUEST, JoinOption.JOIN):
        raise PermissionDenied("You cannot ask to join this community.")
    if community.guidelines and not accepted_guidelines:
        raise ValidationError(gettext("Accept the community guidelines to ask to join."))
    try:
        with transaction.atomic():
            request = MembershipRequest.objects.create(
                community=community, user=actor, message=message.strip()
            )
    except IntegrityError as error:
        raise ValidationError(
            gettext("You have already asked to join; the facilitators will reply.")
        ) from error
    permissions.forget_access(actor)
    notifications.join_requested(request)
    return request


@transaction.atomic
def membership_request_withdraw(*, actor, community: Community) -> None:
    MembershipRequest.objects.filter(
        community=community, user=actor, status=RequestStatus.PENDING
    ).update(status=RequestStatus.WITHDRAWN, decided_at=timezone.now())
    permissions.forget_access(actor)


def _lock_pending_request(actor, request_id: int) -> MembershipRequest:
    request = (
        MembershipRequest.objects.select_for_update()
        .select_related("community", "user")
        .filter(pk=request_id)
        .first()
    )
    if request is None or not permissions.can_know_exists(actor, request.community):
        raise ValidationError(gettext("That request no longer exists."))
    if not permissions.can_moderate(actor, request.community):
        raise PermissionDenied("You do not facilitate this community.")
    if request.status != RequestStatus.PENDING:
        raise ValidationError(
            gettext("That request has already been dealt with (%(get_status_display)s).")
            % {"get_status_display": request.get_status_display().lower()}
        )
    return request


def _queue_decision_email(request: MembershipRequest) -> None:
    notifications.request_decided(request)
    email_queue(
        key=f"membership-request-{request.pk}-{request.status}",
        kind="membership_request_decided",
        to_address=request.user.email or "",
        recipient=request.user,
        payload={"request_id": request.pk},
    )


@transaction.atomic
def membership_request_approve(*, actor, request_id: int) -> Membership:
    request = _lock_pending_request(actor, request_id)
    if request.community_id in permissions.access_for(request.user).banned_community_ids:
        raise ValidationError(
            gettext("This person is banned from the community; lift the ban first.")
        )
    membership, _ = Membership.objects.get_or_create(
        community=request.community,
        user=request.user,
        defaults={"accepted_guidelines_at": request.created_at},
    )
    request.status = RequestStatus.APPROVED
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.save(update_fields=["status", "decided_at", "decided_by"])
    _queue_decision_email(request)
    _touch(request.community)
    return membership


@transaction.atomic
def membership_request_decline(*, actor, request_id: int, note: str = "") -> MembershipRequest:
    request = _lock_pending_request(actor, request_id)
    request.status = RequestStatus.DECLINED
    request.decided_at = timezone.now()
    request.decided_by = actor
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    _queue_decision_email(request)
    return request


def _ensure_another_owner_remains(membership: Membership) -> None:
    """A community always keeps at least one owner. Caller holds the transaction."""
    if membership.role != Role.OWNER:
        return
    owners = list(
        Membership.objects.select_for_update()
        .filter(community_id=membership.community_id, role=Role.OWNER)
        .values_list("pk", flat=True)
    )
    if [pk for pk in owners if pk != membership.pk] == []:
        raise ValidationError(
            gettext("A community must keep at least one owner. Make someone else an owner first.")
        )


@transaction.atomic
def membership_leave(*, actor, community: Community) -> None:
    membership = Membership.objects.filter(community=community, user=actor).first()
    if membership is None:
        raise ValidationError(gettext("You are not a member of this community."))
    _ensure_another_owner_remains(membership)
    membership.delete()
    permissions.forget_access(actor)


def _lock_membership_to_change(actor, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_for_update()
        .select_related("community", "user")
        .filter(pk=membership_id)
        .first()
    )
    if membership is None or not permissions.can_know_exists(actor, membership.community):
        raise ValidationError(gettext("That membership no longer exists."))
    if not permissions.can_moderate(actor, membership.community):
        raise PermissionDenied("You do not facilitate this community.")
    if membership.user_id == actor.pk:
        raise ValidationError(
            gettext("You cannot change your own membership here; use Leave instead.")
        )
    if not permissions.can_change_member(actor, membership.community, membership):
        raise PermissionDenied("Only owners can change facilitators and owners.")
    return membership


@transaction.atomic
def membership_remove(*, actor, membership_id: int) -> None:
    membership = _lock_membership_to_change(actor, membership_id)
    _ensure_another_owner_remains(membership)
    membership.delete()


@transaction.atomic
def membership_ban(*, actor, membership_id: int, reason: str = "") -> Ban:
    membership = _lock_membership_to_change(actor, membership_id)
    _ensure_another_owner_remains(membership)
    ban, _ = Ban.objects.get_or_create(
        community=membership.community,
        user=membership.user,
        defaults={"reason": reason.strip(), "banned_by": actor},
    )
    MembershipRequest.objects.filter(
        community=membership.community, user=membership.user, status=RequestStatus.PENDING
    ).update(status=RequestStatus.DECLINED, decided_at=timezone.now(), decided_by=actor)
    membership.delete()
    return ban


@transaction.atomic
def ban_lift(*, actor, ban_id: int) -> None:
    ban = Ban.objects.select_related("community").filter(pk=ban_id).first()
    if ban is None or not permissions.can_moderate(actor, ban.community):
        raise ValidationError(gettext("That ban no longer exists."))
    ban.delete()


# --- Stopping a member posting ------------------------------------------------------------------


@transaction.atomic
def posting_ban_create(*, actor, community: Community, user, reason: str = "") -> PostingBan:
    """Stop `user` posting in `community` (they still read). Facilitators cannot be stopped."""
    _require_facilitator(actor, community)
    if user.pk == actor.pk or permissions.can_moderate(user, community):
        raise ValidationError(
            gettext("Facilitators cannot be banned from posting; change their role first.")
        )
    ban, _ = PostingBan.objects.get_or_create(
        community=community, user=user, defaults={"reason": reason.strip(), "banned_by": actor}
    )
    permissions.forget_access(user)
    return ban


@transaction.atomic
def posting_ban_lift(*, actor, community: Community, user) -> None:
    _require_facilitator(actor, community)
    PostingBan.objects.filter(community=community, user=user).delete()
    permissions.forget_access(user)


def _require_facilitator(actor, community: Community) -> None:
    if not permissions.can_moderate(actor, community):
        raise PermissionDenied("Only facilitators can do that.")


@transaction.atomic
def membership_set_role(*, actor, membership_id: int, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError(gettext("Choose member, facilitator or owner."))
    membership = _lock_membership_to_change(actor, membership_id)
    if role != Role.MEMBER and not permissions.can_manage_roles(actor, membership.community):
        raise PermissionDenied("Only owners can appoint facilitators and owners.")
    if membership.role == Role.OWNER and role != Role.OWNER:
        _ensure_another_owner_remains(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


# --- Invitations --------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *, actor, community: Community, email: str, role: str = Role.MEMBER
) -> tuple[Invitation, str]:
    """Invite an address. Returns the invitation and the raw token (only ever e-mailed)."""
    if not permissions.can_moderate(actor, community):
        raise PermissionDenied("You do not facilitate this community.")
    if role != Role.MEMBER and not permissions.can_manage_roles(actor, community):
        raise PermissionDenied("Only owners can invite facilitators and owners.")
    email = email.strip().lower()
    if Membership.objects.filter(community=community, user__email__iexact=email).exists():
        raise ValidationError(
            gettext("%(email)s is already a member of this community.") % {"email": email}
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        community=community,
        email=email,
        token_hash=hash_invitation_token(token),
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.COPSITE_INVITATION_DAYS),
    )
    email_queue(
        key=f"invitation-{invitation.pk}",
        kind="community_invitation",
        to_address=email,
        payload={"invitation_id": invitation.pk, "secret_token": token},
    )
    return invitation, token


def invitation_for_token(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("community", "invited_by")
        .filter(token_hash=hash_invitation_token(token))
        .first()
    )


def invitation_problem(invitation: Invitation | None, user) -> str | None:
    """Why this person cannot accept this invitation now, or None if they can."""
    if invitation is None:
        return gettext("This invitation link is not valid. Check you copied the whole link.")
    if invitation.revoked_at:
        return gettext("This invitation has been withdrawn. Ask a facilitator for a new one.")
    if invitation.accepted_at:
        return gettext("This invitation has already been used. Each invitation link works once.")
    if invitation.is_expired:
        return gettext("This invitation has expired. Ask a facilitator to invite you again.")
    access = permissions.access_for(user)
    if access.is_authenticated and invitation.email.lower() not in access.verified_emails:
        return gettext(
            "This invitation was sent to a different e-mail address. Sign in with the account "
            "for that address, or add and confirm that address in your account settings."
        )
    if access.is_authenticated and invitation.community_id in access.banned_community_ids:
        return gettext("You cannot join this community.")
    return None


@transaction.atomic
def invitation_accept(*, actor, token: str, accepted_guidelines: bool) -> Membership:
    invitation = invitation_for_token(token)
    if invitation is not None:
        invitation = (
            Invitation.objects.select_for_update().select_related("community").get(pk=invitation.pk)
        )
    problem = invitation_problem(invitation, actor)
    if problem:
        raise ValidationError(problem)
    assert invitation is not None  # invitation_problem names a missing one
    if invitation.community.guidelines and not accepted_guidelines:
        raise ValidationError(gettext("Accept the community guidelines to join."))
    membership, created = Membership.objects.get_or_create(
        community=invitation.community,
        user=actor,
        defaults={"role": invitation.role, "accepted_guidelines_at": timezone.now()},
    )
    if not created and permissions.role_outranks(invitation.role, membership.role):
        membership.role = invitation.role
        membership.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    MembershipRequest.objects.filter(
        community=invitation.community, user=actor, status=RequestStatus.PENDING
    ).update(status=RequestStatus.APPROVED, decided_at=timezone.now())
    permissions.forget_access(actor)
    _touch(invitation.community)
    return membership


@transaction.atomic
def invitation_revoke(*, actor, invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("community").filter(pk=invitation_id).first()
    if invitation is None or not permissions.can_moderate(actor, invitation.community):
        raise ValidationError(gettext("That invitation no longer exists."))
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
