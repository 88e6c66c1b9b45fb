"""Checks every kind of posting shares (forum posts, blog comments): one rate limit per person
for everything they write, and the same rules for a body of text."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from copsite import ratelimit


def check_rate_limit(actor) -> None:
    """Count one post against `actor`'s budget; ValidationError when it is spent."""
    if not ratelimit.hit(
        f"post:{actor.pk}", limit=settings.COPSITE_POSTS_PER_MINUTE, period_seconds=60
    ):
        raise ValidationError(
            "You are posting very quickly. Wait a minute and send it again: "
            "what you wrote is still here."
        )


def check_body(body: str | None, noun: str = "Posts") -> str:
    """The body stripped, or ValidationError if it is empty or too long. `noun` (plural,
    capitalised) names what is written in the too-long message: "Posts", "Comments"."""
    body = (body or "").strip()
    if not body:
        raise ValidationError("Write something before sending.")
    if len(body) > settings.COPSITE_MAX_POST_LENGTH:
        raise ValidationError(
            f"{noun} can be at most {settings.COPSITE_MAX_POST_LENGTH:,} characters; "
            f"this one has {len(body):,}."
        )
    return body
