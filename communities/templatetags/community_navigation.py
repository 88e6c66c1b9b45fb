from django import template

from ..navigation import community_navigation as links_for

register = template.Library()


@register.inclusion_tag("communities/_navigation.html", takes_context=True)
def community_navigation(context, community, current: str = "") -> dict:
    """The community's section links (communities.navigation), `current` marked."""
    user = context["request"].user
    return {
        "community": community,
        "current": current,
        "links": links_for(user, community, current),
    }
