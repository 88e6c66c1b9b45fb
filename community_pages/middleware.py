"""In the Wagtail admin, a page of a community the person may not know exists is 404.

Wagtail answers a page it will not let someone touch with a redirect to the dashboard ("Sorry,
you do not have permission"), and a page id that does not exist with 404. For a private
community's pages that difference would tell an outsider which page ids belong to hidden
communities, so every admin URL naming a page (to edit, preview, explore, choose, move...) is
404 for people the access module would not tell about its community, as on the rest of the site.

For everyone but superusers, two more kinds of admin screens are 404:

- page bulk actions, unless every page they name or would take in is one the person may explore
  (the policy's `explorable_instances`, which leaves out
  community_pages.page_permissions.hidden_pages).
  They take page ids from the query string (`?id=3&id=4`, `?id=all&childOf=5`, `&q=word`) and
  list the titles of every page named, even pages the person cannot act on. Image and document
  bulk actions likewise, unless every image or document named is in a collection (a community's)
  the person has some permission for;
- all of Wagtail's reports. They list pages or people from the whole site (page types usage:
  the latest edited page of each type; workflows: every workflow and task, named after
  communities; locked pages and site history: everyone who ever locked or changed a page, as
  filter choices), or show publishers' usernames, which here are e-mail addresses (aging
  pages). People see a page's history from the page itself.
"""

import re

from django.apps import apps
from django.http import Http404
from django.urls import Resolver404, resolve

from wagtail.models import AbstractPage, Page
from wagtail.permission_policies.collections import CollectionPermissionLookupMixin
from wagtail.permissions import policy_registry

from communities import permissions as community_permissions

from .models import CommunityPage

PAGE_ID_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")
REPORTS_NAMESPACE = "wagtailadmin_reports"
BULK_ACTION_URL_NAME = "wagtail_bulk_action"


def communities_of_pages(page_ids: list[int]) -> list:
    """The communities whose pages (or pages below them) these are: two queries."""
    paths = list(Page.objects.filter(pk__in=page_ids).values_list("path", flat=True))
    step = Page.steplen
    prefixes = {path[:end] for path in paths for end in range(step, len(path) + 1, step)}
    containers = CommunityPage.objects.filter(path__in=prefixes).select_related("community")
    return [container.community for container in containers if container.community_id]


class HiddenCommunityAdminPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        user = getattr(request, "user", None)
        if not request.path.startswith("/admin/") or not user or not user.is_authenticated:
            return None
        if user.is_superuser:
            return None
        match = request.resolver_match
        if match is not None and _report_refused(match):
            raise Http404("No such page")
        if match is not None and match.view_name == BULK_ACTION_URL_NAME:
            _check_bulk_action(request, user, view_kwargs)
        page_ids = [
            int(value)
            for name, value in view_kwargs.items()
            if name in PAGE_ID_KWARGS and str(value).isdigit()
        ]
        if not page_ids:
            return None
        for community in communities_of_pages(page_ids):
            if not community_permissions.can_know_exists(user, community):
                raise Http404("No such page")
        return None


def _report_refused(match) -> bool:
    return match.namespace == REPORTS_NAMESPACE


def admin_url_refused(user, url: str) -> bool:
    """Whether the middleware 404s this admin URL for the person whatever its query string
    (for hiding menu items): the reports."""
    if user.is_superuser:
        return False
    try:
        match = resolve(url.split("?", 1)[0])
    except Resolver404:
        return False
    return _report_refused(match)


COLLECTION_ACTIONS = ("add", "change", "delete", "choose")


def _ids(values: list[str]) -> set[int]:
    if not all(value.isascii() and value.isdigit() and len(value) < 19 for value in values):
        raise Http404("No such page")
    return {int(value) for value in values}


def _check_bulk_action(request, user, view_kwargs) -> None:
    try:
        model = apps.get_model(view_kwargs.get("app_label", ""), view_kwargs.get("model_name", ""))
    except (LookupError, ValueError):
        return  # Wagtail answers 404
    if issubclass(model, Page):
        _check_page_bulk_action(request, user)
        return
    policy = policy_registry.get_by_type(model)
    if isinstance(policy, CollectionPermissionLookupMixin):
        # Images and documents; `id=all` takes in only what the person may change already.
        named = _ids([value for value in request.GET.getlist("id") if value != "all"])
        allowed = policy.instances_user_has_any_permission_for(user, COLLECTION_ACTIONS)
        if named and set(allowed.filter(pk__in=named).values_list("pk", flat=True)) != named:
            raise Http404("No such page")


def _check_page_bulk_action(request, user) -> None:
    """404 unless every page a page bulk action names (`id`, `childOf`), and every page that
    `id=all` would take in (the children of `childOf`, or all its descendants when searching),
    is a page the person may explore."""
    ids = request.GET.getlist("id")
    parent_id = request.GET.get("childOf")
    named = [value for value in ids if value != "all"]
    if parent_id is not None:
        named.append(parent_id)
    named_ids = _ids(named)
    if "all" in ids and parent_id is None:
        raise Http404("No such page")  # every page on the site
    explorable = policy_registry.get_by_type(AbstractPage).explorable_instances(user)
    if named_ids and (
        set(explorable.filter(pk__in=named_ids).values_list("pk", flat=True)) != named_ids
    ):
        raise Http404("No such page")
    if "all" in ids:
        parent = Page.objects.get(pk=int(parent_id))
        reach = parent.get_descendants() if request.GET.get("q") else parent.get_children()
        if reach.exclude(pk__in=explorable.order_by().values("pk")).exists():
            raise Http404("No such page")


class PreviewFrameMiddleware:
    """Lets the Wagtail editor show its live preview of a page beside the form.

    The preview panel is a same-origin frame. Wagtail marks its preview responses
    `X-Frame-Options: SAMEORIGIN`; the site's Content-Security-Policy says
    `frame-ancestors 'none'` everywhere, which would still block the frame. For exactly those
    responses the policy allows our own origin as the framing page, nothing more. (Wagtail
    renders a preview through the whole middleware stack first, so the policy header may
    already be there: then its directive is rewritten.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/admin/") and (
            response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        ):
            allow_same_origin_frames(response)
        return response


_FRAME_ANCESTORS = re.compile(r"frame-ancestors[^;]*")


def allow_same_origin_frames(response) -> None:
    header = "Content-Security-Policy"
    if header in response:
        response[header] = _FRAME_ANCESTORS.sub("frame-ancestors 'self'", response[header])
    else:
        response._csp_replace = {"frame-ancestors": ["'self'"]}
