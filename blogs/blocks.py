"""The blocks a post's body is made of: rich text with headings, lists, links and quotes;
pictures with required alt text; quotations with an attribution; videos by URL."""

from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from .richtext import FEATURES, render_rich_text
from .video import SUPPORTED, parse_video_url

ALT_TEXT_HELP = (
    "Describe the picture for people who cannot see it, for example: “Bar chart of rent arrears "
    "falling from 12% to 7% over 2025”."
)


class SanitisedRichTextBlock(blocks.RichTextBlock):
    """Rich text shown through the site's sanitiser (blogs.richtext)."""

    def render_basic(self, value, context=None) -> SafeString:
        return render_rich_text(value)


class PictureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label="Picture")
    alt_text = blocks.CharBlock(
        label="Alt text", max_length=250, required=True, help_text=ALT_TEXT_HELP
    )
    caption = blocks.CharBlock(label="Caption (optional)", max_length=250, required=False)

    class Meta:
        icon = "image"
        label = "Picture"
        template = "blogs/blocks/picture.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label="Quotation", max_length=2000)
    attribution = blocks.CharBlock(label="Who said it (optional)", max_length=200, required=False)

    class Meta:
        icon = "openquote"
        label = "Quotation"
        template = "blogs/blocks/quote.html"


class VideoUrlBlock(blocks.URLBlock):
    def clean(self, value):
        value = super().clean(value)
        if value and parse_video_url(value) is None:
            raise ValidationError(f"Paste the address of a {SUPPORTED} video.")
        return value


class VideoBlock(blocks.StructBlock):
    url = VideoUrlBlock(
        label="Video address",
        help_text=f"The address of a {SUPPORTED} video, for example "
        "https://www.youtube.com/watch?v=…",
    )
    title = blocks.CharBlock(
        label="Title of the video",
        max_length=200,
        help_text="Read out by screen readers and shown as the link to the video.",
    )

    class Meta:
        icon = "media"
        label = "Video"
        template = "blogs/blocks/video.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["video"] = parse_video_url(value.get("url", ""))
        return context


class BodyBlock(blocks.StreamBlock):
    paragraph = SanitisedRichTextBlock(label="Text", features=FEATURES, icon="pilcrow")
    picture = PictureBlock()
    quote = QuoteBlock()
    video = VideoBlock()
