"""The facilitation page (what wants doing, with one-click welcomes) and broadcasts.

Every page works without JavaScript; every change is a POST. Who may do what comes from the
access module: `/facilitate/` is for people who moderate any community (403 otherwise), and
community pages use `communities.view_mixins.CommunityFacilitatorMixin` (404 where it must
stay hidden, 403 where it is listed but not theirs to facilitate). The services check again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views import View

from communities import permissions as community_permissions
from communities.view_mixins import CommunityFacilitatorMixin

from . import broadcasts
from .attention import providers_context
from .forms import BroadcastForm, WelcomeForm
from .member_attention import new_members_to_welcome
from .models import Broadcast
from .nudges import nudges_for
from .welcomes import members_welcome

RECENT_BROADCASTS = 10


class FacilitatorsOnlyMixin(LoginRequiredMixin):
    """Sign in (302), then facilitate at least one community (403)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not community_permissions.moderates_any_community(request.user):
            raise PermissionDenied("This page is for community facilitators.")
        return super().dispatch(request, *args, **kwargs)


# --- The facilitation page ----------------------------------------------------------------------


def _welcome_form(nudges, data=None, error: ValidationError | None = None) -> WelcomeForm:
    form = WelcomeForm(
        data, memberships=nudges.new_members, auto_id=f"id_welcome{nudges.community.pk}_%s"
    )
    if data is not None:
        form.is_valid()
        if error is not None:
            form.add_error("members", error)
    return form


def render_dashboard(request, *, posted_to=None, data=None, error=None, status=200):
    """The page; `posted_to` is the community whose welcome form came back with a problem."""
    nudges = nudges_for(request.user)
    for item in nudges:
        if item.new_members:
            bound = posted_to is not None and item.community.pk == posted_to.pk
            item.welcome_form = _welcome_form(
                item, data if bound else None, error if bound else None
            )
    waiting = [item for item in nudges if item.has_something]
    return render(
        request,
        "facilitation/index.html",
        {
            **providers_context(),
            "waiting": waiting,
            "calm": [item for item in nudges if not item.has_something],
            "has_errors": posted_to is not None,
        },
        status=status,
    )


class FacilitateView(FacilitatorsOnlyMixin, View):
    """Everything waiting for a facilitator, community by community."""

    def get(self, request):
        return render_dashboard(request)


class MembersWelcomeView(CommunityFacilitatorMixin, View):
    """The one-click welcome: one post mentioning the chosen new members."""

    http_method_names = ["post"]

    def post(self, request, slug):
        form = WelcomeForm(request.POST)
        error = None
        if form.is_valid():
            try:
                posted = members_welcome(
                    actor=request.user,
                    community=self.community,
                    user_ids=form.cleaned_data["members"],
                    submission_key=form.cleaned_data["submission_key"],
                )
            except ValidationError as problem:
                error = problem
            else:
                messages.success(
                    request,
                    gettext("Your welcome is posted in “%(title)s” in %(name)s.")
                    % {"title": posted.title, "name": self.community.name},
                )
                return redirect("facilitation:facilitate")
        still_new = new_members_to_welcome([self.community.pk]).exists()
        if not still_new:  # nothing left to show the form with: say so on the page
            messages.error(request, gettext("Everyone new here has already been welcomed."))
            return redirect("facilitation:facilitate")
        return render_dashboard(
            request, posted_to=self.community, data=request.POST, error=error, status=400
        )


# --- Broadcasts ---------------------------------------------------------------------------------


class BroadcastCreateView(CommunityFacilitatorMixin, View):
    """Write an announcement, check it ("Send to N members"), send it."""

    def _render(self, request, form, *, template="index.html", preview=None, status=200):
        recent = list(
            Broadcast.objects.filter(community=self.community)
            .select_related("author")
            .order_by("-created_at", "-pk")[:RECENT_BROADCASTS]
        )
        counts = broadcasts.delivery_counts(recent)
        for broadcast in recent:
            broadcast.counts = counts[broadcast.pk]
        context = {
            "community": self.community,
            "form": form,
            "preview": preview,
            "recipient_count": broadcasts.broadcast_recipients(self.community).count(),
            "recent": recent,
            "per_day": broadcasts.broadcasts_per_day(),
        }
        return render(request, f"facilitation/announce/{template}", context, status=status)

    def get(self, request, slug):
        return self._render(request, BroadcastForm())

    def post(self, request, slug):
        action = request.POST.get("action", "check")
        form = BroadcastForm(request.POST)
        valid = form.is_valid()
        if action == "preview" or action == "edit":
            preview = request.POST.get("body", "") if action == "preview" else None
            return self._render(request, form, preview=preview)
        if not valid:
            return self._render(request, form, status=400)
        if action != "send":
            return self._render(
                request, form, template="check.html", preview=form.cleaned_data["body"]
            )
        data = form.cleaned_data
        try:
            broadcast = broadcasts.broadcast_create(
                actor=request.user,
                community=self.community,
                subject=data["subject"],
                body=data["body"],
                submission_key=data["submission_key"],
                language=data.get("language", ""),
                translated_subject=data.get("translated_subject", ""),
                translated_body=data.get("translated_body", ""),
            )
        except ValidationError as problem:
            form.add_error(None, problem)
            return self._render(request, form, status=400)
        messages.success(
            request,
            ngettext(
                "Your announcement is on its way to %(count)s member.",
                "Your announcement is on its way to %(count)s members.",
                broadcast.recipient_count,
            )
            % {"count": broadcast.recipient_count},
        )
        return redirect(
            "facilitation:broadcast-detail", slug=self.community.slug, broadcast_id=broadcast.pk
        )


class BroadcastDetailView(CommunityFacilitatorMixin, View):
    """One announcement and how its delivery went: sent, failed, not sent, waiting."""

    def get(self, request, slug, broadcast_id: int):
        broadcast = (
            Broadcast.objects.select_related("author")
            .filter(pk=broadcast_id, community=self.community)
            .first()
        )
        if broadcast is None:
            raise Http404("No such announcement")
        counts = broadcasts.delivery_counts([broadcast])[broadcast.pk]
        return render(
            request,
            "facilitation/broadcast/index.html",
            {
                "community": self.community,
                "broadcast": broadcast,
                "counts": counts,
                "announce_url": reverse("facilitation:broadcast-create", args=[slug]),
            },
        )
