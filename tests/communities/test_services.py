from datetime import timedelta

import pytest

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from communities import permissions, services
from communities.models import (
    Ban,
    Community,
    Invitation,
    Membership,
    MembershipRequest,
    RequestStatus,
    Role,
    Visibility,
)
from notifications.models import OutboundEmail
from tests.factories import (
    CommunityFactory,
    MembershipFactory,
    MembershipRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def fresh(user):
    permissions.forget_access(user)
    return user


def test_staff_create_a_community_with_an_owner_and_a_document_collection():
    staff = UserFactory(is_staff=True)
    community = services.community_create(
        actor=staff, name="Housing", slug="housing", description="Homes.",
        visibility=Visibility.OPEN, tags=["housing", "homes"],
    )  # fmt: skip
    assert community.collection is not None and community.collection.name == "Housing"
    assert Membership.objects.get(community=community).role == Role.OWNER
    assert sorted(t.name for t in community.tags.all()) == ["homes", "housing"]


def test_ordinary_members_cannot_create_communities_by_default():
    with pytest.raises(PermissionDenied):
        services.community_create(
            actor=UserFactory(), name="X", slug="x-x", description="d", visibility="open"
        )
    assert not Community.objects.exists()


def test_members_may_create_communities_when_the_site_allows_it(settings):
    settings.COPSITE_MEMBERS_CAN_CREATE_COMMUNITIES = True
    services.community_create(
        actor=UserFactory(), name="X", slug="x-x", description="d", visibility="open"
    )
    assert Community.objects.count() == 1


def test_a_reserved_slug_is_refused_and_nothing_is_created():
    with pytest.raises(ValidationError):
        services.community_create(
            actor=UserFactory(is_staff=True), name="Admin", slug="admin", description="d",
            visibility="open",
        )  # fmt: skip
    assert not Community.objects.exists()


def test_joining_an_open_community_requires_accepting_its_guidelines():
    community = CommunityFactory(guidelines="Be kind.")
    person = UserFactory()
    with pytest.raises(ValidationError, match="guidelines"):
        services.membership_join(actor=person, community=community, accepted_guidelines=False)
    membership = services.membership_join(
        actor=fresh(person), community=community, accepted_guidelines=True
    )
    assert membership.accepted_guidelines_at is not None


def test_joining_twice_says_so_and_keeps_one_membership():
    community = CommunityFactory()
    person = UserFactory()
    services.membership_join(actor=person, community=community, accepted_guidelines=True)
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_join(actor=fresh(person), community=community, accepted_guidelines=True)
    assert Membership.objects.filter(community=community).count() == 1


def test_an_unverified_account_cannot_join():
    with pytest.raises(ValidationError, match="Confirm your e-mail"):
        services.membership_join(
            actor=UserFactory(verified=False),
            community=CommunityFactory(),
            accepted_guidelines=True,
        )


def test_a_restricted_community_cannot_be_joined_directly_without_an_allowed_domain():
    community = CommunityFactory(visibility=Visibility.RESTRICTED)
    with pytest.raises(PermissionDenied):
        services.membership_join(actor=UserFactory(), community=community, accepted_guidelines=True)


@pytest.mark.parametrize(
    ("patterns", "email", "may_join"),
    [
        ("*.gov.uk", "a@leeds.gov.uk", True),
        ("*.gov.uk", "a@gov.uk", True),
        ("*.gov.uk", "a@gov.uk.evil.com", False),
        ("*.gov.uk", "a@notgov.uk", False),
        ("*.nhs.uk\nnhs.net", "a@nhs.net", True),
        ("nhs.net", "a@x.nhs.net", False),
    ],
)
def test_allowed_email_domains_match_whole_domains(patterns, email, may_join):
    community = CommunityFactory(visibility=Visibility.RESTRICTED, allowed_email_domains=patterns)
    assert community.email_domain_may_join(email) is may_join


def test_a_person_on_an_allowed_domain_joins_a_restricted_community_directly():
    community = CommunityFactory(visibility=Visibility.RESTRICTED, allowed_email_domains="*.gov.uk")
    person = UserFactory(email="sam@cardiff.gov.uk")
    services.membership_join(actor=person, community=community, accepted_guidelines=True)
    assert permissions.is_member(fresh(person), community)


def test_an_unverified_address_on_an_allowed_domain_does_not_count():
    community = CommunityFactory(visibility=Visibility.RESTRICTED, allowed_email_domains="*.gov.uk")
    person = UserFactory(email="sam@cardiff.gov.uk", verified=False)
    assert permissions.join_option(person, community) == permissions.JoinOption.VERIFY_EMAIL


def test_asking_twice_is_refused_with_a_clear_message():
    community = CommunityFactory(visibility=Visibility.RESTRICTED)
    person = UserFactory()
    services.membership_request_create(
        actor=person, community=community, message="Hi", accepted_guidelines=True
    )
    with pytest.raises(ValidationError, match="already asked"):
        services.membership_request_create(
            actor=fresh(person), community=community, message="Hi again", accepted_guidelines=True
        )
    assert MembershipRequest.objects.count() == 1


def test_nobody_can_ask_to_join_a_private_community():
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    with pytest.raises(PermissionDenied):
        services.membership_request_create(
            actor=UserFactory(), community=community, message="", accepted_guidelines=True
        )


def test_approving_a_request_makes_a_member_and_emails_them(django_capture_on_commit_callbacks):
    request = MembershipRequestFactory()
    facilitator = MembershipFactory(community=request.community, role=Role.FACILITATOR).user
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request_approve(actor=facilitator, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.decided_by == facilitator
    assert Membership.objects.filter(community=request.community, user=request.user).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [request.user.email]
    assert "You have joined" in message.subject
    assert message.alternatives[0][1] == "text/html"


def test_declining_sends_the_reason_and_adds_no_member(django_capture_on_commit_callbacks):
    request = MembershipRequestFactory()
    owner = MembershipFactory(community=request.community, role=Role.OWNER).user
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_request_decline(actor=owner, request_id=request.pk, note="Staff only")
    assert not Membership.objects.filter(user=request.user).exists()
    assert "Staff only" in mail.outbox[0].body


def test_a_facilitator_of_another_community_cannot_approve_and_nothing_changes():
    request = MembershipRequestFactory()
    elsewhere = MembershipFactory(role=Role.FACILITATOR).user
    with pytest.raises(PermissionDenied):
        services.membership_request_approve(actor=elsewhere, request_id=request.pk)
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    assert not OutboundEmail.objects.exists()


def test_a_request_decided_twice_is_refused_the_second_time(django_capture_on_commit_callbacks):
    request = MembershipRequestFactory()
    owner = MembershipFactory(community=request.community, role=Role.OWNER).user
    services.membership_request_approve(actor=owner, request_id=request.pk)
    with pytest.raises(ValidationError, match="already been dealt with"):
        services.membership_request_decline(actor=owner, request_id=request.pk)


def test_the_last_owner_cannot_leave_or_be_demoted():
    owner_membership = MembershipFactory(role=Role.OWNER)
    community = owner_membership.community
    with pytest.raises(ValidationError, match="at least one owner"):
        services.membership_leave(actor=owner_membership.user, community=community)
    staff = UserFactory(is_staff=True)
    with pytest.raises(ValidationError, match="at least one owner"):
        services.membership_set_role(
            actor=staff, membership_id=owner_membership.pk, role=Role.MEMBER
        )
    assert Membership.objects.get(pk=owner_membership.pk).role == Role.OWNER


def test_an_owner_can_step_down_once_there_is_another_owner():
    first = MembershipFactory(role=Role.OWNER)
    second = MembershipFactory(community=first.community, role=Role.OWNER)
    services.membership_set_role(actor=second.user, membership_id=first.pk, role=Role.MEMBER)
    assert Membership.objects.get(pk=first.pk).role == Role.MEMBER


def test_facilitators_cannot_promote_or_remove_other_facilitators():
    facilitator = MembershipFactory(role=Role.FACILITATOR)
    other = MembershipFactory(community=facilitator.community, role=Role.FACILITATOR)
    member = MembershipFactory(community=facilitator.community)
    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=facilitator.user, membership_id=other.pk)
    with pytest.raises(PermissionDenied):
        services.membership_set_role(
            actor=facilitator.user, membership_id=member.pk, role=Role.FACILITATOR
        )
    services.membership_remove(actor=facilitator.user, membership_id=member.pk)
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_a_banned_person_is_removed_and_cannot_join_or_ask_again():
    owner = MembershipFactory(role=Role.OWNER)
    member = MembershipFactory(community=owner.community)
    services.membership_ban(actor=owner.user, membership_id=member.pk, reason="Spam")
    assert Ban.objects.filter(user=member.user).exists()
    person = fresh(member.user)
    assert permissions.join_option(person, owner.community) == permissions.JoinOption.BANNED
    with pytest.raises(PermissionDenied):
        services.membership_join(actor=person, community=owner.community, accepted_guidelines=True)


# --- Invitations --------------------------------------------------------------------------------


@pytest.fixture
def invitation(db):
    owner = MembershipFactory(role=Role.OWNER, community__visibility=Visibility.PRIVATE)
    invitation, token = services.invitation_create(
        actor=owner.user, community=owner.community, email="Invitee@Example.gov.uk"
    )
    return invitation, token


def test_an_invitation_stores_only_a_hash_of_its_token(invitation):
    invitation, token = invitation
    assert token not in invitation.token_hash
    assert invitation.email == "invitee@example.gov.uk"


def test_the_invited_address_accepts_once(invitation):
    invitation, token = invitation
    invitee = UserFactory(email="invitee@example.gov.uk")
    services.invitation_accept(actor=invitee, token=token, accepted_guidelines=True)
    assert permissions.is_member(fresh(invitee), invitation.community)
    other = UserFactory(email="invitee2@example.gov.uk")
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(actor=other, token=token, accepted_guidelines=True)


def test_an_invitation_opened_by_a_different_account_is_refused(invitation):
    invitation, token = invitation
    with pytest.raises(ValidationError, match="different e-mail address"):
        services.invitation_accept(actor=UserFactory(), token=token, accepted_guidelines=True)
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_an_expired_invitation_is_refused(invitation):
    invitation, token = invitation
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(
            actor=UserFactory(email="invitee@example.gov.uk"), token=token, accepted_guidelines=True
        )
    assert not Membership.objects.filter(user__email="invitee@example.gov.uk").exists()


def test_a_withdrawn_invitation_is_refused(invitation):
    invitation, token = invitation
    owner = invitation.invited_by
    services.invitation_revoke(actor=owner, invitation_id=invitation.pk)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invitation_accept(
            actor=UserFactory(email="invitee@example.gov.uk"), token=token, accepted_guidelines=True
        )


def test_the_invitation_email_carries_the_link_and_the_token_is_then_forgotten(
    django_capture_on_commit_callbacks,
):
    owner = MembershipFactory(role=Role.OWNER)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invitation_create(
            actor=owner.user, community=owner.community, email="new@example.gov.uk"
        )
    assert f"/invitations/{token}/" in mail.outbox[0].body
    sent = OutboundEmail.objects.get(key=f"invitation-{invitation.pk}")
    assert sent.status == OutboundEmail.Status.SENT
    assert "secret_token" not in sent.payload


def test_an_invitation_e_mail_that_cannot_be_sent_forgets_the_token_too(
    django_capture_on_commit_callbacks, monkeypatch
):
    from notifications import services as outbox

    owner = MembershipFactory(role=Role.OWNER)
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 1)
    monkeypatch.setattr(
        outbox.EmailMultiAlternatives, "send", lambda self: (_ for _ in ()).throw(OSError("down"))
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = services.invitation_create(
            actor=owner.user, community=owner.community, email="new@example.gov.uk"
        )
    failed = OutboundEmail.objects.get(key=f"invitation-{invitation.pk}")
    assert failed.status == OutboundEmail.Status.FAILED
    assert "secret_token" not in failed.payload


def test_only_owners_invite_facilitators():
    facilitator = MembershipFactory(role=Role.FACILITATOR)
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=facilitator.user, community=facilitator.community, email="x@example.gov.uk",
            role=Role.FACILITATOR,
        )  # fmt: skip
