"""The facilitators' review: the queue (reports, posts waiting for approval, scheduled
threads), dealing with a post's reports, a post's history, and hiding, restoring, approving
and rejecting posts.

Every page works without JavaScript; every change is a POST. Who may do what is asked of
`forums.permissions` (through `FacilitatorMixin`) and checked again by the service that
makes the change.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from ..forms import FlagResolveForm, HideForm
from ..models import Flag
from ..moderation_queries import flagged_posts, held_posts, scheduled_threads
from ..services import posts as post_services
from .base import FacilitatorMixin, error_text, redirect_back

QUEUE_LIMIT = 50

# --- The review queue ----------------------------------------------------------------------------


class ReviewQueueView(FacilitatorMixin, TemplateView):
    """Reports to deal with, posts waiting for approval and threads waiting to be published.
    Each list shows its oldest `QUEUE_LIMIT` rows; dealing with them brings up the next."""

    template_name = "forums/moderation/review/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = self.community
        flagged = list(flagged_posts(community)[:QUEUE_LIMIT])
        for post in flagged:
            post.resolve_form = FlagResolveForm(auto_id=f"id_post{post.pk}_%s")
        held = list(held_posts(community)[:QUEUE_LIMIT])
        scheduled = list(scheduled_threads(community)[:QUEUE_LIMIT])
        context.update(
            flagged=flagged,
            flagged_total=_total(flagged, lambda: flagged_posts(community).count()),
            held=held,
            held_total=_total(held, lambda: held_posts(community).count()),
            scheduled=scheduled,
            scheduled_total=_total(scheduled, lambda: scheduled_threads(community).count()),
            queue_limit=QUEUE_LIMIT,
        )
        return context


def _total(rows: list, count) -> int:
    """The number of rows, counted in the database only when the list was cut short."""
    return count() if len(rows) >= QUEUE_LIMIT else len(rows)


class FlagResolveView(FacilitatorMixin, View):
    """One reported post: its reports and the decision (also posted from the review queue)."""

    def _render(self, request, post, form, status=200):
        flags = post.flags.filter(resolution=Flag.Resolution.OPEN).select_related("reporter")
        context = {"post": post, "flags": flags.order_by("created_at", "pk"), "form": form}
        return self.render_page(request, "flag_resolve/index.html", context, status=status)

    def get(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        return self._render(request, post, FlagResolveForm())

    def post(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        form = FlagResolveForm(request.POST)
        if form.is_valid():
            resolution = form.cleaned_data["resolution"]
            try:
                post_services.flags_resolve(
                    actor=request.user,
                    post=post,
                    resolution=resolution,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, RESOLVED_MESSAGES[resolution])
                return redirect_back(request, self.review_url)
        return self._render(request, post, form, status=400)


RESOLVED_MESSAGES = {
    Flag.Resolution.HIDDEN: gettext_lazy("The post is hidden and its reports are closed."),
    Flag.Resolution.KEPT: gettext_lazy("The post stays up and its reports are closed."),
    Flag.Resolution.WARNED: gettext_lazy(
        "The post stays up. Its author will get an e-mail with your warning."
    ),
}


# --- Posts ---------------------------------------------------------------------------------------


class PostHistoryView(FacilitatorMixin, TemplateView):
    """Earlier versions of a post, newest first (members never see these)."""

    template_name = "forums/moderation/post_history/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.post_for(self.request, kwargs["post_id"])
        context.update(post=post, revisions=post.revisions.select_related("edited_by"))
        return context


class PostHideView(FacilitatorMixin, View):
    """The hide form's own page: used without the thread page, and to show mistakes."""

    def _render(self, request, post, form, status=200):
        return self.render_page(
            request, "post_hide/index.html", {"post": post, "form": form}, status=status
        )

    def _refuse(self, request, post, error: ValidationError) -> HttpResponseRedirect:
        messages.error(request, error_text(error))
        return redirect(post.get_absolute_url())

    def get(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        try:
            post_services.post_check_hideable(post)
        except ValidationError as error:
            return self._refuse(request, post, error)
        return self._render(request, post, HideForm())

    def post(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        try:
            post_services.post_check_hideable(post)
        except ValidationError as error:
            return self._refuse(request, post, error)
        form = HideForm(request.POST)
        if form.is_valid():
            try:
                post_services.post_hide(
                    actor=request.user, post=post, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "not_hideable":  # nothing the form can fix
                    return self._refuse(request, post, error)
                form.add_error("reason", error)
            else:
                messages.success(request, _("The post is hidden. Readers see your reason instead."))
                return redirect(post.get_absolute_url())
        return self._render(request, post, form, status=400)


class PostRestoreView(FacilitatorMixin, View):
    def post(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        try:
            post_services.post_restore(actor=request.user, post=post)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The post is back for everyone to read."))
        return redirect_back(request, post.get_absolute_url())


class PostApproveView(FacilitatorMixin, View):
    def post(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        try:
            post_services.post_approve(actor=request.user, post=post)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Approved: everyone can read the post now."))
        return redirect_back(request, self.review_url)


class PostRejectView(FacilitatorMixin, View):
    def post(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        reason = request.POST.get("reason", "")
        try:
            post_services.post_reject(actor=request.user, post=post, reason=reason)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Rejected: the post will not be shown."))
        return redirect_back(request, self.review_url)
