"""In the Wagtail admin, a page of a community the person may not know exists is 404.

Wagtail answers a page it will not let someone touch with a redirect to the dashboard ("Sorry,
you do not have permission"), and a page id that does not exist with 404. For a private
community's pages that difference would tell an outsider which page ids belong to hidden
communities, so every admin URL naming a page (to edit, preview, explore, choose, move...) is
404 for people the access module would not tell about its community, as on the rest of the site.
"""

import re

from django.http import Http404

from wagtail.models import Page

from communities import permissions as community_permissions

from .models import CommunityPage

PAGE_ID_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id")


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


class PreviewFrameMiddleware:
    """Lets the Wagtail editor show its live preview of a post beside the form.

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
