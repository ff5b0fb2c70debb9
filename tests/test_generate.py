"""Synthetic articles from `manage.py generate_articles`, for demos and benchmarks."""

from io import StringIO

import pytest
import yaml
from django.core.management import call_command

from articles import generators
from articles.models import Article, ImageCredit
from people.models import Person


def generate(outdir, count, seed):
    out = StringIO()
    call_command("generate_articles", str(count), str(outdir), seed=seed, stdout=out)
    return out.getvalue()


def contents(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_same_seed_writes_the_same_files(tmp_path):
    out = generate(tmp_path / "a", 25, seed=4)
    generate(tmp_path / "b", 25, seed=4)
    generate(tmp_path / "c", 25, seed=5)
    generate(tmp_path / "d", 40, seed=4)

    assert out.strip() == f"wrote 25 articles to {tmp_path / 'a'}"
    first = contents(tmp_path / "a")
    assert len(first) == 25
    assert contents(tmp_path / "b") == first
    assert contents(tmp_path / "c") != first
    # A larger corpus starts with the smaller one.
    assert {name: text for name, text in contents(tmp_path / "d").items() if name in first} == first


@pytest.mark.django_db
def test_generated_articles_import_and_vary_like_the_archive(tmp_path):
    generate(tmp_path, 200, seed=1)
    files = sorted(tmp_path.iterdir())
    front_matters = [yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1]) for path in files]

    out = StringIO()
    call_command("import_markdown", str(tmp_path), stdout=out)

    assert out.getvalue().strip() == "imported 200, updated 0, unchanged 0, failed 0"
    years = {article.published_at.year for article in Article.objects.all()}
    assert len(years) >= 5
    assert 0 < ImageCredit.objects.count() < 200
    assert len({tag for article in Article.objects.all() for tag in article.tags.names()}) >= 20
    assert {article.importance for article in Article.objects.all()} == {None, 1, 2, 3, 4}
    assert Article.objects.exclude(body="").count() > 50
    assert any(isinstance(values["tags"], str) for values in front_matters)
    assert any(values["permalink"] == "" for values in front_matters)
    assert any("+02:00" in values["date"] for values in front_matters)
    # Bylines, for the authors' pages: most articles signed by one person, some by two, some by nobody.
    bylines = [len(article.byline) for article in Article.objects.with_bylines()]
    assert {0, 1, 2} <= set(bylines) and bylines.count(1) > bylines.count(0) > 0
    assert 10 <= Person.objects.count() <= 40


@pytest.mark.django_db
def test_two_generated_articles_never_claim_one_address(tmp_path, monkeypatch):
    """Titles longer than a slug lose their cohort number: with few topics and days (as a million
    articles have), two articles of a day met on one address, and one was imported over the other."""
    monkeypatch.setattr(generators, "ACTORS", [max(generators.ACTORS, key=len)])
    monkeypatch.setattr(generators, "VERBS", [max(generators.VERBS, key=len)])
    monkeypatch.setattr(generators, "TOPICS", [max(generators.TOPICS, key=len)])  # its number is cut
    monkeypatch.setattr(generators, "SPAN_SECONDS", 6 * 24 * 3600)
    generate(tmp_path, 4, seed=1)

    out = StringIO()
    call_command("import_markdown", str(tmp_path), stdout=out)

    assert out.getvalue().strip() == "imported 4, updated 0, unchanged 0, failed 0"
    assert Article.objects.count() == 4
