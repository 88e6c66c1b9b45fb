"""Pictures in posts, served through the access module.

Pictures live in the community's Wagtail collection. Readers get a rendition (always
re-encoded by Wagtail, never the uploaded bytes) from our own view, which asks the access
module about the community the collection belongs to: a private community's pictures are 404
to outsiders, a restricted one's 403, like the rest of their content. Pages only build these
addresses; the renditions are made when the picture is first requested, so showing a post
never writes files or adds queries.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

from django.urls import reverse
from django.utils.text import slugify

SPECS = {
    "hero": ("max-1200x800", 1200, 800),
    "body": ("max-960x960", 960, 960),
}


@dataclass(frozen=True)
class Picture:
    url: str
    width: int
    height: int


def _fitted(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    scale = min(max_width / width, max_height / height, 1) if width and height else 1
    return max(1, round(width * scale)), max(1, round(height * scale))


def picture(image, spec: str) -> Picture | None:
    """The address and size of `image` shown as `spec` ("hero" or "body")."""
    if image is None:
        return None
    _, max_width, max_height = SPECS[spec]
    width, height = _fitted(image.width, image.height, max_width, max_height)
    name = slugify(image.title)[:50] or "picture"
    url = reverse("blogs:image", kwargs={"image_id": image.pk, "spec": spec, "name": name})
    return Picture(url=url, width=width, height=height)


def content_type_for(file_name: str) -> str:
    return mimetypes.guess_type(file_name)[0] or "application/octet-stream"
