"""The editors' day in a real browser at 1366 × 768, with the change form's explicit buttons and
a real SMTP server: an author writes and submits, an editor sends the article back with a note,
the author answers and submits again, the editor schedules it, then publishes it at once; a
reader reads it; a new title moves its address, and the old one leads there.

The README's pictures of the author's form, the thread and the list are written here."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.utils import timezone

from articles.models import Article, ArticleNote

from .factories import image_bytes, make_article
from .test_browser_public import DEMO_NOW, SCREENSHOTS, site_clock
from .test_browser_workflow import PASSWORD, log_in

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
TITLE = "L’étude pilote sur le dépistage du cancer du poumon par scanner à faible dose"
NEW_TITLE = "Dépistage du cancer du poumon : l’étude pilote confirme l’intérêt du scanner"
SENT_BACK = "Citez l’étude d’origine plutôt que le communiqué, et donnez le nombre de participants."
REPLY = "C’est fait : l’étude est citée, 4 000 participants."


@pytest.fixture
def desk(live_server, transactional_db, smtp_server, settings, media_root, monkeypatch):
    """An author and an editor with their e-mail addresses, the site's address for the e-mails'
    links, and a real SMTP server; a few other articles so that the list is a list. The site's
    clock starts at DEMO_NOW, so that the screenshots' dates change only when the pages do."""
    # A note's time is its field's default, timezone.now as it was when the model was read.
    monkeypatch.setattr(ArticleNote._meta.get_field("created_at"), "default", lambda: timezone.now())
    with site_clock(DEMO_NOW):
        yield make_desk(live_server, settings), smtp_server


def make_desk(live_server, settings):
    settings.SITE_URL = live_server.url
    importlib.import_module("articles.migrations.0003_roles").create_roles(apps, None)
    people = {}
    for username, first, last, group in [
        ("autrice", "Claire", "Martin", "Authors"),
        ("redactrice", "Hélène", "Durand", "Editors"),
    ]:
        user = User.objects.create_user(
            username, f"{username}@example.org", PASSWORD, first_name=first, last_name=last, is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        people[username] = user
    # Dated from DEMO_NOW, not from how many articles the run made before (make_article's default).
    for hours, (title, origin) in enumerate(
        [
            ("Grippe : la vaccination des soignants progresse", Article.Origin.WRITTEN),
            ("Diabète de type 2 : une nouvelle recommandation de la HAS", Article.Origin.INGESTED),
            ("Antibiorésistance : un plan national jusqu’en 2030", Article.Origin.IMPORTED),
        ],
        start=1,
    ):
        make_article(
            title=title,
            tags=["Santé publique"],
            source=True,
            author=people["redactrice"],
            origin=origin,
            published_at=DEMO_NOW - timedelta(hours=hours),
        )
    make_article(
        title="AVC : la thrombectomie au-delà de six heures",
        status=Article.Status.REVIEW,
        published_at=DEMO_NOW - timedelta(hours=4),
    )
    return live_server.url


def subjects(mailbox, address):
    return [str(message["Subject"]).strip() for message in mailbox.to(address)]


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))


def test_the_editors_day(desk, browser, tmp_path):
    (site, mailbox) = desk
    author = browser.new_context(locale="fr-FR", viewport=LAPTOP).new_page()
    editor = browser.new_context(locale="fr-FR", viewport=LAPTOP).new_page()

    # The author writes a new article: no slug to type, tags as chips, an image from her disk.
    log_in(author, site, "autrice")
    author.get_by_role("link", name="Ajouter article").click()
    assert author.locator("#content h1").inner_text() == "Nouvel article"
    author.get_by_label("Titre").fill(TITLE)
    author.get_by_label("Résumé").fill(
        "Une étude pilote française confirme l’intérêt d’un dépistage par scanner chez les gros fumeurs."
    )
    author.get_by_label("Corps").fill(
        "Menée auprès de 4 000 participants, l’étude pilote montre qu’un scanner à faible dose "
        "repère des cancers à un stade précoce.\n\n## Ce qu’il faut retenir\n\n"
        "- un dépistage ciblé sur les gros fumeurs ;\n- peu de faux positifs."
    )
    tags = author.get_by_label("Étiquettes")
    tags.press_sequentially("Oncologie, Pneumologie, Dépistage")
    tags.press("Enter")
    assert author.locator(".tag-chip").all_inner_texts() == ["Oncologie\n×", "Pneumologie\n×", "Dépistage\n×"]
    picture = tmp_path / "scanner.jpg"
    picture.write_bytes(image_bytes())
    author.locator("#id_image-0-image").set_input_files(picture)
    author.locator("#id_image-0-alt_text").fill("Un scanner thoracique")
    author.locator("#id_image-0-credit").fill("CHU de Lille")
    moves = author.get_by_role("group", name="Enregistrer et :").get_by_role("button")
    assert moves.all_inner_texts() == ["Soumettre à relecture"]
    author.evaluate("window.scrollTo(0, 0)")
    screenshot(author, "day-author-form.png")

    author.get_by_role("button", name="Soumettre à relecture").click()
    author.get_by_text(f"Envoyé en relecture : « {TITLE} ».").wait_for()
    article = Article.objects.get(title=TITLE)
    assert "l-etude" in article.slug
    assert sorted(tag.name for tag in article.tags.all()) == ["Dépistage", "Oncologie", "Pneumologie"]
    assert article.image.image.name.startswith("images/")

    # The editor is told by e-mail, and finds the article among those to review, then by a
    # search typed without accents.
    assert subjects(mailbox, "redactrice@example.org") == [f"[Newsroom] « {TITLE} » attend votre relecture"]
    assert not mailbox.to("autrice@example.org")
    log_in(editor, site, "redactrice")
    editor.get_by_role("link", name="À relire").click()
    editor.wait_for_url(re.compile(r"queue=review"))
    listed = editor.locator("#result_list th.field-title a").all_inner_texts()
    assert TITLE in listed and len(listed) == 2
    editor.locator("#searchbar").fill("etude pilote depistage")
    editor.locator("#searchbar").press("Enter")
    editor.wait_for_url(re.compile(r"q=etude"))
    assert editor.locator("#result_list th.field-title a").all_inner_texts() == [TITLE]

    # …and sends it back with a note.
    editor.get_by_role("link", name=TITLE).click()
    editor.get_by_label("Ajouter une note").fill(SENT_BACK)
    editor.get_by_role("button", name="Renvoyer à l’auteur").click()
    editor.get_by_text(f"Renvoyé à l’auteur : « {TITLE} ».").wait_for()

    # The author is told by e-mail, with the note; she reads it in the thread, answers, submits again.
    [sent_back] = mailbox.to("autrice@example.org")
    assert subjects(mailbox, "autrice@example.org") == [f"[Newsroom] « {TITLE} » vous est renvoyé"]
    assert SENT_BACK in mailbox.text(sent_back)
    link = re.search(r"http://\S+/change/", mailbox.text(sent_back)).group()
    author.goto(link)
    thread = author.locator(".article-note-text")
    assert thread.all_inner_texts() == [SENT_BACK]
    author.get_by_label("Ajouter une note").fill(REPLY)
    author.get_by_role("button", name="Soumettre à relecture").click()
    author.get_by_text(f"Envoyé en relecture : « {TITLE} ».").wait_for()
    assert len(mailbox.to("redactrice@example.org")) == 2

    # The editor sees both notes, in order, and schedules the article for tomorrow morning.
    editor.goto(link)
    assert editor.locator(".article-note-text").all_inner_texts() == [SENT_BACK, REPLY]
    notes_meta = editor.locator(".article-note-meta").all_inner_texts()
    assert notes_meta[0].startswith("Hélène Durand") and notes_meta[1].startswith("Claire Martin")
    editor.locator(".article-thread").scroll_into_view_if_needed()
    editor.get_by_role("group", name="Enregistrer et :").scroll_into_view_if_needed()
    assert editor.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]  # no sideways scrolling
    screenshot(editor, "day-thread.png")
    tomorrow = timezone.localtime() + timedelta(days=1)
    editor.locator("#id_published_at_0").fill(tomorrow.strftime("%d/%m/%Y"))
    editor.locator("#id_published_at_1").fill("08:00:00")
    editor.get_by_role("button", name="Programmer").click()
    editor.get_by_text(re.compile(r"Programmé pour le .*: « " + re.escape(TITLE) + " »")).wait_for()
    assert subjects(mailbox, "autrice@example.org")[-1].startswith(
        f"[Newsroom] « {TITLE} » est programmé pour le "
    )

    # Not yet on the public site; then the editor publishes it at once.
    reader = browser.new_context(locale="fr-FR", viewport=LAPTOP).new_page()
    article.refresh_from_db()
    assert reader.goto(f"{site}{article.get_absolute_url()}").status == 404
    editor.goto(link)
    editor.get_by_role("button", name="Publier maintenant").click()
    editor.get_by_text(f"Publié : « {TITLE} ».").wait_for()
    assert subjects(mailbox, "autrice@example.org")[-1] == f"[Newsroom] « {TITLE} » est publié"

    # The reader opens it from the home page.
    reader.goto(f"{site}/")
    reader.get_by_role("link", name=TITLE).first.click()
    article.refresh_from_db()
    reader.wait_for_url(f"{site}{article.get_absolute_url()}")
    assert reader.get_by_role("heading", level=1).inner_text() == TITLE
    assert reader.get_by_text("CHU de Lille").first.is_visible()
    assert reader.get_by_role("heading", name="Ce qu’il faut retenir").is_visible()
    old_address = article.get_absolute_url()

    # The editor gives it a new title: the address stays, and she is offered to change it.
    editor.goto(link)
    editor.get_by_label("Titre").fill(NEW_TITLE)
    editor.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    editor.get_by_text("l’adresse reste").wait_for()
    article.refresh_from_db()
    assert article.get_absolute_url() == old_address
    editor.get_by_label("Changer l’adresse").check()
    editor.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    editor.get_by_text("l’ancienne").wait_for()
    article.refresh_from_db()
    assert article.get_absolute_url() != old_address and "l-etude-pilote" in article.slug

    # The old address leads readers to the new one.
    response = reader.goto(f"{site}{old_address}")
    assert response.url == f"{site}{article.get_absolute_url()}"
    assert response.request.redirected_from.url == f"{site}{old_address}"
    assert reader.get_by_role("heading", level=1).inner_text() == NEW_TITLE

    # The list at 1366 × 768, the article first.
    editor.goto(f"{site}/admin/articles/article/")
    assert editor.locator("#content h1").inner_text() == "Articles"
    assert editor.locator("#result_list th.field-title a").first.inner_text() == NEW_TITLE
    assert editor.locator("#result_list td.field-author_name").first.inner_text() == "Claire Martin"
    assert editor.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    screenshot(editor, "day-list.png")
    for page in (author, editor, reader):
        page.context.close()
