"""Large imports: new articles written a batch at a time, and a file the database refuses.

A batch's new articles go to the database together; when the database refuses
one of them, the batch is written again file by file, so that the file at fault
is named and every other one is imported. A rule only the database knows (here
a trigger, as a clash with another writer would be) makes the refusal.
"""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from articles.markdown_format import Importer
from articles.models import Article, ArticleAuthor, ImageCredit, SourceLink, Tag
from people.models import Person

from .pages import listed_titles
from .test_import import counts, import_markdown, markdown, write

pytestmark = pytest.mark.django_db

REFUSAL = "refused by the database"


def refuse_in_database(table, column, value):
    """Make the database itself refuse a row of ``table`` whose ``column`` is ``value``."""
    literal = "'" + value.replace("'", "''") + "'"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                f"WHEN NEW.{column} = {literal} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
        else:
            cursor.execute(
                f"CREATE FUNCTION refuse_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                f"IF NEW.{column} = {literal} THEN RAISE EXCEPTION '{REFUSAL}' "
                "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_{table} BEFORE INSERT ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION refuse_{table}()"
            )


def article_file(folder, number, **fields):
    values = {
        "title": f'"Essai numéro {number}"',
        "permalink": f'"/papers/2024-03-02-essai-{number}"',
        "sourceUrl": f'"https://news.example.org/essai-{number}/"',
        "imageUrl": f'"https://img.example.org/{number}.jpg"',
        "imageCredit": '"Image de l’article — droits possiblement réservés"',
        **fields,
    }
    return write(folder, f"{number:02d}.md", markdown(f"Le texte de l’essai {number}.", **values))


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("articles_article", "title", "Essai numéro 3"),
        ("articles_imagecredit", "image_url", "https://img.example.org/3.jpg"),
        ("articles_sourcelink", "url", "https://news.example.org/essai-3/"),
    ],
    ids=["article", "image credit", "source link"],
)
def test_a_file_the_database_refuses_is_named_and_the_rest_of_its_batch_is_imported(
    tmp_path, table, column, value
):
    files = [article_file(tmp_path, number) for number in range(6)]
    refuse_in_database(table, column, value)

    out, err, status = import_markdown(tmp_path)

    assert status == 1
    assert out.strip() == "imported 5, updated 0, unchanged 0, failed 1"
    assert f"{files[3]}: 2024-03-02-essai-3: " in err
    assert REFUSAL in err.split(f"{files[3]}: ", 1)[1].splitlines()[0]
    assert sorted(Article.objects.values_list("permalink", flat=True)) == [
        f"2024-03-02-essai-{number}" for number in (0, 1, 2, 4, 5)
    ]
    # Nothing of the refused file is left, and the others are whole.
    assert counts() == (5, 2, 10, 5, 5)
    assert not ImageCredit.objects.filter(image_url="https://img.example.org/3.jpg").exists()
    assert not SourceLink.objects.filter(url="https://news.example.org/essai-3/").exists()
    for article in Article.objects.all():
        assert sorted(article.tags.names()) == ["Example News — Latest", "France"]
        assert article.image.alt_text == article.title
        assert article.source.publisher == "Example News"


def test_a_dry_run_names_the_file_the_database_refuses_and_writes_nothing(tmp_path):
    files = [article_file(tmp_path, number) for number in range(4)]
    refuse_in_database("articles_sourcelink", "url", "https://news.example.org/essai-2/")

    out, err, status = import_markdown(tmp_path, dry_run=True)

    assert status == 1
    assert out.strip() == "dry run, nothing written: imported 3, updated 0, unchanged 0, failed 1"
    assert f"{files[2]}: 2024-03-02-essai-2: " in err
    assert counts() == (0, 0, 0, 0, 0)


def test_new_updated_unchanged_and_failing_files_in_one_run(tmp_path, monkeypatch):
    monkeypatch.setattr(Importer, "BATCH_SIZE", 3)  # files 0-2, 3-5, 6-8: every case crosses a batch
    first = tmp_path / "first"
    article_file(first, 0)
    article_file(first, 1)
    import_markdown(first)
    folder = tmp_path / "second"
    files = [
        article_file(folder, 0),  # unchanged
        article_file(folder, 1, title='"Essai numéro 1, corrigé"'),  # updated
        article_file(folder, 2),  # new
        write(folder, "03.md", markdown(date='"hier"')),  # refused by the parser
        article_file(folder, 4),  # new, refused by the database
        article_file(folder, 5, tags='["Belgique"]'),  # new, with a new tag
        article_file(folder, 6, permalink='"/papers/2024-03-02-essai-2"', title='"Essai 2 bis"'),  # 2 again
        article_file(folder, 7, imageUrl='"ftp://img.example.org/7.jpg"', imageCredit=None),  # refused
        article_file(folder, 8),  # new
    ]
    refuse_in_database("articles_article", "title", "Essai numéro 4")

    out, err, status = import_markdown(folder)

    assert status == 1
    assert out.strip() == "imported 3, updated 2, unchanged 1, failed 3"
    failed = [line.split(": ", 1)[0] for line in err.splitlines() if line.startswith(str(folder))]
    assert failed == [str(files[3]), str(files[4]), str(files[7])]  # in the files' order
    assert dict(Article.objects.values_list("permalink", "title")) == {
        "2024-03-02-essai-0": "Essai numéro 0",
        "2024-03-02-essai-1": "Essai numéro 1, corrigé",
        "2024-03-02-essai-2": "Essai 2 bis",
        "2024-03-02-essai-5": "Essai numéro 5",
        "2024-03-02-essai-8": "Essai numéro 8",
    }
    assert list(Article.objects.get(permalink="2024-03-02-essai-5").tags.names()) == ["Belgique"]
    assert Tag.objects.filter(name="Belgique").count() == 1


def test_new_articles_are_written_a_batch_at_a_time(tmp_path, django_assert_max_num_queries):
    for number in range(40):
        article_file(tmp_path, number, tags='["France", "Oncologie", "Example News — Latest"]')

    # A few inserts for the batch, four queries for each new tag, and the story keys written and
    # looked up (two); one file at a time, it was 400.
    with django_assert_max_num_queries(22):
        out, _, status = import_markdown(tmp_path)

    assert (out.strip(), status) == ("imported 40, updated 0, unchanged 0, failed 0", 0)
    assert counts() == (40, 3, 120, 40, 40)
    assert list(Article.objects.get(permalink="2024-03-02-essai-7").tags.names()) == [
        "France",
        "Oncologie",
        "Example News — Latest",
    ]


def test_a_batch_of_signed_articles_writes_its_bylines_in_one_insert(tmp_path):
    for number in range(40):
        names = '["Anne Leroy", "Paul Martin"]' if number % 2 else '["Paul Martin"]'
        article_file(tmp_path, number, authors=names)

    with CaptureQueriesContext(connection) as queries:
        out, _, status = import_markdown(tmp_path)

    assert (out.strip(), status) == ("imported 40, updated 0, unchanged 0, failed 0", 0)
    byline_inserts = [query for query in queries if 'INSERT INTO "articles_articleauthor"' in query["sql"]]
    assert len(byline_inserts) == 1  # one per file before: a tenth of a large import's time
    assert len(queries) < 40
    assert ArticleAuthor.objects.count() == 60


def test_signed_articles_keep_their_bylines_in_order(tmp_path):
    for number in range(3):
        article_file(tmp_path, number, authors='["Paul Martin", "Anne Leroy"]')

    out, _, status = import_markdown(tmp_path)

    assert status == 0, out
    article = Article.objects.get(permalink="2024-03-02-essai-1")
    assert [byline.person.name for byline in article.bylines.order_by("position")] == [
        "Paul Martin",
        "Anne Leroy",
    ]
    assert Person.objects.count() == 2


def test_imported_articles_are_what_a_save_makes_them(tmp_path, client):
    article_file(tmp_path, 1, date='"2024-03-02T10:00:00Z"')
    article_file(tmp_path, 2, date='"2999-01-01T10:00:00Z"', permalink='"/papers/2999-01-01-plus-tard"')

    import_markdown(tmp_path)

    now_public, scheduled = Article.objects.order_by("published_at")
    assert (now_public.slug, now_public.origin) == ("essai-numero-1", Article.Origin.IMPORTED)
    assert now_public.first_published_at == now_public.published_at
    assert now_public.created_at is not None and now_public.updated_at is not None
    assert scheduled.first_published_at == scheduled.published_at  # published, its time to come
    assert SourceLink.objects.get(article=now_public).url_normalized == "https://news.example.org/essai-1"
    assert Version.objects.count() == 0  # versions are the admin's, as before
    response = client.get("/search/", {"q": "essai"})
    assert listed_titles(response) == ["Essai numéro 1"]
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_a_batch_forgets_the_cached_pages(tmp_path, client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(uuid.uuid4()),
        },
    }
    article_file(tmp_path / "a", 1)
    import_markdown(tmp_path / "a")
    assert "Essai numéro 1" in client.get("/").content.decode()  # kept in the cache

    article_file(tmp_path / "b", 2)
    import_markdown(tmp_path / "b")

    assert "Essai numéro 2" in client.get("/").content.decode()
