"""The forum's place in a community: its section on the home page (the latest threads and the
way in), its link in the community's navigation and its settings page."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities import permissions as community_permissions
from communities.models import Community
from communities.navigation import CommunityLink, community_links
from communities.sections import Section
from communities.setting_pages import SettingsPage, community_setting_pages

from . import permissions
from .models import Thread

LATEST_ON_HOME = 5


def home_context(request: HttpRequest, community: Community) -> dict | None:
    user = request.user
    if not community_permissions.can_read(user, community):
        return None
    threads = (
        Thread.objects.visible_to(user)
        .filter(community=community)
        .for_latest()
        .with_reading_state(user)[:LATEST_ON_HOME]
    )
    return {
        "community": community,
        "threads": threads,
        "can_start_thread": permissions.can_start_thread(user, community),
    }


FORUM_SECTION = Section(key="forum", template="forums/_home_section.html", context=home_context)


def forum_url(community: Community) -> str:
    return reverse("forums:forum", args=[community.slug])


def forum_settings_url(community: Community) -> str:
    return reverse("forums:forum-settings", args=[community.slug])


def register_forum_links() -> None:
    community_links.register(CommunityLink("forum", _("Forum"), forum_url, order=10))
    community_setting_pages.register(
        SettingsPage(
            "forum",
            _("Forum settings"),
            forum_settings_url,
            description=_("Categories, holding new members' first posts, members stopped posting."),
            order=10,
        )
    )
