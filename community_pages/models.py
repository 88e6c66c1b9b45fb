"""The page tree every community's sections live in.

    HomePage (the site root, /)
      CommunitiesIndexPage  slug "c"             /c/  (redirects to the directory)
        CommunityPage       the community's slug /c/<slug>/  (Django serves the community home)
          a section's page  e.g. BlogIndexPage   /c/<slug>/blog/  (registered by its app)

Django's own `/c/<slug>/...` URLs (community home, forum) are matched before Wagtail's
catch-all, so a section's pages reach Wagtail. Every page below /c/ points at its community
with a foreign key and asks `communities.permissions` on every serve and preview
(`CommunityAccessMixin`), so a private community's pages are 404 to outsiders and a restricted
one's are 403, as everywhere else. The pages are made and renamed by `community_pages.tree`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Length, Substr
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page, PageViewRestriction

from communities import permissions as community_permissions
from communities.models import Community

# The page types of the sections under a community's page: each app adds its own through
# `community_pages.sections.register_section_page` when it is ready.
SECTION_PAGE_TYPES: list[str] = []


def site_relative_url(url_path: str) -> str:
    """The page's address on the default site: its url_path without the site root's segment
    ("/home/c/x/blog/" → "/c/x/blog/"), computed without a query."""
    return "/" + url_path.split("/", 2)[2]


def without_view_restrictions(pages: QuerySet) -> QuerySet:
    """Wagtail's `public()` decided inside the query: pages with no view restriction on
    themselves or an ancestor. (`public()` first reads every restriction in a query of its own,
    one too many for a page's header.)"""
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return pages.exclude(Exists(restricted))


class CommunityAccessMixin:
    """Every serve and preview asks the access module about the page's community.

    Page models with this mixin have a `community` foreign key; the Wagtail admin hides them
    from people who may not read that community (`community_pages.page_permissions`)."""

    # Drafts of these pages are shown in the admin only to their owner and the community's
    # facilitators (pages members write, such as blog posts).
    drafts_private_to_owner = False

    def get_community(self) -> Community | None:
        return self.community

    def check_access(self, request) -> None:
        community_permissions.require_visible(request.user, self.get_community(), "page")

    def serve(self, request, *args, **kwargs):
        self.check_access(request)
        return super().serve(request, *args, **kwargs)

    def serve_preview(self, request, mode_name):
        self.check_access(request)
        return super().serve_preview(request, mode_name)

    def get_absolute_url(self) -> str:
        return site_relative_url(self.url_path)


class CommunityWorkflowMixin:
    """A section's pages use their community's own moderation workflow or none at all.

    Wagtail would otherwise fall back to the nearest ancestor's workflow (Wagtail assigns a
    site-wide "Moderators approval" workflow to the root page), sending pages to people who
    are not the community's facilitators. Sections with a workflow return it from
    `section_workflow`."""

    def section_workflow(self):
        return None

    def get_workflow(self):
        return self.section_workflow()

    @property
    def has_workflow(self) -> bool:
        return self.get_workflow() is not None


class CommunitiesIndexPage(Page):
    """/c/: holds one CommunityPage per community. Its address shows the directory."""

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["community_pages.CommunityPage"]
    is_creatable = False
    max_count = 1

    class Meta:
        verbose_name = _("communities index")

    def serve(self, request, *args, **kwargs):
        return HttpResponseRedirect("/communities/")

    def serve_preview(self, request, mode_name):
        return self.serve(request)


class CommunityPage(CommunityAccessMixin, Page):
    """/c/<slug>/ in the page tree: holds the community's sections (the blog; later the wiki).

    Its slug and title follow the community's (community_pages.tree.community_pages_rename).
    Django serves the community's home at this address, so this page is never served there; if
    it is reached another way it sends readers to the community's home.
    """

    # SET_NULL, not CASCADE (which would corrupt Wagtail's tree): a community's pages are
    # removed through the tree before it goes (community_pages.signals.community_deleted).
    community = models.OneToOneField(
        Community,
        null=True,
        on_delete=models.SET_NULL,
        related_name="community_page",
        editable=False,
    )

    parent_page_types = ["community_pages.CommunitiesIndexPage"]
    subpage_types = SECTION_PAGE_TYPES
    is_creatable = False

    class Meta:
        verbose_name = "community"

    def serve(self, request, *args, **kwargs):
        self.check_access(request)
        return HttpResponseRedirect(self.community.get_absolute_url())

    def serve_preview(self, request, mode_name):
        return self.serve(request)

    def permissions_for_user(self, user):
        from .page_permissions import ContainerPermissionTester

        return ContainerPermissionTester(user, self)
