from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _

# What a public page shows: a change to any of these forgets the cached pages it reaches
# (articles.caching, articles.cache_scope).
PUBLIC_MODELS = (
    "Article",
    "Tag",
    "TaggedArticle",
    "ImageCredit",
    "SourceLink",
    "PermalinkRedirect",
    "Correction",
    "ArticleAuthor",
    "LinkCheck",
    "SourceUpdate",
)


class ArticlesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from . import cards, tagging
        from .caching import content_changed
        from .images import update_renditions
        from .managers import rows_written
        from .models import render_loaded_body
        from .plain_text import ENCODED_FIELDS, decode_loaded_fields
        from .search import restore_sqlite_triggers

        for name in ENCODED_FIELDS:
            pre_save.connect(decode_loaded_fields, sender=self.get_model(name), dispatch_uid=f"decode-{name}")
        # After the decoding above (connected first): the body rendered is the body saved.
        pre_save.connect(
            render_loaded_body, sender=self.get_model("Article"), dispatch_uid="render-loaded-body"
        )

        post_save.connect(update_renditions, sender=self.get_model("ImageCredit"))
        for name in PUBLIC_MODELS:
            model = self.get_model(name)
            post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-save-{name}")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-delete-{name}")
            rows_written.connect(content_changed, sender=model, dispatch_uid=f"page-cache-bulk-{name}")
        post_migrate.connect(restore_sqlite_triggers, sender=self, dispatch_uid="sqlite-search-triggers")
        post_migrate.connect(
            tagging.restore_sqlite_triggers, sender=self, dispatch_uid="sqlite-tagged-date-triggers"
        )
        m2m_changed.connect(
            content_changed, sender=self.get_model("TaggedArticle"), dispatch_uid="page-cache-tags"
        )
        # A card kept on the article's row is drawn again after what it shows changed (articles.cards).
        post_save.connect(cards.article_saved, sender=self.get_model("Article"), dispatch_uid="cards")
        for name in ("TaggedArticle", "ArticleAuthor", "ImageCredit"):
            model = self.get_model(name)
            post_save.connect(cards.part_saved, sender=model, dispatch_uid=f"cards-{name}")
            post_delete.connect(cards.part_saved, sender=model, dispatch_uid=f"cards-gone-{name}")
        tagged = self.get_model("TaggedArticle")
        m2m_changed.connect(cards.tags_changed, sender=tagged, dispatch_uid="cards-tags")
        post_save.connect(cards.shared_part_saved, sender=self.get_model("Tag"), dispatch_uid="cards-tag")
        post_save.connect(cards.shared_part_saved, sender="people.Person", dispatch_uid="cards-person")
