"""What the forum's views share: the community and the person's abilities there
(`CommunityForumMixin`), thread pagination, and for the facilitators' pages
`FacilitatorMixin`, `redirect_back` and `error_text`."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from communities.view_mixins import CommunityFacilitatorsOnlyMixin, ReadableCommunityMixin

from .. import permissions
from ..models import POSTS_PER_PAGE, Category, Post, Thread

THREADS_PER_PAGE = 30


class CommunityForumMixin(ReadableCommunityMixin):
    """`self.community` through the access module (404 hidden, 403 restricted), and what the
    forum's pages need to know about the person there."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_start_thread"] = permissions.can_start_thread(
            self.request.user, self.community
        )
        context["can_moderate"] = permissions.can_moderate(self.request.user, self.community)
        return context


def paginate_threads(request, threads):
    return Paginator(threads.with_reading_state(request.user), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )


def thread_posts(user, thread: Thread):
    return permissions.filter_posts_on_thread_page(
        Post.objects.filter(thread=thread), user, thread.community
    )


def page_of_post(user, thread: Thread, post: Post) -> int:
    """The page of the thread on which `post` appears for this person."""
    earlier = Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    return thread_posts(user, thread).filter(earlier).count() // POSTS_PER_PAGE + 1


# --- Facilitators' pages -------------------------------------------------------------------------


class FacilitatorMixin(LoginRequiredMixin, CommunityForumMixin, CommunityFacilitatorsOnlyMixin):
    """Sign in (302), see the community (404 if hidden, 403 if restricted), facilitate it (403)."""

    def render_page(
        self, request: HttpRequest, template: str, context: dict, status: int = 200
    ) -> HttpResponse:
        context = {"community": self.community, "can_moderate": True, **context}
        return render(request, f"forums/moderation/{template}", context, status=status)

    def post_for(self, request: HttpRequest, post_id: int) -> Post:
        return permissions.get_post_for_user_or_404(request.user, self.community, post_id)

    def thread_for(self, request: HttpRequest, thread_id: int) -> Thread:
        return permissions.get_thread_for_user_or_404(request.user, self.community, thread_id)

    def category_for(self, category_id: int) -> Category:
        return get_object_or_404(Category, community=self.community, pk=category_id)

    @property
    def review_url(self) -> str:
        return reverse("forums:review", args=[self.community.slug])

    @property
    def settings_url(self) -> str:
        return reverse("forums:forum-settings", args=[self.community.slug])


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """To the form's `next` (a page on this site), or to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
