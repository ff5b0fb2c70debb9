"""Search over articles, ignoring case and accents, on PostgreSQL and on SQLite.

The one place that knows which database answers. On PostgreSQL the words are
matched with the ``french_unaccent`` text search configuration (French stemming,
accents ignored: "radiothérapie" finds "radiotherapie" and "radiothérapies"),
through the ``search_document`` column that a trigger keeps up to date and its
GIN index (migration 0004), and tags through the same configuration. On SQLite
they are matched through FTS5 tables of the title, summary and body and of the
tag names, tokenized by ``unicode61`` without diacritics (case and accents
ignored, no stemming) and kept up to date by triggers (migration 0009).

What readers get: the newest matches, best first. The candidates are the
RANKED_MATCHES most recent public articles whose text holds every word and the
RANKED_MATCHES most recent with a tag whose name does (not an internal tag:
readers never see those); those are ranked by where
the words appear (title, then summary, then body, with PostgreSQL's weights:
``ts_rank`` there, ``bm25`` on SQLite; a tag alone ranks last), then by date. A
rare word thus finds every article that holds it, and a word found in a third of
a million articles costs no more: it ranks the newest thousand, which the
database finds by walking the (status, date) index until it has them, rather
than reading and ranking every match.

The admin's search box gets the same matching, unbounded and unranked, in every
status, on top of its own substring search (``admin_search_results``).
"""

import re
import unicodedata

from django.contrib import admin
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F, FloatField, Func, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from .models import Article, Tag, TaggedArticle

SEARCH_CONFIG = "french_unaccent"
# Longer queries are not questions a reader asks: they get an empty result at once.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
WORD = re.compile(r"[^\W_]+")  # letters and digits: "_" and "%" mean nothing here
RANKED_MATCHES = 1000
NEWEST = ("-published_at", "-id")

# The newest articles of each tag whose name matches, through the (tag, article) index:
# a few rows per matching tag, however many articles it holds. Django has no LATERAL join.
NEWEST_TAGGED = f"""
    SELECT newest.content_object_id FROM {Tag._meta.db_table} AS tag
    CROSS JOIN LATERAL (
        SELECT content_object_id FROM {TaggedArticle._meta.db_table}
        WHERE tag_id = tag.id ORDER BY content_object_id DESC LIMIT %s
    ) AS newest
    WHERE NOT tag.is_internal
        AND to_tsvector(%s::regconfig, tag.name) @@ plainto_tsquery(%s::regconfig, %s)
"""  # noqa: S608 (table names from the models; the values are parameters)

# SQLite: the FTS5 tables of migration 0009. PostgreSQL's default weights of title (A),
# summary (B) and body (C) as bm25's column weights; bm25 is negative, better when lower.
ARTICLE_INDEX = "articles_article_search"
TAG_INDEX = "articles_tag_search"
SQLITE_TEXT = f"SELECT rowid FROM {ARTICLE_INDEX} WHERE {ARTICLE_INDEX} MATCH %s"  # noqa: S608
SQLITE_TAGGED = f"""
    SELECT content_object_id FROM {TaggedArticle._meta.db_table}
    WHERE tag_id IN (SELECT rowid FROM {TAG_INDEX} WHERE {TAG_INDEX} MATCH %s)
"""  # noqa: S608
# Readers' search: the tags they may be shown only (an internal tag's name finds nothing for them).
SQLITE_TAGGED_FOR_READERS = f"""
    SELECT content_object_id FROM {TaggedArticle._meta.db_table}
    WHERE tag_id IN (
        SELECT rowid FROM {TAG_INDEX} WHERE {TAG_INDEX} MATCH %s
        AND rowid NOT IN (SELECT id FROM {Tag._meta.db_table} WHERE is_internal)
    )
"""  # noqa: S608
# The triggers that keep them equal to the rows (as migration 0009 made them). On SQLite a
# migration that rebuilds a table (most AlterField) drops its triggers with it: they are made
# again after every migrate (``restore_sqlite_triggers``, apps.py), and the indexes rebuilt.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS articles_article_search_insert AFTER INSERT ON articles_article BEGIN
        INSERT INTO articles_article_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_article_search_delete AFTER DELETE ON articles_article BEGIN
        INSERT INTO articles_article_search (articles_article_search, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_article_search_update AFTER UPDATE OF id, title, summary, body
    ON articles_article
    WHEN old.id IS NOT new.id OR old.title IS NOT new.title
        OR old.summary IS NOT new.summary OR old.body IS NOT new.body
    BEGIN
        INSERT INTO articles_article_search (articles_article_search, rowid, title, summary, body)
        VALUES ('delete', old.id, old.title, old.summary, old.body);
        INSERT INTO articles_article_search (rowid, title, summary, body)
        VALUES (new.id, new.title, new.summary, new.body);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_tag_search_insert AFTER INSERT ON articles_tag BEGIN
        INSERT INTO articles_tag_search (rowid, name) VALUES (new.id, new.name);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_tag_search_delete AFTER DELETE ON articles_tag BEGIN
        INSERT INTO articles_tag_search (articles_tag_search, rowid, name)
        VALUES ('delete', old.id, old.name);
    END""",
    """CREATE TRIGGER IF NOT EXISTS articles_tag_search_update AFTER UPDATE OF id, name ON articles_tag
    WHEN old.id IS NOT new.id OR old.name IS NOT new.name
    BEGIN
        INSERT INTO articles_tag_search (articles_tag_search, rowid, name)
        VALUES ('delete', old.id, old.name);
        INSERT INTO articles_tag_search (rowid, name) VALUES (new.id, new.name);
    END""",
]


def restore_sqlite_triggers(using="default", **kwargs):
    """post_migrate receiver: on SQLite, make any missing search trigger again and reindex."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = %s", [ARTICLE_INDEX])
        if cursor.fetchone() is None:  # before migration 0009
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'articles_%%_search_%%'"
        )
        if cursor.fetchone()[0] == len(SQLITE_TRIGGERS):
            return
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
        for index in (ARTICLE_INDEX, TAG_INDEX):
            cursor.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")  # noqa: S608


# Every match ranked in one pass over the index, materialized once (SQLite 3.35) and looked
# up per candidate: bm25 asked row by row would search the index again for each. The candidate's
# id is compiled where the rank is used, under whatever alias the articles' table has there (a
# deep page picks its ids in a subquery, where the table is not named articles_article).
SQLITE_RANK = f"""(
    WITH ranked AS MATERIALIZED (
        SELECT rowid AS id, -bm25({ARTICLE_INDEX}, 1.0, 0.4, 0.2) AS rank
        FROM {ARTICLE_INDEX} WHERE {ARTICLE_INDEX} MATCH %(match)s
    )
    SELECT rank FROM ranked WHERE ranked.id = %(article)s
)"""  # noqa: S608


class SQLiteRank(Func):
    """The bm25 rank of each article for an FTS5 query (None when its text does not match)."""

    output_field = FloatField()

    def __init__(self, match):
        super().__init__(Value(match), F("pk"))

    def as_sql(self, compiler, connection, **extra_context):
        match, article = self.get_source_expressions()
        match_sql, match_params = compiler.compile(match)
        article_sql, article_params = compiler.compile(article)
        return SQLITE_RANK % {"match": match_sql, "article": article_sql}, (*match_params, *article_params)


def search_terms(query):
    """The words of a query, or none for an empty, punctuation-only or oversized one."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        return []
    # Compatibility-composed: an "é" typed as "e" and a combining accent is still one word, and
    # fullwidth "ｃａｎｃｅｒ" is "cancer"; format characters (a soft hyphen, a direction mark) go.
    query = "".join(c for c in unicodedata.normalize("NFKC", query) if unicodedata.category(c) != "Cf")
    return WORD.findall(query)[:MAX_TERMS]


def search(queryset, query):
    """The articles of ``queryset`` that match ``query``: the newest matches, best first.
    Readers' search: an internal tag's name finds nothing (``matching``, the admin's, finds it)."""
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    if _vendor(queryset) == "postgresql":
        return _postgresql_search(queryset, terms)
    return _sqlite_search(queryset, terms)


def matching(queryset, query):
    """Every article of ``queryset`` whose text or a tag holds every word of ``query``; unranked."""
    terms = search_terms(query)
    if not terms:
        return queryset.none()
    text, tagged = _matches(queryset, terms)
    return queryset.filter(Q(pk__in=text) | Q(pk__in=tagged))


def admin_search_results(model_admin, request, queryset, search_term):
    """``ModelAdmin.get_search_results`` for articles: the admin's own ``search_fields``,
    plus what ``matching`` finds (case and accents ignored), whatever the status."""
    search_fields = admin.ModelAdmin.get_search_results
    found, may_have_duplicates = search_fields(model_admin, request, queryset, search_term)
    if not search_term:
        return found, may_have_duplicates
    return found | matching(queryset, search_term), may_have_duplicates


def _vendor(queryset):
    return connections[queryset.db].vendor


def _matches(queryset, terms, for_readers=False):
    """Two subqueries of article ids: the articles whose text holds every word, and those
    with a tag whose name holds every word (for readers, a tag they may be shown)."""
    if _vendor(queryset) == "postgresql":
        query = SearchQuery(" ".join(terms), config=SEARCH_CONFIG, search_type="plain")
        tags = Tag.objects.for_readers() if for_readers else Tag.objects.all()
        tags = tags.annotate(name_document=SearchVector("name", config=SEARCH_CONFIG))
        tags = tags.filter(name_document=query)
        text = Article.objects.filter(search_document=query).values("pk")
        return text, TaggedArticle.objects.filter(tag__in=tags).values("content_object_id")
    match = _fts_query(terms)
    tagged = SQLITE_TAGGED_FOR_READERS if for_readers else SQLITE_TAGGED
    return RawSQL(SQLITE_TEXT, (match,)), RawSQL(tagged, (match,))  # noqa: S611


def _fts_query(terms):
    """Each word as an FTS5 string, so that none is read as syntax (NEAR, AND, a column…)."""
    return " ".join('"{}"'.format(term.replace('"', '""')) for term in terms)


# The rank is an alias, not an annotation: it orders the page, and a count of the
# results (the page's "N articles found") does not compute it.
def _postgresql_search(queryset, terms):
    text = " ".join(terms)
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="plain")
    by_text = queryset.filter(search_document=query).order_by(*NEWEST).values("pk")[:RANKED_MATCHES]
    tagged = RawSQL(NEWEST_TAGGED, (RANKED_MATCHES, SEARCH_CONFIG, SEARCH_CONFIG, text))  # noqa: S611
    by_tag = queryset.filter(pk__in=tagged).order_by(*NEWEST).values("pk")[:RANKED_MATCHES]
    # One IN over the union, rather than two OR'ed conditions: the candidates then
    # lead the plan, fetched by primary key, instead of every article being tested.
    return (
        queryset.filter(pk__in=by_text.union(by_tag))
        .alias(rank=SearchRank(F("search_document"), query))
        .order_by("-rank", *NEWEST)
    )


def _sqlite_search(queryset, terms):
    text, tagged = _matches(queryset, terms, for_readers=True)
    by_text = queryset.filter(pk__in=text).order_by(*NEWEST).values("pk")[:RANKED_MATCHES]
    by_tag = queryset.filter(pk__in=tagged).order_by(*NEWEST).values("pk")[:RANKED_MATCHES]
    # SQLite allows no LIMIT inside a UNION: two IN conditions instead.
    rank = SQLiteRank(_fts_query(terms))
    return (
        queryset.filter(Q(pk__in=by_text) | Q(pk__in=by_tag))
        .alias(rank=Coalesce(rank, Value(0.0)))
        .order_by("-rank", *NEWEST)
    )
