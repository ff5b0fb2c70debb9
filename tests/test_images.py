"""Uploaded images: renditions made with Pillow and served with srcset, sizes and dimensions."""

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import ImageCredit

from .factories import image_bytes, make_article, make_uploaded_image

pytestmark = pytest.mark.django_db


class ImageCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.sources, self.meta = [], [], {}

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
        if tag == "source":
            self.sources.append(dict(attrs))
        if tag == "meta" and dict(attrs).get("property"):
            self.meta[dict(attrs)["property"]] = dict(attrs)["content"]


def collect(response):
    collector = ImageCollector()
    collector.feed(response.content.decode())
    return collector


def srcset_files(srcset, media_root, media_url="/media/"):
    pairs = [candidate.strip().rsplit(" ", 1) for candidate in srcset.split(",")]
    return [(media_root / url.removeprefix(media_url), descriptor) for url, descriptor in pairs]


def test_upload_gets_webp_and_jpeg_renditions_at_several_widths(media_root):
    credit = make_uploaded_image(make_article(), size=(1600, 900))

    renditions = sorted(path.name for path in (media_root / "renditions").rglob("*.*"))

    assert renditions == sorted(
        f"photo-{width}w.{extension}" for width in (320, 640, 960, 1280) for extension in ("jpg", "webp")
    )
    with Image.open(next((media_root / "renditions").rglob("photo-640w.webp"))) as small:
        assert small.format == "WEBP" and small.size == (640, 360)
    with Image.open(next((media_root / "renditions").rglob("photo-1280w.jpg"))) as large:
        assert large.format == "JPEG" and large.size == (1280, 720)
    credit.refresh_from_db()
    assert (credit.image_width, credit.image_height) == (1600, 900)


def test_small_image_is_not_enlarged_and_png_keeps_png(media_root):
    make_uploaded_image(make_article(), name="schema.png", size=(500, 300), image_format="PNG")

    renditions = sorted(path.name for path in (media_root / "renditions").rglob("*.*"))

    assert renditions == ["schema-320w.png", "schema-320w.webp", "schema-500w.png", "schema-500w.webp"]


def test_portrait_photo_from_a_phone_is_turned_upright(media_root):
    from io import BytesIO

    buffer = BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    Image.new("RGB", (800, 600), (200, 40, 40)).save(buffer, format="JPEG", exif=exif)
    credit = ImageCredit(article=make_article(), alt_text="Portrait", credit="Moi")
    credit.image = SimpleUploadedFile("portrait.jpg", buffer.getvalue())
    credit.save()

    credit.refresh_from_db()
    assert (credit.image_width, credit.image_height) == (600, 800)


def test_article_page_serves_picture_with_srcset_sizes_and_dimensions(client, media_root):
    article = make_article(title="Un scanner neuf")
    make_uploaded_image(article, size=(1600, 900))

    page = collect(client.get(article.get_absolute_url()))

    [webp] = page.sources
    [img] = [image for image in page.images if "srcset" in image]
    assert webp["type"] == "image/webp"
    assert webp["sizes"] == img["sizes"] == "(min-width: 46rem) 44rem, 100vw"
    assert (img["width"], img["height"]) == ("1600", "900")
    assert img["alt"] == "Un scanner dans une salle d’hôpital"
    assert "loading" not in img  # the article's own image is at the top: loaded at once
    for srcset in (webp["srcset"], img["srcset"]):
        files = srcset_files(srcset, media_root)
        assert [descriptor for _path, descriptor in files] == ["320w", "640w", "960w", "1280w"]
        assert all(path.is_file() for path, _descriptor in files)
    assert (media_root / img["src"].removeprefix("/media/")).is_file()
    assert page.meta["og:image"] == f"http://testserver{img['src']}"  # the 1280 px JPEG, not the original
    assert img["src"].endswith("-1280w.jpg")


def test_cards_below_the_first_load_lazily_and_show_the_credit(client, media_root):
    for number in range(3):
        make_uploaded_image(make_article(title=f"Article illustré {number}"), name=f"photo{number}.jpg")

    response = client.get("/")
    cards = [image for image in collect(response).images if image.get("class") == "card-image"]

    assert len(cards) == 3
    assert "loading" not in cards[0]
    assert [card.get("loading") for card in cards[1:]] == ["lazy", "lazy"]
    assert response.content.decode().count("Crédit image : Photo : Hôpital Exemple — CC BY 4.0") == 3


def test_linked_image_is_shown_as_it_is_with_its_credit(client):
    article = make_article(image=True)

    response = client.get(article.get_absolute_url())
    [img] = collect(response).images

    assert img["src"] == article.image.image_url
    assert img["alt"] == article.image.alt_text
    assert "Crédit image : Image de l’article — droits possiblement réservés — " in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("image.bmp", image_bytes((40, 40), "BMP")),
        ("image.tiff", image_bytes((40, 40), "TIFF")),
        ("image.jpg", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
        ("image.png", b"not an image at all"),
    ],
)
def test_only_jpeg_png_webp_and_gif_are_accepted(media_root, name, content):
    credit = ImageCredit(article=make_article(), alt_text="x", credit="x")
    credit.image = SimpleUploadedFile(name, content)

    with pytest.raises(ValidationError) as error:
        credit.full_clean()

    assert error.value.message_dict["image"] == ["Envoyez une image JPEG, PNG, WebP ou GIF."]


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "GIF"])
def test_each_accepted_format_gets_renditions(media_root, image_format):
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}[image_format]
    credit = make_uploaded_image(
        make_article(), name=f"image.{extension}", size=(700, 400), image_format=image_format
    )

    assert credit.renditions is not None
    assert len(list((media_root / "renditions").rglob("image-*w.webp"))) == 3


def test_a_truncated_upload_saved_without_validation_is_refused_and_the_page_shows_no_file(
    client, media_root
):
    article = make_article(title="Image abîmée")
    credit = ImageCredit(article=article, alt_text="Abîmée", credit="Moi")
    photo = image_bytes((900, 500))
    credit.image = SimpleUploadedFile("broken.jpg", photo[: len(photo) * 2 // 3])

    with pytest.raises(ValidationError, match="lue jusqu’au bout"):
        credit.save()  # as code that skips validation would

    assert not ImageCredit.objects.exists()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))
    assert collect(client.get(article.get_absolute_url())).images == []


def test_renditions_are_made_from_the_decoded_upload_without_reading_it_back(media_root, monkeypatch):
    opened = []
    monkeypatch.setattr(
        Image, "open", lambda *args, real=Image.open, **kwargs: opened.append(1) or real(*args, **kwargs)
    )

    make_uploaded_image(make_article(), size=(1600, 900))

    assert len(opened) == 2  # the form's header check, then the one decode; never the stored file
    assert len(list((media_root / "renditions").rglob("*.*"))) == 8


def test_a_cmyk_photo_without_a_profile_is_stored_in_rgb(media_root):
    """Browsers show CMYK badly: the stored image and its renditions are RGB."""
    from io import BytesIO

    buffer = BytesIO()
    Image.open(BytesIO(image_bytes())).convert("CMYK").save(buffer, format="JPEG")
    credit = ImageCredit(article=make_article(), alt_text="Une photo", credit="CHU")
    credit.image = SimpleUploadedFile("cmyk.jpg", buffer.getvalue())
    credit.full_clean()
    credit.save()

    with Image.open(credit.image.path) as stored:
        assert stored.mode == "RGB"
