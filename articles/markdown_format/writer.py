"""Writing the site's markdown format: the one writer, for exports and generated corpora alike.

``compose(front_matter, ...)`` writes a file: the front matter's keys in the
seed's order, then the body the site generates around the editor's text
(image, credit, « L’essentiel », the text, « Lien source »). ``to_markdown``
gives it an article's values and ``export_articles`` writes one file per
article (``manage.py export_markdown``); ``articles.generators`` gives it
synthetic values (``manage.py generate_articles``). What it writes is what
``parser.py`` reads: exporting, importing the files into an empty database
and exporting again gives the same bytes. The text the parser decodes (title,
summary, tags, alternative text, credit and rights) is written escaped
(``articles.plain_text.escape``): only an ``&`` that would be read as an entity changes.
"""

import datetime
import json
import re
from pathlib import Path

from django.utils import timezone

from ..models import Article, ImageCredit
from ..plain_text import escape
from ..writing import first_source, with_parts
from .constants import (
    FIELDS,
    IMAGE_CREDIT_PREFIX,
    IMAGE_CREDIT_SUFFIX,
    MONTHS_FR,
    OPTIONAL_FIELDS,
    PERMALINK_PREFIX,
    SOURCE_HEADING,
    SUMMARY_HEADING,
)

# Characters YAML does not allow raw in a document, or reads as line breaks.
YAML_UNSAFE_RE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def articles_to_export(*, status=None, since=None):
    articles = with_parts(Article.objects.all()).with_bylines().select_related("reviewed_by")
    if status:
        articles = articles.filter(status=status)
    if since:
        articles = articles.filter(published_at__gte=since)
    return articles.order_by("published_at", "pk")


def export_articles(outdir, articles, *, chunk_size=500):
    """Write each article to OUTDIR/<permalink's last segment>.md; return how many were written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    count = 0
    for article in articles.iterator(chunk_size=chunk_size):
        (outdir / filename(article)).write_text(to_markdown(article), encoding="utf-8")
        count += 1
    return count


def filename(article):
    return article.permalink.rsplit("/", 1)[-1] + ".md"


def to_markdown(article):
    """The article's file, for an article fetched with ``articles.writing.with_parts()``."""
    image = getattr(article, "image", None)
    image_url = image.image_url if image else ""
    credit_line = ""
    if image_url:
        credit_line = ImageCredit.join_credit(escape(image.credit), escape(image.rights), image.credit_url)
    source = first_source(article)
    summary = escape(article.summary.strip())
    front_matter = {
        "title": escape(article.title),
        "date": utc_timestamp(article.published_at),
        "publishedDate": french_date(timezone.localdate(article.published_at)),
        "summary": summary,
        "importance": "" if article.importance is None else str(article.importance),
        "sourceUrl": source.url if source else "",
        "tags": [escape(tagged.tag.name) for tagged in article.tags_in_order],
        "permalink": permalink_path(article.permalink),
        "imageUrl": image_url,
        "imageCredit": credit_line,
        "corrections": [
            {"date": utc_timestamp(note.published_at), "kind": note.kind, "text": note.text}
            for note in article.corrections.all()
        ],
        "authors": [escape(person.name) for person in article.byline],
        "reviewedBy": escape(article.reviewed_by.name) if article.reviewed_by and article.reviewed_on else "",
        "reviewedOn": article.reviewed_on.isoformat() if article.reviewed_by and article.reviewed_on else "",
    }
    return compose(
        front_matter,
        image_url=image_url,
        alt_text=escape(image.alt_text or article.title) if image_url else "",
        credit_line=credit_line,
        summary=summary,
        body=article.body,
        source_url=source.url if source else "",
    )


def compose(front_matter, *, image_url="", alt_text="", credit_line="", summary="", body="", source_url=""):
    """A file: FRONT_MATTER (a value for each of FIELDS, written as given; one of OPTIONAL_FIELDS
    only when it holds something), then its body.

    The body holds, each when given: the image, its credit, « L’essentiel » with
    the summary, the editor's text, and « Lien source » with the source's address.
    """
    blocks = []
    if image_url:
        blocks.append(f"![{' '.join(alt_text.split())}]({image_url})")
        if credit_line:
            blocks.append(f"{IMAGE_CREDIT_PREFIX}{credit_line}{IMAGE_CREDIT_SUFFIX}")
    if summary:
        blocks.append(f"{SUMMARY_HEADING}\n\n{summary}")
    if body.strip():
        blocks.append(body.replace("\r\n", "\n").strip())
    if source_url:
        blocks.append(f"{SOURCE_HEADING}\n\n{source_url}")
    keys = [key for key in FIELDS if key not in OPTIONAL_FIELDS or front_matter.get(key)]
    lines = ["---", *(f"{key}: {yaml_value(front_matter[key])}" for key in keys), "---"]
    text = "\n".join(lines) + "\n"
    if blocks:
        text += "\n" + "\n\n".join(blocks) + "\n"
    return text


def utc_timestamp(moment):
    """``date``: the moment in UTC, to the millisecond, as the seed writes it."""
    utc = moment.astimezone(datetime.UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def french_date(day):
    """``publishedDate``: « 24 mai 2024 »."""
    return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"


def permalink_path(permalink):
    """``permalink``: the article's address on the site, /papers/…"""
    return f"{PERMALINK_PREFIX}{permalink}"


def yaml_value(value):
    """A YAML flow value in the seed's style: JSON strings, which YAML reads as double-quoted scalars."""
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{yaml_value(key)}: {yaml_value(item)}" for key, item in value.items()) + "}"
    quoted = json.dumps(value, ensure_ascii=False)
    return YAML_UNSAFE_RE.sub(lambda match: f"\\u{ord(match[0]):04x}", quoted)
