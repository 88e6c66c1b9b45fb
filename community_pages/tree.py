"""Making, renaming and removing a community's page in the Wagtail page tree.

Every community has a `CommunityPage` (slug = the community's slug) under the one
`CommunitiesIndexPage` (slug "c", under the site's home page); the sections hang below it
(community_pages.sections). New communities get theirs from a post_save signal, existing ones
from the blogs' data migration, bulk-seeded ones from `community_pages.seeding`. Only database
work: no network, no mail.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from wagtail.models import Page, Site

from communities.models import Community

from .models import CommunitiesIndexPage, CommunityPage

COMMUNITIES_SLUG = "c"


def site_root() -> Page:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise RuntimeError("There is no default Wagtail site: run the migrations first.")
    return site.root_page


def communities_index() -> CommunitiesIndexPage:
    """The /c/ page, made under the site's home page the first time it is needed."""
    existing = CommunitiesIndexPage.objects.first()
    if existing is not None:
        return existing
    return site_root().add_child(
        instance=CommunitiesIndexPage(
            title=gettext("Communities"), slug=COMMUNITIES_SLUG, live=True
        )
    )


def section_path(community_slug: str, section_slug: str) -> str:
    """The address of a section of the community with this slug (the tree keeps it there)."""
    return f"/{COMMUNITIES_SLUG}/{community_slug}/{section_slug}/"


@transaction.atomic
def community_page_ensure(community: Community) -> CommunityPage:
    """The community's page under /c/, made if missing. Safe to repeat."""
    container = CommunityPage.objects.filter(community=community).first()
    if container is not None:
        return container
    return communities_index().add_child(
        instance=CommunityPage(
            title=community.name, slug=community.slug, community=community, live=True
        )
    )


@transaction.atomic
def community_pages_rename(community: Community) -> bool:
    """Keep the container's slug and title in step with the community's web address and name.

    Wagtail rewrites the url_path of every page below when the slug changes, so the sections
    and their pages move to the new address. Returns whether anything changed.
    """
    container = CommunityPage.objects.filter(community=community).first()
    if container is None or (
        container.slug == community.slug and container.title == community.name
    ):
        return False
    container.slug = community.slug
    container.title = container.draft_title = community.name
    container.save()
    return True


@transaction.atomic
def community_pages_delete(community: Community) -> None:
    """Remove the community's pages with the tree kept consistent (before the community goes)."""
    for container in CommunityPage.objects.filter(community=community):
        container.delete()
