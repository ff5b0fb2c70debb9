"""Articles written back out with `manage.py export_markdown`, and the round trips through it."""

import html
import shutil
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.markdown_format import filename, to_markdown
from articles.models import Article, ImageCredit, SourceLink, Tag
from articles.writing import with_parts as with_markdown_parts

from .conftest import SEED_PERMALINK
from .factories import make_article
from .test_import import SEED_FILE, counts


def export(outdir, **options):
    out = StringIO()
    call_command("export_markdown", str(outdir), stdout=out, **options)
    return out.getvalue()


def front_matter(path):
    return yaml.safe_load(Path(path).read_text(encoding="utf-8").split("---\n")[1])


def decoded(value):
    return [decoded(item) for item in value] if isinstance(value, list) else html.unescape(value)


def files(folder):
    return {path.name: path.read_bytes() for path in sorted(Path(folder).iterdir())}


def empty_database():
    Article.objects.all().delete()
    Tag.objects.all().delete()
    assert counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
class TestRoundTrips:
    def test_the_seed_comes_back_key_by_key_and_value_by_value(self, tmp_path):
        call_command("import_markdown", str(SEED_FILE), verbosity=0, stdout=StringIO())

        out = export(tmp_path / "out")

        exported = tmp_path / "out" / f"{SEED_PERMALINK}.md"
        assert out.strip() == f"exported 1 articles to {tmp_path / 'out'}"
        original, back = front_matter(SEED_FILE), front_matter(exported)
        assert list(back) == list(original)
        assert len(original) == 10
        for key in original:
            assert decoded(back[key]) == decoded(original[key]), key
        # The body too: the whole file is the seed's, with its one entity decoded.
        assert exported.read_text(encoding="utf-8") == SEED_FILE.read_text(encoding="utf-8").replace(
            "&#8230;", "…"
        )

    def test_export_import_export_is_byte_identical_on_a_generated_corpus(self, tmp_path):
        call_command("generate_articles", "80", str(tmp_path / "corpus"), seed=7, stdout=StringIO())
        shutil.copy(SEED_FILE, tmp_path / "corpus")
        call_command("import_markdown", str(tmp_path / "corpus"), stdout=StringIO())
        export(tmp_path / "first")
        empty_database()

        call_command("import_markdown", str(tmp_path / "first"), stdout=StringIO())
        export(tmp_path / "second")

        first = files(tmp_path / "first")
        assert len(first) == 81
        assert files(tmp_path / "second") == first

    def test_dumpdata_loads_into_an_empty_database_with_every_part(self, tmp_path):
        call_command("generate_articles", "40", str(tmp_path / "corpus"), seed=3, stdout=StringIO())
        call_command("import_markdown", str(tmp_path / "corpus"), str(SEED_FILE), stdout=StringIO())
        export(tmp_path / "before")
        before = counts()
        fixture = tmp_path / "dump.json"
        call_command(
            "dumpdata",
            "articles",
            natural_foreign=True,
            natural_primary=True,
            output=str(fixture),
            verbosity=0,
        )
        empty_database()

        call_command("loaddata", str(fixture), verbosity=0)

        assert counts() == before
        export(tmp_path / "after")
        assert files(tmp_path / "after") == files(tmp_path / "before")

    def test_awkward_text_survives(self, tmp_path):
        title = 'Il dit : « oui » — "vraiment" \\ #1 [x]\u2028fin'
        summary = "AT&amp;T et R&D: 50 %\tsur 2\u00a0ans"
        make_article(title=title, summary=summary, body="## L’essentiel\n\nUn autre résumé.", tags=["a, b"])

        export(tmp_path / "first")
        empty_database()
        call_command("import_markdown", str(tmp_path / "first"), stdout=StringIO())

        article = Article.objects.get()
        assert (article.title, article.summary) == (title, summary)
        assert article.body == "## L’essentiel\n\nUn autre résumé."
        assert list(article.tags.names()) == ["a, b"]


@pytest.mark.django_db
class TestFormat:
    def test_body_is_regenerated_around_the_editors_text(self, tmp_path):
        article = make_article(
            title="Un essai",
            published_at=datetime(2024, 12, 31, 23, 30, 15, 123456, tzinfo=UTC),
            summary="Le résumé.",
            body="Notre avis : prometteur.\r\n\r\n## Contexte\r\n\r\nDeux essais.",
            importance=Article.Importance.TOP,
            tags=["Oncologie", "France"],
        )
        ImageCredit.objects.create(
            article=article, image_url="https://img.example.org/a.jpg", alt_text="", credit="Photo AP"
        )
        SourceLink.objects.create(article=article, url="https://news.example.org/a", publisher="News")
        SourceLink.objects.create(article=article, url="https://other.example.org/", kind="related")

        export(tmp_path)

        text = (tmp_path / f"{article.permalink}.md").read_text(encoding="utf-8")
        assert text == (
            "---\n"
            'title: "Un essai"\n'
            'date: "2024-12-31T23:30:15.123Z"\n'
            'publishedDate: "1 janvier 2025"\n'
            'summary: "Le résumé."\n'
            'importance: "4"\n'
            'sourceUrl: "https://news.example.org/a"\n'
            'tags: ["Oncologie", "France"]\n'
            f'permalink: "/papers/{article.permalink}"\n'
            'imageUrl: "https://img.example.org/a.jpg"\n'
            'imageCredit: "Photo AP"\n'
            "---\n\n"
            "![Un essai](https://img.example.org/a.jpg)\n\n"
            "*Crédit image : Photo AP*\n\n"
            "## L’essentiel\n\nLe résumé.\n\n"
            "Notre avis : prometteur.\n\n## Contexte\n\nDeux essais.\n\n"
            "## Lien source\n\nhttps://news.example.org/a\n"
        )
        assert article.permalink.startswith("2025-01-01-")

    def test_an_article_without_image_summary_or_source_has_only_its_body(self, tmp_path):
        article = make_article(title="Brève", summary="", body="Texte seul.")

        export(tmp_path)

        text = (tmp_path / f"{article.permalink}.md").read_text(encoding="utf-8")
        assert text.endswith('imageUrl: ""\nimageCredit: ""\n---\n\nTexte seul.\n')
        assert 'importance: ""' in text

    def test_status_and_since_choose_the_articles(self, tmp_path):
        old = make_article(title="Ancien", published_at=datetime(2020, 1, 1, tzinfo=UTC))
        new = make_article(title="Récent", published_at=datetime(2024, 6, 1, tzinfo=UTC))
        draft = make_article(title="Brouillon", status=Article.Status.DRAFT)

        export(tmp_path / "published", status="published")
        export(tmp_path / "since", since="2024-01-01")
        export(tmp_path / "since-utc", since="2024-06-01T00:00:00")
        export(tmp_path / "since-offset", since="2024-06-01T02:00:01+02:00")
        export(tmp_path / "drafts", status="draft")

        assert set(files(tmp_path / "published")) == {f"{old.permalink}.md", f"{new.permalink}.md"}
        assert set(files(tmp_path / "since")) == {f"{new.permalink}.md", f"{draft.permalink}.md"}
        assert set(files(tmp_path / "drafts")) == {f"{draft.permalink}.md"}
        assert set(files(tmp_path / "since-utc")) == {f"{new.permalink}.md", f"{draft.permalink}.md"}
        assert set(files(tmp_path / "since-offset")) == {f"{draft.permalink}.md"}

    def test_a_bad_since_date_is_a_usage_error(self, tmp_path):
        with pytest.raises(CommandError, match="is not a date") as error:
            export(tmp_path, since="hier")

        assert error.value.returncode == 2

    def test_export_costs_a_fixed_number_of_queries(self, tmp_path, django_assert_num_queries):
        for number in range(5):
            make_article(tags=["France", f"Tag {number}"], image=True, source=True)

        # the articles with their images, reviewers and bylines; their tags, their sources, their notes
        with django_assert_num_queries(4):
            export(tmp_path)

        assert len(files(tmp_path)) == 5

    def test_to_markdown_needs_only_the_article_with_its_parts(self, seed):
        text = to_markdown(with_markdown_parts(Article.objects.all()).get())

        assert text.startswith('---\ntitle: "NICE publishes')


@pytest.mark.django_db
def test_bylines_and_reviews_survive_export_import_export(tmp_path):
    import datetime

    from articles.models import ArticleAuthor
    from people.models import Person

    anne = Person.objects.create(name="Anne Leroy", honorific="Dr")
    hugo = Person.objects.create(name="Hugo & Bernard")
    article = make_article(title="Relu et signé", reviewed_by=anne, reviewed_on=datetime.date(2026, 3, 3))
    ArticleAuthor.objects.create(article=article, person=hugo, position=1)
    ArticleAuthor.objects.create(article=article, person=anne, position=2)
    make_article(title="Sans signature")
    export(tmp_path / "first")
    signed = front_matter(tmp_path / "first" / filename(article))
    assert signed["authors"] == ["Hugo & Bernard", "Anne Leroy"]
    assert (signed["reviewedBy"], signed["reviewedOn"]) == ("Anne Leroy", "2026-03-03")
    unsigned = [path for path in (tmp_path / "first").iterdir() if path.name != filename(article)]
    assert "authors" not in front_matter(unsigned[0])  # the seed's keys, and nothing more
    empty_database()
    ArticleAuthor.objects.all().delete()
    Person.objects.all().delete()

    call_command("import_markdown", str(tmp_path / "first"), stdout=StringIO())
    export(tmp_path / "second")

    assert files(tmp_path / "second") == files(tmp_path / "first")
