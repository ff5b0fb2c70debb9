"""Rows that belong to an article, read in the article's own query as JSON.

A list of twenty cards used to cost a query for the rows, one for their tags and one for their
bylines; an article's page, six. Each of those lists is instead one correlated subquery in the
SELECT of the articles' query (``embed``), aggregated into a JSON array by the database (SQLite's
``json_group_array``, PostgreSQL's ``json_agg``) through the index on the article's foreign
key; Python turns each element back into a model instance (``instances``), its fields converted
as the database's would have been: a page costs one query, whatever its number of articles.

Nothing is stored: the rows are read as they are at each request, so they are never stale.
"""

import functools
import json
from datetime import UTC, datetime
from operator import itemgetter

from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL, Subquery
from django.db.models.functions import JSONObject


def embed(model, article_field, fields, **condition):
    """An expression for an article queryset's annotate(): the rows of ``model`` whose
    ``article_field`` is the article (and whose ``condition``'s column holds one of its values,
    as in ``kind=("retraction", "withdrawal")``), each as a JSON object of ``fields`` (column
    names, or ``relation__name`` through one foreign key or one-to-one, either way), as the text
    of a JSON array, or NULL.

    The SQL is written from the models' metadata once per process and database: the ORM took
    longer to compile these subqueries for each page than the database took to run them."""
    (column, values), *_ = condition.items() or [(None, ())]
    sql = subquery_sql(connection.vendor, model, article_field, tuple(fields), column, len(values))
    return RawSQL(f"({sql})", tuple(values))  # noqa: S611 -- names from the models, values as parameters


@functools.cache
def subquery_sql(vendor, model, article_field, fields, condition=None, values=0):
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    joins, pairs = {}, []
    for name in fields:
        relation, _, attribute = name.rpartition("__")
        if relation:
            joined = model._meta.get_field(relation)
            target = joined.related_model._meta
            alias = quote(f"embedded_{relation}")
            if joined.concrete:  # a foreign key of this model's
                kind = "LEFT OUTER" if joined.null else "INNER"
                on = f"{alias}.{quote(target.pk.column)} = {table}.{quote(joined.column)}"
            else:  # a one-to-one pointing at this model: maybe none
                kind = "LEFT OUTER"
                on = f"{alias}.{quote(joined.field.column)} = {table}.{quote(model._meta.pk.column)}"
            joins[relation] = f"{kind} JOIN {quote(target.db_table)} {alias} ON {on}"
            column = f"{alias}.{quote(target.get_field(attribute).column)}"
        else:
            column = f"{table}.{quote(model._meta.get_field(attribute).column)}"
        pairs.append(f"'{name.replace('__', '.')}', {column}")
    outer = model._meta.get_field(article_field)
    articles = outer.related_model._meta
    pairs_sql = ", ".join(pairs)
    where = f"{table}.{quote(outer.column)} = {quote(articles.db_table)}.{quote(articles.pk.column)}"
    if condition:
        placeholders = ", ".join(["%s"] * values)
        where += f" AND {table}.{quote(model._meta.get_field(condition).column)} IN ({placeholders})"
    rows = f"FROM {table} {' '.join(joins.values())} WHERE {where}"
    # In the order of the rows' ids, whatever index the planner walks (it may change its mind
    # after ANALYZE): the text is part of a kept card's fingerprint (articles.cards).
    order = f"ORDER BY {table}.{quote(model._meta.pk.column)}"
    if vendor == "postgresql":
        return f"SELECT JSON_AGG(JSON_BUILD_OBJECT({pairs_sql}) {order})::text {rows}"  # noqa: S608
    # SQLite 3.40 has no ORDER BY inside an aggregate: an ordered subquery, which an aggregate
    # query never flattens; JSON() keeps each object an object, not a quoted string.
    return (
        "SELECT JSON_GROUP_ARRAY(JSON(embedded.object)) "  # noqa: S608
        f"FROM (SELECT JSON_OBJECT({pairs_sql}) AS object {rows} {order}) embedded"
    )


class Rows(Subquery):
    """An expression for any queryset's annotate(): the rows of ``queryset`` (correlated by an
    OuterRef, ordered and sliced as it says), each as a JSON object of ``fields``, as the text of
    a JSON array, or NULL; ``instances`` reads them back (the array's order is not promised:
    name it there). A person's page reads the person and the articles they reviewed this way, in
    one query."""

    output_field = models.TextField()

    def __init__(self, queryset, fields):
        super().__init__(queryset.values(embedded_row=JSONObject(**{name: name for name in fields})))

    def as_sql(self, compiler, connection, template=None, **extra):
        sql, params = super().as_sql(compiler, connection, template, **extra)
        row = connection.ops.quote_name("embedded_row")
        if connection.vendor == "postgresql":
            return f"(SELECT JSON_AGG(rows.{row})::text FROM {sql} rows)", params  # noqa: S608 -- the ORM's SQL, values as parameters
        # JSON(): the object came out of a subquery as text, which JSON_GROUP_ARRAY would quote.
        return f"(SELECT JSON_GROUP_ARRAY(JSON(rows.{row})) FROM {sql} rows)", params  # noqa: S608 -- as above


def fields_of(model, prefix=""):
    """The names of ``model``'s columns that are not relations, for embed(): ``prefix`` names the relation."""
    return [f"{prefix}{field.attname}" for field in model._meta.concrete_fields if not field.is_relation]


def instances(model, text, prefix="", order=()):
    """The instances of ``model`` a JSON array from ``embed`` holds, in the order of the fields
    named in ``order`` (a JSON array has none of its own); ``prefix``: the lookup before the
    model's fields, as in ``person.``."""
    if not text:
        return []
    rows = json.loads(text)
    if order:
        rows.sort(key=itemgetter(*order))
    return [instance(model, row, prefix) for row in rows]


def instance(model, row, prefix=""):
    """One instance, made as the ORM makes those it reads (no __init__, no signals), from the
    row's values converted as the database's would have been."""
    obj = model.__new__(model)
    obj._state = ModelState()
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS
    values = obj.__dict__
    for key, attname, convert in converters(model, prefix):
        if key in row:
            value = row[key]
            values[attname] = value if value is None or convert is None else convert(value)
    return obj


@functools.cache
def converters(model, prefix):
    """(key in the JSON object, attribute, conversion or None) for each of the model's columns."""
    found = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateTimeField):
            convert = aware_datetime
        elif isinstance(field, models.JSONField):
            convert = json_value
        elif isinstance(field, models.BooleanField):
            convert = bool
        elif isinstance(field, models.DateField | models.DecimalField | models.UUIDField):
            convert = field.to_python
        else:
            convert = None  # text and numbers come as JSON gives them
        found.append((prefix + field.attname, field.attname, convert))
    return tuple(found)


def aware_datetime(value):
    # SQLite gives its stored text ("2026-11-14 09:30:00", UTC), PostgreSQL an ISO time with its offset.
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def json_value(value):
    return json.loads(value) if isinstance(value, str) else value


def prefetched(instance, relation, objects):
    """Give ``instance``'s reverse relation (``article.links``) these objects, as prefetch_related
    would have: ``article.links.all()`` then reads them without a query."""
    queryset = getattr(instance, relation).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[relation] = queryset
