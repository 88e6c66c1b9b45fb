"""Lists of posts across blogs: the latest, a tag's and an author's; and the feeds page.
A community's own blog and its posts are Wagtail pages (blogs.models)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from accounts.feeds import feed_token_for
from accounts.models import User
from communities import permissions as community_permissions

from .. import feed_links, reading


def _token(user) -> str | None:
    return feed_token_for(user) if user.is_authenticated else None


class LatestView(TemplateView):
    template_name = "blogs/latest/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            page_obj=reading.paginate(self.request, reading.latest_posts(user)),
            feeds=feed_links.site_wide(),
            personal_feeds=feed_links.site_wide(_token(user)) if user.is_authenticated else None,
        )
        return context


class TagView(TemplateView):
    template_name = "blogs/site_tag/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        tag, posts = reading.tagged_posts(user, kwargs["tag"])
        context.update(
            tag=tag,
            page_obj=reading.paginate(self.request, posts),
            feeds=feed_links.for_tag(tag),
            personal_feeds=feed_links.for_tag(tag, _token(user)) if user.is_authenticated else None,
        )
        return context


class AuthorView(TemplateView):
    """A person's posts in the communities the reader may read. Anonymous visitors only see
    people who have public posts (member lists and profiles are for signed-in people)."""

    template_name = "blogs/author/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        person = get_object_or_404(
            User, pk=kwargs["user_id"], is_active=True, deleted_at__isnull=True
        )
        posts = reading.author_posts(user, person)
        page_obj = reading.paginate(self.request, posts)
        if not community_permissions.access_for(user).is_authenticated and not page_obj:
            raise Http404("No such author")
        context.update(
            person=person,
            page_obj=page_obj,
            feeds=feed_links.for_author(person),
            personal_feeds=feed_links.for_author(person, _token(user))
            if user.is_authenticated
            else None,
        )
        return context


class FeedListView(LoginRequiredMixin, TemplateView):
    """The person's personal blog feed links (resetting them is on the forum's feeds page,
    which resets every personal feed at once)."""

    template_name = "blogs/feeds/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        token = feed_token_for(user)
        communities = community_permissions.communities_of(user).order_by("name")
        context.update(
            site_wide=feed_links.site_wide(token),
            blogs=[
                (community, feed_links.personal_blog(token, community)) for community in communities
            ],
        )
        return context
