"""Facilitation of a community's forum as a whole: its settings and the check that the person
acting facilitates the community (used by every facilitators' service). Stopping a member
posting is the community's (communities.services.posting_ban_create)."""

from __future__ import annotations

from django.db import transaction

from communities.models import Community

from .. import permissions
from ..models import ForumSettings
from ..permissions import require


def require_moderator(actor, community: Community, message: str) -> None:
    """PermissionDenied with `message` unless `actor` facilitates `community`."""
    require(permissions.can_moderate(actor, community), message)


@transaction.atomic
def forum_settings_update(*, actor, community: Community, hold_first_posts: bool) -> ForumSettings:
    """Save the community's forum settings (the row is created the first time)."""
    require_moderator(actor, community, "Only facilitators change the forum's settings.")
    forum_settings, _ = ForumSettings.objects.update_or_create(
        community=community, defaults={"hold_first_posts": bool(hold_first_posts)}
    )
    return forum_settings
