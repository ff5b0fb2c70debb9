"""Articles written back out in the site's markdown format, one file per article.

The output is what ``articles.importers`` reads: the seed's front matter keys in
the seed's order, then the body regenerated around the stored text (image,
credit, « L’essentiel », the editor's text, « Lien source »). Exporting,
importing the files into an empty database and exporting again gives the same
bytes.
"""

import datetime
import json
import re
from pathlib import Path

from django.utils import timezone

from .importers import (
    IMAGE_CREDIT_PREFIX,
    SOURCE_HEADING,
    SUMMARY_HEADINGS,
    escape_summary,
    first_source,
    with_markdown_parts,
)
from .models import Article

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# Characters YAML does not allow raw in a document, or reads as line breaks.
YAML_UNSAFE_RE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def articles_to_export(*, status=None, since=None):
    articles = with_markdown_parts(Article.objects.all())
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
    """The article's file, for an article fetched with ``with_markdown_parts()``."""
    image = getattr(article, "image", None)
    image_url = image.image_url if image else ""
    credit_line = image.credit_line if image_url else ""
    source = first_source(article)
    summary = escape_summary(article.summary.strip())
    day = timezone.localdate(article.published_at)
    utc = article.published_at.astimezone(datetime.UTC)
    front_matter = {
        "title": article.title,
        "date": f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z",
        "publishedDate": f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}",
        "summary": summary,
        "importance": "" if article.importance is None else str(article.importance),
        "sourceUrl": source.url if source else "",
        "tags": [tagged.tag.name for tagged in article.tags_in_order],
        "permalink": f"/papers/{article.permalink}",
        "imageUrl": image_url,
        "imageCredit": credit_line,
    }
    blocks = []
    if image_url:
        alt_text = " ".join((image.alt_text or article.title).split())
        blocks.append(f"![{alt_text}]({image_url})")
        if credit_line:
            blocks.append(f"{IMAGE_CREDIT_PREFIX}{credit_line}*")
    if summary:
        blocks.append(f"{SUMMARY_HEADINGS[0]}\n\n{summary}")
    if article.body.strip():
        blocks.append(article.body.replace("\r\n", "\n").strip())
    if source:
        blocks.append(f"{SOURCE_HEADING}\n\n{source.url}")
    lines = ["---", *(f"{key}: {yaml_value(value)}" for key, value in front_matter.items()), "---"]
    text = "\n".join(lines) + "\n"
    if blocks:
        text += "\n" + "\n\n".join(blocks) + "\n"
    return text


def yaml_value(value):
    """A YAML flow value in the seed's style: JSON strings, which YAML reads as double-quoted scalars."""
    if isinstance(value, list):
        return "[" + ", ".join(yaml_value(item) for item in value) + "]"
    quoted = json.dumps(value, ensure_ascii=False)
    return YAML_UNSAFE_RE.sub(lambda match: f"\\u{ord(match[0]):04x}", quoted)
