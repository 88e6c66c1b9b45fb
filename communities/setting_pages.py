"""Where a community's facilitators change each section's settings ("hold new members' first
posts", "send members' posts through moderation"; "who may edit the wiki", "who may upload"
next). Each app registers its settings page in its AppConfig.ready():

    community_setting_pages.register(SettingsPage("forum", "Forum settings", url, order=10))

The community's settings screen in the admin lists them, so a new section's settings need no
change here. A page is listed to the community's facilitators (`can_moderate`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from copsite.registry import Registry

from . import permissions
from .models import Community


@dataclass(frozen=True)
class SettingsPage:
    key: str
    label: str
    url: Callable[[Community], str]
    description: str = ""
    order: int = 100


community_setting_pages: Registry[SettingsPage] = Registry("community settings page")


def setting_pages_for(user, community: Community) -> list[dict]:
    """The section settings pages this person may open, each {"label", "url", "description"}."""
    if not permissions.can_moderate(user, community):
        return []
    return [
        {"label": page.label, "url": page.url(community), "description": page.description}
        for page in community_setting_pages
    ]
