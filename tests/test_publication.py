"""The publication itself: its identity on every page, feed and structured data, and its own pages.

With nothing stored, the site is named by the settings (SITE_NAME) and its article pages carry
the default medical notice. What editors store in the admin (one identity, six pages in French
and English) reaches readers at once, despite the page cache, and costs no query once read.
"""

import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from articles.models import Article
from people.models import Person
from publication.models import SiteIdentity, SitePage

from .admin_forms import form_data
from .factories import image_bytes, make_article
from .hostile import executable_in_xml, executable_markup, json_script_urls, structured_data
from .queries import queries_for
from .test_hostile import ATOM_TAGS, RSS_TAGS, SITEMAP_TAGS

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NOTICE_FR = "Cette veille informe ; elle ne remplace pas l’avis d’un professionnel de santé."
NOTICE_EN = "This news watch informs; it does not replace the advice of a health professional."
Role = SitePage.Role
# role: (French title, French address, English title, English address)
PAGES = {
    Role.ABOUT: ("À propos", "a-propos", "About us", "about"),
    Role.EDITORIAL_POLICY: (
        "Politique éditoriale",
        "politique-editoriale",
        "Editorial policy",
        "editorial-policy",
    ),
    Role.CORRECTIONS_POLICY: (
        "Politique de correction",
        "corrections",
        "Corrections policy",
        "corrections-policy",
    ),
    Role.LEGAL: ("Mentions légales", "mentions-legales", "Legal notice", "legal-notice"),
    Role.CONTACT: ("Contact", "contact", "Contact us", "contact-us"),
    Role.CONFLICTS_OF_INTEREST: (
        "Liens d’intérêts",
        "liens-d-interets",
        "Conflicts of interest",
        "conflicts",
    ),
}


def make_identity(**fields):
    fields.setdefault("name", "Veille Santé")
    fields.setdefault("tagline", "La veille médicale, sources à l’appui")
    fields.setdefault("tagline_en", "Medical news, with every source")
    identity = SiteIdentity(**fields)
    identity.full_clean()
    identity.save()
    return identity


def make_page(role, status=SitePage.Status.PUBLISHED, **fields):
    title, slug, title_en, slug_en = PAGES[role]
    fields = {
        "title": title,
        "slug": slug,
        "body": f"Texte de la page « {title} ».",
        "title_en": title_en,
        "slug_en": slug_en,
        "body_en": f"Text of the page “{title_en}”.",
        **fields,
    }
    page = SitePage(role=role, status=status, **fields)
    page.full_clean()
    page.save()
    return page


def make_pages():
    return {role: make_page(role) for role in PAGES}


def text(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def footer(response):
    html = text(response)
    return html[html.index('<footer class="site-footer">') :]


def publisher(client, url):
    (data,) = structured_data(text(client.get(url)))
    return data["publisher"]


@pytest.fixture
def page_cache(settings):
    """The public pages' cache on, as in production (tests/test_caching.py)."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        },
    }


class TestWithNothingStored:
    def test_the_settings_name_the_site_and_the_default_notice_shows(self, client):
        url = make_article(title="Grippe saisonnière").get_absolute_url()

        page = text(client.get(url))

        assert "<title>Grippe saisonnière — Newsroom</title>" in page
        assertContains(client.get(url), '<meta property="og:site_name" content="Newsroom">', html=True)
        assertContains(client.get(url), f'<p class="medical-notice" role="note">{NOTICE_FR}</p>', html=True)
        assertContains(
            client.get(f"/en{url}"), f'<p class="medical-notice" role="note">{NOTICE_EN}</p>', html=True
        )
        assert '<nav class="site-pages"' not in page

    def test_article_pages_let_search_engines_show_large_images(self, client):
        url = make_article().get_absolute_url()

        assertContains(client.get(url), '<meta name="robots" content="max-image-preview:large">', html=True)
        assertNotContains(client.get("/"), "max-image-preview")

    def test_the_setting_is_the_default(self, client, settings):
        settings.SITE_NAME = "Autre nom"
        make_article()

        assert "<title>Autre nom</title>" in text(client.get("/"))


class TestIdentity:
    def test_the_name_and_tagline_everywhere(self, client):
        make_identity()
        article = make_article(title="Grippe saisonnière", tags=["Santé"])
        url = article.get_absolute_url()

        home = text(client.get("/"))
        assert '<a class="site-name" href="/">Veille Santé</a>' in home
        assert '<p class="site-tagline">La veille médicale, sources à l’appui</p>' in home
        assert "Medical news, with every source" in text(client.get("/en/"))
        assert "<title>Veille Santé</title>" in home
        for address in ("/archives/", "/tags/sante/", "/search/?q=grippe"):
            assert "— Veille Santé</title>" in text(client.get(address)), address
        assert "<title>Grippe saisonnière — Veille Santé</title>" in text(client.get(url))
        assertContains(client.get(url), '<meta property="og:site_name" content="Veille Santé">', html=True)
        assert "Newsroom" not in text(client.get(url))
        not_found = client.get("/pas-de-page-ici/")
        assert not_found.status_code == 404 and "— Veille Santé</title>" in not_found.content.decode()
        # An author's page and a withdrawn article's notice said « Newsroom » whatever the name.
        person = Person.objects.create(name="Anne Leroy")
        assert "<title>Anne Leroy — Veille Santé</title>" in text(client.get(person.get_absolute_url()))
        gone = make_article(title="Retiré", status=Article.Status.UNPUBLISHED, withdrawal_reason="Erreur.")
        Article.objects.filter(pk=gone.pk).update(withdrawn_at=timezone.now())
        notice = client.get(gone.get_absolute_url())
        assert notice.status_code == 410 and "— Veille Santé</title>" in notice.content.decode()

    def test_the_feeds_and_the_news_sitemap(self, client):
        make_identity()
        # An hour old: the news sitemap lists the last two days only, whatever tests ran before.
        make_article(tags=["Oncologie"], published_at=timezone.now() - timedelta(hours=1))

        rss = ET.fromstring(client.get("/feed/").content)  # noqa: S314 -- the site's own output
        atom = ET.fromstring(client.get("/feed/atom/").content)  # noqa: S314
        tag = ET.fromstring(client.get("/tags/oncologie/feed/").content)  # noqa: S314
        news = ET.fromstring(client.get("/sitemap-news.xml").content)  # noqa: S314

        assert rss.find("channel").findtext("title") == "Veille Santé"
        assert atom.findtext(f"{ATOM}title") == "Veille Santé"
        assert tag.find("channel").findtext("title") == "Veille Santé — Oncologie"
        names = {
            element.text for element in news.iter("{http://www.google.com/schemas/sitemap-news/0.9}name")
        }
        assert names == {"Veille Santé"}

    def test_the_publisher_in_the_structured_data_with_its_logo(self, client, media_root):
        identity = make_identity(
            logo=SimpleUploadedFile("Logo Veille.PNG", image_bytes((600, 120), "PNG")),
            legal_name="Veille Santé SAS",
            contact_email="redaction@veille.example",
        )
        url = make_article().get_absolute_url()

        data = publisher(client, url)

        assert identity.logo.name == "publication/logo-veille.png"  # re-encoded under a clean name
        assert data == {
            "@type": "Organization",
            "name": "Veille Santé",
            "url": "http://testserver/",
            "legalName": "Veille Santé SAS",
            "email": "redaction@veille.example",
            "logo": {
                "@type": "ImageObject",
                "url": f"http://testserver/media/{identity.logo.name}",
                "width": 600,
                "height": 120,
            },
        }
        assertContains(client.get("/"), f'<img class="site-logo" src="/media/{identity.logo.name}"')

    def test_a_file_that_is_not_an_image_is_refused_as_a_logo(self, editor_client, media_root):
        form = form_data(editor_client.get("/admin/publication/siteidentity/add/"), "siteidentity_form")

        response = editor_client.post(
            "/admin/publication/siteidentity/add/",
            {**form, "name": "Veille", "logo": SimpleUploadedFile("logo.png", b"<script>alert(1)</script>")},
        )

        assertContains(response, "JPEG, PNG, WebP ou GIF")
        assert not SiteIdentity.objects.exists()

    def test_the_admin_header_names_the_site(self, editor_client):
        make_identity()

        assertContains(editor_client.get("/admin/"), '<a href="/admin/">Veille Santé</a>', html=True)
        assertContains(
            editor_client.get("/admin/"), "<title>Site d’administration | Veille Santé</title>", html=True
        )

    def test_the_medical_notice_is_the_identity_s(self, client):
        make_identity(
            medical_notice="Ne remplace pas une consultation.", medical_notice_en="Not a consultation."
        )
        url = make_article().get_absolute_url()

        assertContains(client.get(url), "Ne remplace pas une consultation.")
        assertContains(client.get(f"/en{url}"), "Not a consultation.")
        assertNotContains(client.get("/"), "Ne remplace pas une consultation.")


class TestPages:
    def test_every_page_answers_in_both_languages(self, client):
        make_pages()

        for title, slug, title_en, slug_en in PAGES.values():
            assertContains(client.get(f"/{slug}/"), f"<h1>{title}</h1>", html=True)
            assertContains(client.get(f"/en/{slug_en}/"), f"<h1>{title_en}</h1>", html=True)
            assert client.get(f"/en/{slug}/").status_code == 404 or slug == slug_en

    def test_the_language_link_leads_to_the_page_in_the_other_language(self, client):
        make_page(Role.ABOUT)

        assertContains(
            client.get("/a-propos/"), '<a href="/en/about/" hreflang="en" lang="en">English</a>', html=True
        )
        assertContains(
            client.get("/en/about/"),
            '<link rel="alternate" hreflang="fr" href="http://testserver/a-propos/">',
        )

    def test_the_body_is_markdown_through_the_sanitizer(self, client):
        make_page(
            Role.ABOUT, body="## Qui sommes-nous\n\nUne **rédaction** de [médecins](https://example.org/)."
        )

        page = text(client.get("/a-propos/"))

        assert "<h2>Qui sommes-nous</h2>" in page and "<strong>rédaction</strong>" in page
        assert '<a href="https://example.org/" rel="' in page

    def test_the_footer_of_every_public_page_links_them_in_order(self, client):
        make_pages()
        url = make_article(tags=["Santé"]).get_absolute_url()

        for address in ("/", url, "/tags/sante/", "/archives/", "/search/?q=x", "/a-propos/"):
            links = footer(client.get(address))
            positions = [links.index(f'<a href="/{slug}/">{title}</a>') for title, slug, *_ in PAGES.values()]
            assert positions == sorted(positions), address
        english = footer(client.get("/en/"))
        for _title, _slug, title_en, slug_en in PAGES.values():
            assert f'<a href="/en/{slug_en}/">{title_en}</a>' in english

    def test_the_sitemap_lists_them_in_both_languages(self, client):
        make_pages()
        make_page_draft = SitePage.objects.get(role=Role.CONTACT)
        make_page_draft.status = SitePage.Status.DRAFT
        make_page_draft.save()

        index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
        pages = ET.fromstring(client.get("/sitemap-pages.xml").content)  # noqa: S314

        assert "http://testserver/sitemap-pages.xml" in [loc.text for loc in index.iter(f"{SM}loc")]
        locations = [url.findtext(f"{SM}loc") for url in pages.findall(f"{SM}url")]
        assert "http://testserver/a-propos/" in locations and "http://testserver/en/about/" in locations
        assert (
            "http://testserver/contact/" not in locations
            and "http://testserver/en/contact-us/" not in locations
        )
        assert len(locations) == 10
        about = next(
            url for url in pages.findall(f"{SM}url") if url.findtext(f"{SM}loc").endswith("/a-propos/")
        )
        assert {link.get("href") for link in about.findall(f"{XHTML}link")} >= {"http://testserver/en/about/"}
        assert about.findtext(f"{SM}lastmod")

    def test_the_publisher_names_its_policies(self, client):
        make_pages()
        url = make_article().get_absolute_url()

        french, english = publisher(client, url), publisher(client, f"/en{url}")

        assert french["publishingPrinciples"] == "http://testserver/politique-editoriale/"
        assert french["correctionsPolicy"] == "http://testserver/corrections/"
        assert french["ethicsPolicy"] == "http://testserver/liens-d-interets/"
        assert english["correctionsPolicy"] == "http://testserver/en/corrections-policy/"

    def test_a_draft_page_never_leaks(self, client):
        make_page(Role.CORRECTIONS_POLICY, status=SitePage.Status.DRAFT, body="Brouillon secret")
        url = make_article().get_absolute_url()

        assert client.get("/corrections/").status_code == 404
        assert client.get("/en/corrections-policy/").status_code == 404
        for address in ("/", url, "/sitemap-pages.xml", "/en/"):
            response = client.get(address)
            assert "Politique de correction" not in response.content.decode(), address
            assert "corrections" not in response.content.decode().split("<footer", 1)[-1], address
        assert "correctionsPolicy" not in publisher(client, url)

    def test_an_address_of_the_site_is_refused(self, editor_client):
        form = form_data(editor_client.get("/admin/publication/sitepage/add/"), "sitepage_form")
        for slug, slug_en in (
            ("archives", "about"),
            ("a-propos", "search"),
            ("admin", "x"),
            ("en", "y"),
            ("feed", "z"),
            ("EN", "v"),  # the English prefix in capitals: the page was saved and never answered
            ("Admin", "w"),
            ("Archives", "u"),
            ("a-propos-fr", "Static"),
        ):
            response = editor_client.post(
                "/admin/publication/sitepage/add/",
                {**form, "role": "about", "title": "À propos", "slug": slug, "body": "Texte",
                 "title_en": "About", "slug_en": slug_en, "body_en": "Text"},
            )  # fmt: skip
            assertContains(response, "Cette adresse est réservée par le site.")
        assert not SitePage.objects.exists()

    def test_an_edit_is_kept_in_the_revisions(self, editor_client):
        page = make_page(Role.ABOUT)
        url = f"/admin/publication/sitepage/{page.pk}/change/"

        response = editor_client.post(
            url, form_data(editor_client.get(url), "sitepage_form", body="Nouveau texte.")
        )

        assert response.status_code == 302
        versions = Version.objects.get_for_object(page)
        assert versions.count() == 1 and "Nouveau texte." in versions[0].serialized_data
        history = editor_client.get(f"/admin/publication/sitepage/{page.pk}/history/")
        assertContains(history, f"/admin/publication/sitepage/{page.pk}/history/{versions[0].pk}/")
        restore = editor_client.get(f"/admin/publication/sitepage/{page.pk}/history/{versions[0].pk}/")
        assertContains(restore, "Nouveau texte.")


class TestAtOnceAndCheap:
    def test_admin_edits_reach_cached_pages_at_once(self, client, editor_client, page_cache):
        make_identity()
        page = make_page(Role.ABOUT)
        url = make_article().get_absolute_url()
        for address in (url, "/", "/a-propos/"):
            assert "Veille Santé" in text(client.get(address))
            assert "Veille Santé" in text(client.get(address))  # now from the cache

        change = "/admin/publication/siteidentity/1/change/"
        form = form_data(editor_client.get(change), "siteidentity_form", name="Le Fil Santé")
        assert editor_client.post(change, form).status_code == 302
        about = f"/admin/publication/sitepage/{page.pk}/change/"
        form = form_data(editor_client.get(about), "sitepage_form", title="Qui sommes-nous")
        assert editor_client.post(about, form).status_code == 302

        for address in (url, "/", "/a-propos/"):
            html = text(client.get(address))
            assert "Le Fil Santé" in html and "Veille Santé" not in html, address
            assert '<a href="/a-propos/">Qui sommes-nous</a>' in html, address

    def test_unpublishing_a_page_takes_it_off_cached_pages(self, client, page_cache):
        page = make_page(Role.LEGAL)
        assert "Mentions légales" in footer(client.get("/"))

        page.status = SitePage.Status.DRAFT
        page.save()

        assert "Mentions légales" not in footer(client.get("/"))
        assert client.get("/mentions-legales/").status_code == 404

    @pytest.mark.django_db(transaction=True)
    def test_the_identity_costs_no_query_once_read(self, client):
        make_article(tags=["Santé"])
        make_identity()
        make_pages()

        first = queries_for(client, "/")  # the identity and the pages are read: two queries
        again = queries_for(client, "/")  # without the page cache, the page is rendered again
        make_article(title="Autre article")
        after_an_article = queries_for(client, "/tags/sante/")

        assert again == first - 2
        assert after_an_article == queries_for(client, "/tags/sante/")
        with CaptureQueriesContext(connection) as captured:
            assert "Veille Santé" in text(client.get("/archives/"))
        assert not [query for query in captured if "publication_" in query["sql"]]


class TestEditorsOnly:
    def test_an_author_may_not_see_or_change_them(self, author_client):
        make_identity()
        page = make_page(Role.ABOUT)

        for url in (
            "/admin/publication/siteidentity/",
            "/admin/publication/siteidentity/1/change/",
            "/admin/publication/sitepage/",
            f"/admin/publication/sitepage/{page.pk}/change/",
            "/admin/publication/sitepage/add/",
        ):
            assert author_client.get(url).status_code in (302, 403), url
        response = author_client.post(
            f"/admin/publication/sitepage/{page.pk}/change/", {"title": "Piraté", "role": "about"}
        )
        assert response.status_code == 403
        assert SitePage.objects.get().title == "À propos"
        assertNotContains(author_client.get("/admin/"), "/admin/publication/")

    def test_an_editor_may(self, editor_client):
        make_identity()

        assert (
            editor_client.get("/admin/publication/siteidentity/").url
            == "/admin/publication/siteidentity/1/change/"
        )
        assertContains(editor_client.get("/admin/"), "/admin/publication/sitepage/")
        assert editor_client.get("/admin/publication/sitepage/add/").status_code == 200


HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


class TestHostileInput:
    def test_hostile_identity_and_pages_stored_as_they_came_never_run(self, client):
        """Stored without a form (a tampered database, a careless import): every page stays inert."""
        SiteIdentity.objects.create(
            name=f"Veille {HOSTILE}\x08",
            tagline=f"javascript:alert(1) {HOSTILE}\x01",  # PostgreSQL stores no NUL
            tagline_en=HOSTILE,
            description=HOSTILE,
            contact_email="javascript:alert(1)//@x.example",
            legal_name=HOSTILE,
            legal_address=f"{HOSTILE}\n1 rue\x0b de la Paix",
            legal_details=HOSTILE,
            medical_notice=f"{HOSTILE}\x1b",
            medical_notice_en=HOSTILE,
        )
        for role in (Role.LEGAL, Role.CONTACT):
            title, slug, title_en, slug_en = PAGES[role]
            SitePage.objects.create(
                role=role,
                status=SitePage.Status.PUBLISHED,
                title=f"{title} {HOSTILE}\x07",
                slug=slug,
                body=f"{HOSTILE}\n\n[clic](javascript:alert(1)) <a href='javascript:alert(2)'>a</a>\x0c"
                "<iframe src=//evil.example></iframe>",
                title_en=f"{title_en} {HOSTILE}",
                slug_en=slug_en,
                body_en=f"[clic](javascript:alert(1)) {HOSTILE}",
            )
        make_article(tags=["Santé"], image=True, source=True)
        url = make_article(tags=["Santé"]).get_absolute_url()

        for address in (
            "/",
            url,
            f"/en{url}",
            "/mentions-legales/",
            "/contact/",
            "/en/legal-notice/",
            "/tags/sante/",
        ):
            html = text(client.get(address))
            assert executable_markup(html) == [], address
            for data in structured_data(html):
                assert json_script_urls(data) == [], address
            assert "\x08" not in html and "\x01" not in html and "\x07" not in html, address
        for address, tags in (
            ("/feed/", RSS_TAGS),
            ("/feed/atom/", ATOM_TAGS),
            ("/tags/sante/feed/", RSS_TAGS),
        ):
            assert executable_in_xml(client.get(address).content, tags) == [], address
        for address in ("/sitemap-pages.xml", "/sitemap-news.xml"):
            assert executable_in_xml(client.get(address).content, SITEMAP_TAGS) == [], address
        assert "Veille &lt;script&gt;" in text(client.get("/"))

    def test_the_admin_refuses_control_characters_and_bad_addresses(self, editor_client):
        form = form_data(editor_client.get("/admin/publication/siteidentity/add/"), "siteidentity_form")

        response = editor_client.post(
            "/admin/publication/siteidentity/add/",
            {
                **form,
                "name": "Veille\x08 Santé",
                "tagline": "Ligne\x1b",
                "contact_email": "javascript:alert(1)",
            },
        )

        assertContains(response, "caractères de contrôle invisibles", count=2)
        assertContains(response, "Saisissez une adresse de courriel valide.")
        assert not SiteIdentity.objects.exists()
        page_form = form_data(editor_client.get("/admin/publication/sitepage/add/"), "sitepage_form")
        response = editor_client.post(
            "/admin/publication/sitepage/add/",
            {**page_form, "role": "about", "title": "À propos\x1b", "slug": "javascript:alert(1)",
             "body": "Texte\x08", "title_en": "About", "slug_en": "about", "body_en": "Text"},
        )  # fmt: skip
        assertContains(response, "caractères de contrôle invisibles", count=2)
        assert not SitePage.objects.exists()

    def test_a_hostile_page_typed_in_the_admin_is_inert(self, client, editor_client):
        page_form = form_data(editor_client.get("/admin/publication/sitepage/add/"), "sitepage_form")
        response = editor_client.post(
            "/admin/publication/sitepage/add/",
            {**page_form, "role": "about", "status": "published", "title": HOSTILE, "slug": "a-propos",
             "body": f"{HOSTILE} [x](javascript:alert(1)) <svg onload=alert(1)>", "title_en": HOSTILE,
             "slug_en": "about", "body_en": f"<a href=\"javascript:alert(1)\">x</a>{HOSTILE}"},
        )  # fmt: skip
        assert response.status_code == 302

        for address in ("/a-propos/", "/en/about/", "/"):
            assert executable_markup(text(client.get(address))) == [], address


def test_a_photo_s_metadata_never_reaches_the_logo(media_root):
    """The logo is re-encoded as article images are: the stored file holds the pixels only."""
    from PIL import Image

    identity = make_identity(share_image=SimpleUploadedFile("partage.jpg", image_bytes((1200, 630), "JPEG")))

    with Image.open(identity.share_image.path) as stored:
        assert stored.format == "JPEG" and stored.size == (1200, 630)
        assert not stored.info.get("exif")
    assert identity.share_image.name == "publication/partage.jpg"


def test_the_share_image_shows_for_pages_without_their_own(client, media_root):
    identity = make_identity(share_image=SimpleUploadedFile("partage.jpg", image_bytes((1200, 630), "JPEG")))
    make_page(Role.ABOUT)
    shared = f'<meta property="og:image" content="http://testserver/media/{identity.share_image.name}">'

    assertContains(client.get("/a-propos/"), shared, html=True)
    assertContains(client.get(make_article().get_absolute_url()), shared, html=True)
    illustrated = client.get(make_article(image=True).get_absolute_url())
    assertNotContains(illustrated, shared, html=True)
    assertContains(illustrated, '<meta property="og:image" content="https://images.example.org/', count=1)


def test_the_pages_and_their_footer_are_valid_html(client, tmp_path):
    from .test_valid_html import nu_checker

    make_identity(legal_name="Veille & Cie", legal_address="1 rue <de> la Paix", contact_email="a@b.example")
    make_pages()
    SitePage.objects.filter(role=Role.ABOUT).update(
        body="<script>alert(1)</script> [x](javascript:alert(1)) <a href='https://e.example/\"q'>y</a>\n\n"
        "| a | b |\n| - | - |\n| 1 | 2 |"
    )
    url = make_article(published_at=timezone.now().replace(microsecond=0)).get_absolute_url()
    addresses = ["/a-propos/", "/en/about/", "/mentions-legales/", "/contact/", url, "/"]
    for number, address in enumerate(addresses):
        (tmp_path / f"page-{number}.html").write_bytes(text(client.get(address)).encode())

    assert nu_checker(sorted(tmp_path.iterdir())) == []
