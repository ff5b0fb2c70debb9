"""Search over articles: full text on PostgreSQL, a plain fallback on other databases.

The one place that knows which database answers. On PostgreSQL the words are
matched with the ``french_unaccent`` text search configuration (French stemming,
accents ignored: "radiothérapie" finds "radiotherapie" and "radiothérapies"),
through the ``search_document`` column that a trigger keeps up to date and its
GIN index (migration 0004), and tags through the same configuration.

What readers get: the newest matches, best first. The candidates are the
RANKED_MATCHES most recent public articles whose text matches and the
RANKED_MATCHES most recent with a matching tag; those are ranked by where the
words appear (title, then summary, then body; a tag alone ranks last), then by
date. A rare word thus finds every article that holds it, and a word found in a
third of a million articles costs no more: it ranks the newest thousand, which
PostgreSQL finds by walking the (status, date) index until it has them, rather
than reading and ranking every match. A word in a few per cent of the articles
costs the most (the index walk reads RANKED_MATCHES / frequency rows).

Elsewhere each word must appear, in any case, in the title, summary, body or
tags, newest first.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, Q
from django.db.models.expressions import RawSQL

from .models import Tag, TaggedArticle

SEARCH_CONFIG = "french_unaccent"
# Longer queries are not questions a reader asks: they get an empty result at once.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
WORD = re.compile(r"[^\W_]+")  # letters and digits: "_" and "%" mean nothing here
RANKED_MATCHES = 1000

# The newest articles of each tag whose name matches, through the (tag, article) index:
# a few rows per matching tag, however many articles it holds. Django has no LATERAL join.
NEWEST_TAGGED = f"""
    SELECT newest.content_object_id FROM {Tag._meta.db_table} AS tag
    CROSS JOIN LATERAL (
        SELECT content_object_id FROM {TaggedArticle._meta.db_table}
        WHERE tag_id = tag.id ORDER BY content_object_id DESC LIMIT %s
    ) AS newest
    WHERE to_tsvector(%s::regconfig, tag.name) @@ plainto_tsquery(%s::regconfig, %s)
"""  # noqa: S608 (table names from the models; the values are parameters)


def search_terms(query):
    """The words of a query, or none for an empty, punctuation-only or oversized one."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        return []
    return WORD.findall(query)[:MAX_TERMS]


def search(queryset, query):
    """The articles of ``queryset`` that match ``query``: on PostgreSQL the newest matches, best first."""
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        return _full_text_search(queryset, terms)
    return _substring_search(queryset, terms)


def _full_text_search(queryset, terms):
    text = " ".join(terms)
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="plain")
    newest = ("-published_at", "-id")
    by_text = queryset.filter(search_document=query).order_by(*newest).values("pk")[:RANKED_MATCHES]
    tagged = RawSQL(NEWEST_TAGGED, (RANKED_MATCHES, SEARCH_CONFIG, SEARCH_CONFIG, text))  # noqa: S611
    by_tag = queryset.filter(pk__in=tagged).order_by(*newest).values("pk")[:RANKED_MATCHES]
    # One IN over the union, rather than two OR'ed conditions: the candidates then
    # lead the plan, fetched by primary key, instead of every article being tested.
    return (
        queryset.filter(pk__in=by_text.union(by_tag))
        .annotate(rank=SearchRank(F("search_document"), query))
        .order_by("-rank", *newest)
    )


def _substring_search(queryset, terms):
    for term in terms:
        tagged = TaggedArticle.objects.filter(tag__name__icontains=term)
        queryset = queryset.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(body__icontains=term)
            | Q(pk__in=tagged.values("content_object_id"))
        )
    return queryset
