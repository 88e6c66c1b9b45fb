"""Posting bans: a facilitator stops a member posting in the community (its forum and blog),
or lifts the stop (both reached from the forum's settings page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from communities import services as community_services
from communities.models import PostingBan

from ..forms import PostingBanForm
from .base import FacilitatorMixin


class PostingBanCreateView(FacilitatorMixin, View):
    """Stop a member posting here. Reached from a post ("?person=<id>") or the settings."""

    def _render(self, request, form, status=200):
        return self.render_page(request, "ban_form/index.html", {"form": form}, status=status)

    def get(self, request, slug):
        person = request.GET.get("person", "")
        initial = {"person": person} if person.isdigit() else {}
        return self._render(request, PostingBanForm(community=self.community, initial=initial))

    def post(self, request, slug):
        form = PostingBanForm(request.POST, community=self.community)
        if form.is_valid():
            person = form.cleaned_data["person"]
            try:
                community_services.posting_ban_create(
                    actor=request.user,
                    community=self.community,
                    user=person,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error("person", error)
            else:
                messages.success(
                    request,
                    _("%(name)s can no longer post here.") % {"name": person.public_name},
                )
                return redirect(f"{self.settings_url}#bans")
        return self._render(request, form, status=400)


class PostingBanLiftView(FacilitatorMixin, View):
    def post(self, request, slug, user_id):
        ban = get_object_or_404(
            PostingBan.objects.select_related("user"), community=self.community, user_id=user_id
        )
        community_services.posting_ban_lift(
            actor=request.user, community=self.community, user=ban.user
        )
        messages.success(request, _("%(name)s can post again.") % {"name": ban.user.public_name})
        return redirect(f"{self.settings_url}#bans")
