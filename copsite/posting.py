"""Checks every kind of posting shares (forum posts, blog comments): one rate limit per person
for everything they write, and the same rules for a body of text."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext_lazy

from copsite import languages, ratelimit


def written_language(chosen: str = "") -> str:
    """The language a post is written in: the author's choice, else the page's language."""
    if languages.is_language(chosen):
        return chosen
    current = translation.get_language()
    return current if languages.is_language(current) else settings.LANGUAGE_CODE


def check_rate_limit(actor) -> None:
    """Count one post against `actor`'s budget; ValidationError when it is spent."""
    if not ratelimit.hit(
        f"post:{actor.pk}", limit=settings.COPSITE_POSTS_PER_MINUTE, period_seconds=60
    ):
        raise ValidationError(
            gettext(
                "You are posting very quickly. Wait a minute and send it again: "
                "what you wrote is still here."
            )
        )


POSTS_TOO_LONG = ngettext_lazy(
    "Posts can be at most %(limit)s character; this one has %(length)s.",
    "Posts can be at most %(limit)s characters; this one has %(length)s.",
    "count",
)
COMMENTS_TOO_LONG = ngettext_lazy(
    "Comments can be at most %(limit)s character; this one has %(length)s.",
    "Comments can be at most %(limit)s characters; this one has %(length)s.",
    "count",
)


def check_body(body: str | None, too_long=POSTS_TOO_LONG) -> str:
    """The body stripped, or ValidationError if it is empty or too long. `too_long` says what
    is written (`POSTS_TOO_LONG`, `COMMENTS_TOO_LONG`), counting the limit."""
    body = (body or "").strip()
    if not body:
        raise ValidationError(gettext("Write something before sending."))
    limit = settings.COPSITE_MAX_POST_LENGTH
    if len(body) > limit:
        raise ValidationError(
            too_long
            % {
                "count": limit,
                "limit": number_format(limit, force_grouping=True),
                "length": number_format(len(body), force_grouping=True),
            }
        )
    return body
