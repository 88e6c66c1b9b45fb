from django.core.paginator import Paginator
from django.db.models import Q

from communities.view_mixins import ReadableCommunityMixin

from .. import permissions
from ..models import POSTS_PER_PAGE, Post, Thread

THREADS_PER_PAGE = 30


class CommunityForumMixin(ReadableCommunityMixin):
    """`self.community` through the access module (404 hidden, 403 restricted), and what the
    forum's pages need to know about the person there."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_start_thread"] = permissions.can_start_thread(
            self.request.user, self.community
        )
        context["can_moderate"] = permissions.can_moderate(self.request.user, self.community)
        return context


def paginate_threads(request, threads):
    return Paginator(threads.with_reading_state(request.user), THREADS_PER_PAGE).get_page(
        request.GET.get("page")
    )


def thread_posts(user, thread: Thread):
    return permissions.filter_posts_on_thread_page(
        Post.objects.filter(thread=thread), user, thread.community
    )


def page_of_post(user, thread: Thread, post: Post) -> int:
    """The page of the thread on which `post` appears for this person."""
    earlier = Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    return thread_posts(user, thread).filter(earlier).count() // POSTS_PER_PAGE + 1
