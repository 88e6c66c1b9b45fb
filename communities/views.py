"""Members' pages for communities: directory, home, joining, leaving and the member list."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from . import permissions, services
from .forms import CommunityForm, CommunitySearchForm, GuidelinesForm, MembershipRequestForm
from .models import Community, Membership
from .permissions import JoinOption
from .sections import sections_for
from .view_mixins import CommunityMixin, ReadableCommunityMixin

PAGE_SIZE = 20


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class CommunityDirectoryView(TemplateView):
    template_name = "communities/directory/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = CommunitySearchForm(self.request.GET or None)
        communities = Community.objects.listed_to(self.request.user)
        if form.is_valid():
            if form.cleaned_data["q"]:
                communities = communities.filter(name__icontains=form.cleaned_data["q"])
            if form.cleaned_data["tag"]:
                communities = communities.filter(tags__name__iexact=form.cleaned_data["tag"])
        page = Paginator(communities.for_directory(), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        context.update(
            form=form,
            page_obj=page,
            active_tag=form.cleaned_data.get("tag") if form.is_valid() else "",
            can_create=permissions.can_create_community(self.request.user),
            query=self.request.GET.copy(),
        )
        return context


class CommunityHomeView(CommunityMixin, TemplateView):
    template_name = "communities/home/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        community = self.community
        can_read = permissions.can_read(user, community)
        memberships = Membership.objects.filter(community=community)
        context.update(
            next_step=permissions.join_option(user, community).value,
            can_read=can_read,
            can_moderate=permissions.can_moderate(user, community),
            member_count=memberships.count(),
            facilitators=memberships.filter(role__in=("facilitator", "owner")).for_member_list(),
            recent_members=memberships.for_member_list().order_by("-joined_at")[:6]
            if can_read
            else [],
            tags=community.tags.all(),
            sections=sections_for(self.request, community),
        )
        return context


class CommunityCreateView(LoginRequiredMixin, View):
    template_name = "communities/create/index.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_create_community(request.user):
            raise PermissionDenied("Only site staff can create communities.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": CommunityForm()})

    def post(self, request):
        form = CommunityForm(request.POST)
        if form.is_valid():
            try:
                community = services.community_create(
                    actor=request.user, tags=form.cleaned_data.pop("tags"), **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    gettext("%(name)s has been created. You are its owner.")
                    % {"name": community.name},
                )
                return redirect(community)
        return render(request, self.template_name, {"form": form})


class CommunityJoinView(LoginRequiredMixin, CommunityMixin, View):
    """Join directly (open communities, or restricted ones the person's domain may join)."""

    template_name = "communities/join/index.html"

    def _render(self, request, form):
        return render(request, self.template_name, {"community": self.community, "form": form})

    def get(self, request, slug):
        option = permissions.join_option(request.user, self.community)
        if option == JoinOption.REQUEST:
            return redirect("communities:request", slug=slug)
        if option != JoinOption.JOIN:
            return redirect(self.community)
        return self._render(request, GuidelinesForm(community=self.community))

    def post(self, request, slug):
        form = GuidelinesForm(request.POST, community=self.community)
        if not form.is_valid():
            return self._render(request, form)
        try:
            services.membership_join(
                actor=request.user, community=self.community, accepted_guidelines=form.accepted
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(self.community)
        messages.success(request, gettext("Welcome to %(name)s!") % {"name": self.community.name})
        return redirect(self.community)


class MembershipRequestView(LoginRequiredMixin, CommunityMixin, View):
    template_name = "communities/request/index.html"

    def _render(self, request, form):
        return render(request, self.template_name, {"community": self.community, "form": form})

    def get(self, request, slug):
        option = permissions.join_option(request.user, self.community)
        if option == JoinOption.JOIN:
            return redirect("communities:join", slug=slug)
        if option != JoinOption.REQUEST:
            return redirect(self.community)
        return self._render(request, MembershipRequestForm(community=self.community))

    def post(self, request, slug):
        form = MembershipRequestForm(request.POST, community=self.community)
        if not form.is_valid():
            return self._render(request, form)
        try:
            services.membership_request_create(
                actor=request.user,
                community=self.community,
                message=form.cleaned_data["message"],
                accepted_guidelines=form.accepted,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self._render(request, form)
        messages.success(
            request,
            gettext("Your request has been sent. We will e-mail you when a facilitator decides."),
        )
        return redirect(self.community)


class MembershipRequestWithdrawView(LoginRequiredMixin, CommunityMixin, View):
    def post(self, request, slug):
        services.membership_request_withdraw(actor=request.user, community=self.community)
        messages.success(request, gettext("Your request to join has been withdrawn."))
        return redirect(self.community)


class CommunityLeaveView(LoginRequiredMixin, CommunityMixin, View):
    template_name = "communities/leave/index.html"

    def get(self, request, slug):
        if not permissions.is_member(request.user, self.community):
            return redirect(self.community)
        return render(request, self.template_name, {"community": self.community})

    def post(self, request, slug):
        try:
            services.membership_leave(actor=request.user, community=self.community)
        except ValidationError as error:
            return render(
                request,
                self.template_name,
                {"community": self.community, "error": _error_text(error)},
                status=400,
            )
        messages.success(
            request, gettext("You have left %(name)s.") % {"name": self.community.name}
        )
        if permissions.can_know_exists(request.user, self.community):
            return redirect(self.community)
        return redirect("communities:directory")


class MemberListView(ReadableCommunityMixin, TemplateView):
    template_name = "communities/members/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        members = Membership.objects.filter(community=self.community).for_member_list()
        context["page_obj"] = Paginator(members, 50).get_page(self.request.GET.get("page"))
        context["can_moderate"] = permissions.can_moderate(self.request.user, self.community)
        return context


class InvitationView(View):
    """An invitation link: shows who invited whom, then joins on POST."""

    template_name = "communities/invitation/index.html"

    def _context(self, request, token, form=None):
        invitation = services.invitation_for_token(token)
        problem = services.invitation_problem(invitation, request.user)
        community = invitation.community if invitation else None
        if form is None and community is not None:
            form = GuidelinesForm(community=community)
        return {"invitation": invitation, "problem": problem, "community": community, "form": form}

    def get(self, request, token):
        context = self._context(request, token)
        if not request.user.is_authenticated and not context["problem"]:
            context["login_url"] = f"{reverse(settings.LOGIN_URL)}?next={request.path}"
            context["signup_url"] = f"{reverse('account_signup')}?next={request.path}"
        return render(
            request,
            self.template_name,
            context,
            status=404 if context["invitation"] is None else 200,
        )

    def post(self, request, token):
        if not request.user.is_authenticated:
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        invitation = services.invitation_for_token(token)
        if invitation is None:
            return render(request, self.template_name, self._context(request, token), status=404)
        form = GuidelinesForm(request.POST, community=invitation.community)
        if not form.is_valid():
            return render(request, self.template_name, self._context(request, token, form))
        try:
            services.invitation_accept(
                actor=request.user, token=token, accepted_guidelines=form.accepted
            )
        except ValidationError as error:
            context = self._context(request, token, form)
            context["problem"] = _error_text(error)
            return render(request, self.template_name, context, status=400)
        messages.success(
            request, gettext("Welcome to %(name)s!") % {"name": invitation.community.name}
        )
        return redirect(invitation.community)
