"""Pages of articles that cost the same on page 1 and on page 5,000 of a million articles.

A list never counts its articles: a page reads one row more than it shows, which
says whether an older page exists. The links a page gives are anchored to its own
articles: "Older articles" asks for the articles older than its last one
(``?page=6&before=<id>``), "Newer articles" for those newer than its first
(``?page=4&after=<id>``). Following them costs the same at any depth: the database
starts its walk of the index at that article, instead of stepping over every row
before it. A page asked for by its number alone (a typed address, an old link) is
read by offset, its ids picked from the index before its rows are read.

Readers of a news site go back a few pages, or to the archives by date; no one
needs to know there are 52,318 pages, and counting a million rows on every
uncached page would cost more than the page itself.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Subquery

# From this offset on (every page after the first), a page asked for by number finds its rows'
# ids in the index first: PostgreSQL drew the card of every row it skipped (page 50 of 10,000
# articles: 34 ms, 8 ms with the ids first; the same on SQLite, which skips them unread).
DEEP_OFFSET = 1
# Fifty times a million articles' worth of pages: beyond it, a page number is a 404 unread.
MAX_PAGE = 2_500_000
# Anchors are article ids: anything else in the address is ignored.
MAX_ID = 2**63 - 1


def is_page_number(value):
    """Whether ``value`` is a page number as the site writes them: ASCII digits only (Python's
    int() also reads "𝟙", "١٢", " 2 " and "2_0")."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def anchor_from(query):
    """("before" | "after", article id) from a page's query string, or None."""
    for direction in ("before", "after"):
        value = query.get(direction, "")
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
            return direction, int(value)
    return None


class BoundedPaginator(Paginator):
    """Page numbers in ASCII digits from 1 to MAX_PAGE: anything else is no page (a 404), never
    an error or a walk to a page no reader reaches."""

    def validate_number(self, number):
        if not isinstance(number, int) and not is_page_number(number):
            raise PageNotAnInteger(self.error_messages["invalid_page"])
        number = int(number)
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGE:
            raise EmptyPage(self.error_messages["no_results"])
        return number


class ArticlePaginator(BoundedPaginator):
    """Pages without a count, read from an anchor article when the address gives one.

    With ``anchored`` pages, ``object_list`` must be ordered newest first by ``order``, the
    names of a date equal to the article's published_at and of its id (by default those
    columns; a list narrowed by a join, their copies there: ArticleQuerySet.narrowed), as every
    list of articles is but search results: those are read by number.
    ``anchor`` is what anchor_from() found in the page's address. ``first_rows``, when given,
    returns the first page's rows as ``object_list[: per_page + 1]`` would, faster
    (articles.prepared). A page by number after the first finds its rows' ids before reading
    them (``ids_first()``); with ``ids_first``, so do the pages read from an anchor: a list
    narrowed by a join (a tag's, a person's), whose compiled first page does the same.
    """

    def __init__(
        self, *args, anchored=False, anchor=None, ids_first=False, first_rows=None, order=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.order = order or ("published_at", "id")
        self.anchored = anchored
        self.anchor = anchor if anchored else None
        self.read_ids_first = ids_first
        self.first_rows = first_rows

    def page(self, number):
        number = self.validate_number(number)
        rows = self._rows_from_anchor() if self.anchor and number > 1 else None
        # Older articles follow a page read "after" an article: that article at least.
        has_next = bool(rows) and self.anchor[0] == "after"
        if not rows:  # no anchor, or one no longer public: the page by its number
            rows = self._rows_by_number(number)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        has_next = has_next or len(rows) > self.per_page
        return ArticlePage(rows[: self.per_page], number, self, has_next=has_next)

    def _rows_by_number(self, number):
        if number == 1 and self.first_rows is not None:
            return self.first_rows()
        bottom = (number - 1) * self.per_page
        rows = self.object_list[bottom : bottom + self.per_page + 1]
        if self.read_ids_first or bottom >= DEEP_OFFSET:
            rows = ids_first(self.object_list, rows)
        return list(rows)

    def _rows_from_anchor(self):
        """The page just older (before) or just newer (after) than the anchor article, in one
        query: the index is entered at the anchor's date."""
        direction, pk = self.anchor
        date, key = self.order
        moment = Subquery(self.object_list.filter(pk=pk).prefetch_related(None).values("published_at")[:1])
        if direction == "before":
            rows = self.object_list.filter(**{f"{date}__lte": moment}).exclude(
                **{date: moment, f"{key}__gte": pk}
            )
            rows = rows[: self.per_page + 1]
        else:
            rows = self.object_list.filter(**{f"{date}__gte": moment}).exclude(
                **{date: moment, f"{key}__lte": pk}
            )
            rows = rows.order_by(date, key)[: self.per_page]
        if self.read_ids_first:
            return list(ids_first(self.object_list, rows))
        return list(rows) if direction == "before" else list(rows)[::-1]


def ids_first(articles, rows):
    """``rows`` (a slice of ``articles``) read as two steps of one query: their ids, from the
    index and the join alone, then only those rows' cards (``articles`` in its order). On SQLite
    with statistics a tag's page walked the tag's index and drew the card of each of its
    articles (828 for « France » at 10,000 articles) before sorting them for the first 21."""
    return articles.filter(pk__in=rows.values("pk"))


class ArticlePage(Page):
    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def previous_page_query(self):
        """The query string's changes leading to the newer page: anchored, but for page 1."""
        if self.number == 2 or not self.paginator.anchored:
            return {"page": self.number - 1, "before": None, "after": None}
        return {"page": self.number - 1, "after": self.object_list[0].pk, "before": None}

    def next_page_query(self):
        """The query string's changes leading to the older page: anchored to this page's last article."""
        last = self.object_list[-1].pk if self.paginator.anchored else None
        return {"page": self.number + 1, "before": last, "after": None}

    def links(self):
        """(number, query changes) for each page to link to: the first, an ellipsis (None),
        the previous page, this one (changes None) and the next."""
        links = []
        if self.number > 2:
            links.append((1, {"page": 1, "before": None, "after": None}))
        if self.number > 3:
            links.append((Paginator.ELLIPSIS, None))
        if self.number > 1:
            links.append((self.number - 1, self.previous_page_query()))
        links.append((self.number, None))
        if self.has_next():
            links.append((self.number + 1, self.next_page_query()))
        return links
