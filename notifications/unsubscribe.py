"""Signed links that change one person's e-mail settings without signing in.

A token names the person and a scope and is signed with the site's secret, so it cannot be
edited to reach someone else's settings. Tokens expire after LINK_DAYS.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext

from accounts.models import User

from .kinds import PREFERENCES
from .models import CommunityEmailSetting, Delivery, EmailSettings
from .preferences import community_deliveries_save

SALT = "copsite.notifications.email-link"
LINK_DAYS = 60


class BadLink(Exception):
    """The link was altered, is unknown or has expired; the message says which."""


@dataclass(frozen=True)
class Scope:
    """What a link may change: "all", "pref:<name>", "community:<id>" or "manage"."""

    value: str

    @property
    def kind(self) -> str:
        return self.value.partition(":")[0]

    @property
    def argument(self) -> str:
        return self.value.partition(":")[2]


def make_token(user_id: int, scope: str) -> str:
    return signing.dumps([user_id, scope], salt=SALT, compress=True)


def read_token(token: str) -> tuple[User, Scope]:
    try:
        user_id, scope = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.SignatureExpired as error:
        raise BadLink(
            gettext("This link has expired. Sign in to change your e-mail settings.")
        ) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise BadLink(
            gettext(
                "This link is not valid. Check you copied all of it, or sign in to change "
                "your e-mail settings."
            )
        ) from error
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise BadLink(gettext("This link is not valid any more."))
    return user, Scope(str(scope))


def link(name: str, user_id: int, scope: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": make_token(user_id, scope)})


def unsubscribe_url(user_id: int, scope: str) -> str:
    return link("notifications:unsubscribe", user_id, scope)


def manage_url(user_id: int) -> str:
    return link("notifications:email-link-settings", user_id, "manage")


def unsubscribe_headers(user_id: int, scope: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 one-click unsubscribe headers."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user_id, scope)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def scope_apply(user: User, scope: Scope, delivery: str = Delivery.OFF) -> str:
    """Change the setting the scope names. Returns a sentence saying what changed."""
    if delivery not in Delivery.values:
        raise BadLink(gettext("Choose how often you want e-mails."))
    if scope.kind == "community":
        from communities.models import Community

        community = Community.objects.filter(pk=scope.argument).first()
        if community is None:
            raise BadLink(gettext("That community no longer exists."))
        CommunityEmailSetting.objects.update_or_create(
            user=user, community=community, defaults={"delivery": delivery}
        )
        return gettext("E-mails about %(community)s: %(how_often)s.") % {
            "community": community.name,
            "how_often": str(Delivery(delivery).label).lower(),
        }
    email_settings, _ = EmailSettings.objects.get_or_create(user=user)
    if scope.kind == "pref" and scope.argument in PREFERENCES:
        setattr(email_settings, scope.argument, delivery)
        email_settings.save(update_fields=[scope.argument])
        label = EmailSettings._meta.get_field(scope.argument).verbose_name
        return gettext("E-mails %(about)s: %(how_often)s.") % {
            "about": label,
            "how_often": str(Delivery(delivery).label).lower(),
        }
    if scope.kind == "all":
        for name in PREFERENCES:
            setattr(email_settings, name, delivery)
        email_settings.new_communities = delivery  # "all" covers communities joined later
        email_settings.save(update_fields=[*PREFERENCES, "new_communities"])
        CommunityEmailSetting.objects.filter(user=user).update(delivery=delivery)
        from communities.models import Membership

        member_of = Membership.objects.filter(user=user).values_list("community_id", flat=True)
        community_deliveries_save(user.pk, dict.fromkeys(member_of, delivery))
        return gettext("All e-mails: %(how_often)s.") % {
            "how_often": str(Delivery(delivery).label).lower()
        }
    raise BadLink(gettext("This link cannot change that."))
