"""Posting the Wagtail editor's form the way the browser does (wagtail.test.utils.form_data)."""

from django.urls import reverse
from django.utils.text import slugify

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield


def editor_data(title: str = "A new post", action: str = "", **fields) -> dict:
    data = {
        "title": title,
        "slug": fields.pop("slug", slugify(title)),  # the editor's script fills it in
        "summary": fields.pop("summary", "What we learned."),
        "hero_alt_text": fields.pop("hero_alt_text", ""),
        "body": streamfield(
            [("paragraph", rich_text(fields.pop("body", "<p>We learned a lot.</p>")))]
        ),
        "tags": fields.pop("tags", ""),
        "comments": inline_formset([]),
        **fields,
    }
    if action:
        data[f"action-{action}"] = action
    return nested_form_data(data)


def add_url(blog) -> str:
    return reverse("wagtailadmin_pages:add", args=("blogs", "blogpostpage", blog.pk))


def edit_url(post) -> str:
    return reverse("wagtailadmin_pages:edit", args=[post.pk])
