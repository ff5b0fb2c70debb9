"""Uploaded images: checked, decoded to the end, re-encoded without metadata, copied at several widths.

An upload is refused (``validate_image_format``, the field's validator) unless it
is a JPEG, PNG, WebP or GIF that Pillow, restricted to those formats, can open,
within a size in bytes and a number of pixels set in the settings, holding
nothing but an image (no markup or script riding along, as in a polyglot file),
and whose every pixel can be decoded. The pixel count is read from the header
first: a decompression bomb, or an image over the budget, is refused before it
is decoded; so is an animation of more frames than the settings allow. A GIF's
frame may reach past the size its header announced (readers grow the picture to
hold it): each frame is counted again, at its real size, before it is decoded.
A file cut short is refused, never padded with grey:
``ImageFile.LOAD_TRUNCATED_IMAGES`` is forced off before each decode.

Only re-encoded images are stored (``clean_upload``): the pixels, turned upright
and converted to sRGB, written again without EXIF (and its GPS position), XMP,
comments or colour profile, under a plain ASCII name whose extension is that of
the decoded format. An image that cannot be re-encoded is refused, in the form
and in ``ImageCredit.save()`` alike; the bytes that came are never kept. The
decoded image is kept with the upload (``_cleaned``) so that the form's check,
the model's and the save decode it once, and its renditions are made from it:
smaller copies written next to it under ``renditions/``, at names derived from
the original's name so that pages can list them (``srcset``) without touching
the disk. Linked images (an address elsewhere) are shown as they are.
"""

import contextlib
import logging
import re
import weakref
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageFile, ImageOps, ImageSequence, UnidentifiedImageError

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
# What a frame of an animation keeps of its own information: its timing and transparency.
FRAME_INFO = ("duration", "transparency", "disposal", "blend", "background", "loop")
SRGB = ImageCms.createProfile("sRGB")
# Decode failures of a damaged file, as Pillow's decoders raise them; OverflowError when a value
# read (a GIF's frames of the same pixels, merged, and their summed timing) cannot be written again.
DECODE_ERRORS = (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, TypeError, OverflowError)

ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int


@dataclass(frozen=True)
class CleanImage:
    """An upload re-encoded: the file to store, and its first frame upright for the renditions."""

    content: ContentFile
    image: Image.Image


# An upload's raw file → its CleanImage: decoded once for the form's check, the model's and the save.
_cleaned = weakref.WeakKeyDictionary()


def raw_file(value):
    """The file object under a FieldFile or an UploadedFile: the one the form and the model share."""
    while isinstance(value, File) and value.file is not None and value.file is not value:
        value = value.file
    return value


def validate_image_format(value):
    """The upload field's validator: a JPEG, PNG, WebP or GIF image, within limits, and nothing else.

    A new upload is decoded to the end and re-encoded (kept for the save); an image already
    stored, which was re-encoded when it came, is only looked at from its header.
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
    if not (isinstance(value, FieldFile) and value._committed):
        clean_image(value)


class ImageUploadField(forms.ImageField):
    """The upload's form field: Django's own opens any format Pillow knows; this one only ours.

    Nor does it check the name's extension: the format read decides, and names the stored file.
    """

    default_validators = []

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


def frame_count(image):
    # A multi-picture JPEG (MPO, from some phones) is its first picture: the others are depth or stereo.
    return 1 if image.format == "MPO" else getattr(image, "n_frames", 1)


def check_pixels(image):
    """Refuse an image whose header announces more pixels, or more frames, than the configured
    caps, before decoding."""
    frames = frame_count(image)
    if frames > settings.IMAGE_MAX_FRAMES:
        raise ValidationError(
            _("The animation has %(frames)d frames; an image may have at most %(limit)d."),
            code="image_too_many_frames",
            params={"frames": frames, "limit": settings.IMAGE_MAX_FRAMES},
        )
    if image.width * image.height * frames > settings.IMAGE_MAX_PIXELS:
        raise too_many_pixels(image)


def too_many_pixels(image=None):
    megapixels = settings.IMAGE_MAX_PIXELS / 1_000_000
    limit = number_format(int(megapixels) if megapixels.is_integer() else megapixels)
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


def incomplete_image():
    return ValidationError(
        _(
            "The image could not be read to the end: the file is cut short or damaged. "
            "Export it again and upload the new file."
        ),
        code="image_incomplete",
    )


def clean_name(name, image_format):
    """A plain ASCII name ending in the extension of the image's real format."""
    stem = slugify(PurePosixPath(name or "").stem)[:80].strip("-_") or "image"
    return f"{stem}.{EXTENSIONS[image_format]}"


def clean_upload(uploaded):
    """The upload re-encoded (a CleanImage), or a ValidationError saying why it cannot be.

    Decoded once per upload: the validator's result is reused here.
    """
    key = raw_file(uploaded)
    try:
        return _cleaned.pop(key)
    except (KeyError, TypeError):
        return reencode(uploaded)


def clean_image(uploaded):
    """Decode and re-encode an upload now, unless done already, and keep the result for its save."""
    key = raw_file(uploaded)
    with contextlib.suppress(TypeError):  # a file object that cannot be weakly referenced: no memory
        if key in _cleaned:
            return _cleaned[key]
    cleaned = reencode(uploaded)
    with contextlib.suppress(TypeError):
        _cleaned[key] = cleaned
    return cleaned


def reencode(uploaded):
    """Decode every pixel of an upload and write them again, upright, in sRGB, without metadata.

    EXIF (with any GPS position), XMP, comments and the colour profile are dropped: the
    pixels are copied into new images that carry nothing else, but an animation's timing
    and transparency.
    """
    file = getattr(uploaded, "file", uploaded)
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # a cut file must fail here, whoever set it
    try:
        file.seek(0)
        with open_image(file) as original:
            check_pixels(original)
            image_format = "JPEG" if original.format == "MPO" else original.format
            try:
                frames = decoded_frames(original)
            except Image.DecompressionBombError:  # a frame grown past what Pillow itself allows
                raise too_many_pixels() from None
            except DECODE_ERRORS:
                raise incomplete_image() from None
            options = {"format": image_format}
            if len(frames) > 1:
                options.update(
                    save_all=True,
                    append_images=frames[1:],
                    loop=original.info.get("loop", 0),
                    duration=[frame.info.get("duration", 100) for frame in frames],
                )
            if image_format == "JPEG":
                options.update(quality=ORIGINAL_JPEG_QUALITY, optimize=True)
            elif image_format == "WEBP":
                options.update(quality=90, lossless=original.info.get("lossless", False))
            elif image_format == "PNG":
                options["optimize"] = True
            buffer = BytesIO()
            try:
                frames[0].save(buffer, **options)
            except DECODE_ERRORS:
                logger.exception("Could not re-encode the upload %s", getattr(uploaded, "name", ""))
                raise ValidationError(
                    _("The image could not be re-encoded. Export it again as a plain image."),
                    code="image_not_reencoded",
                ) from None
    finally:
        file.seek(0)
    name = clean_name(getattr(uploaded, "name", ""), image_format)
    return CleanImage(ContentFile(buffer.getvalue(), name=name), frames[0])


def decoded_frames(original):
    """Every frame decoded, as new images holding nothing but pixels (and a frame's timing).

    A still photo is turned upright (its orientation lived in the EXIF) and converted to
    sRGB when it came with a colour profile, so that dropping the profile keeps its colours.
    """
    if frame_count(original) == 1:
        original.load()
        image = to_srgb(ImageOps.exif_transpose(original), original.info.get("icc_profile"))
        image.info = {key: original.info[key] for key in ("transparency",) if key in original.info}
        return [image]
    frames, pixels = [], 0
    for frame in ImageSequence.Iterator(original):
        pixels += frame.width * frame.height  # the picture as this frame grew it, not yet decoded
        if pixels > settings.IMAGE_MAX_PIXELS:
            raise too_many_pixels(frame)
        frame.load()
        copy = frame.copy()
        copy.info = {key: frame.info[key] for key in FRAME_INFO if key in frame.info}
        frames.append(copy)
    return frames


def to_srgb(image, icc_profile):
    """The image's colours in sRGB, from its own profile; as they are if it has none or a broken one."""
    if not icc_profile or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        # CMYK without a profile: Pillow's plain conversion, since browsers show CMYK badly.
        return image.convert("RGB") if image.mode == "CMYK" else image
    try:
        return ImageCms.profileToProfile(
            image,
            ImageCms.ImageCmsProfile(BytesIO(icc_profile)),
            SRGB,
            outputMode="RGBA" if image.mode == "RGBA" else "RGB",
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A profile lcms cannot read: the pixels as they are, like a browser shows them (CMYK as RGB).
        return image.convert("RGB") if image.mode == "CMYK" else image


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
    """The WebP and fallback renditions of an uploaded image, smallest first; None when there is
    no uploaded file, or its width was never read (no renditions were made)."""
    if not field_file or not original_width:
        return None
    storage, name = field_file.storage, field_file.name
    widths = rendition_widths(original_width)
    fallback = fallback_extension(name)
    return (
        [Rendition(storage.url(rendition_name(name, width, "webp")), width) for width in widths],
        [Rendition(storage.url(rendition_name(name, width, fallback)), width) for width in widths],
    )


def make_renditions(field_file, image=None):
    """Write every rendition of an uploaded image; return its (width, height) upright.

    ``image`` is the upload's decoded first frame (CleanImage.image); without it the stored
    file, which clean_upload wrote, is decoded again.
    """
    storage, name = field_file.storage, field_file.name
    if image is None:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        with storage.open(name, "rb") as source, Image.open(source, formats=ALLOWED_FORMATS) as original:
            check_pixels(original)  # a file that skipped validation is not decoded past the cap either
            image = ImageOps.exif_transpose(original)  # phones store portraits sideways
            image.load()
    fallback = fallback_extension(name)
    image = image.convert("RGBA" if fallback == "png" else "RGB")
    image.info = {}
    widths = rendition_widths(image.width)
    # The largest copy is made from the full image, the smaller ones from the largest: the full
    # image is resampled once, not once per width. It is first reduced by a whole factor (box
    # averaging) to no less than twice the target, then Lanczos does the rest: at these ratios
    # the difference with a full Lanczos does not show, and it is several times faster.
    largest = resized(image, widths[-1], image)
    for width in widths:
        copy = largest if width == widths[-1] else resized(largest, width, image)
        for extension, options in (
            ("webp", {"format": "WEBP", "quality": WEBP_QUALITY, "method": 4}),
            ("jpg", {"format": "JPEG", "quality": JPEG_QUALITY, "optimize": True, "progressive": True}),
            ("png", {"format": "PNG", "optimize": True}),
        ):
            if extension in ("webp", fallback):
                _save(storage, rendition_name(name, width, extension), copy, options)
    return image.width, image.height


def resized(source, width, original):
    if width == source.width:
        return source
    height = max(1, round(original.height * width / original.width))
    return source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)


def _save(storage, name, image, options):
    buffer = BytesIO()
    image.save(buffer, **options)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(buffer.getvalue()))


def update_renditions(sender, instance, **kwargs):
    """post_save of ImageCredit (and of people.Person, whose photo is an ``image`` too): make the
    renditions of a newly uploaded or replaced image."""
    field_file = instance.image
    decoded = instance.__dict__.pop("decoded_image", None)  # set by ImageCredit.save() from clean_upload
    if not field_file or not field_file.storage.exists(field_file.name):
        return
    if instance.image_width and field_file.storage.exists(
        rendition_name(field_file.name, rendition_widths(instance.image_width)[0], "webp")
    ):
        return
    try:
        width, height = make_renditions(field_file, decoded)
    except (OSError, ValidationError, Image.DecompressionBombError):
        # The upload is kept and shown as it is; the page simply has no smaller copies.
        logger.exception("Could not make renditions of %s", field_file.name)
        return
    type(instance).objects.filter(pk=instance.pk).update(image_width=width, image_height=height)
    instance.image_width, instance.image_height = width, height
