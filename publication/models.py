"""The publication itself: its identity (one record) and its own pages (about, policies, legal…).

``SiteIdentity`` holds what the site says of itself: name, tagline, logo, the image shared
when a page has none, the publisher's description, contact and legal details, and the
medical notice under every article. With no row, ``newsroom.settings.SITE_NAME`` and the
defaults below are used (publication/identity.py), so a fresh install needs none.

``SitePage`` is one of the site's own pages, in French and English, at the addresses the
editor chooses, found by code through its role (the footer, the JSON-LD publisher's
policies). Only a published page is ever shown (``SitePage.objects.published()``).
"""

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from articles.fields import UploadedImageField
from articles.images import clean_upload, validate_image_format

# The French default of the notice, and its English: readers must not take the news for advice.
MEDICAL_NOTICE_FR = "Cette veille informe ; elle ne remplace pas l’avis d’un professionnel de santé."
MEDICAL_NOTICE_EN = "This news watch informs; it does not replace the advice of a health professional."


class SiteIdentity(models.Model):
    """What the publication says of itself: one record, edited in the admin (pk 1)."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Shown in the header, every title and the feeds.")
    )
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    tagline_en = models.CharField(_("tagline in English"), max_length=200, blank=True)
    logo = UploadedImageField(
        _("logo"),
        upload_to="publication/",
        blank=True,
        validators=[validate_image_format],
        help_text=_("A JPEG, PNG, WebP or GIF image, re-encoded like articles' images."),
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    share_image = UploadedImageField(
        _("default share image"),
        upload_to="publication/",
        blank=True,
        validators=[validate_image_format],
        help_text=_("Shown by link previews of a page that has no image of its own."),
    )
    description = models.TextField(_("publisher description"), max_length=1000, blank=True)
    description_en = models.TextField(_("publisher description in English"), max_length=1000, blank=True)
    contact_email = models.EmailField(_("contact address"), blank=True)
    legal_name = models.CharField(_("publisher's legal name"), max_length=200, blank=True)
    legal_address = models.TextField(_("publisher's address"), max_length=500, blank=True)
    legal_details = models.TextField(
        _("legal details"),
        max_length=2000,
        blank=True,
        help_text=_("Registration number, director of publication, host…"),
    )
    medical_notice = models.CharField(_("medical notice"), max_length=300, default=MEDICAL_NOTICE_FR)
    medical_notice_en = models.CharField(
        _("medical notice in English"), max_length=300, default=MEDICAL_NOTICE_EN
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site identity")
        verbose_name_plural = _("site identity")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1  # one record
        for name in ("logo", "share_image"):
            field_file = getattr(self, name)
            if field_file and not field_file._committed:
                # Stored re-encoded without metadata, or refused (articles.images), as article images are.
                cleaned = clean_upload(field_file)
                setattr(self, name, cleaned.content)
                if name == "logo":
                    self.logo_width, self.logo_height = cleaned.image.size
        if not self.logo:
            self.logo_width = self.logo_height = None
        super().save(*args, **kwargs)


class SitePageQuerySet(models.QuerySet):
    def published(self):
        """The one rule of which of the site's pages readers see."""
        return self.filter(status=SitePage.Status.PUBLISHED)


def validate_free_address(slug):
    """Refuse an address the site already answers (an article's, the archives', the admin's…), in
    any case: /EN/ is taken for the English prefix (the page is never reached), /Admin/ looks it."""
    slug = slug.lower()
    if slug in RESERVED_SLUGS:
        raise ValidationError(_("This address is reserved by the site."), code="reserved_address")
    for language, prefix in (("fr", ""), ("en", "/en")):
        for path in (f"{prefix}/{slug}/", f"{prefix}/{slug}"):
            try:
                with override(language):
                    match = resolve(path)
            except Resolver404:
                continue
            if match.view_name != "publication:page":
                raise ValidationError(_("This address is reserved by the site."), code="reserved_address")


# What resolve() cannot tell: the language prefix, and the files served beside the pages.
RESERVED_SLUGS = {"en", "fr", "static", "media", "admin", "papers", "feed", "sitemap", "healthz"}


class SitePage(models.Model):
    """One of the publication's own pages, in French and English."""

    class Role(models.TextChoices):
        ABOUT = "about", _("About")
        EDITORIAL_POLICY = "editorial-policy", _("Editorial policy")
        CORRECTIONS_POLICY = "corrections-policy", _("Corrections policy")
        LEGAL = "legal", _("Legal notice")
        CONTACT = "contact", _("Contact")
        CONFLICTS_OF_INTEREST = "conflicts-of-interest", _("Conflicts of interest")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft: only editors see it")
        PUBLISHED = "published", _("Published: in the footer, the sitemap and the structured data")

    role = models.CharField(
        _("role"),
        max_length=30,
        choices=Role,
        unique=True,
        help_text=_("What the page is for: the footer and the structured data find it by its role."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("address"),
        max_length=100,
        unique=True,
        validators=[validate_free_address],
        help_text=_("The page's address: /<address>/."),
    )
    body = models.TextField(_("text"), help_text=_("Markdown."))
    title_en = models.CharField(_("title in English"), max_length=200)
    slug_en = models.SlugField(
        _("address in English"),
        max_length=100,
        unique=True,
        validators=[validate_free_address],
        help_text=_("The English page's address: /en/<address>/."),
    )
    body_en = models.TextField(_("text in English"), help_text=_("Markdown."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SitePageQuerySet.as_manager()

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["role"]

    def __str__(self):
        return self.title

    def get_absolute_url(self, language=None):
        language = language or get_language()
        with override(language):
            return reverse("publication:page", kwargs={"slug": self.translated("slug", language)})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def translated(self, name, language=None):
        """A field in ``language`` (default: the current one): ``title``, ``slug`` or ``body``."""
        return getattr(self, f"{name}_en" if (language or get_language()) == "en" else name)


# Every version of a page holds both languages: restoring one brings back what readers read.
reversion.register(SitePage)
reversion.register(SiteIdentity)
