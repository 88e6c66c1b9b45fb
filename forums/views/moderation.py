"""Facilitation: the review queue, post and thread actions, history, settings, categories,
posting bans and scheduled threads.

Every page works without JavaScript; every change is a POST. Who may do what is asked of
`forums.permissions` (through `CommunityForumMixin` and `FacilitatorMixin`) and checked
again by the service that makes the change.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from communities.models import Community
from communities.view_mixins import CommunityFacilitatorsOnlyMixin
from copsite.markup import plain_excerpt

from .. import moderation_services, permissions, services
from ..forms import (
    CategoryForm,
    FlagResolveForm,
    ForumSettingsForm,
    HideForm,
    MergeForm,
    MoveForm,
    PostingBanForm,
    SplitForm,
)
from ..models import Category, Flag, ForumSettings, Post, PostingBan, Thread
from .base import CommunityForumMixin

QUEUE_LIMIT = 50
BANS_PER_PAGE = 30
# Ticked boxes do not survive a change of page without JavaScript, so replies are split one
# page at a time; fifty covers most threads (and most tangents) in one go.
SPLIT_PER_PAGE = 50
SPLIT_EXCERPT_CHARACTERS = 160

# --- Shared -------------------------------------------------------------------------------------


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


# --- The review queue ---------------------------------------------------------------------------


def flagged_posts(community: Community) -> QuerySet:
    """Posts with open reports, oldest report first, each with its open flags and reporters."""
    is_open = Q(flags__resolution=Flag.Resolution.OPEN)
    open_flags = (
        Flag.objects.filter(resolution=Flag.Resolution.OPEN)
        .select_related("reporter")
        .order_by("created_at", "pk")
    )
    return (
        Post.objects.filter(thread__community=community)
        .annotate(
            open_flag_count=Count("flags", filter=is_open),
            first_flagged_at=Min("flags__created_at", filter=is_open),
        )
        .filter(open_flag_count__gt=0)
        .select_related("thread__category", "author")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
        .order_by("first_flagged_at", "pk")
    )


def held_posts(community: Community) -> QuerySet:
    return (
        Post.objects.filter(thread__community=community, status=Post.Status.HELD)
        .select_related("thread", "author")
        .order_by("created_at", "pk")
    )


def scheduled_threads(community: Community) -> QuerySet:
    return (
        Thread.objects.filter(community=community, status=Thread.Status.SCHEDULED)
        .select_related("author", "category")
        .order_by("publish_at", "pk")
    )


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
                moderation_services.flags_resolve(
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
    Flag.Resolution.HIDDEN: "The post is hidden and its reports are closed.",
    Flag.Resolution.KEPT: "The post stays up and its reports are closed.",
    Flag.Resolution.WARNED: "The post stays up. Its author will get an e-mail with your warning.",
}


# --- Posts --------------------------------------------------------------------------------------


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
            services.post_check_hideable(post)
        except ValidationError as error:
            return self._refuse(request, post, error)
        return self._render(request, post, HideForm())

    def post(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        try:
            services.post_check_hideable(post)
        except ValidationError as error:
            return self._refuse(request, post, error)
        form = HideForm(request.POST)
        if form.is_valid():
            try:
                services.post_hide(
                    actor=request.user, post=post, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "not_hideable":  # nothing the form can fix
                    return self._refuse(request, post, error)
                form.add_error("reason", error)
            else:
                messages.success(request, "The post is hidden. Readers see your reason instead.")
                return redirect(post.get_absolute_url())
        return self._render(request, post, form, status=400)


class PostRestoreView(FacilitatorMixin, View):
    def post(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        try:
            services.post_restore(actor=request.user, post=post)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "The post is back for everyone to read.")
        return redirect_back(request, post.get_absolute_url())


class PostApproveView(FacilitatorMixin, View):
    def post(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        try:
            services.post_approve(actor=request.user, post=post)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Approved: everyone can read the post now.")
        return redirect_back(request, self.review_url)


class PostRejectView(FacilitatorMixin, View):
    def post(self, request, slug, post_id):
        post = self.post_for(request, post_id)
        reason = request.POST.get("reason", "")
        try:
            services.post_reject(actor=request.user, post=post, reason=reason)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Rejected: the post will not be shown.")
        return redirect_back(request, self.review_url)


# --- Threads ------------------------------------------------------------------------------------

STATE_MESSAGES = {
    "pin": "The thread is pinned to the top of the forum.",
    "unpin": "The thread is no longer pinned.",
    "lock": "The thread is locked: nobody can reply.",
    "unlock": "The thread is unlocked.",
    "close": "The thread is closed to new replies.",
    "reopen": "The thread is open for replies again.",
}


class ThreadStateView(LoginRequiredMixin, CommunityForumMixin, View):
    """Pin, lock, close and their opposites. Thread authors may close and reopen their own,
    so this view leaves the decision to the service rather than `FacilitatorMixin`."""

    def post(self, request, slug, thread_id):
        thread = permissions.get_thread_for_user_or_404(request.user, self.community, thread_id)
        change = request.POST.get("change", "")
        try:
            moderation_services.thread_state_change(
                actor=request.user, thread=thread, change=change
            )
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
                services.thread_move(actor=request.user, thread=thread, category=category)
            except ValidationError as error:
                form.add_error("category", error)
            else:
                messages.success(request, f"The thread is now in “{category.name}”.")
                return redirect(thread)
        return self._render(request, thread, form, status=400)


class ThreadMergeView(FacilitatorMixin, View):
    """Merge this thread (a duplicate) into another of the community's threads.

    GET asks which thread; GET with `target` checks it and shows what will happen (both
    titles, how many posts move); POST merges. A second POST, or any visit once the thread
    is merged, goes to the thread it was merged into and says so."""

    def _source(self, request, thread_id) -> Thread:
        return permissions.get_thread_for_user_or_404(
            request.user, self.community, thread_id, merged=True
        )

    def _render(self, request, thread, form, plan=None, status=200):
        context = {"thread": thread, "form": form, "plan": plan}
        return self.render_page(request, "thread_merge/index.html", context, status=status)

    def _already_merged(self, request, source: Thread) -> HttpResponseRedirect:
        messages.info(request, f"“{source.title}” has already been merged into this thread.")
        return redirect("forums:thread", slug=self.community.slug, thread_id=source.merged_into_id)

    def get(self, request, slug, thread_id):
        source = self._source(request, thread_id)
        if source.status == Thread.Status.MERGED:
            return self._already_merged(request, source)
        if "target" not in request.GET:
            return self._render(request, source, MergeForm(community=self.community))
        form = MergeForm(request.GET, community=self.community)
        plan = None
        if form.is_valid():
            try:
                plan = moderation_services.thread_merge_check(
                    actor=request.user, source=source, target=form.cleaned_data["target"]
                )
            except ValidationError as error:
                form.add_error("target", error)
        return self._render(request, source, form, plan, status=200 if plan else 400)

    def post(self, request, slug, thread_id):
        source = self._source(request, thread_id)
        if source.status == Thread.Status.MERGED:
            return self._already_merged(request, source)
        form = MergeForm(request.POST, community=self.community)
        if form.is_valid():
            try:
                target = moderation_services.thread_merge(
                    actor=request.user, source=source, target=form.cleaned_data["target"]
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "already_merged":  # a second request won
                    source.refresh_from_db(fields=["status", "merged_into"])
                    return self._already_merged(request, source)
                form.add_error("target", error)
            else:
                messages.success(
                    request,
                    f"Merged “{source.title}” into this thread: its posts are here now, in "
                    "date order, and its address leads here.",
                )
                return redirect(target)
        return self._render(request, source, form, status=400)


class ThreadSplitView(FacilitatorMixin, View):
    """Tick replies of this thread (a page at a time) and move them into a new thread."""

    def _replies(self, request, thread):
        opening = Post.objects.opening(thread).values("pk")
        replies = (
            Post.objects.filter(thread=thread, status=Post.Status.VISIBLE)
            .exclude(pk__in=opening)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        page = Paginator(replies, SPLIT_PER_PAGE).get_page(request.GET.get("page"))
        posts = list(page.object_list)
        for post in posts:
            post.excerpt = plain_excerpt(post.body, SPLIT_EXCERPT_CHARACTERS)
        return page, posts

    def _render(self, request, thread, form, page, posts, status=200):
        context = {
            "thread": thread,
            "form": form,
            "page_obj": page,
            "rows": list(zip(posts, form["posts"].subwidgets, strict=True)),
            "per_page": SPLIT_PER_PAGE,
        }
        return self.render_page(request, "thread_split/index.html", context, status=status)

    def get(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        page, posts = self._replies(request, thread)
        form = SplitForm(
            community=self.community, posts=posts, initial={"category": thread.category}
        )
        return self._render(request, thread, form, page, posts)

    def post(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        page, posts = self._replies(request, thread)
        form = SplitForm(request.POST, community=self.community, posts=posts)
        if form.is_valid():
            data = form.cleaned_data
            try:
                new_thread = moderation_services.thread_split(
                    actor=request.user,
                    thread=thread,
                    post_ids=data["posts"],
                    title=data["title"],
                    category=data["category"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                moved = len(data["posts"])
                messages.success(
                    request,
                    f"Moved {moved} repl{'y' if moved == 1 else 'ies'} from “{thread.title}” "
                    "into this new thread.",
                )
                return redirect(new_thread)
        return self._render(request, thread, form, page, posts, status=400)


class ScheduledThreadPublishView(FacilitatorMixin, View):
    def post(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        try:
            moderation_services.scheduled_thread_publish(actor=request.user, thread=thread)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect_back(request, self.review_url)
        messages.success(request, f"Published “{thread.title}”.")
        return redirect(thread)


class ScheduledThreadCancelView(FacilitatorMixin, View):
    """Confirm, then delete a thread that is scheduled but not yet published."""

    def get(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        return self.render_page(request, "scheduled_cancel/index.html", {"thread": thread})

    def post(self, request, slug, thread_id):
        thread = self.thread_for(request, thread_id)
        try:
            moderation_services.scheduled_thread_cancel(actor=request.user, thread=thread)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Cancelled: “{thread.title}” will not be published.")
        return redirect(self.review_url)


# --- Settings, categories and posting bans ------------------------------------------------------


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
        messages.success(request, "The forum's settings have been saved.")
        return redirect(self.settings_url)


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
                category = services.category_create(
                    actor=request.user, community=self.community, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                messages.success(request, f"Added the category “{category.name}”.")
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
                moderation_services.category_update(
                    actor=request.user, category=category, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error("name", error)
            else:
                messages.success(request, f"Saved the category “{category.name}”.")
                return redirect(f"{self.settings_url}#categories")
        return self._render(request, category, form, status=400)


class CategoryReorderView(FacilitatorMixin, View):
    def post(self, request, slug, category_id):
        category = self.category_for(category_id)
        direction = request.POST.get("direction", "")
        try:
            moderation_services.category_reorder(
                actor=request.user, category=category, direction=direction
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Moved “{category.name}” {direction}.")
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
            moderation_services.category_delete(actor=request.user, category=category)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, f"Deleted the category “{category.name}”.")
        return redirect(f"{self.settings_url}#categories")


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
                services.posting_ban_create(
                    actor=request.user,
                    community=self.community,
                    user=person,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error("person", error)
            else:
                messages.success(request, f"{person.public_name} can no longer post here.")
                return redirect(f"{self.settings_url}#bans")
        return self._render(request, form, status=400)


class PostingBanLiftView(FacilitatorMixin, View):
    def post(self, request, slug, user_id):
        ban = get_object_or_404(
            PostingBan.objects.select_related("user"), community=self.community, user_id=user_id
        )
        services.posting_ban_lift(actor=request.user, community=self.community, user=ban.user)
        messages.success(request, f"{ban.user.public_name} can post again.")
        return redirect(f"{self.settings_url}#bans")
