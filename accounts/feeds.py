"""Personal secret feed URLs: one token per person, usable in any feed reader, revocable.

A token is `<user id>-<HMAC of the person's FeedKey>`. It authenticates its holder for reading
feeds only; resetting the key revokes every URL made from the old one. The database holds the
key, not the token, so a database leak alone reveals no working feed URL (SECRET_KEY is needed
too, and rotating SECRET_KEY revokes every feed URL).
"""

import re
import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

from .models import FeedKey, User

_SALT = "copsite.accounts.feeds"
_SIGNATURE_LENGTH = 40
# ASCII digits only, short enough for any integer column; a hex signature of fixed length.
_TOKEN = re.compile(rf"(?P<user_id>[0-9]{{1,18}})-(?P<signature>[0-9a-f]{{{_SIGNATURE_LENGTH}}})")


def _signature(user_id: int, key: str) -> str:
    digest = salted_hmac(_SALT, f"{user_id}:{key}", algorithm="sha256").hexdigest()
    return digest[:_SIGNATURE_LENGTH]


def _new_key() -> str:
    return secrets.token_urlsafe(32)


def feed_token_for(user: User) -> str:
    """The person's current feed token, made on first use."""
    feed_key, _ = FeedKey.objects.get_or_create(user=user, defaults={"key": _new_key()})
    return f"{user.pk}-{_signature(user.pk, feed_key.key)}"


def feed_token_reset(user: User) -> str:
    """Revoke every old feed URL of this person and return a new token."""
    FeedKey.objects.update_or_create(user=user, defaults={"key": _new_key()})
    return feed_token_for(user)


def user_for_feed_token(token: str) -> User | None:
    """The active person a token belongs to, or None for a wrong, old or malformed token."""
    match = _TOKEN.fullmatch(token or "")
    if match is None:
        return None
    feed_key = (
        FeedKey.objects.select_related("user")
        .filter(
            user_id=int(match["user_id"]),
            user__is_active=True,
            user__deleted_at__isnull=True,
        )
        .first()
    )
    if feed_key is None or not constant_time_compare(
        match["signature"], _signature(feed_key.user_id, feed_key.key)
    ):
        return None
    return feed_key.user
