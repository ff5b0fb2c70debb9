"""The editors' admin, one module per concern; this module only registers them.
(Feed sources and the review of ingested drafts are intake's: ``intake/admin.py``.)

- ``articles``: the article list and change form (``ArticleAdmin``, its inlines)
- ``forms``: the change form, the source links' formset, the tag field
- ``filters``: the list's work queues
- ``bulk``: several articles moved at once through the workflow, and the report of it
- ``pages``: the article admin's own pages (preview, what a version changed, calendar)
- ``tags``: tags and permalink redirects
"""

from django.conf import settings
from django.contrib import admin
from taggit.models import Tag as UnusedTaggitTag

from ..models import Article, PermalinkRedirect, Tag
from .articles import ArticleAdmin
from .tags import PermalinkRedirectAdmin, TagAdmin

admin.site.register(Article, ArticleAdmin)
admin.site.register(Tag, TagAdmin)
admin.site.register(PermalinkRedirect, PermalinkRedirectAdmin)
# The project's own Tag model replaces taggit's default one, which stays empty: one list of tags.
admin.site.unregister(UnusedTaggitTag)

admin.site.site_header = admin.site.site_title = settings.SITE_NAME
