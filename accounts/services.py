from django.db import transaction
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext

from communities.models import Membership, MembershipRequest, RequestStatus

from .models import User


@transaction.atomic
def account_delete(*, actor: User) -> None:
    """Remove a person but keep what they wrote, attributed to "Former member".

    The user row stays (content keeps its foreign keys); everything that identifies the
    person is erased and they can no longer sign in. Sole owners must hand over first.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    from django.core.exceptions import ValidationError

    owned = Membership.objects.filter(user=actor, role="owner").values("community_id")
    # Lock every owner of those communities, as leaving does: another owner leaving at the same
    # moment waits, then finds this person gone and stays.
    owners = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(community_id__in=owned, role="owner")
        .select_related("community")
        .order_by("community_id", "pk")
    )
    others = {m.community_id for m in owners if m.user_id != actor.pk}
    sole_owned = [
        m.community.name for m in owners if m.user_id == actor.pk and m.community_id not in others
    ]
    if sole_owned:
        raise ValidationError(
            ngettext(
                "You are the only owner of %(communities)s. Make someone else an owner "
                "before deleting your account.",
                "You are the only owner of %(communities)s. Make someone else an owner of each "
                "before deleting your account.",
                len(sole_owned),
            )
            % {"communities": get_text_list(sole_owned, gettext("and"))}
        )
    EmailAddress.objects.filter(user=actor).delete()
    SocialAccount.objects.filter(user=actor).delete()
    Authenticator.objects.filter(user=actor).delete()
    Membership.objects.filter(user=actor).delete()
    MembershipRequest.objects.filter(user=actor, status=RequestStatus.PENDING).update(
        status=RequestStatus.WITHDRAWN, decided_at=timezone.now()
    )
    if actor.avatar:
        actor.avatar.delete(save=False)
    actor.expertise.clear()
    actor.email = None
    actor.display_name = ""
    actor.job_title = ""
    actor.organisation = ""
    actor.bio = ""
    actor.avatar = ""
    actor.is_active = False
    actor.is_staff = False
    actor.is_superuser = False
    actor.deleted_at = timezone.now()
    actor.set_unusable_password()
    actor.save()
