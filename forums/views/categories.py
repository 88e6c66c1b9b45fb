"""The forum's settings page and the categories facilitators manage from it: creating,
renaming, reordering and deleting them. (The page also lists posting bans: see
`forums.views.posting_bans`.)"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from communities.models import PostingBan

from ..forms import CategoryForm, ForumSettingsForm
from ..models import Category, ForumSettings, Thread
from ..services import categories as category_services
from ..services import moderation as moderation_services
from .base import FacilitatorMixin, error_text

BANS_PER_PAGE = 30


class ForumSettingsView(FacilitatorMixin, View):
    """The forum's settings, categories and posting bans on one page."""

    def _render(self, request, form, status=200):
        community = self.community
        # Merged threads are forwarding addresses, not threads anyone can see or move.
        categories = Category.objects.filter(community=community).annotate(
            thread_count=Count("threads", filter=~Q(threads__status=Thread.Status.MERGED))
        )
        bans = (
            PostingBan.objects.filter(community=community)
            .select_related("user", "banned_by")
            .order_by("-created_at", "-pk")
        )
        context = {
            "form": form,
            "categories": list(categories.order_by("position", "name", "pk")),
            "category_form": CategoryForm(auto_id="id_new_category_%s"),
            "bans": Paginator(bans, BANS_PER_PAGE).get_page(request.GET.get("page")),
        }
        return self.render_page(request, "settings/index.html", context, status=status)

    def _instance(self) -> ForumSettings:
        existing = ForumSettings.objects.filter(community=self.community).first()
        return existing or ForumSettings(community=self.community)

    def get(self, request, slug):
        return self._render(request, ForumSettingsForm(instance=self._instance()))

    def post(self, request, slug):
        form = ForumSettingsForm(request.POST, instance=self._instance())
        if not form.is_valid():
            return self._render(request, form, status=400)
        moderation_services.forum_settings_update(
            actor=request.user,
            community=self.community,
            hold_first_posts=form.cleaned_data["hold_first_posts"],
        )
        messages.success(request, _("The forum's settings have been saved."))
        return redirect(self.settings_url)


# --- Categories ----------------------------------------------------------------------------------


class CategoryCreateView(FacilitatorMixin, View):
    def _render(self, request, form, status=200):
        return self.render_page(
            request, "category_form/index.html", {"form": form, "category": None}, status=status
        )

    def get(self, request, slug):
        return self._render(request, CategoryForm())

    def post(self, request, slug):
        form = CategoryForm(request.POST)
        if form.is_valid():
            try:
                category = category_services.category_create(
                    actor=request.user, community=self.community, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                messages.success(
                    request, _("Added the category “%(name)s”.") % {"name": category.name}
                )
                return redirect(f"{self.settings_url}#categories")
        return self._render(request, form, status=400)


class CategoryEditView(FacilitatorMixin, View):
    def _render(self, request, category, form, status=200):
        context = {"form": form, "category": category}
        return self.render_page(request, "category_form/index.html", context, status=status)

    def get(self, request, slug, category_id):
        category = self.category_for(category_id)
        initial = {"name": category.name, "description": category.description}
        return self._render(request, category, CategoryForm(initial=initial))

    def post(self, request, slug, category_id):
        category = self.category_for(category_id)
        form = CategoryForm(request.POST)
        if form.is_valid():
            try:
                category_services.category_update(
                    actor=request.user, category=category, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                messages.success(
                    request, _("Saved the category “%(name)s”.") % {"name": category.name}
                )
                return redirect(f"{self.settings_url}#categories")
        return self._render(request, category, form, status=400)


class CategoryReorderView(FacilitatorMixin, View):
    def post(self, request, slug, category_id):
        category = self.category_for(category_id)
        direction = request.POST.get("direction", "")
        try:
            category_services.category_reorder(
                actor=request.user, category=category, direction=direction
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            moved = _("Moved “%(name)s” up.") if direction == "up" else _("Moved “%(name)s” down.")
            messages.success(request, moved % {"name": category.name})
        return redirect(f"{self.settings_url}#categories")


class CategoryDeleteView(FacilitatorMixin, View):
    def get(self, request, slug, category_id):
        category = self.category_for(category_id)
        threads = category.threads.exclude(status=Thread.Status.MERGED)
        context = {"category": category, "thread_count": threads.count()}
        return self.render_page(request, "category_delete/index.html", context)

    def post(self, request, slug, category_id):
        category = self.category_for(category_id)
        try:
            category_services.category_delete(actor=request.user, category=category)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, _("Deleted the category “%(name)s”.") % {"name": category.name}
            )
        return redirect(f"{self.settings_url}#categories")
