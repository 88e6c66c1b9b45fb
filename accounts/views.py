from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from communities.models import Community, Membership

from .forms import AccountDeleteForm, ProfileForm
from .models import User
from .services import account_delete


class ProfileView(LoginRequiredMixin, TemplateView):
    """A member's public profile. Never shows their e-mail address."""

    template_name = "accounts/profile/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = (
            User.objects.filter(pk=kwargs["user_id"], is_active=True, deleted_at__isnull=True)
            .prefetch_related("expertise")
            .first()
        )
        if person is None:
            raise Http404("No such person")
        # Which communities someone belongs to is the community's content (like its member
        # list): only those the viewer may read.
        shared_communities = Community.objects.visible_to(self.request.user).filter(
            pk__in=Membership.objects.filter(user=person).values("community_id")
        )
        context.update(person=person, communities=shared_communities.order_by("name"))
        return context


class ProfileEditView(LoginRequiredMixin, View):
    template_name = "accounts/profile_edit/index.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ProfileForm(instance=request.user)})

    def post(self, request):
        form = ProfileForm(request.POST, request.FILES, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, gettext("Your profile has been saved."))
            return redirect("accounts:profile", user_id=request.user.pk)
        return render(request, self.template_name, {"form": form})


class AccountDeleteView(LoginRequiredMixin, View):
    template_name = "accounts/delete/index.html"

    def get(self, request):
        return render(request, self.template_name, {"form": AccountDeleteForm()})

    def post(self, request):
        form = AccountDeleteForm(request.POST)
        if form.is_valid():
            try:
                account_delete(actor=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                logout(request)
                messages.success(request, gettext("Your account has been deleted."))
                return redirect("/")
        return render(request, self.template_name, {"form": form})
