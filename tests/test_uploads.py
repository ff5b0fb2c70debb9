"""Hostile files: only plain JPEG, PNG, WebP and GIF images get in, and none leaks its metadata.

Every refusal is a form error in the admin, with the reason, and leaves nothing
behind: no article, no file. What gets in is re-encoded without EXIF (a phone's
GPS position), under a clean name.
"""

import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms, ImageFile
from pytest_django.asserts import assertContains, assertNotContains

from articles.images import make_renditions
from articles.models import Article, ImageCredit

from .factories import image_bytes, make_article
from .test_admin import add_article_form

pytestmark = pytest.mark.django_db

PARIS_GPS = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}


def png_header(width, height):
    """A PNG that announces width × height pixels in a few bytes: a decompression bomb."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width + 1) * 4, 9)  # the first rows; a decoder would ask for all
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def jpeg_with_gps():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Téléphone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(PARIS_GPS)
    buffer = BytesIO()
    Image.open(BytesIO(image_bytes((1000, 700)))).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def jpeg_with_comment(comment):
    buffer = BytesIO()
    Image.open(BytesIO(image_bytes((300, 200)))).save(buffer, format="JPEG", comment=comment)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
FORMAT = "Envoyez une image JPEG, PNG, WebP ou GIF."
POLYGLOT = "Le fichier contient autre chose qu’une image (du balisage ou un script)."
HOSTILE_FILES = [
    ("big.jpg", lambda: image_bytes((400, 300)) + b"\0" * (10 * 1024 * 1024), "Le fichier fait 10,0"),
    ("bomb.png", lambda: png_header(10_000, 8_000), "L’image fait 10000 × 8000 pixels"),
    ("huge-bomb.png", lambda: png_header(100_000, 100_000), "L’image a trop de pixels"),
    ("gifar.gif", lambda: image_bytes((40, 40), "GIF") + b"<script>alert(1)</script>", POLYGLOT),
    ("comment.jpg", lambda: jpeg_with_comment(b"<html><body onload=alert(1)>"), POLYGLOT),
    ("pdf-inside.png", lambda: image_bytes((40, 40), "PNG") + PDF, POLYGLOT),
    ("drawing.svg", lambda: SVG, FORMAT),
    ("drawing.jpg", lambda: SVG, FORMAT),
    ("scan.tiff", lambda: image_bytes((40, 40), "TIFF"), FORMAT),
    ("scan.png", lambda: image_bytes((40, 40), "TIFF"), FORMAT),
    ("paper.pdf", lambda: PDF, FORMAT),
    ("photo.bmp", lambda: image_bytes((40, 40), "BMP"), FORMAT),
    ("empty.jpg", lambda: b"", "Le fichier soumis est vide."),
]


def post_upload(client, name, content):
    form = add_article_form(**{"image-0-image_url": ""})
    return client.post(
        "/admin/articles/article/add/", {**form, "image-0-image": SimpleUploadedFile(name, content)}
    )


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE_FILES, ids=[f[0] for f in HOSTILE_FILES])
def test_admin_refuses_a_hostile_file_with_a_clear_error(admin_client, media_root, name, content, message):
    response = post_upload(admin_client, name, content())

    assert response.status_code == 200
    assertContains(response, message)
    assert not Article.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_large_photo_full_of_detail_is_not_taken_for_a_polyglot(media_root):
    import random

    from articles.images import validate_image_format

    noise = Image.frombytes("RGB", (2400, 1600), random.Random(7).randbytes(2400 * 1600 * 3))
    buffer = BytesIO()
    noise.save(buffer, format="JPEG", quality=95)  # compressed pixels that look random

    assert buffer.tell() > 4 * 1024 * 1024
    validate_image_format(SimpleUploadedFile("bruit.jpg", buffer.getvalue()))


def test_limits_come_from_the_settings(admin_client, media_root, settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    settings.IMAGE_UPLOAD_MAX_BYTES = 1000 * 1024

    too_many = post_upload(admin_client, "a.png", image_bytes((101, 100), "PNG"))
    too_big = post_upload(admin_client, "b.jpg", image_bytes((50, 50)) + b"\0" * 1024 * 1024)

    assertContains(
        too_many, "L’image fait 101 × 100 pixels ; une image peut en avoir au plus 0,01 mégapixels."
    )
    assertContains(too_big, "Le fichier fait 1,0\xa0Mio ; une image peut faire au plus 1000,0\xa0Kio.")


def test_no_gps_position_leaks_from_a_phone_photo(admin_client, media_root):
    upload = jpeg_with_gps()
    with Image.open(BytesIO(upload)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo) == PARIS_GPS  # the test photo has one

    response = post_upload(admin_client, "IMG_2041.JPG", upload)

    assert response.status_code == 302
    stored = sorted(media_root.rglob("*.*"))
    assert len(stored) == 1 + 8  # the original and its renditions
    for path in stored:
        with Image.open(path) as image:
            assert dict(image.getexif()) == {}, path.name
            assert "exif" not in image.info and "comment" not in image.info, path.name
        assert b"Exif" not in path.read_bytes() and "Téléphone".encode() not in path.read_bytes()


@pytest.mark.parametrize(
    ("name", "image_format", "stored"),
    [
        ("../../Photo d’été <script>.JPG", "JPEG", "photo-dete-script.jpg"),
        ("schéma.html.png", "GIF", "schemahtml.gif"),
        ("animation.jpg", "WEBP", "animation.webp"),
        ("☃.webp", "PNG", "image.png"),
    ],
)
def test_file_names_are_plain_and_end_in_the_real_format(
    admin_client, media_root, name, image_format, stored
):
    response = post_upload(admin_client, name, image_bytes((200, 100), image_format))

    assert response.status_code == 302
    image = ImageCredit.objects.get().image
    assert image.name.startswith("images/") and image.name.endswith("/" + stored)
    with Image.open(media_root / image.name) as saved:
        assert saved.format == image_format


def test_an_animated_gif_stays_animated(media_root):
    frames = [Image.new("RGB", (60, 40), color) for color in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    buffer = BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    credit = ImageCredit(article=make_article(), alt_text="Animation", credit="Moi")
    credit.image = SimpleUploadedFile("anim.gif", buffer.getvalue())
    credit.full_clean()
    credit.save()

    with Image.open(credit.image.path) as saved:
        assert saved.n_frames == 3


def test_a_bomb_that_skipped_validation_is_never_decoded(media_root):
    credit = ImageCredit(article=make_article(), alt_text="Bombe", credit="Moi")
    credit.image = SimpleUploadedFile("bomb.png", png_header(10_000, 8_000))

    with pytest.raises(ValidationError, match="10000 × 8000"):
        credit.save()  # as code that skips validation would

    assert not ImageCredit.objects.exists() and stored_files(media_root) == []
    name = default_storage.save("images/bomb.png", ContentFile(png_header(10_000, 8_000)))
    with pytest.raises(ValidationError, match="10000 × 8000"):
        make_renditions(ImageCredit(image=name).image)


def stored_files(media_root):
    return sorted(media_root.rglob("*.*")) if media_root.exists() else []


def truncated_phone_photo():
    """A phone photo with its GPS position whose last third was cut off (an interrupted transfer)."""
    photo = jpeg_with_gps()
    return photo[: len(photo) * 2 // 3]


TRUNCATED = "L’image n’a pas pu être lue jusqu’au bout : le fichier est tronqué ou abîmé."


def test_a_truncated_photo_with_a_gps_position_is_refused_and_nothing_is_stored(admin_client, media_root):
    upload = truncated_phone_photo()
    with Image.open(BytesIO(upload)) as opened:  # its header, GPS included, reads fine
        assert opened.getexif().get_ifd(ExifTags.IFD.GPSInfo) == PARIS_GPS

    response = post_upload(admin_client, "IMG_2042.JPG", upload)

    assert response.status_code == 200
    assertContains(response, TRUNCATED)
    assert not Article.objects.exists()
    assert stored_files(media_root) == []


def test_a_truncated_photo_is_refused_by_the_model_and_by_its_save(media_root):
    credit = ImageCredit(article=make_article(), alt_text="Abîmée", credit="Moi")
    credit.image = SimpleUploadedFile("IMG_2042.JPG", truncated_phone_photo())

    with pytest.raises(ValidationError) as error:
        credit.full_clean()
    assert error.value.message_dict["image"] == [
        TRUNCATED + " Exportez-la de nouveau et envoyez le nouveau fichier."
    ]
    with pytest.raises(ValidationError, match="lue jusqu’au bout"):
        credit.save()  # as code that skips validation would: the bytes that came are not kept
    assert not ImageCredit.objects.exists() and stored_files(media_root) == []


def test_a_truncated_photo_is_refused_even_when_someone_allowed_truncated_images(media_root, monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # a library's import did it
    credit = ImageCredit(article=make_article(), alt_text="Abîmée", credit="Moi")
    credit.image = SimpleUploadedFile("IMG_2042.JPG", truncated_phone_photo())

    with pytest.raises(ValidationError, match="lue jusqu’au bout"):
        credit.full_clean()
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# Markup that the polyglot check lets through (no <script>, <html>…): only the re-encoding removes it.
APPENDED_HTML = b'<img src=x onerror="alert(document.cookie)"><a href=//evil.example>'


@pytest.mark.parametrize("name", ["photo.html", "photo.php", "photo.jpeg"])
def test_a_jpeg_with_html_appended_is_stored_re_encoded_as_jpg(admin_client, media_root, name):
    response = post_upload(admin_client, name, image_bytes((600, 400)) + APPENDED_HTML)

    assert response.status_code == 302
    stored = ImageCredit.objects.get().image
    assert stored.name.startswith("images/") and stored.name.endswith("/photo.jpg")
    assert b"onerror" not in (media_root / stored.name).read_bytes()
    assert sorted(path.suffix for path in stored_files(media_root)) == [".jpg"] * 3 + [".webp"] * 2
    with Image.open(media_root / stored.name) as saved:
        assert saved.format == "JPEG" and saved.size == (600, 400)


@pytest.mark.parametrize("name", ["photo.html", "shell.php"])
def test_a_polyglot_saved_without_validation_is_stored_re_encoded_as_jpg(media_root, name):
    credit = ImageCredit(article=make_article(), alt_text="Polyglotte", credit="Moi")
    polyglot = image_bytes((600, 400)) + b"<html><?php system($_GET['c']); ?>" + APPENDED_HTML
    credit.image = SimpleUploadedFile(name, polyglot)
    credit.save()  # as code that skips validation would

    assert credit.image.name.endswith("/" + name.split(".")[0] + ".jpg")
    content = (media_root / credit.image.name).read_bytes()
    assert b"<?php" not in content and b"<html>" not in content and b"onerror" not in content
    assert all(path.suffix in (".jpg", ".webp") for path in stored_files(media_root))


def jpeg_header(width, height):
    """The first bytes of a real width × height JPEG: its header, and none of its pixels."""
    buffer = BytesIO()
    Image.new("RGB", (width, height), (30, 110, 170)).save(buffer, format="JPEG")
    return buffer.getvalue()[:1024]


def test_an_image_over_the_pixel_budget_is_refused_before_it_is_decoded(admin_client, media_root):
    # Its pixels are missing: had it been decoded, the refusal would say the file is cut short.
    response = post_upload(admin_client, "appareil.jpg", jpeg_header(6000, 4100))

    assert response.status_code == 200
    assertContains(
        response, "L’image fait 6000 × 4100 pixels ; une image peut en avoir au plus 24 mégapixels."
    )
    assertNotContains(response, "jusqu’au bout")
    assert stored_files(media_root) == []


def test_a_stored_photo_carries_no_exif_gps_xmp_comment_or_colour_profile(admin_client, media_root):
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Téléphone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(PARIS_GPS)
    buffer = BytesIO()
    Image.open(BytesIO(image_bytes((1000, 700)))).save(
        buffer,
        format="JPEG",
        exif=exif,
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>48,51.29N</exif:GPSLatitude></x:xmpmeta>',
        comment=b"Jeanne, 48.85N 2.29E",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )

    response = post_upload(admin_client, "IMG_2043.JPG", buffer.getvalue())

    assert response.status_code == 302
    stored = stored_files(media_root)
    assert len(stored) == 1 + 8
    for path in stored:
        with Image.open(path) as image:
            assert dict(image.getexif()) == {} and image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
            assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info), path.name
        content = path.read_bytes()
        assert b"GPSLatitude" not in content and b"Jeanne" not in content, path.name


def test_an_animated_gif_loses_its_comment_and_keeps_its_frames(media_root):
    frames = [Image.new("RGB", (60, 40), color) for color in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    buffer = BytesIO()
    frames[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=frames[1:],
        duration=200,
        loop=0,
        comment=b"Jeanne, 48.85N 2.29E",
    )
    credit = ImageCredit(article=make_article(), alt_text="Animation", credit="Moi")
    credit.image = SimpleUploadedFile("anim.gif", buffer.getvalue())
    credit.full_clean()
    credit.save()

    assert b"Jeanne" not in (media_root / credit.image.name).read_bytes()
    with Image.open(credit.image.path) as saved:
        assert saved.n_frames == 3 and saved.info["duration"] == 200


def test_a_multi_picture_jpeg_from_a_phone_is_stored_as_its_first_picture(admin_client, media_root):
    pictures = [
        Image.open(BytesIO(image_bytes((800, 600), color=color))) for color in ((200, 0, 0), (0, 0, 200))
    ]
    buffer = BytesIO()
    pictures[0].save(buffer, format="MPO", save_all=True, append_images=pictures[1:])
    with Image.open(BytesIO(buffer.getvalue())) as upload:
        assert upload.format == "MPO" and upload.n_frames == 2

    response = post_upload(admin_client, "IMG_2044.JPG", buffer.getvalue())

    assert response.status_code == 302
    with Image.open(media_root / ImageCredit.objects.get().image.name) as saved:
        assert saved.format == "JPEG" and getattr(saved, "n_frames", 1) == 1 and saved.size == (800, 600)


ONE_PIXEL = b"\x02\x02\x44\x01\x00"  # a frame's LZW data: its minimum code size, then one pixel


def gif_frame(width, height, delay=10, data=None):
    """A frame of a hand-made GIF: its timing, its extent from the top left, its pixels (LZW)."""
    if data is None:  # Pillow's own encoding of width × height pixels of one colour
        buffer = BytesIO()
        Image.new("P", (width, height)).save(buffer, format="GIF")
        encoded = buffer.getvalue()
        start = encoded.index(b"," + struct.pack("<4H", 0, 0, width, height)) + 10
        data = encoded[start:-1]
    timing = b"\x21\xf9\x04\x04" + struct.pack("<H", delay) + b"\x00\x00"
    return timing + b"," + struct.pack("<4H", 0, 0, width, height) + b"\x00" + data


def gif_of(screen, frames):
    """A GIF whose header announces ``screen`` (width, height), with the frames given."""
    header = b"GIF89a" + struct.pack("<2H", *screen) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    return header + b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00" + b"".join(frames) + b";"


def test_an_animation_whose_later_frame_outgrows_its_header_is_refused(admin_client, media_root, settings):
    # The header says 1 × 1 and two frames; the second frame spans 200 × 200: GIF readers grow
    # the picture to hold it. A 100 KB file grew so to 144 megapixels: 15 s of a core, 3 GB.
    settings.IMAGE_MAX_PIXELS = 100 * 100
    growing = gif_of((1, 1), [gif_frame(1, 1, data=ONE_PIXEL), gif_frame(200, 200)])

    response = post_upload(admin_client, "grandit.gif", growing)

    assert response.status_code == 200
    assertContains(
        response, "L’image fait 200 × 200 pixels ; une image peut en avoir au plus 0,01 mégapixels."
    )
    assert stored_files(media_root) == []


def test_an_animation_that_grows_past_what_pillow_allows_is_refused_with_a_clear_error(
    admin_client, media_root
):
    growing = gif_of((1, 1), [gif_frame(1, 1, data=ONE_PIXEL), gif_frame(15_000, 15_000, data=ONE_PIXEL)])

    response = post_upload(admin_client, "bombe.gif", growing)

    assert response.status_code == 200
    assertContains(response, "L’image a trop de pixels ; une image peut en avoir au plus 24 mégapixels.")
    assert stored_files(media_root) == []


def test_an_animation_of_too_many_frames_is_refused(admin_client, media_root, settings):
    # A frame costs its decoding and a copy whatever its size: 100,000 one-pixel frames
    # (2 MB) held a worker for 7 s.
    settings.IMAGE_MAX_FRAMES = 50
    frames = [gif_frame(1, 1, data=ONE_PIXEL)]

    refused = post_upload(admin_client, "long.gif", gif_of((1, 1), frames * 51))
    accepted = post_upload(admin_client, "court.gif", gif_of((1, 1), frames * 50))

    assertContains(refused, "L’animation a 51 images ; une image peut en avoir au plus 50.")
    assert accepted.status_code == 302
    with Image.open(media_root / ImageCredit.objects.get().image.name) as saved:
        assert saved.format == "GIF"


def test_an_animation_too_long_to_write_again_is_refused_with_a_clear_error(admin_client, media_root):
    # Two equal frames of 400 s each: written again, they are one frame of 800 s, more than
    # a GIF can say.
    frame = gif_frame(1, 1, delay=40_000, data=ONE_PIXEL)

    response = post_upload(admin_client, "pause.gif", gif_of((1, 1), [frame, frame]))

    assert response.status_code == 200
    assertContains(response, "L’image n’a pas pu être réencodée.")
    assert stored_files(media_root) == []
