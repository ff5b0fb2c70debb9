"""Search over articles: full text on PostgreSQL, a plain fallback on other databases.

The one place that knows which database answers. On PostgreSQL the words are
matched with the ``french_unaccent`` text search configuration (French stemming,
accents ignored: "radiothérapie" finds "radiotherapie" and "radiothérapies"),
ranked by where they appear (title, then summary, then body), through the
``search_document`` column that a trigger keeps up to date and its GIN index
(migration 0010).
Elsewhere each word must appear, in any case, in the title, summary, body or tags.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, Q

from .models import Tag, TaggedArticle

SEARCH_CONFIG = "french_unaccent"
# Longer queries are not questions a reader asks: they get an empty result at once.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
WORD = re.compile(r"[^\W_]+")  # letters and digits: "_" and "%" mean nothing here


def search_terms(query):
    """The words of a query, or none for an empty, punctuation-only or oversized one."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        return []
    return WORD.findall(query)[:MAX_TERMS]


def search(queryset, query):
    """The articles of ``queryset`` that match ``query``, best first."""
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    if connections[queryset.db].vendor == "postgresql":
        return _full_text_search(queryset, terms)
    return _substring_search(queryset, terms)


def _full_text_search(queryset, terms):
    query = SearchQuery(" ".join(terms), config=SEARCH_CONFIG, search_type="plain")
    # Two subqueries rather than one OR'ed condition: each can use its index.
    text_matches = queryset.model.objects.filter(search_document=query)
    # The few tags are matched first, then their articles through the (tag, article) index:
    # never a text search vector built for each of the millions of taggings.
    tags = Tag.objects.annotate(document=SearchVector("name", config=SEARCH_CONFIG)).filter(document=query)
    tag_matches = TaggedArticle.objects.filter(tag__in=tags.values("pk"))
    matches = Q(pk__in=text_matches.values("pk")) | Q(pk__in=tag_matches.values("content_object_id"))
    return (
        queryset.filter(matches)
        .annotate(rank=SearchRank(F("search_document"), query))
        .order_by("-rank", "-published_at", "-id")
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
