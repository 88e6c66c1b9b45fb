"""Reading the forum: community forum, categories, threads, posts, latest and bookmarks."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from communities import permissions as community_permissions

from .. import permissions
from ..forms import ReplyForm
from ..models import POSTS_PER_PAGE, Bookmark, Category, Post, Reaction, Thread, Watch
from ..services import threads as thread_services
from ..thread_actions import actions_for
from .base import CommunityForumMixin, page_of_post, paginate_threads, thread_posts


class ForumIndexView(CommunityForumMixin, TemplateView):
    template_name = "forums/index/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        threads = Thread.objects.visible_to(self.request.user).filter(community=self.community)
        categories = list(
            Category.objects.filter(community=self.community).annotate(
                thread_count=Count("threads", filter=Q(threads__status=Thread.Status.PUBLISHED))
            )
        )
        for category in categories:
            category.community = self.community
        context["categories"] = categories
        context["page_obj"] = paginate_threads(self.request, threads.for_thread_list())
        return context


class CategoryView(CommunityForumMixin, TemplateView):
    template_name = "forums/category/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = get_object_or_404(
            Category, community=self.community, slug=kwargs["category_slug"]
        )
        category.community = self.community
        threads = Thread.objects.visible_to(self.request.user).filter(category=category)
        user = self.request.user
        context.update(
            category=category,
            page_obj=paginate_threads(self.request, threads.for_thread_list()),
            is_watching=user.is_authenticated
            and Watch.objects.filter(user=user, category=category).exists(),
        )
        return context


class ThreadView(CommunityForumMixin, TemplateView):
    template_name = "forums/thread/index.html"

    def get(self, request, *args, **kwargs):
        self.thread = permissions.get_thread_for_user_or_404(
            request.user, self.community, kwargs["thread_id"], merged=True
        )
        if self.thread.status == Thread.Status.MERGED:
            # Its posts live in the thread it was merged into (same community): for good.
            return HttpResponsePermanentRedirect(
                reverse(
                    "forums:thread",
                    kwargs={"slug": self.community.slug, "thread_id": self.thread.merged_into_id},
                )
            )
        if "unread" in request.GET:
            return self._redirect_to_first_unread()
        return super().get(request, *args, **kwargs)

    def _redirect_to_first_unread(self) -> HttpResponseRedirect:
        user = self.request.user
        posts = thread_posts(user, self.thread).order_by("created_at", "pk")
        read = self.thread.reads.filter(user=user).first() if user.is_authenticated else None
        target = posts.filter(created_at__gt=read.last_read_at).first() if read else None
        target = target or posts.last()
        page = page_of_post(user, self.thread, target) if target else 1
        anchor = f"#{target.anchor}" if target else ""
        return HttpResponseRedirect(f"{self.thread.get_absolute_url()}?page={page}{anchor}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        thread = self.thread
        posts = (
            thread_posts(user, thread)
            .for_thread_page()
            .prefetch_related(
                Prefetch("reactions", queryset=Reaction.objects.select_related("user"))
            )
        )
        page = Paginator(posts, POSTS_PER_PAGE).get_page(self.request.GET.get("page"))
        page_posts = list(page.object_list)
        bookmarked = set()
        if user.is_authenticated and page_posts:
            bookmarked = set(
                Bookmark.objects.filter(user=user, post__in=page_posts).values_list(
                    "post_id", flat=True
                )
            )
            thread_services.thread_mark_read(user, thread, max(p.created_at for p in page_posts))
        for post in page_posts:
            post.thread = thread
            post.show_body = permissions.can_see_post_body(user, post, self.community)
            reactions = post.reactions.all()
            post.helpful_count = sum(r.kind == Reaction.Kind.HELPFUL for r in reactions)
            post.thanks_count = sum(r.kind == Reaction.Kind.THANKS for r in reactions)
            post.my_reactions = {r.kind for r in reactions if r.user_id == user.pk}
            post.is_bookmarked = post.pk in bookmarked
            post.can_edit = permissions.can_edit_post(user, post)
            post.can_delete = permissions.can_delete_post(user, post)
            post.can_react = permissions.can_react(user, post)
            post.can_flag = permissions.can_flag(user, post)
        first_post_id = page_posts[0].pk if page.number == 1 and page_posts else None
        can_reply = permissions.can_reply(user, thread)
        context.update(
            thread=thread,
            page_obj=page,
            posts=page_posts,
            first_post_id=first_post_id,
            can_reply=can_reply,
            **_reply_refusal(user, thread, can_reply),
            can_mark_answer=permissions.can_mark_answer(user, thread),
            can_close_thread=permissions.can_close_thread(user, thread),
            can_follow=permissions.can_follow(user, self.community),
            is_watching=user.is_authenticated
            and Watch.objects.filter(user=user, thread=thread).exists(),
            reply_form=ReplyForm(),
            answer=thread.answer
            if thread.answer and thread.answer.status == Post.Status.VISIBLE
            else None,
            tags=thread.tags.all(),
            other_actions=actions_for(user, thread),
        )
        return context


def _reply_refusal(user, thread: Thread, can_reply: bool) -> dict:
    """Why the thread page shows no reply form: the thread's own reason first, else the
    posting rule's (`posting_block`, a `NoPosting`, picks the next step: sign in, join)."""
    if can_reply:
        return {}
    closed = permissions.why_thread_takes_no_replies(thread)
    block = None if closed else community_permissions.why_no_posting(user, thread.community)
    return {
        "reply_refusal": closed or permissions.why_no_reply(user, thread),
        "posting_block": block.name if block else None,
    }


class PostPermalinkView(CommunityForumMixin, View):
    def get(self, request, *args, **kwargs):
        post = permissions.get_post_for_user_or_404(request.user, self.community, kwargs["post_id"])
        page = page_of_post(request.user, post.thread, post)
        return HttpResponseRedirect(f"{post.thread.get_absolute_url()}?page={page}#{post.anchor}")


class LatestView(TemplateView):
    """Latest threads across every community the person may read."""

    template_name = "forums/latest/index.html"
    mine = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        threads = Thread.objects.visible_to(user)
        if self.mine:
            if not user.is_authenticated:
                raise Http404("Sign in to see your communities")
            threads = threads.filter(community__in=community_permissions.communities_of(user))
        context.update(
            page_obj=paginate_threads(self.request, threads.for_latest()),
            mine=self.mine,
            show_community=True,
        )
        return context


class MyCommunitiesLatestView(LoginRequiredMixin, LatestView):
    mine = True


class BookmarkListView(LoginRequiredMixin, TemplateView):
    template_name = "forums/bookmarks/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        bookmarks = (
            Bookmark.objects.visible_to(user)
            .select_related("post__thread__community", "post__author")
            .order_by("-created_at")
        )
        context["page_obj"] = Paginator(bookmarks, 30).get_page(self.request.GET.get("page"))
        return context
