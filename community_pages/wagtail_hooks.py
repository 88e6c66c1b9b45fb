"""The communities' pages in the Wagtail admin: scoping what people see to their own
communities, and documents that follow their community.

What the admin hides from someone is one rule (community_pages.page_permissions.hidden_pages),
applied:

- to every page queryset Wagtail takes from its page permission policy (page search, page
  listings, the admin API, site history, reports): the policy is registered here;
- to the explorer and the page chooser, through their queryset hooks;
- to the people the page listings offer as "Owner" and "Edited by" filters;
- to admin URLs naming pages, and page ids in bulk actions' query strings
  (community_pages.middleware, which also 404s the reports that would show other communities
  or e-mail addresses).
"""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from wagtail import hooks
from wagtail.admin.views.pages.listing import PageFilterSet
from wagtail.models import AbstractPage, Page, PageLogEntry
from wagtail.permissions import policy_registry, register_permission_policy

from communities import permissions as community_permissions
from communities.models import Community

from .middleware import admin_url_refused
from .page_permissions import CommunityPagePermissionPolicy, visible_pages

# Before anything asks the registry for the page policy (Wagtail's documented place for this).
register_permission_policy(AbstractPage, CommunityPagePermissionPolicy())


@hooks.register("construct_explorer_page_queryset")  # (parent_page, pages, request)
@hooks.register("construct_page_chooser_queryset")  # (pages, request)
def hide_other_communities(*args) -> QuerySet:
    *_, pages, request = args
    return visible_pages(request.user, pages)


@hooks.register("construct_reports_menu")
def hide_reports_people_may_not_open(request, menu_items: list) -> None:
    """Reports the middleware 404s for someone are not offered to them either."""
    menu_items[:] = [item for item in menu_items if not admin_url_refused(request.user, item.url)]


# --- People named in page listing filters ---------------------------------------------------------
#
# The page listings (explorer, page type usage) offer "Owner" and "Edited by" filters whose
# choices are everyone who owns or edited any page on the site, including people who only write in
# a private community. Wagtail has no hook for these choices, so the two filters of its page
# filter set (shared by every page listing) are narrowed here to the people behind pages the
# person may explore.


def _explorable_page_ids(user) -> QuerySet:
    policy = policy_registry.get_by_type(AbstractPage)
    return policy.explorable_instances(user).order_by().values("pk")


def _owners_of_visible_pages(user) -> QuerySet:
    owner_ids = Page.objects.filter(pk__in=_explorable_page_ids(user)).values("owner_id")
    return get_user_model().objects.filter(pk__in=owner_ids.order_by())


def _editors_of_visible_pages(user) -> QuerySet:
    pages = _explorable_page_ids(user)
    edits = PageLogEntry.objects.filter(action="wagtail.edit", page_id__in=pages)
    return get_user_model().objects.filter(pk__in=edits.order_by().values("user_id"))


def _narrowed(wagtail_choices, visible_choices):
    def choices(request) -> QuerySet:
        user = getattr(request, "user", None)
        if user is not None and user.is_active and user.is_superuser:
            return wagtail_choices(request)
        if user is None or not user.is_authenticated:
            return get_user_model().objects.none()
        return visible_choices(user)

    return choices


def _narrow_page_listing_people_filters() -> None:
    for name, visible_choices in (("owner", _owners_of_visible_pages),
                                  ("edited_by", _editors_of_visible_pages)):  # fmt: skip
        listing_filter = PageFilterSet.base_filters.get(name)
        if listing_filter is None or not callable(getattr(listing_filter, "queryset", None)):
            raise RuntimeError(
                f"Wagtail's page listing has no {name!r} filter to narrow: check "
                "community_pages.wagtail_hooks against this Wagtail version."
            )
        if getattr(listing_filter.queryset, "_copsite_narrowed", False):
            continue
        listing_filter.queryset = _narrowed(listing_filter.queryset, visible_choices)
        listing_filter.queryset._copsite_narrowed = True


_narrow_page_listing_people_filters()


@hooks.register("before_serve_document")
def documents_follow_their_community(document, request) -> None:
    """A document in a community's collection is served only to people who may read that
    community: 404 where the community must stay hidden, 403 where it is members only."""
    community = Community.objects.holding_collection(document.collection)
    if community is not None:
        community_permissions.require_visible(request.user, community, "document")
