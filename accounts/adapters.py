from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from django.utils import translation

from notifications.languages import email_language

from .models import User


class AccountAdapter(DefaultAccountAdapter):
    """allauth's behaviour, with our e-mail addresses stored lower-case."""

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's e-mails (confirming an address, resetting a password) in the person's
        language; to an address with no account yet, in the language of the page."""
        person = context.get("user") or User.objects.filter(email=email.lower()).first()
        with translation.override(email_language(person)):
            super().send_mail(template_prefix, email, context)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Accounts from single sign-on take their display name from the identity provider."""

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        name = data.get("name") or " ".join(
            part for part in (data.get("first_name"), data.get("last_name")) if part
        )
        if name and not user.display_name:
            user.display_name = name[:100]
        if user.email:
            user.email = user.email.lower()
        return user
