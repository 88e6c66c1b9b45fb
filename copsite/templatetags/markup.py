from django import template
from django.utils.safestring import SafeString

from copsite.markup import plain_excerpt, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """User-written Markdown, rendered and sanitised by `copsite.markup.render_markdown`."""
    return render_markdown(text)


@register.filter(name="excerpt")
def excerpt_filter(text: str, length: int = 200) -> str:
    return plain_excerpt(text, int(length))
