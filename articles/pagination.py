"""Pages of articles that cost the same on page 1 and on page 5,000 of a million articles."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .caching import cached_count

# From this offset on, a page finds its rows' ids in the index first.
DEEP_OFFSET = 1000


class ArticlePaginator(Paginator):
    """The count is kept with the page cache's generation (articles.caching), so a deep page does
    not count the archive again; a deep page picks its rows' ids from the index
    (article_public_idx) before reading those rows, rather than reading and dropping every row
    before it."""

    def __init__(self, *args, count_key, deep_offset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key
        self.deep_offset = DEEP_OFFSET if deep_offset is None else deep_offset

    @cached_property
    def count(self):
        return cached_count(self.count_key, self.object_list)

    def _get_page(self, object_list, number, paginator):
        if object_list.query.low_mark >= self.deep_offset:
            object_list = self.object_list.filter(pk__in=object_list.values("pk"))
        return super()._get_page(object_list, number, paginator)
