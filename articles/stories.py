"""Stories: the articles that tell one story, and the keys that found them the same; exported by
articles.models. How keys are read is ``story_keys``; how articles are grouped, ``grouping``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Story(models.Model):
    """Articles about one study, guideline or event, however many sources told it.

    An article that shares a key with no other has none. Of a story published on the site,
    the other articles are its coverage (« Aussi couvert par »). An editor's split gives an
    article a story of its own, which nothing joins by itself.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self):
        return f"#{self.pk}"


class StoryKey(models.Model):
    """One key of an article (``doi:…``, ``pmid:…``, ``trial:…``, ``link:…``, ``title:…``):
    looked up by its index, so that grouping never reads the archive."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="story_keys", verbose_name=_("article")
    )
    key = models.CharField(_("key"), max_length=300)
    # The publisher's site (story_keys.site_of): a headline two items of one site share is no
    # syndicated copy (« Les brèves de la semaine »), so titles match across sites only.
    site = models.CharField(_("site"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("story key")
        verbose_name_plural = _("story keys")
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="story_key_once_per_article")]
        indexes = [models.Index(fields=["key"], name="story_key")]

    def __str__(self):
        return self.key
