"""Personal secret feed URLs: one token per person, usable in any feed reader, revocable."""

import secrets

from django.utils.crypto import constant_time_compare, salted_hmac

from .models import FeedKey, User

_SALT = "copsite.accounts.feeds"


def _signature(user_id: int, key: str) -> str:
    return salted_hmac(_SALT, f"{user_id}:{key}", algorithm="sha256").hexdigest()[:40]


def feed_token_for(user: User) -> str:
    """The person's current feed token, made on first use."""
    feed_key, _ = FeedKey.objects.get_or_create(
        user=user, defaults={"key": secrets.token_urlsafe(32)}
    )
    return f"{user.pk}-{_signature(user.pk, feed_key.key)}"


def feed_token_reset(user: User) -> str:
    """Revoke every old feed URL of this person and return a new token."""
    FeedKey.objects.update_or_create(user=user, defaults={"key": secrets.token_urlsafe(32)})
    return feed_token_for(user)


def user_for_feed_token(token: str) -> User | None:
    """The active person a token belongs to, or None for a wrong, old or malformed token."""
    user_id, _, signature = token.partition("-")
    if not user_id.isdigit() or not signature:
        return None
    feed_key = (
        FeedKey.objects.select_related("user")
        .filter(user_id=int(user_id), user__is_active=True)
        .first()
    )
    if feed_key is None or not constant_time_compare(
        signature, _signature(feed_key.user_id, feed_key.key)
    ):
        return None
    return feed_key.user
