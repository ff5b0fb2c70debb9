"""The editors' admin, one module per concern; this module only registers them.

- ``articles``: the article list and change form (``ArticleAdmin``, its inlines)
- ``forms``: the change form, the source links' formset, the tag field
- ``filters``: the list's work queues
- ``bulk``: several articles moved at once through the workflow, and the report of it
- ``pages``: the article admin's own pages (preview, what a version changed, calendar)
- ``tags``: tags and permalink redirects
- ``intake``: feed sources and the review of the drafts they brought
"""

from django.contrib import admin

from ..models import Article, PermalinkRedirect, Source, Tag
from .articles import ArticleAdmin
from .intake import SourceAdmin
from .tags import PermalinkRedirectAdmin, TagAdmin

admin.site.register(Article, ArticleAdmin)
admin.site.register(Tag, TagAdmin)
admin.site.register(PermalinkRedirect, PermalinkRedirectAdmin)
admin.site.register(Source, SourceAdmin)
