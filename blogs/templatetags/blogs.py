from django import template

from ..images import Picture, picture

register = template.Library()


@register.simple_tag
def blog_picture(image, spec: str = "body") -> Picture | None:
    """The address and size of a post's picture, served through the access module."""
    return picture(image, spec)
