"""Pages of articles that cost the same on page 1 and on page 5,000 of a million articles.

A list of articles never counts them: a page reads one row more than it shows, which
says whether an older page exists, and links to the pages around it ("Newer articles",
the numbers nearby, "Older articles"). Readers of a news site go back a few pages,
or to the archives by date; no one needs to know there are 52,318 pages, and counting
a million rows on every uncached page would cost more than the page itself.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

# From this offset on, a page finds its rows' ids in the index first.
DEEP_OFFSET = 1000
# Page numbers shown on each side of the current one.
ON_EACH_SIDE = 2
# Fifty times a million articles' worth of pages: beyond it, a page number is a 404 unread.
MAX_PAGE = 2_500_000


class ArticlePaginator(Paginator):
    """Pages without a count: ``page(n)`` reads ``per_page + 1`` rows from the index.

    A deep page picks its rows' ids from the index (article_public_idx) before reading
    those rows, rather than reading and dropping every row before it.
    """

    def __init__(self, *args, deep_offset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deep_offset = DEEP_OFFSET if deep_offset is None else deep_offset

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGE:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list[bottom : bottom + self.per_page + 1]
        if bottom >= self.deep_offset:
            rows = self.object_list.filter(pk__in=rows.values("pk"))
        rows = list(rows)
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return ArticlePage(rows[: self.per_page], number, self, has_next=len(rows) > self.per_page)


class ArticlePage(Page):
    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def nearby_numbers(self):
        """The page numbers to link to: the first, an ellipsis, the ones around this page."""
        first = max(1, self.number - ON_EACH_SIDE)
        last = self.number + (1 if self.has_next() else 0)
        numbers = list(range(first, last + 1))
        if first > 1:
            numbers[:0] = [1, Paginator.ELLIPSIS] if first > 2 else [1]
        return numbers
