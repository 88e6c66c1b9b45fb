"""Merging a thread into another (a duplicate) and splitting replies off into a new thread."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from copsite.markup import plain_excerpt

from .. import permissions
from ..forms import MergeForm, SplitForm
from ..models import Post, Thread
from ..services import merge as merge_services
from .base import FacilitatorMixin

# Ticked boxes do not survive a change of page without JavaScript, so replies are split one
# page at a time; fifty covers most threads (and most tangents) in one go.
SPLIT_PER_PAGE = 50
SPLIT_EXCERPT_CHARACTERS = 160


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
        messages.info(
            request,
            _("“%(title)s” has already been merged into this thread.") % {"title": source.title},
        )
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
                plan = merge_services.thread_merge_check(
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
                target = merge_services.thread_merge(
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
                    _(
                        "Merged “%(title)s” into this thread: its posts are here now, in "
                        "date order, and its address leads here."
                    )
                    % {"title": source.title},
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
                new_thread = merge_services.thread_split(
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
                    ngettext(
                        "Moved %(count)s reply from “%(title)s” into this new thread.",
                        "Moved %(count)s replies from “%(title)s” into this new thread.",
                        moved,
                    )
                    % {"count": moved, "title": thread.title},
                )
                return redirect(new_thread)
        return self._render(request, thread, form, page, posts, status=400)
