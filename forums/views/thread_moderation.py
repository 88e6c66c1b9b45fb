"""Facilitators' thread actions: pinning, locking and closing (authors may close their own),
moving a thread to another category, and publishing or cancelling a scheduled thread."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from .. import permissions
from ..forms import MoveForm
from ..services import threads as thread_services
from .base import CommunityForumMixin, FacilitatorMixin, error_text, redirect_back

STATE_MESSAGES = {
    "pin": gettext_lazy("The thread is pinned to the top of the forum."),
    "unpin": gettext_lazy("The thread is no longer pinned."),
    "lock": gettext_lazy("The thread is locked: nobody can reply."),
    "unlock": gettext_lazy("The thread is unlocked."),
    "close": gettext_lazy("The thread is closed to new replies."),
    "reopen": gettext_lazy("The thread is open for replies again."),
}


class ThreadStateView(LoginRequiredMixin, CommunityForumMixin, View):
    """Pin, lock, close and their opposites. Thread authors may close and reopen their own,
    so this view leaves the decision to the service rather than `FacilitatorMixin`."""

    def post(self, request, slug, thread_id):
        thread = permissions.get_thread_for_user_or_404(request.user, self.community, thread_id)
        change = request.POST.get("change", "")
        try:
            thread_services.thread_state_change(actor=request.user, thread=thread, change=change)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, STATE_MESSAGES[change])
        return redirect_back(request, thread.get_absolute_url())


class ThreadMoveView(FacilitatorMixin, View):
    def _render(self, request, thread, form, status=200):
        return self.render_page(
            request, "thread_move/index.html", {"thread": thread, "form": form}, status=status
        )

    def get(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        form = MoveForm(community=self.community, initial={"category": thread.category})
        return self._render(request, thread, form)

    def post(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        form = MoveForm(request.POST, community=self.community)
        if form.is_valid():
            category = form.cleaned_data["category"]
            try:
                thread_services.thread_move(actor=request.user, thread=thread, category=category)
            except ValidationError as error:
                form.add_error("category", error)
            else:
                messages.success(
                    request,
                    _("The thread is now in “%(category)s”.") % {"category": category.name},
                )
                return redirect(thread)
        return self._render(request, thread, form, status=400)


# --- Scheduled threads ---------------------------------------------------------------------------


class ScheduledThreadPublishView(FacilitatorMixin, View):
    def post(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        try:
            thread_services.scheduled_thread_publish(actor=request.user, thread=thread)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect_back(request, self.review_url)
        messages.success(request, _("Published “%(title)s”.") % {"title": thread.title})
        return redirect(thread)


class ScheduledThreadCancelView(FacilitatorMixin, View):
    """Confirm, then delete a thread that is scheduled but not yet published."""

    def get(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        return self.render_page(request, "scheduled_cancel/index.html", {"thread": thread})

    def post(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        try:
            thread_services.scheduled_thread_cancel(actor=request.user, thread=thread)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Cancelled: “%(title)s” will not be published.") % {"title": thread.title},
            )
        return redirect(self.review_url)
