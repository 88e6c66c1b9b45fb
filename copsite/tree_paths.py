"""Adding Wagtail pages in data migrations, where historical models have no treebeard methods:
paths are computed the way treebeard computes them (four base-36 characters a level)."""

from __future__ import annotations

import uuid

from django.db.models import F

STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def step(number: int) -> str:
    """One level of a treebeard path: `number` in four base-36 characters."""
    digits = ""
    while number:
        number, remainder = divmod(number, len(ALPHABET))
        digits = ALPHABET[remainder] + digits
    return digits.rjust(STEPLEN, "0")


def next_child_path(Page, parent) -> str:
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    return parent.path + step(number)


def add_child(Page, ContentType, model, parent, *, title: str, slug: str, **fields):
    """A live child page of `parent`, of the historical `model`, with its content type."""
    content_type, _ = ContentType.objects.get_or_create(
        app_label=model._meta.app_label, model=model._meta.model_name
    )
    child = model.objects.create(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        path=next_child_path(Page, parent),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{slug}/",
        locale_id=parent.locale_id,
        translation_key=uuid.uuid4(),
        live=True,
        **fields,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + 1)
    parent.numchild += 1
    return child
