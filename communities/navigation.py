"""A community's own navigation: the links to its sections (Forum, Blog; the wiki, library and
events next), each registered by the app that owns the section in its AppConfig.ready():

    community_links.register(CommunityLink("forum", "Forum", forum_url, order=10))

Community pages show them (`communities/_navigation.html`), so communities never import the apps
that build on them. A link is shown to people who may read the community's content unless it
says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from copsite.registry import Registry

from . import permissions
from .models import Community


def readers(user, community: Community) -> bool:
    return permissions.can_read(user, community)


@dataclass(frozen=True)
class CommunityLink:
    key: str
    label: str
    url: Callable[[Community], str]  # must cost no query: built from the community's slug
    order: int = 100
    shown: Callable[[object, Community], bool] = readers


community_links: Registry[CommunityLink] = Registry("community link")


def community_navigation(user, community: Community, current: str = "") -> list[dict]:
    """The links to show this person, each {"key", "label", "url", "current"}."""
    return [
        {
            "key": link.key,
            "label": link.label,
            "url": link.url(community),
            "current": link.key == current,
        }
        for link in community_links
        if link.shown(user, community)
    ]
