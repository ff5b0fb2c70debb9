"""Uploaded images: checked, stripped of their metadata, and copied at several widths.

An upload is refused (``validate_image_format``, the field's validator) unless it
is a JPEG, PNG, WebP or GIF that Pillow, restricted to those formats, can open,
within a size in bytes and a number of pixels set in the settings, and holding
nothing but an image (no markup or script riding along, as in a polyglot file).
Only the header is read to decide: a decompression bomb is refused before it is
decoded.

When its ImageCredit is saved, the upload is re-encoded without its metadata
(EXIF and its GPS position, comments) under a plain ASCII name whose extension
is that of its real format (``clean_upload``). Its size is then stored on the
credit and smaller copies are written next to it under ``renditions/``, at names
derived from the original's name so that pages can list them (``srcset``)
without touching the disk. Linked images (an address elsewhere) are shown as
they are.
"""

import logging
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 960, 1280)
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
WEBP_QUALITY = 80
JPEG_QUALITY = 82
ORIGINAL_JPEG_QUALITY = 92  # the cleaned original is kept close to what was uploaded
# What an image has no business holding: markup or a script that a browser or a server might
# run if the file were ever served as something else (a polyglot). Long enough that compressed
# pixels do not spell them by chance (about once in 10,000 files of 10 MB for the shortest).
FOREIGN_CONTENT = re.compile(
    rb"<(?:script|html|svg[\s>]|body[\s>]|iframe|object|embed|!doctype|\?php)|javascript:|%PDF-",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int


def validate_image_format(value):
    """The upload field's validator: a JPEG, PNG, WebP or GIF image, within limits, and nothing else.

    Reads the file's size, its header and its bytes, never its decoded pixels.
    """
    max_bytes = settings.IMAGE_UPLOAD_MAX_BYTES
    if value.size is not None and value.size > max_bytes:
        raise ValidationError(
            _("The file is %(size)s; an image may be at most %(limit)s."),
            code="image_too_big",
            params={"size": filesizeformat(value.size), "limit": filesizeformat(max_bytes)},
        )
    file = getattr(value, "file", value)
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        check_pixels(open_image(file))
        file.seek(0)
        if FOREIGN_CONTENT.search(file.read(max_bytes + 1)):
            raise ValidationError(
                _(
                    "The file holds more than an image (markup or a script). "
                    "Export it again as a plain image."
                ),
                code="image_foreign_content",
            )
    finally:
        file.seek(position)


class ImageUploadField(forms.ImageField):
    """The upload's form field: Django's own opens any format Pillow knows; this one only ours."""

    def to_python(self, data):
        file = forms.FileField.to_python(self, data)
        if file is not None:
            validate_image_format(file)
        return file


def open_image(file):
    """Open an image with Pillow restricted to the accepted formats, or refuse it clearly."""
    try:
        return Image.open(file, formats=ALLOWED_FORMATS)
    except Image.DecompressionBombError:
        raise too_many_pixels() from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="image_format") from None


def check_pixels(image):
    """Refuse an image whose header announces more pixels than the configured cap, before decoding."""
    frames = getattr(image, "n_frames", 1)
    if image.width * image.height * frames > settings.IMAGE_MAX_PIXELS:
        raise too_many_pixels(image)


def too_many_pixels(image=None):
    limit = number_format(settings.IMAGE_MAX_PIXELS / 1_000_000)
    if image is None:
        return ValidationError(
            _("The image has too many pixels; an image may have at most %(limit)s megapixels."),
            code="image_too_many_pixels",
            params={"limit": limit},
        )
    return ValidationError(
        _("The image is %(width)d × %(height)d pixels; an image may have at most %(limit)s megapixels."),
        code="image_too_many_pixels",
        params={"width": image.width, "height": image.height, "limit": limit},
    )


def clean_name(name, image_format):
    """A plain ASCII name ending in the extension of the image's real format."""
    stem = slugify(PurePosixPath(name or "").stem)[:80].strip("-_") or "image"
    return f"{stem}.{EXTENSIONS[image_format]}"


def clean_upload(uploaded):
    """The upload re-encoded without metadata, under a clean name, as a ContentFile.

    EXIF (with any GPS position), XMP and comments are dropped; a photo is turned
    upright first, since its orientation lived in the EXIF. Returns None for a file
    Pillow cannot re-encode: it is then kept as it came (validation refuses such files
    in the admin; only code that skips validation can store one).
    """
    file = getattr(uploaded, "file", uploaded)
    try:
        file.seek(0)
        with open_image(file) as original:
            check_pixels(original)
            image_format = original.format
            animated = getattr(original, "n_frames", 1) > 1
            options = {"format": image_format}
            if animated:
                image = original
                options.update(save_all=True, loop=original.info.get("loop", 0))
                if image_format == "GIF":
                    options["duration"] = original.info.get("duration", 100)
            else:
                image = ImageOps.exif_transpose(original)
                image.load()
            if image_format == "JPEG":
                options.update(quality=ORIGINAL_JPEG_QUALITY, optimize=True)
            elif image_format == "WEBP":
                options.update(quality=90, lossless=original.info.get("lossless", False))
            elif image_format == "PNG":
                options["optimize"] = True
            if "icc_profile" in original.info:  # colours, not personal data
                options["icc_profile"] = original.info["icc_profile"]
            if "transparency" in original.info and image_format in ("PNG", "GIF"):
                options["transparency"] = original.info["transparency"]
            buffer = BytesIO()
            image.save(buffer, **options)
    except (ValidationError, OSError, ValueError, SyntaxError):
        logger.exception("Could not clean the upload %s", getattr(uploaded, "name", ""))
        return None
    finally:
        file.seek(0)
    return ContentFile(buffer.getvalue(), name=clean_name(getattr(uploaded, "name", ""), image_format))


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
    with storage.open(name, "rb") as source, Image.open(source, formats=ALLOWED_FORMATS) as original:
        check_pixels(original)  # a file that skipped validation is not decoded past the cap either
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
    except (OSError, ValidationError, Image.DecompressionBombError):
        # The upload is kept and shown as it is; the page simply has no smaller copies.
        logger.exception("Could not make renditions of %s", field_file.name)
        return
    type(instance).objects.filter(pk=instance.pk).update(image_width=width, image_height=height)
    instance.image_width, instance.image_height = width, height
