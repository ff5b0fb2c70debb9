"""An article's card, rendered once and kept on its row: lists read it instead of rendering it.

A page of twenty cards spent most of its time in the template, drawing each card from the
article, its tags, its authors and its image. The card is the same on every page that shows
the article, so it is rendered when the article changes, in each language, and kept in
``Article.stored_cards`` with a *fingerprint* of everything it was drawn from: the row's
columns a card shows, its tags and authors as the page's query read them (articles.embedded),
its image, the language, and the card template's own text and words as translated. A page
serves the kept card only when the fingerprint of what it has just read is the same; anything
else (a tag renamed, an author's name corrected, a new template or translation, a row nobody
rendered yet) is drawn as before, so a kept card is never stale. Kept cards are written after
each change by the task ``render_stored_cards`` and by ``manage.py render_articles`` (articles.management).

A card is kept in three parts, so that one rendering serves every page's variant: the part
before its tags, its tags, and the part after; a page asks for an ``h2`` or ``h3`` heading,
with or without tags, its image loaded lazily or not. The lead card « À la une » is always drawn.
"""

import functools
import hashlib
import re
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Q
from django.template import engines
from django.utils import translation
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django_tasks import task

CARD_TEMPLATE = "includes/articles.html"
# Moved when what a fingerprint is made of changes outside the template: every card is then
# drawn again by render_articles. 2: embedded rows in the order of their ids (articles.embedded).
FINGERPRINT_VERSION = 2
LAZY = ' loading="lazy"'


@functools.cache
def template_version():
    """What the cards' drawing depends on beyond the article: the template's text, its words as
    each language's catalog translates them, the media address and the time zone (a card shows
    its day there). A deploy that changes any of them draws every card again (render_articles)."""
    source = (Path(settings.BASE_DIR) / "templates" / "jinja2" / CARD_TEMPLATE).read_bytes()
    translated = "|".join(words(language) for language, _name in settings.LANGUAGES)
    context = f"|{FINGERPRINT_VERSION}|{settings.MEDIA_URL}|{settings.TIME_ZONE}|{translated}"
    return hashlib.sha256(source + context.encode()).hexdigest()[:16]


@functools.cache
def template_words():
    """The words the card template translates (its ``_("…")``): a card shows them as the language's
    catalog says, and a deploy may change the catalog without touching the template."""
    source = (Path(settings.BASE_DIR) / "templates" / "jinja2" / CARD_TEMPLATE).read_text()
    return tuple(sorted(set(re.findall(r"""_\(\s*(?:"([^"]*)"|'([^']*)')\s*\)""", source))))


@functools.cache
def words(language):
    """The template's words and the date's format in ``language``, as its cards show them."""
    with translation.override(language):
        return "\x1e".join(
            [translation.gettext(double or single) for double, single in template_words()]
            + [str(get_format("DATE_FORMAT"))]
        )


def fingerprint(article, language):
    """What the article's card is drawn from, as the page's query read it, hashed."""
    image = getattr(article, "image", None)
    parts = [
        template_version(),
        language,
        article.title,
        article.permalink,
        article.published_at.isoformat(),
        article.summary,
        article.embedded_tags or "",
        article.embedded_bylines or "",
    ]
    if image is not None:
        parts += [str(getattr(image, field.attname)) for field in image._meta.concrete_fields]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def stored_card(article, heading="h2", lazy=True, show_tags=False):
    """The kept card, as the page asks for it, or None when it must be drawn."""
    kept = (article.__dict__.get("stored_cards") or {}).get(translation.get_language())
    if not kept or not hasattr(article, "embedded_tags") or not hasattr(article, "embedded_bylines"):
        return None
    key, before, tags, after = kept
    if key != fingerprint(article, translation.get_language()):
        return None
    if heading != "h2":
        before = before.replace("<h2>", f"<{heading}>", 1).replace("</h2>", f"</{heading}>", 1)
    html = before + tags + after if show_tags else before + after
    if not lazy:
        html = html.replace(LAZY, "", 1)
    return mark_safe(html)  # noqa: S308 -- drawn by the template, escaped there


def draw(article):
    """The article's card in each language, in parts, with their fingerprints, and the template's
    version: the value of ``stored_cards``."""
    module = engines["jinja2"].env.get_template(CARD_TEMPLATE).module
    cards = {"version": template_version()}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            card = str(module.drawn_card(article, heading="h2", lazy=True, show_tags=True))
            tags = str(module.tag_list(article.tags_by_name))
            before, _, after = card.partition(tags) if tags else (card, "", "")
            cards[language] = [fingerprint(article, language), before, tags, after]
    return cards


def render(articles, batch_size=500):
    """Draw and keep the cards of ``articles`` (a queryset): how many were written.

    Written by one statement executed for each row, a batch in one transaction, without a
    signal: a kept card is no change readers see, and must not empty their cache."""
    changed, written = [], 0
    for article in articles.cards("stored_cards").iterator(chunk_size=batch_size):
        cards = draw(article)
        if cards != article.stored_cards:
            changed.append((article.pk, cards))
        if len(changed) >= batch_size:
            written += write(articles.model, changed)
    return written + write(articles.model, changed)


def write(model, changed):
    field = model._meta.get_field("stored_cards")
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
    sql = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s"  # noqa: S608 -- names from the model
    with transaction.atomic(), db.cursor() as cursor:
        cursor.executemany(sql, [(field.get_db_prep_save(cards, db), pk) for pk, cards in changed])
    count = len(changed)
    changed.clear()
    return count


def outdated(articles):
    """Of ``articles``, those whose cards were drawn by another template, or never: what
    ``manage.py render_articles`` draws (those a change made untrue are drawn by its task)."""
    public = articles.filter(status=articles.model.Status.PUBLISHED)
    return public.filter(Q(stored_cards__version__isnull=True) | ~Q(stored_cards__version=template_version()))


@task()
def render_stored_cards(article_ids):
    """Keep the cards of these articles (those that are public or scheduled), after a change."""
    from .models import Article

    return render(Article.objects.filter(pk__in=article_ids, status=Article.Status.PUBLISHED))


def cards_changed(article_ids, using=None):
    """Queue the drawing of these articles' cards once the change is committed: one task for all
    the articles a transaction changed (an import of ten thousand files is one task)."""
    db = connections[using or DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        render_stored_cards.enqueue(sorted(set(article_ids)))
        return
    for _savepoints, callback, _robust in db.run_on_commit:
        if isinstance(callback, PendingCards):
            callback.ids.update(article_ids)
            return
    transaction.on_commit(PendingCards(article_ids), using=db.alias)


class PendingCards:
    """The articles whose cards a transaction changed, drawn once it commits."""

    def __init__(self, article_ids):
        self.ids = set(article_ids)

    def __call__(self):
        render_stored_cards.enqueue(sorted(self.ids))


# Receivers (connected in apps.py): what a card is drawn from changed.


def article_saved(sender, instance, **kwargs):
    cards_changed([instance.pk], kwargs.get("using"))


def part_saved(sender, instance, **kwargs):
    """A tag given or taken, an author, an image credit: the article it belongs to."""
    cards_changed([getattr(instance, "article_id", None) or instance.content_object_id], kwargs.get("using"))


def tags_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs):
    if action.startswith("post_"):
        if reverse:  # tag.articles.add(...): the articles
            cards_changed(pk_set or (), kwargs.get("using"))
        else:
            cards_changed([instance.pk], kwargs.get("using"))


def shared_part_saved(sender, instance, created=False, raw=False, **kwargs):
    """A tag renamed or a person's name corrected: every article whose card shows them (a new
    one is on no card yet: an import creating tags asks nothing more)."""
    from .models import Article

    if created or raw:
        return
    relation = "tags" if sender._meta.model_name == "tag" else "authors"
    shown = Article.objects.filter(status=Article.Status.PUBLISHED, **{relation: instance})
    cards_changed(list(shown.values_list("pk", flat=True)), kwargs.get("using"))
