"""The blog's screens in the Wagtail admin: the blogs someone writes in or facilitates, and a
blog's settings (moderation of members' posts). Settings start from
`permissions.get_moderated_community_or_404`, like the communities' own admin screens."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from communities import permissions as community_permissions

from . import services
from .forms import BlogSettingsForm
from .models import BlogIndexPage, BlogSettings
from .views.writing import editor_url


def blogs_for(user):
    """The blogs the person facilitates (every blog, for site staff) or writes in (their
    writers' or editors' groups)."""
    moderated = community_permissions.communities_moderated_by(user)
    return (
        BlogIndexPage.objects.filter(
            Q(community__in=moderated.values("pk"))
            | Q(community__blog_settings__writers_group__user=user)
            | Q(community__blog_settings__editors_group__user=user)
        )
        .distinct()
        .select_related("community", "community__blog_settings")
        .order_by("community__name")
    )


class AdminBlogIndexView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "blogs/admin/index.html"
    page_title = _("Blogs")
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        rows = []
        for index in blogs_for(user):
            community = index.community
            rows.append(
                {
                    "index": index,
                    "community": community,
                    "editor_url": editor_url(index),
                    "can_moderate": community_permissions.can_moderate(user, community),
                    "moderated": getattr(
                        getattr(community, "blog_settings", None), "moderate_member_posts", False
                    ),
                }
            )
        context["rows"] = rows
        return context


class AdminBlogSettingsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "blogs/admin/settings.html"
    header_icon = "cog"

    def dispatch(self, request, *args, **kwargs):
        self.community = community_permissions.get_moderated_community_or_404(
            request.user, kwargs["community_id"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return gettext("%(name)s: blog settings") % {"name": self.community.name}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("blogs_admin:index"), "label": _("Blogs")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        settings_ = BlogSettings.objects.filter(community=self.community).first()
        context["community"] = self.community
        context["form"] = form or BlogSettingsForm(instance=settings_)
        return context

    def post(self, request, community_id: int):
        form = BlogSettingsForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        services.blog_settings_update(
            actor=request.user,
            community=self.community,
            moderate_member_posts=form.cleaned_data["moderate_member_posts"],
        )
        messages.success(
            request,
            (
                gettext("Members' posts in %(name)s now go to the facilitators for approval.")
                if form.cleaned_data["moderate_member_posts"]
                else gettext("Members' posts in %(name)s are now published straight away.")
            )
            % {"name": self.community.name},
        )
        return redirect("blogs_admin:settings", community_id=self.community.pk)
