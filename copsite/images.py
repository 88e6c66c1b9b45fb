"""Checking and re-encoding uploaded pictures. What we store is always an image we wrote
ourselves from decoded pixels, so nothing a browser could run survives an upload."""

from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext

MAX_IMAGE_BYTES = 5 * 1024 * 1024
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_PIXELS = 40_000_000


def _open_checked(upload: UploadedFile) -> Image.Image:
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(gettext("The picture must be smaller than 5 MB."))
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(
            gettext("The file is not a picture we can read. Use a JPEG or PNG.")
        ) from error
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(gettext("The picture must be a JPEG, PNG, GIF or WebP file."))
    if width * height > MAX_PIXELS:
        raise ValidationError(
            gettext("The picture is too large. Use one under 6000 × 6000 pixels.")
        )
    upload.seek(0)
    image = Image.open(upload)
    return ImageOps.exif_transpose(image)


def _encode(image: Image.Image, name: str) -> ContentFile:
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name=name)


def avatar_from_upload(upload: UploadedFile, size: int = 256) -> ContentFile:
    """A square PNG of the picture, `size` pixels a side."""
    image = _open_checked(upload).convert("RGBA")
    image = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
    return _encode(image, "avatar.png")


def picture_from_upload(upload: UploadedFile, max_side: int = 1600) -> ContentFile:
    """A PNG of the picture, scaled down to fit `max_side` pixels."""
    image = _open_checked(upload).convert("RGBA")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return _encode(image, "image.png")
