"""The forum's section on a community's home page: the latest threads and the way in."""

from django.http import HttpRequest

from communities import permissions as community_permissions
from communities.models import Community
from communities.sections import Section

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
