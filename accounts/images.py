"""Checking and resizing avatars: the stored file is always a re-encoded image we made."""

from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

MAX_AVATAR_BYTES = 5 * 1024 * 1024
AVATAR_SIZE = 256
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
MAX_PIXELS = 40_000_000


def avatar_from_upload(upload: UploadedFile) -> ContentFile:
    """Validate an uploaded image by its content and return a square 256px PNG of it."""
    if upload.size > MAX_AVATAR_BYTES:
        raise ValidationError("The picture must be smaller than 5 MB.")
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(
            "The file is not a picture we can read. Use a JPEG or PNG."
        ) from error
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError("The picture must be a JPEG, PNG, GIF or WebP file.")
    if width * height > MAX_PIXELS:
        raise ValidationError("The picture is too large. Use one under 6000 × 6000 pixels.")
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image).convert("RGBA")
        image = ImageOps.fit(image, (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
        out = BytesIO()
        image.save(out, format="PNG", optimize=True)
    return ContentFile(out.getvalue(), name="avatar.png")
