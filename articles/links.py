"""Where an article points and where it once was: its source links, and the redirects of its old
permalinks; exported by articles.models."""

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from .fields import WebURLField
from .managers import ByArticleManager, PermalinkRedirectManager
from .normalize import normalize_url, without_tracking


class SourceLink(models.Model):
    """A link to where the story comes from: the original source, or a further reading."""

    class Kind(models.TextChoices):
        SOURCE = "source", _("Original source")
        RELATED = "related", _("Further reading")

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="links", verbose_name=_("article")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SOURCE)
    url = WebURLField(_("address"))
    url_normalized = models.CharField(_("normalised address"), max_length=1000, editable=False, db_index=True)
    publisher = models.CharField(
        _("publisher"), max_length=200, blank=True, help_text=_("The journal, site or regulator.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    natural_key_fields = ("url",)
    objects = ByArticleManager()

    class Meta:
        verbose_name = _("source link")
        verbose_name_plural = _("source links")
        ordering = ["article", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "url"], name="link_once_per_article"),
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(kind="source"),
                name="one_original_source_per_article",
                violation_error_message=_("An article has one original source."),
            ),
        ]

    def __str__(self):
        return self.url

    def save(self, *args, **kwargs):
        self.derive_fields()
        super().save(*args, **kwargs)
        if getattr(self, "loaded_url", self.url) != self.url:
            # Another address: what the checks found of the old one says nothing of it.
            self._meta.get_field("link_check").related_model.objects.filter(link=self).delete()
            self.loaded_url = self.url

    @classmethod
    def from_db(cls, db, field_names, values):
        link = super().from_db(db, field_names, values)
        link.loaded_url = link.__dict__.get("url")
        return link

    def derive_fields(self):
        """The normalised address, by which the same story is recognised twice: on every save,
        and by a bulk write, which calls no save() (articles.writing)."""
        self.url_normalized = normalize_url(self.url)

    def natural_key(self):
        return self.article.natural_key() + (self.url,)

    natural_key.dependencies = ["articles.article"]

    @property
    def is_dead(self):
        """Whether its last checks found it dead (articles.link_checks); never checked, it is not."""
        try:
            return self.link_check.is_dead
        except ObjectDoesNotExist:
            return False

    @property
    def reader_url(self):
        """Where readers are sent: the address without its tracking parameters (utm_*, fbclid…)."""
        return without_tracking(self.url)


class PermalinkRedirect(models.Model):
    """An address an article once had: it answers for good with a 301 to the article."""

    old_permalink = models.CharField(_("old permalink"), max_length=300, unique=True)
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="redirects", verbose_name=_("article")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PermalinkRedirectManager()

    class Meta:
        verbose_name = _("permalink redirect")
        verbose_name_plural = _("permalink redirects")
        ordering = ["old_permalink"]

    def __str__(self):
        return self.old_permalink

    def natural_key(self):
        return (self.old_permalink,)

    natural_key.dependencies = ["articles.article"]
