"""The sections under a community's page (the blog; later the wiki, library and events).

Each app registers its section's page type, and how to make the section's page for a community,
in its AppConfig.ready():

    register_section_page("blogs.BlogIndexPage", ensure=blog_pages_ensure)

A new community then gets every section's page (community_pages.signals), and a community's
page accepts only registered section pages as children. Community pages never import the apps
that build on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from communities.models import Community

from .models import SECTION_PAGE_TYPES


@dataclass(frozen=True)
class SectionPage:
    model_label: str  # "app_label.ModelName" of the section's page under the community's page
    # Makes the community's section page if it is missing (safe to repeat); returns it.
    ensure: Callable[[Community], object]


_section_pages: dict[str, SectionPage] = {}


def register_section_page(model_label: str, *, ensure: Callable[[Community], object]) -> None:
    _section_pages[model_label] = SectionPage(model_label, ensure)
    if model_label not in SECTION_PAGE_TYPES:
        SECTION_PAGE_TYPES.append(model_label)


def section_pages() -> list[SectionPage]:
    return list(_section_pages.values())


def section_pages_ensure(community: Community) -> None:
    """Every registered section's page for the community, made where missing."""
    for section in _section_pages.values():
        section.ensure(community)
