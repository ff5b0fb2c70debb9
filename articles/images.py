"""Renditions of uploaded images: several widths, in WebP and in a JPEG or PNG fallback.

An uploaded image is read once, when its ImageCredit is saved: its size is
stored on the credit and smaller copies are written next to it under
``renditions/``, at names derived from the original's name so that pages can
list them (``srcset``) without touching the disk. Linked images (an address
elsewhere) are shown as they are.
"""

import logging
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 960, 1280)
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
WEBP_QUALITY = 80
JPEG_QUALITY = 82


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int


def validate_image_format(value):
    """Accept only JPEG, PNG, WebP and GIF images that Pillow can read."""
    file = getattr(value, "file", value)
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        with Image.open(file) as image:
            image_format = image.format
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        image_format = None
    finally:
        file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="image_format")


def rendition_widths(original_width):
    """The widths made for an image: the standard ones it exceeds, and its own up to the largest."""
    return sorted({width for width in WIDTHS if width < original_width} | {min(original_width, WIDTHS[-1])})


def fallback_extension(name):
    """Photographs fall back to JPEG; drawings (PNG, GIF) and WebP, which may be transparent, to PNG."""
    return "jpg" if PurePosixPath(name).suffix.lower() in {".jpg", ".jpeg"} else "png"


def rendition_name(name, width, extension):
    path = PurePosixPath(name)
    return str(PurePosixPath("renditions") / path.parent / f"{path.stem}-{width}w.{extension}")


def renditions(field_file, original_width):
    """The WebP and fallback renditions of an uploaded image, smallest first."""
    storage, name = field_file.storage, field_file.name
    widths = rendition_widths(original_width)
    fallback = fallback_extension(name)
    return (
        [Rendition(storage.url(rendition_name(name, width, "webp")), width) for width in widths],
        [Rendition(storage.url(rendition_name(name, width, fallback)), width) for width in widths],
    )


def make_renditions(field_file):
    """Write every rendition of an uploaded image; return its (width, height) upright."""
    storage, name = field_file.storage, field_file.name
    with storage.open(name, "rb") as source, Image.open(source) as original:
        image = ImageOps.exif_transpose(original)  # phones store portraits sideways
        image.load()
    fallback = fallback_extension(name)
    image = image.convert("RGBA" if fallback == "png" else "RGB")
    for width in rendition_widths(image.width):
        height = max(1, round(image.height * width / image.width))
        resized = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        for extension, options in (
            ("webp", {"format": "WEBP", "quality": WEBP_QUALITY, "method": 4}),
            ("jpg", {"format": "JPEG", "quality": JPEG_QUALITY, "optimize": True, "progressive": True}),
            ("png", {"format": "PNG", "optimize": True}),
        ):
            if extension in ("webp", fallback):
                _save(storage, rendition_name(name, width, extension), resized, options)
    return image.width, image.height


def _save(storage, name, image, options):
    buffer = BytesIO()
    image.save(buffer, **options)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(buffer.getvalue()))


def update_renditions(sender, instance, **kwargs):
    """post_save of ImageCredit: make the renditions of a newly uploaded or replaced image."""
    field_file = instance.image
    if not field_file or not field_file.storage.exists(field_file.name):
        return
    if instance.image_width and field_file.storage.exists(
        rendition_name(field_file.name, rendition_widths(instance.image_width)[0], "webp")
    ):
        return
    try:
        width, height = make_renditions(field_file)
    except (OSError, Image.DecompressionBombError):
        # The upload is kept and shown as it is; the page simply has no smaller copies.
        logger.exception("Could not make renditions of %s", field_file.name)
        return
    type(instance).objects.filter(pk=instance.pk).update(image_width=width, image_height=height)
    instance.image_width, instance.image_height = width, height
