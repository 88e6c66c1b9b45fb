"""Which language an e-mail is written in: the recipient's own (decision 30)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from copsite import languages


def email_language(user: object | None) -> str:
    """A person's saved language; for an address with no account, the language of the page
    the message was sent from."""
    code = getattr(user, "language", None)
    if languages.is_language(code):
        return code  # type: ignore[return-value]
    current = translation.get_language()
    return current if languages.is_language(current) else settings.LANGUAGE_CODE
