"""Facilitators' screens in the Wagtail admin: join requests, members, invitations, settings.

Every screen starts from `permissions.get_moderated_community_or_404`, so a facilitator
sees and changes only their own communities; site staff see all.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import permissions, services
from .forms import BanForm, CommunityForm, DeclineForm, InvitationForm, RoleForm, first_error
from .models import Ban, Invitation, Membership, MembershipRequest, RequestStatus
from .setting_pages import setting_pages_for


def _flash_error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _count_of(rows) -> Subquery:
    """How many of `rows` belong to the community of the outer query."""
    counted = (
        rows.filter(community=OuterRef("pk"))
        .order_by()
        .values("community")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


class AdminCommunityIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "communities/admin/index.html"
    page_title = _("Your communities")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counted in subqueries: joining both would multiply members by requests.
        context["communities"] = (
            permissions.communities_moderated_by(self.request.user)
            .annotate(
                member_count=_count_of(Membership.objects.all()),
                pending_count=_count_of(
                    MembershipRequest.objects.filter(status=RequestStatus.PENDING)
                ),
            )
            .order_by("name")
        )
        return context


class AdminCommunityMixin(WagtailAdminTemplateMixin):
    """Loads `self.community` for a facilitator screen."""

    header_icon = "group"
    section_title = ""

    def dispatch(self, request, *args, **kwargs):
        self.community = permissions.get_moderated_community_or_404(
            request.user, kwargs["community_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{self.community.name}: {self.section_title}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("communities_admin:index"), "label": _("Your communities")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["community"] = self.community
        context["can_manage_roles"] = permissions.can_manage_roles(
            self.request.user, self.community
        )
        return context


class AdminRequestListView(AdminCommunityMixin, TemplateView):
    template_name = "communities/admin/requests.html"
    section_title = _("Requests to join")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pending = (
            MembershipRequest.objects.pending()
            .filter(community=self.community)
            .select_related("user")
            .order_by("created_at")
        )
        context["page_obj"] = Paginator(pending, 50).get_page(self.request.GET.get("page"))
        context["decline_form"] = DeclineForm()
        return context


class AdminRequestDecideView(View):
    """POST approve or decline. The service checks the actor facilitates the community."""

    decision = ""

    def post(self, request, request_id: int):
        membership_request = get_object_or_404(
            MembershipRequest.objects.select_related("community", "user"), pk=request_id
        )
        community = permissions.get_moderated_community_or_404(
            request.user, membership_request.community_id
        )
        try:
            if self.decision == "approve":
                services.membership_request_approve(actor=request.user, request_id=request_id)
                messages.success(
                    request,
                    gettext("%(public_name)s is now a member of %(name)s.")
                    % {"public_name": membership_request.user.public_name, "name": community.name},
                )
            else:
                form = DeclineForm(request.POST)
                if not form.is_valid():  # nothing is declined with a reason cut off
                    raise ValidationError(
                        gettext("Not declined: %(first_error)s")
                        % {"first_error": first_error(form)}
                    )
                services.membership_request_decline(
                    actor=request.user, request_id=request_id, note=form.cleaned_data["note"]
                )
                messages.success(
                    request,
                    gettext("Declined %(public_name)s's request.")
                    % {"public_name": membership_request.user.public_name},
                )
        except ValidationError as error:
            _flash_error(request, error)
        return redirect("communities_admin:requests", community_id=community.pk)


class AdminMemberListView(AdminCommunityMixin, TemplateView):
    template_name = "communities/admin/members.html"
    section_title = _("Members")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = Membership.objects.filter(community=self.community).for_member_list()
        query = self.request.GET.get("q", "").strip()[:100]
        if query:
            members = members.filter(user__display_name__icontains=query)
        context.update(
            query=query,
            page_obj=Paginator(members, 50).get_page(self.request.GET.get("page")),
            bans=Ban.objects.filter(community=self.community).select_related("user"),
            role_form=RoleForm(),
            ban_form=BanForm(),
        )
        return context


class AdminMembershipActionView(View):
    action = ""

    def post(self, request, membership_id: int):
        membership = get_object_or_404(Membership.objects.select_related("user"), pk=membership_id)
        community = permissions.get_moderated_community_or_404(
            request.user, membership.community_id
        )
        name = membership.user.public_name
        try:
            if self.action == "role":
                form = RoleForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(gettext("Choose member, facilitator or owner."))
                updated = services.membership_set_role(
                    actor=request.user, membership_id=membership_id, role=form.cleaned_data["role"]
                )
                messages.success(
                    request,
                    gettext("%(name)s is now %(get_role_display)s.")
                    % {"name": name, "get_role_display": updated.get_role_display().lower()},
                )
            elif self.action == "remove":
                services.membership_remove(actor=request.user, membership_id=membership_id)
                messages.success(
                    request,
                    gettext("%(name)s has been removed from %(name2)s.")
                    % {"name": name, "name2": community.name},
                )
            elif self.action == "ban":
                form = BanForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(
                        gettext("Not banned: %(first_error)s") % {"first_error": first_error(form)}
                    )
                services.membership_ban(
                    actor=request.user,
                    membership_id=membership_id,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request, gettext("%(name)s has been removed and banned.") % {"name": name}
                )
        except ValidationError as error:
            _flash_error(request, error)
        return redirect("communities_admin:members", community_id=community.pk)


class AdminBanLiftView(View):
    def post(self, request, ban_id: int):
        ban = get_object_or_404(Ban, pk=ban_id)
        community = permissions.get_moderated_community_or_404(request.user, ban.community_id)
        try:
            services.ban_lift(actor=request.user, ban_id=ban_id)
            messages.success(request, gettext("The ban has been lifted."))
        except ValidationError as error:
            _flash_error(request, error)
        return redirect("communities_admin:members", community_id=community.pk)


class AdminInvitationListView(AdminCommunityMixin, TemplateView):
    template_name = "communities/admin/invitations.html"
    section_title = _("Invitations")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        invitations = Invitation.objects.filter(community=self.community).order_by("-created_at")
        context.update(
            form=form or InvitationForm(),
            page_obj=Paginator(invitations.select_related("invited_by"), 50).get_page(
                self.request.GET.get("page")
            ),
        )
        return context

    def post(self, request, community_id: int):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, _ = services.invitation_create(
                    actor=request.user,
                    community=self.community,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request, gettext("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("communities_admin:invitations", community_id=community_id)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AdminInvitationRevokeView(View):
    def post(self, request, invitation_id: int):
        invitation = get_object_or_404(Invitation, pk=invitation_id)
        community = permissions.get_moderated_community_or_404(
            request.user, invitation.community_id
        )
        services.invitation_revoke(actor=request.user, invitation_id=invitation_id)
        messages.success(
            request,
            gettext("The invitation to %(email)s has been withdrawn.")
            % {"email": invitation.email},
        )
        return redirect("communities_admin:invitations", community_id=community.pk)


class AdminCommunityEditView(AdminCommunityMixin, TemplateView):
    template_name = "communities/admin/edit.html"
    section_title = _("Settings")

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = form or CommunityForm(instance=self.community)
        context["section_settings"] = setting_pages_for(self.request.user, self.community)
        return context

    def post(self, request, community_id: int):
        form = CommunityForm(request.POST, instance=self.community)
        if form.is_valid():
            community = form.save()
            community.tags.set(form.cleaned_data["tags"])
            messages.success(
                request, gettext("%(name)s has been saved.") % {"name": community.name}
            )
            return redirect("communities_admin:edit", community_id=community.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
