"""The page listing a person's personal feed links, and resetting them."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.feeds import feed_token_for, feed_token_reset
from communities import permissions as community_permissions
from communities.models import Community

from ..feeds import (
    FeedLinks,
    personal_all_links,
    personal_category_links,
    personal_community_links,
)


@dataclass(frozen=True)
class CategoryFeeds:
    name: str
    links: FeedLinks


@dataclass(frozen=True)
class CommunityFeeds:
    community: Community
    links: FeedLinks
    categories: list[CategoryFeeds]


def community_feeds(token: str, community: Community) -> CommunityFeeds:
    return CommunityFeeds(
        community=community,
        links=personal_community_links(token, community),
        categories=[
            CategoryFeeds(category.name, personal_category_links(token, community, category))
            for category in community.categories.all()
        ],
    )


class FeedSettingsView(LoginRequiredMixin, TemplateView):
    """GET lists the links; POST revokes them all and makes new ones."""

    template_name = "forums/feeds/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        token = feed_token_for(user)
        communities = (
            community_permissions.communities_of(user)
            .order_by("name")
            .prefetch_related("categories")
        )
        context.update(
            all_links=personal_all_links(token),
            community_feeds=[community_feeds(token, community) for community in communities],
        )
        return context

    def post(self, request: HttpRequest) -> HttpResponseRedirect:
        feed_token_reset(request.user)
        messages.success(
            request,
            _(
                "Your feed links have changed. The old ones no longer work: "
                "subscribe again in your feed reader with the new ones."
            ),
        )
        return redirect("forums:feed-settings")
