"""The sections of the site's home page below its introduction ("Active communities"; next, for
signed-in people: what is new in their communities, upcoming events…). Each app registers its
own in its AppConfig.ready():

    home_sections.register(HomeSection("events", "events/_home_section.html", context, order=30))

A section's `context(request)` returns its template context, or None to leave it out for this
person (for example a section only for people who are signed in), so the home page never imports
the apps that fill it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from communities import permissions
from communities.models import Community
from copsite.registry import Registry, sections_shown


@dataclass(frozen=True)
class HomeSection:
    key: str
    template: str
    context: Callable[[HttpRequest], dict | None]
    order: int = 100


home_sections: Registry[HomeSection] = Registry("home page section")


def home_sections_for(request: HttpRequest) -> list[dict]:
    """The sections to show this person, each {"template": ..., **context}."""
    return sections_shown(home_sections, request)


def active_communities(request: HttpRequest) -> dict:
    user = request.user
    return {
        "active_communities": Community.objects.listed_to(user).for_directory()[:6],
        "can_create_community": permissions.can_create_community(user),
    }


ACTIVE_COMMUNITIES = HomeSection(
    "active-communities", "pages/_active_communities.html", active_communities, order=100
)
