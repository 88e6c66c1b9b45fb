"""The blocks a post's body is made of: rich text with headings, lists, links and quotes;
pictures with required alt text; quotations with an attribution; videos by URL.

A post may only show pictures from its own community's collection. A block does not know which
page it is in when Wagtail cleans it, so the post checks its body itself
(`BlogPostPage.clean` calls `pictures_from_elsewhere`), and the error is put on the picture that
is wrong, in whatever block it is nested. The editor shows such a picture as no picture
(`drop_pictures_from_elsewhere`, used by blogs.admin_forms), never its title or thumbnail."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock

from .richtext import FEATURES, render_rich_text
from .video import SUPPORTED, parse_video_url

ALT_TEXT_HELP = _(
    "Describe the picture for people who cannot see it, for example: “Bar chart of rent arrears "
    "falling from 12% to 7% over 2025”."
)


class SanitisedRichTextBlock(blocks.RichTextBlock):
    """Rich text shown through the site's sanitiser (blogs.richtext)."""

    def render_basic(self, value, context=None) -> SafeString:
        return render_rich_text(value)


class PictureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Picture"))
    alt_text = blocks.CharBlock(
        label=_("Alt text"), max_length=250, required=True, help_text=ALT_TEXT_HELP
    )
    caption = blocks.CharBlock(label=_("Caption (optional)"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Picture")
        template = "blogs/blocks/picture.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quotation"), max_length=2000)
    attribution = blocks.CharBlock(
        label=_("Who said it (optional)"), max_length=200, required=False
    )

    class Meta:
        icon = "openquote"
        label = _("Quotation")
        template = "blogs/blocks/quote.html"


class VideoUrlBlock(blocks.URLBlock):
    def clean(self, value):
        value = super().clean(value)
        if value and parse_video_url(value) is None:
            raise ValidationError(
                gettext("Paste the address of a %(SUPPORTED)s video.") % {"SUPPORTED": SUPPORTED}
            )
        return value


class VideoBlock(blocks.StructBlock):
    url = VideoUrlBlock(
        label=_("Video address"),
        help_text=_(
            "The address of a YouTube or Vimeo video, for example https://www.youtube.com/watch?v=…"
        ),
    )
    title = blocks.CharBlock(
        label=_("Title of the video"),
        max_length=200,
        help_text=_("Read out by screen readers and shown as the link to the video."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "blogs/blocks/video.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["video"] = parse_video_url(value.get("url", ""))
        return context


class BodyBlock(blocks.StreamBlock):
    paragraph = SanitisedRichTextBlock(label=_("Text"), features=FEATURES, icon="pilcrow")
    picture = PictureBlock()
    quote = QuoteBlock()
    video = VideoBlock()


def preload_pictures(bodies: Iterable[blocks.StreamValue]) -> None:
    """Give the pictures of every body in `bodies` their images from one query.

    A body loads its own pictures in one query when first read, so a list of bodies (a feed
    carrying full posts) would otherwise cost one query per body with a picture. Pictures are
    top-level blocks of `BodyBlock`, so only the top level is looked at."""
    pending = []  # (body, index, raw item)
    for body in bodies:
        for index, raw in enumerate(body.raw_data):
            if raw["type"] == "picture":
                pending.append((body, index, raw))
    if not pending:
        return
    picture_block = pending[0][0].stream_block.child_blocks["picture"]
    values = picture_block.bulk_to_python([raw["value"] for _, _, raw in pending])
    for (body, index, raw), value in zip(pending, values, strict=True):
        body[index] = ("picture", value, raw.get("id"))


PICTURE_FROM_ELSEWHERE = _("Choose a picture from this community's library.")


def in_library(image, collection_id: int | None) -> bool:
    """Whether `image` is in the collection `collection_id` (no collection holds nothing)."""
    return collection_id is not None and getattr(image, "collection_id", None) == collection_id


def pictures_from_elsewhere(block, value, collection_id: int | None) -> ValidationError | None:
    """An error on every picture in `value` (of `block`, at any depth of stream, struct and
    list blocks) that is not in the collection `collection_id`, shaped as Wagtail shapes block
    errors so the editor shows it on the picture itself; None when they all are."""
    return _check_pictures(block, value, collection_id, drop=False)


def drop_pictures_from_elsewhere(block, value, collection_id: int | None) -> bool:
    """Empty, in place, every picture in `value` that is not in the collection `collection_id`
    (so the editor never shows another community's picture); whether there were any."""
    return _check_pictures(block, value, collection_id, drop=True) is not None


def _is_from_elsewhere(value, collection_id: int | None) -> bool:
    return isinstance(value, get_image_model()) and not in_library(value, collection_id)


def _check_pictures(block, value, collection_id, *, drop: bool) -> ValidationError | None:
    if value is None:
        return None
    if isinstance(value, get_image_model()):  # ImageChooserBlock, or Wagtail's ImageBlock
        if in_library(value, collection_id):
            return None
        return ValidationError(PICTURE_FROM_ELSEWHERE, code="picture_from_elsewhere")
    errors: dict = {}
    if isinstance(block, blocks.BaseStreamBlock | blocks.ListBlock):
        children = value if isinstance(block, blocks.BaseStreamBlock) else value.bound_blocks
        for index, child in enumerate(children):  # StreamChild / ListChild: .block, .value
            if error := _check_pictures(child.block, child.value, collection_id, drop=drop):
                errors[index] = error
            if drop and _is_from_elsewhere(child.value, collection_id):
                child.value = None
        if not errors:
            return None
        if isinstance(block, blocks.ListBlock):
            return blocks.ListBlockValidationError(block_errors=errors)
        return blocks.StreamBlockValidationError(block_errors=errors)
    if isinstance(block, blocks.BaseStructBlock):
        for name, child_block in block.child_blocks.items():
            child_value = value.get(name)
            if error := _check_pictures(child_block, child_value, collection_id, drop=drop):
                errors[name] = error
            if drop and _is_from_elsewhere(child_value, collection_id):
                value[name] = None
        return blocks.StructBlockValidationError(block_errors=errors) if errors else None
    return None
