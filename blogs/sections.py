"""The blog's place in a community: its section on the home page (the latest posts and the way
in), its link in the community's navigation and its settings page."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities import permissions as community_permissions
from communities.models import Community
from communities.navigation import CommunityLink, community_links
from communities.sections import Section
from communities.setting_pages import SettingsPage, community_setting_pages

from .models import BlogPostPage
from .tree import blog_url

LATEST_ON_HOME = 3


def home_context(request: HttpRequest, community: Community) -> dict | None:
    user = request.user
    if not community_permissions.can_read(user, community):
        return None
    posts = (
        BlogPostPage.objects.visible_to(user)
        .filter(community=community)
        .select_related("owner")
        .defer_streamfields()
        .newest_first()[:LATEST_ON_HOME]
    )
    return {
        "community": community,
        "posts": posts,
        "blog_url": blog_url(community),
        "can_write": community_permissions.can_blog(user, community),
    }


BLOG_SECTION = Section(
    key="blog", template="blogs/_home_section.html", context=home_context, order=110
)


def blog_settings_url(community: Community) -> str:
    return reverse("blogs_admin:settings", args=[community.pk])


def register_blog_links() -> None:
    community_links.register(CommunityLink("blog", _("Blog"), blog_url, order=20))
    community_setting_pages.register(
        SettingsPage(
            "blog",
            _("Blog settings"),
            blog_settings_url,
            description=gettext(
                "Whether members' posts go to a facilitator before they are published."
            ),
            order=20,
        )
    )
