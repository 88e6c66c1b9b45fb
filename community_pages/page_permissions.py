"""What the Wagtail admin shows someone of the communities' pages, and what they may do there.

Wagtail works out page permissions from group page permissions (each section keeps its own
groups: blogs.access). What groups cannot say is added here and in the sections' testers:

- `hidden_pages` is the one rule for which pages the admin never shows a person: pages of
  communities they may not read, and other people's drafts of member-written pages
  (`drafts_private_to_owner`) in communities they do not facilitate. It covers every page model
  with `CommunityAccessMixin`, so a new section's pages are hidden without a change here;
- `CommunityPagePermissionPolicy` applies it to every page queryset Wagtail builds from its
  permission policy (page search, listings, the admin API, site history, reports), besides the
  explorer and chooser hooks (community_pages.wagtail_hooks) and the per-URL 404s
  (community_pages.middleware);
- `CommunityPageTester` is the base of every section's page permission tester: nobody but a
  superuser moves, copies, reorders or sets privacy on a community's pages (who may read them
  follows the community's visibility, not Wagtail's view restrictions);
  `ContainerPermissionTester` keeps the community's own page for superusers.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.apps import apps
from django.db.models import Q, QuerySet

from wagtail.models import Page, PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

from communities import permissions as community_permissions

from .models import CommunityAccessMixin


def community_page_models() -> list[type[Page]]:
    """Every concrete page model that belongs to a community (has `CommunityAccessMixin`)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Page) and issubclass(model, CommunityAccessMixin)
    ]


def hidden_pages(user) -> Q:
    """Pages of communities whose content the person may not read, and other people's drafts
    of member-written pages in communities they do not facilitate. (Not for superusers: they
    see everything.)"""
    readable = community_permissions.readable_communities(user)
    moderated = community_permissions.communities_moderated_by(user)
    unreadable = ~Q(community__in=readable.values("pk"))
    others_drafts = Q(live=False) & ~Q(owner=user) & ~Q(community__in=moderated.values("pk"))
    return reduce(
        operator.or_,
        (
            Q(
                pk__in=model.objects.filter(_hiding_rule(model, unreadable, others_drafts)).values(
                    "pk"
                )
            )
            for model in community_page_models()
        ),
    )


def _hiding_rule(model, unreadable: Q, others_drafts: Q) -> Q:
    return unreadable | others_drafts if model.drafts_private_to_owner else unreadable


def visible_pages(user, pages: QuerySet) -> QuerySet:
    """`pages` less those the admin hides from `user` (`hidden_pages`): all of them for an
    active superuser, none for an inactive or anonymous person (who may open no admin page)."""
    if user.is_anonymous or not user.is_active:
        return pages.none()
    if user.is_superuser:
        return pages
    return pages.exclude(hidden_pages(user))


class CommunityPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permission policy, minus the pages the admin hides from the person.

    Wagtail asks the policy for "pages this person may explore" (page search, page listings and
    filters, the admin API, site history) and "pages this person has permission X for"
    (reports, dashboard panels): those querysets never include a hidden page. Permission checks
    on one page are the testers' business (below), not this policy's.
    """

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        return visible_pages(user, super().instances_user_has_any_permission_for(user, actions))

    def explorable_instances(self, user) -> QuerySet:
        return visible_pages(user, super().explorable_instances(user))


class CommunityPageTester(PagePermissionTester):
    """The base of every tester for a community's pages."""

    @property
    def _superuser(self) -> bool:
        return self.user.is_active and self.user.is_superuser

    @property
    def _community(self):
        return self.page.get_community()

    def _moderates(self) -> bool:
        community = self._community
        return community is not None and community_permissions.can_moderate(self.user, community)

    def _writes(self) -> bool:
        community = self._community
        return community is not None and community_permissions.can_post(self.user, community)

    def can_move(self) -> bool:
        return self._superuser

    def can_copy(self) -> bool:
        return self._superuser

    def can_copy_to(self, destination, recursive=False) -> bool:
        return self._superuser and super().can_copy_to(destination, recursive)

    def can_set_view_restrictions(self) -> bool:
        return self._superuser

    def can_reorder_children(self) -> bool:
        return self._superuser


class ContainerPermissionTester(CommunityPageTester):
    """A community's page in the tree: only superusers change it (community_pages.tree keeps
    it)."""

    def can_add_subpage(self) -> bool:
        return self._superuser and super().can_add_subpage()

    def can_edit(self) -> bool:
        return self._superuser and super().can_edit()

    def can_delete(self, ignore_bulk=False) -> bool:
        return self._superuser and super().can_delete(ignore_bulk)

    def can_publish(self) -> bool:
        return self._superuser and super().can_publish()

    def can_unpublish(self) -> bool:
        return self._superuser and super().can_unpublish()

    def can_publish_subpage(self) -> bool:
        return self._superuser and super().can_publish_subpage()
