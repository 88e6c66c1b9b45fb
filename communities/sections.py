"""What other apps show on a community's home page (forum threads, blog posts, events…).

Each app registers a section in its AppConfig.ready(); the community home asks every section
for its context, so communities never import the apps that build on them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from .models import Community


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    # Returns the section's template context, or None to leave the section out.
    context: Callable[[HttpRequest, Community], dict | None]
    order: int = 100


_sections: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section


def sections_for(request: HttpRequest, community: Community) -> list[dict]:
    """The sections to show, each as {"template": ..., **context}."""
    shown = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        context = section.context(request, community)
        if context is not None:
            shown.append({"template": section.template, **context})
    return shown
