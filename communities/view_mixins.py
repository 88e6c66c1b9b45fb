"""View mixins for pages that belong to one community (`/c/<slug>/…`): they load
`self.community` through the access module, so every app refuses in the same way."""

from django.contrib.auth.mixins import LoginRequiredMixin

from . import permissions
from .models import Community


class CommunityMixin:
    """`self.community` from the URL's slug: 404 for people who must not learn it exists (the
    community's home, joining and leaving: listed communities show these to everyone)."""

    def load_community(self, request, slug: str) -> Community:
        return permissions.get_community_for_user_or_404(request.user, slug)

    def dispatch(self, request, *args, **kwargs):
        self.community = self.load_community(request, kwargs["slug"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["community"] = self.community
        return context


class ReadableCommunityMixin(CommunityMixin):
    """As `CommunityMixin`, and 403 for a listed community whose content is for its members."""

    def load_community(self, request, slug: str) -> Community:
        return permissions.get_readable_community_or_404(request.user, slug)


class CommunityFacilitatorsOnlyMixin:
    """403 unless the person facilitates `self.community`; list it after the mixin that loads
    the community."""

    def dispatch(self, request, *args, **kwargs):
        permissions.require_moderate(request.user, self.community)
        return super().dispatch(request, *args, **kwargs)


class CommunityFacilitatorMixin(
    LoginRequiredMixin, ReadableCommunityMixin, CommunityFacilitatorsOnlyMixin
):
    """Sign in (302), see the community (404 if hidden, 403 if restricted), facilitate it (403)."""
