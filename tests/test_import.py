"""Markdown files brought in with `manage.py import_markdown` and articles.markdown_format."""

import json
import os
import pty
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError

from articles import markdown_format as importers
from articles.models import Article, ImageCredit, SourceLink, Tag, TaggedArticle

from .conftest import SEED_PERMALINK
from .servers import PROJECT, manage, process_env

SEED_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "markdown" / "000_75fbb4d40bbd88af.txt"
SEED_SOURCE = (
    "https://interventionalnews.com/nice-publishes-a-guidance-supporting-the-use-of-selective-internal-"
    "radiation-therapy-for-neuroendocrine-tumors-with-liver-metastasis/"
)


def markdown(body="", **fields):
    """A file in the site's format; FIELDS are raw YAML values (None leaves a key out)."""
    values = {
        "title": '"Un essai français sur la cryoablation"',
        "date": '"2024-03-02T10:00:00.000Z"',
        "summary": '"Le résumé de l’article."',
        "sourceUrl": '"https://news.example.org/essai/"',
        "tags": '["France", "Example News — Latest"]',
        "permalink": '"/papers/2024-03-02-un-essai-francais-sur-la-cryoablation"',
        **fields,
    }
    lines = [f"{key}: {value}" for key, value in values.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


def write(folder, name, text):
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def import_markdown(*args, **options):
    """Run the command; return (stdout, stderr, exit status)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_markdown", *map(str, args), stdout=out, stderr=err, **options)
    except CommandError as error:
        err.write(str(error))
        return out.getvalue(), err.getvalue(), error.returncode
    return out.getvalue(), err.getvalue(), 0


def counts():
    return tuple(model.objects.count() for model in (Article, Tag, TaggedArticle, ImageCredit, SourceLink))


@pytest.fixture
def seed_file(tmp_path):
    return Path(shutil.copy(SEED_FILE, tmp_path / SEED_FILE.name))


@pytest.mark.django_db
class TestFieldMapping:
    def test_the_seed_becomes_one_article_with_every_part(self, seed_file, client):
        out, err, status = import_markdown(seed_file)

        assert (out.strip(), err, status) == ("imported 1, updated 0, unchanged 0, failed 0", "", 0)
        article = Article.objects.get(permalink=SEED_PERMALINK)
        assert article.title.startswith("NICE publishes a guidance supporting")
        assert article.published_at == datetime(2024, 5, 24, 13, 22, 26, tzinfo=UTC)
        assert article.status == Article.Status.PUBLISHED
        assert article.importance is None
        assert "key milestone […] The post" in article.summary
        assert "&#8230;" not in article.summary
        assert article.body == ""
        assert [t.tag.name for t in TaggedArticle.objects.filter(content_object=article).order_by("pk")] == [
            "France",
            "Actualité",
            "Interventional News — Latest",
        ]
        image = article.image
        assert image.image_url.endswith("/Pg4-NICE-logo-15cm.jpg")
        assert image.alt_text == article.title
        assert (image.credit, image.rights, image.credit_url) == (
            "Image de l’article",
            "droits possiblement réservés",
            SEED_SOURCE,
        )
        assert (article.source.url, article.source.publisher) == (SEED_SOURCE, "Interventional News")
        response = client.get(f"/papers/{SEED_PERMALINK}")
        assert response.status_code == 200
        assert "Pg4-NICE-logo-15cm.jpg" in response.content.decode()

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ('"2024-05-24T13:22:26.000Z"', datetime(2024, 5, 24, 13, 22, 26, tzinfo=UTC)),
            ('"2024-05-24T15:22:26+02:00"', datetime(2024, 5, 24, 13, 22, 26, tzinfo=UTC)),
            ('"2024-05-24T13:22:26"', datetime(2024, 5, 24, 13, 22, 26, tzinfo=UTC)),
            ('"2024-05-24"', datetime(2024, 5, 24, tzinfo=UTC)),
            ("2024-05-24T13:22:26Z", datetime(2024, 5, 24, 13, 22, 26, tzinfo=UTC)),
            ("2024-05-24", datetime(2024, 5, 24, tzinfo=UTC)),
        ],
    )
    def test_date_is_iso_8601_and_utc_without_a_zone(self, tmp_path, value, expected):
        import_markdown(write(tmp_path, "a.md", markdown(date=value)))

        assert Article.objects.get().published_at == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ('""', None),
            ("", None),
            ('"1"', 1),
            ("3", 3),
            ('"low"', 1),
            ('"faible"', 1),
            ('"Normale"', 2),
            ('"high"', 3),
            ('"haute"', 3),
            ('"élevée"', 3),
            ('"top story"', 4),
            ('"À la une"', 4),
        ],
    )
    def test_importance_takes_numbers_and_words(self, tmp_path, value, expected):
        import_markdown(write(tmp_path, "a.md", markdown(importance=value)))

        assert Article.objects.get().importance == expected

    @pytest.mark.parametrize(
        "value", ['["Oncologie", "France"]', '"Oncologie, France"', "[Oncologie, France, oncologie]"]
    )
    def test_tags_are_a_list_or_comma_separated_text_and_reuse_tags_of_any_case(self, tmp_path, value):
        existing = Tag.objects.create(name="france")

        import_markdown(write(tmp_path, "a.md", markdown(tags=value)))

        article = Article.objects.get()
        assert sorted(article.tags.names()) == ["Oncologie", "france"]
        assert article.tags.get(name__iexact="france").pk == existing.pk

    def test_publisher_is_the_host_without_a_latest_feed_tag(self, tmp_path):
        import_markdown(
            write(tmp_path, "a.md", markdown(tags='["France"]', sourceUrl='"https://www.thelancet.com/x"'))
        )

        assert Article.objects.get().source.publisher == "thelancet.com"

    def test_a_missing_permalink_is_made_from_the_paris_date_and_the_title(self, tmp_path):
        # 23:30 UTC on 24 May is already 25 May in Paris.
        import_markdown(write(tmp_path, "a.md", markdown(permalink=None, date='"2024-05-24T23:30:00Z"')))

        assert Article.objects.get().permalink == "2024-05-25-un-essai-francais-sur-la-cryoablation"

    def test_a_given_permalink_is_kept_verbatim(self, tmp_path, client):
        import_markdown(write(tmp_path, "a.md", markdown(permalink='"/papers/2020-01-02-Ancien-Titre_v2"')))

        assert Article.objects.get().permalink == "2020-01-02-Ancien-Titre_v2"
        assert client.get("/papers/2020-01-02-Ancien-Titre_v2").status_code == 200

    @pytest.mark.parametrize(
        ("credit", "parts"),
        [
            (
                "Photo AP — CC BY 4.0 — https://img.example.org/p",
                ("Photo AP", "CC BY 4.0", "https://img.example.org/p"),
            ),
            ("Photo AP — https://img.example.org/p", ("Photo AP", "", "https://img.example.org/p")),
            ("Photo AP — tous droits réservés", ("Photo AP", "tous droits réservés", "")),
            ("Photo AP", ("Photo AP", "", "")),
        ],
    )
    def test_image_credit_is_split_into_text_rights_and_url(self, tmp_path, credit, parts):
        text = markdown(imageUrl='"https://img.example.org/a.jpg"', imageCredit=json.dumps(credit))

        import_markdown(write(tmp_path, "a.md", text))

        image = ImageCredit.objects.get()
        assert (image.credit, image.rights, image.credit_url) == parts
        assert image.credit_line == credit

    def test_summary_entities_are_decoded_once(self, tmp_path):
        import_markdown(write(tmp_path, "a.md", markdown(summary='"Avant [&#8230;] et &amp;amp; après"')))

        assert Article.objects.get().summary == "Avant […] et &amp; après"

    def test_status_option_imports_drafts_the_public_does_not_see(self, seed_file, client):
        import_markdown(seed_file, status="draft")

        assert Article.objects.get().status == Article.Status.DRAFT
        assert client.get(f"/papers/{SEED_PERMALINK}").status_code == 404


@pytest.mark.django_db
class TestBody:
    def test_what_repeats_the_front_matter_is_not_stored_again(self, seed_file):
        import_markdown(seed_file)

        assert Article.objects.get().body == ""

    def test_the_editors_own_text_and_sections_are_kept_in_order(self, seed_file):
        text = seed_file.read_text(encoding="utf-8")
        text = text.replace(
            "\n\n## Lien source\n",
            "\n\nNotre avis : une étape attendue.\n\n"
            "## Contexte\n\nDeux essais en cours.\n\n## Lien source\n",
        )
        text += "\n## Pour aller plus loin\n\n- Un lien\n"
        seed_file.write_text(text, encoding="utf-8")

        import_markdown(seed_file)

        assert Article.objects.get().body == (
            "Notre avis : une étape attendue.\n\n## Contexte\n\nDeux essais en cours.\n\n"
            "## Pour aller plus loin\n\n- Un lien"
        )

    def test_sections_that_differ_from_the_front_matter_are_kept(self, tmp_path):
        body = (
            "![Autre image](https://img.example.org/autre.jpg)\n\n"
            "## L’essentiel\n\nUn autre résumé.\n\n"
            "## Lien source\n\nhttps://other.example.org/\n"
        )

        import_markdown(write(tmp_path, "a.md", markdown(body)))

        assert Article.objects.get().body == body.strip()

    def test_a_file_may_end_with_its_front_matter(self, tmp_path):
        import_markdown(write(tmp_path, "a.md", markdown().rstrip("\n") + "\n"))
        import_markdown(
            write(tmp_path, "b.md", markdown(permalink=None, title="B").removesuffix("---\n\n") + "---")
        )

        assert Article.objects.count() == 2
        assert set(Article.objects.values_list("body", flat=True)) == {""}

    def test_the_image_lines_alternative_text_is_kept(self, tmp_path):
        body = (
            "![Un cathéter sous scanner](https://img.example.org/a.jpg)\n\n"
            "*Crédit image : Photo AP — https://img.example.org/*\n\nTexte.\n"
        )
        text = markdown(
            body,
            imageUrl='"https://img.example.org/a.jpg"',
            imageCredit='"Photo AP — https://img.example.org/"',
        )

        import_markdown(write(tmp_path, "a.md", text))

        article = Article.objects.get()
        assert (article.image.alt_text, article.body) == ("Un cathéter sous scanner", "Texte.")


BAD_FILES = [
    ("no-front-matter.md", "# Juste un titre\n", "no front matter"),
    ("unclosed.md", "---\ntitle: x\n", "no closing line"),
    ("broken-yaml.md", markdown(title='"unterminated'), "not valid YAML"),
    ("no-title.md", markdown(title=None), "title: missing"),
    ("no-date.md", markdown(date=None), "date: missing"),
    ("bad-date.md", markdown(date='"24/05/2024"'), "date: '24/05/2024' is not an ISO 8601 date"),
    ("bad-importance.md", markdown(importance='"urgentissime"'), "importance: unknown value 'urgentissime'"),
    (
        "script-source.md",
        markdown(sourceUrl='"javascript:alert(1)"'),
        "sourceUrl: 'javascript:alert(1)' is not an http or https address",
    ),
    (
        "ftp-image.md",
        markdown(imageUrl='"ftp://img.example.org/a.jpg"'),
        "imageUrl: 'ftp://img.example.org/a.jpg' is not an http or https address",
    ),
    (
        "data-credit.md",
        markdown(imageUrl='"https://i.example.org/a.jpg"', imageCredit='"AP — data:text/html,x"'),
        "imageCredit: 'data:text/html,x' is not an http or https address",
    ),
    (
        "bad-permalink.md",
        markdown(permalink='"/articles/2024-03-02-essai"'),
        "permalink: '/articles/2024-03-02-essai' is not of the form /papers/YYYY-MM-DD-slug",
    ),
    ("unknown-field.md", markdown(author='"Jean"'), "unknown field 'author'"),
    (
        "latin-1.md",
        markdown(title='"Étude"', summary='"Résumé"', tags='["Santé"]').encode("latin-1"),
        "not UTF-8",
    ),
    ("list-title.md", markdown(title="[a, b]"), "title: expected text"),
    ("a-list.md", "---\n- title\n- date\n---\n", "not a list of 'key: value' lines"),
    (
        "credit-alone.md",
        markdown(imageCredit='"Photo AP"'),
        "imageCredit: given without an imageUrl",
    ),
    ("long-title.md", markdown(title=json.dumps("x" * 1001)), "title: longer than 1000 characters (1001)"),
    ("number-date.md", markdown(date="12"), "date: 12 is not an ISO 8601 date"),
    ("number-permalink.md", markdown(permalink="12"), "permalink: expected text, got 12"),
    ("unreal-day.md", markdown(permalink='"/papers/2024-13-45-x"'), "does not start with a real date"),
    ("yes-importance.md", markdown(importance="yes"), "importance: unknown value True"),
    ("mapping-tags.md", markdown(tags="{a: b}"), "tags: expected a list or comma-separated text"),
    ("number-tag.md", markdown(tags="[France, 12]"), "tags: 12 is not text"),
    ("deep.md", markdown(tags="[" * 20000 + "]" * 20000), "exceeded maximum nesting depth"),
    (
        "aliases.md",
        markdown(title='&t "Titre"', summary="*t"),
        "YAML anchors and aliases are not allowed",
    ),
    ("many-tags.md", markdown(tags=json.dumps([f"t{n}" for n in range(51)])), "tags: 51 tags, at most 50"),
    ("many-tags-text.md", markdown(tags=json.dumps(",".join("x" * 51))), "tags: 51 tags, at most 50"),
]


def billion_laughs(levels=9):
    """``levels`` levels of ten aliases each: 10**levels strings once expanded, in under 1 KB."""
    lines = ['lol0: &l0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]")
    return "---\n" + "\n".join(lines) + f"\ntitle: *l{levels}\ndate: 2024-03-02\n---\n\nCorps.\n"


@pytest.mark.django_db
class TestErrors:
    @pytest.mark.parametrize(("name", "text", "reason"), BAD_FILES, ids=[bad[0] for bad in BAD_FILES])
    def test_a_bad_file_is_named_with_its_reason_and_the_others_are_imported(
        self, tmp_path, seed_file, name, text, reason
    ):
        bad = write(tmp_path, name, text)

        out, err, status = import_markdown(tmp_path)

        assert status == 1
        assert f"{bad}: " in err
        assert reason in err.split(f"{bad}: ", 1)[1].splitlines()[0]
        assert "imported 1, updated 0, unchanged 0, failed 1" in out
        assert list(Article.objects.values_list("permalink", flat=True)) == [SEED_PERMALINK]
        assert counts() == (1, 3, 3, 1, 1)

    def test_a_python_object_tag_is_refused_and_runs_nothing(self, tmp_path):
        marker = tmp_path / "ran"
        text = markdown(title=f'!!python/object/apply:os.system ["touch {marker}"]')
        bad = write(tmp_path, "evil.md", text)

        out, err, status = import_markdown(bad)

        assert status == 1
        assert f"{bad}: line 2: the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'" in err
        assert not marker.exists()
        assert Article.objects.count() == 0

    def test_a_billion_laughs_is_refused_before_anything_is_expanded(self, tmp_path, seed_file):
        import tracemalloc

        # Ten million laughs, not a billion, so that a broken guard fails this test in seconds
        # rather than taking the machine down; bench/hostile_imports.py runs the billion.
        bad = write(tmp_path, "laughs.md", billion_laughs(7))
        tracemalloc.start()
        try:
            out, err, status = import_markdown(tmp_path)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

        assert status == 1
        assert f"{bad}: line 2: YAML anchors and aliases are not allowed" in err
        assert "imported 1, updated 0, unchanged 0, failed 1" in out
        assert list(Article.objects.values_list("permalink", flat=True)) == [SEED_PERMALINK]
        assert peak < 20 * 1024 * 1024  # expanded, it is hundreds of megabytes

    def test_an_oversized_front_matter_is_refused_before_it_is_read(self, tmp_path):
        text = markdown(summary=json.dumps("x" * (importers.MAX_FRONT_MATTER_BYTES + 1)))

        with pytest.raises(importers.ImportFailure, match="front matter is larger than 65536 bytes"):
            importers.parse_file(write(tmp_path, "big.md", text))

    def test_an_oversized_file_is_refused(self, tmp_path):
        path = write(tmp_path, "big.md", markdown("x" * 2000))

        with pytest.raises(importers.ImportFailure, match="larger than 1000 bytes"):
            importers.parse_file(path, max_bytes=1000)

    def test_a_file_failing_in_the_database_leaves_nothing_behind(self):
        data = importers.ArticleData(
            title="Essai",
            published_at=datetime(2024, 3, 2, tzinfo=UTC),
            permalink="2024-03-02-essai",
            tags=("France", "France"),  # twice: the second tagging breaks a unique constraint
            source_url="https://news.example.org/essai/",
            image_url="https://img.example.org/a.jpg",
        )

        with pytest.raises(IntegrityError):
            importers.Importer().save(data)

        assert counts() == (0, 0, 0, 0, 0)

    def test_no_such_path_is_a_usage_error(self, tmp_path, seed_file):
        out, err, status = import_markdown(seed_file, tmp_path / "missing")

        assert status == 2
        assert f"No such file or folder: {tmp_path / 'missing'}" in err
        assert Article.objects.count() == 0


@pytest.mark.django_db
class TestUpsert:
    def test_importing_again_changes_nothing(self, seed_file):
        import_markdown(seed_file)
        before = counts(), Article.objects.values_list("pk", "updated_at").get()

        out, err, status = import_markdown(seed_file)

        assert (out.strip(), status) == ("imported 0, updated 0, unchanged 1, failed 0", 0)
        assert (counts(), Article.objects.values_list("pk", "updated_at").get()) == before

    def test_an_updated_file_updates_its_article_in_place(self, seed_file):
        import_markdown(seed_file)
        pk = Article.objects.get().pk
        text = seed_file.read_text(encoding="utf-8")
        text = text.replace('"France", "Actualité"', '"Belgique"').replace(
            'importance: ""', 'importance: "3"'
        )
        text = text.replace("droits possiblement réservés", "CC BY 4.0")
        text = text.replace(
            'sourceUrl: "https://interventionalnews.com/', 'sourceUrl: "https://www.example.org/'
        )
        text = text.replace('title: "NICE publishes', 'title: "NICE updates')
        seed_file.write_text(text, encoding="utf-8")

        out, _, status = import_markdown(seed_file)

        assert (out.strip(), status) == ("imported 0, updated 1, unchanged 0, failed 0", 0)
        article = Article.objects.get()
        assert article.pk == pk
        assert article.title.startswith("NICE updates")
        assert article.importance == Article.Importance.HIGH
        assert sorted(article.tags.names()) == ["Belgique", "Interventional News — Latest"]
        assert article.image.rights == "CC BY 4.0"
        assert article.source.url.startswith("https://www.example.org/")
        assert article.body.startswith("## Lien source")  # the old source no longer repeats the new one
        assert (ImageCredit.objects.count(), SourceLink.objects.count(), TaggedArticle.objects.count()) == (
            1,
            1,
            2,
        )

    def test_a_file_without_image_or_source_removes_them(self, seed_file, tmp_path):
        import_markdown(seed_file)
        text = markdown(permalink=f'"/papers/{SEED_PERMALINK}"', sourceUrl='""')

        out, _, _ = import_markdown(write(tmp_path / "v2", "a.md", text))

        assert "updated 1" in out
        assert (ImageCredit.objects.count(), SourceLink.objects.count()) == (0, 0)

    def test_folders_are_read_recursively_for_markdown_files_of_any_case(self, tmp_path):
        write(tmp_path, "a.md", markdown(permalink='"/papers/2024-03-02-a"'))
        write(tmp_path, "sub/b.MARKDOWN", markdown(permalink='"/papers/2024-03-02-b"'))
        write(tmp_path, "sub/deeper/c.Txt", markdown(permalink='"/papers/2024-03-02-c"'))
        write(tmp_path, "sub/notes.json", "{}")

        out, _, status = import_markdown(tmp_path)

        assert (out.strip(), status) == ("imported 3, updated 0, unchanged 0, failed 0", 0)
        assert sorted(Article.objects.values_list("permalink", flat=True)) == [
            "2024-03-02-a",
            "2024-03-02-b",
            "2024-03-02-c",
        ]

    def test_the_same_permalink_twice_in_one_run_is_one_article(self, tmp_path):
        write(tmp_path, "a.md", markdown(title='"Premier"'))
        write(tmp_path, "b.md", markdown(title='"Second"'))

        out, _, _ = import_markdown(tmp_path)

        assert out.strip() == "imported 1, updated 1, unchanged 0, failed 0"
        assert Article.objects.get().title == "Second"

    def test_large_imports_go_in_batches_with_a_few_queries_per_file(
        self, tmp_path, django_assert_max_num_queries
    ):
        for number in range(30):
            write(tmp_path, f"{number}.md", markdown(permalink=f'"/papers/2024-03-02-a-{number}"'))
        import_markdown(tmp_path)

        with django_assert_max_num_queries(5):
            out, _, _ = import_markdown(tmp_path)

        assert out.strip() == "imported 0, updated 0, unchanged 30, failed 0"


@pytest.mark.django_db
class TestDryRunAndFixture:
    def test_dry_run_checks_everything_and_writes_nothing(self, tmp_path, seed_file):
        bad = write(tmp_path, "bad.md", markdown(date='"hier"'))

        out, err, status = import_markdown(tmp_path, dry_run=True)

        assert status == 1
        assert "dry run, nothing written: imported 1, updated 0, unchanged 0, failed 1" in out
        assert f"{bad}: date: 'hier'" in err
        assert counts() == (0, 0, 0, 0, 0)

    def test_to_fixture_writes_a_fixture_that_loaddata_loads(self, tmp_path, seed_file, client):
        write(tmp_path, "other.md", markdown(tags='"france, Oncologie"'))
        fixture = tmp_path / "out" / "articles.json"
        fixture.parent.mkdir()

        out, _, status = import_markdown(seed_file, tmp_path / "other.md", to_fixture=fixture)

        assert (out.strip(), status) == (f"wrote 2 articles to {fixture}, failed 0", 0)
        assert counts() == (0, 0, 0, 0, 0)
        call_command("loaddata", fixture, verbosity=0)
        assert counts() == (2, 4, 5, 1, 2)  # "france" is the seed's "France"
        seed = Article.objects.get(permalink=SEED_PERMALINK)
        assert seed.image.credit == "Image de l’article"
        assert seed.source.publisher == "Interventional News"
        assert client.get(f"/papers/{SEED_PERMALINK}").status_code == 200
        # Loading it again, or importing the same files, duplicates nothing.
        call_command("loaddata", fixture, verbosity=0)
        out, _, _ = import_markdown(seed_file, tmp_path / "other.md")
        assert counts() == (2, 4, 5, 1, 2)
        assert out.strip() == "imported 0, updated 0, unchanged 2, failed 0"


@pytest.fixture
def command_line(tmp_path):
    """The environment of a `manage.py` process with a migrated SQLite database of its own."""
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
    }
    manage("migrate", "--no-input", "-v0", env=env)
    return env


def test_exit_statuses_of_the_command_line(tmp_path, seed_file, command_line):
    ok = manage("import_markdown", str(seed_file), env=command_line, check=False)
    bad = write(tmp_path / "more", "bad.md", "pas de front matter\n")
    failed = manage("import_markdown", str(seed_file), str(bad), env=command_line, check=False)
    missing = manage("import_markdown", str(tmp_path / "nowhere"), env=command_line, check=False)

    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "imported 1, updated 0, unchanged 0, failed 0\n", "")
    assert failed.returncode == 1
    assert failed.stdout == "imported 0, updated 0, unchanged 1, failed 1\n"
    assert f"{bad}: no front matter" in failed.stderr
    assert missing.returncode == 2
    assert "No such file or folder" in missing.stderr


def test_progress_is_counted_on_a_terminal_only(tmp_path, command_line):
    manage("generate_articles", "250", str(tmp_path / "corpus"), env=command_line)
    quiet = manage("import_markdown", "--dry-run", str(tmp_path / "corpus"), env=command_line)
    controller, terminal = pty.openpty()
    with open(controller, "rb", buffering=0) as screen:
        shown = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "import_markdown", str(tmp_path / "corpus")],
            cwd=PROJECT,
            env=process_env(command_line),
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=120,
            check=True,
        )
        os.close(terminal)
        progress = screen.read(4096).decode()

    assert quiet.stderr == ""
    assert "\r100 files…\r200 files…" in progress
    assert shown.stdout.decode() == "imported 250, updated 0, unchanged 0, failed 0\n"


@pytest.mark.django_db
class TestPeople:
    """``authors``, ``reviewedBy`` and ``reviewedOn``: names resolved to profiles (people.Person),
    a missing one created by its name; files without them import as they always did."""

    def test_names_become_the_byline_and_the_review(self, tmp_path, client):
        from people.models import Person

        Person.objects.create(name="Anne Leroy", slug="anne-leroy", honorific="Dr")
        path = write(
            tmp_path,
            "a.md",
            markdown(
                authors='["anne leroy", "Hugo Bernard", "Anne Leroy"]',
                reviewedBy='"Anne Leroy"',
                reviewedOn="2026-03-03",
            ),
        )

        out, err, status = import_markdown(path)

        assert status == 0, err
        article = Article.objects.get()
        assert [person.full_name for person in article.byline] == ["Dr Anne Leroy", "Hugo Bernard"]
        assert article.reviewed_by.slug == "anne-leroy" and str(article.reviewed_on) == "2026-03-03"
        assert article.next_review_on is not None
        assert Person.objects.get(name="Hugo Bernard").slug == "hugo-bernard"  # created by its name
        page = client.get(article.get_absolute_url())
        assert "Relu par" in page.content.decode()

    def test_importing_again_changes_nothing_and_a_new_byline_replaces_the_old(self, tmp_path):
        path = write(tmp_path, "a.md", markdown(authors='"Anne Leroy, Hugo Bernard"'))
        import_markdown(path)

        assert "unchanged" in import_markdown(path)[0]

        write(tmp_path, "a.md", markdown(authors='["Hugo Bernard"]'))
        assert "updated" in import_markdown(path)[0]
        assert [person.name for person in Article.objects.get().byline] == ["Hugo Bernard"]

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"reviewedOn": "2026-03-03"}, "a review needs both the reviewer and the day"),
            ({"reviewedBy": '"Anne Leroy"'}, "a review needs both the reviewer and the day"),
            ({"reviewedBy": '"A"', "reviewedOn": '"le 3 mars"'}, "reviewedOn: 'le 3 mars' is not a day"),
            ({"authors": "12"}, "authors: expected a list"),
            ({"authors": '["Anne\\bLeroy"]'}, "authors: holds invisible control characters"),
        ],
    )
    def test_bad_people_fields_are_refused(self, tmp_path, fields, message):
        out, err, status = import_markdown(write(tmp_path, "a.md", markdown(**fields)))

        assert status != 0 and message in err
        assert Article.objects.count() == 0
