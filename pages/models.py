"""Site pages edited in Wagtail: the home page and plain pages such as the accessibility
statement and help."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "hr"]


class HomePage(Page):
    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["pages.StandardPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from .home_sections import home_sections_for

        context = super().get_context(request, *args, **kwargs)
        context["sections"] = home_sections_for(request)
        return context


class StandardPage(Page):
    body = RichTextField(features=RICH_TEXT_FEATURES)
    updated_on = models.DateField(null=True, blank=True, help_text=_("Shown as “Last updated”."))

    content_panels = [*Page.content_panels, FieldPanel("body"), FieldPanel("updated_on")]
    subpage_types = ["pages.StandardPage"]
