"""Welcoming new members in one click: one post mentioning them, and a `Welcome` per person.

Where the welcome is posted belongs to the app that owns the conversation (today the forum,
whose pinned welcome thread it replies in). That app registers a `WelcomeWriter`; the first in
the registry's order writes every welcome. Facilitation decides who may be welcomed and records
it, so it imports nothing of the forum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext

from accounts.models import User
from communities import permissions as community_permissions
from communities.models import Community, Membership, Role
from copsite.markup import mention_markdown
from copsite.registry import Registry

from .models import Welcome


@dataclass(frozen=True)
class WelcomePosted:
    """Where a welcome went: the conversation's title and the post's address."""

    title: str
    url: str


class FindEarlier(Protocol):
    def __call__(self, actor: Any, submission_key: str) -> WelcomePosted | None: ...


class PostWelcome(Protocol):
    def __call__(
        self, *, actor: Any, community: Community, body: str, submission_key: str
    ) -> WelcomePosted: ...


@dataclass(frozen=True)
class WelcomeWriter:
    """Posts welcomes. `earlier` finds the welcome this person already posted with this
    submission key (a double click); `post` posts one, as the facilitation team, inside the
    caller's transaction, and raises `ValidationError` when it cannot (no forum category)."""

    key: str
    order: int
    earlier: FindEarlier
    post: PostWelcome


welcome_writers: Registry[WelcomeWriter] = Registry("welcome writer")


def welcome_writer() -> WelcomeWriter:
    """The writer of every welcome: the first registered. ValidationError if there is none."""
    for writer in welcome_writers:
        return writer
    raise ValidationError(gettext("There is nowhere to post a welcome yet."))


def _names(people: list[User]) -> str:
    mentions = [mention_markdown(person.public_name, person.pk) for person in people]
    if len(mentions) == 1:
        return mentions[0]
    return get_text_list(mentions, gettext("and"))


def welcome_body(people: list[User]) -> str:
    return ngettext(
        "Please welcome %(names)s, who joined us recently.\n\n"
        "Tell us a little about yourself when you are ready: what you work on, and what you "
        "hope to find or share here. Everyone else: do say hello.",
        "Please welcome %(names)s, who joined us recently.\n\n"
        "Tell us a little about yourselves when you are ready: what you work on, and what you "
        "hope to find or share here. Everyone else: do say hello.",
        len(people),
    ) % {"names": _names(people)}


def _people_to_welcome(community: Community, memberships: list[Membership]) -> list[User]:
    """The members among these not yet welcomed here, by name."""
    welcomed = set(
        Welcome.objects.filter(
            community=community, user_id__in=[m.user_id for m in memberships]
        ).values_list("user_id", flat=True)
    )
    return list(
        User.objects.filter(
            pk__in=[m.user_id for m in memberships if m.user_id not in welcomed]
        ).order_by("display_name", "pk")
    )


@transaction.atomic
def members_welcome(
    *, actor, community: Community, user_ids: Iterable[int | str], submission_key: str = ""
) -> WelcomePosted:
    """Welcome these new members in one post and record that they were welcomed.

    The registered writer (the forum) replies in the community's welcome thread if it has
    one, otherwise starts one as the facilitation team and pins it. The same submission key
    twice returns the first post. Raises `ValidationError` when nobody chosen is a member
    waiting to be welcomed (for example, another facilitator has just welcomed them).
    """
    if not community_permissions.can_moderate(actor, community):
        raise PermissionDenied("Only the community's facilitators can do this.")
    ids = {int(uid) for uid in user_ids}
    writer = welcome_writer()
    # Lock the members' rows: a second click waits here, then finds the first one's post.
    memberships = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(community=community, user_id__in=ids, role=Role.MEMBER, user__is_active=True)
        .order_by("pk")
    )
    if submission_key and (earlier := writer.earlier(actor, submission_key)):
        return earlier
    people = _people_to_welcome(community, memberships)
    if not people:
        raise ValidationError(gettext("Choose new members who have not been welcomed yet."))
    posted = writer.post(
        actor=actor,
        community=community,
        body=welcome_body(people),
        submission_key=submission_key,
    )
    Welcome.objects.bulk_create(
        [Welcome(community=community, user=person, welcomed_by=actor) for person in people],
        ignore_conflicts=True,
    )
    return posted
