"""E-mails about membership. Built at send time from ids, so they say what is true then."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext

from notifications.registry import EmailContent, email_kind

from .models import Invitation, MembershipRequest, RequestStatus


@email_kind("membership_request_decided")
def membership_request_decided(payload: dict) -> EmailContent | None:
    request = (
        MembershipRequest.objects.select_related("community", "user")
        .filter(pk=payload["request_id"])
        .first()
    )
    if request is None or request.status not in (RequestStatus.APPROVED, RequestStatus.DECLINED):
        return None
    approved = request.status == RequestStatus.APPROVED
    community = request.community
    return EmailContent(
        subject=(
            gettext("You have joined %(name)s")
            if approved
            else gettext("Your request to join %(name)s")
        )
        % {"name": community.name},
        template="communities/emails/request_decided",
        context={
            "approved": approved,
            "request": request,
            "community": community,
            "person": request.user,
            "community_url": settings.SITE_URL + community.get_absolute_url(),
        },
    )


@email_kind("community_invitation")
def community_invitation(payload: dict) -> EmailContent | None:
    invitation = (
        Invitation.objects.select_related("community", "invited_by")
        .filter(pk=payload["invitation_id"])
        .first()
    )
    if invitation is None or not invitation.is_usable or "secret_token" not in payload:
        return None
    link = reverse("communities:invitation", kwargs={"token": payload["secret_token"]})
    return EmailContent(
        subject=gettext("You are invited to join %(name)s") % {"name": invitation.community.name},
        template="communities/emails/invitation",
        context={
            "invitation": invitation,
            "community": invitation.community,
            "invitation_url": settings.SITE_URL + link,
        },
    )
