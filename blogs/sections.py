"""The blog's section on a community's home page: the latest posts and the way in."""

from django.http import HttpRequest

from communities import permissions as community_permissions
from communities.models import Community
from communities.sections import Section

from .models import BlogPostPage
from .tree import blog_url

LATEST_ON_HOME = 3


def home_context(request: HttpRequest, community: Community) -> dict | None:
    user = request.user
    if not community_permissions.can_read(user, community):
        return None
    posts = (
        BlogPostPage.objects.readable_by(user)
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
