"""The newsroom's people: a profile for each contributor, with or without a user account.

A ``Person`` signs articles (``articles.ArticleAuthor``, the byline, in order) and reviews them
(``Article.reviewed_by``). Outside medical reviewers have no account; a journalist's profile
may be linked to theirs, and an article they start in the admin then carries their byline.
The photo is uploaded and re-encoded as an article's image is (``articles.images``), its links
are web addresses (``articles.fields.WebURLField``: http or https only).
"""

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from articles.fields import UploadedImageField, WebURLField
from articles.images import clean_upload, renditions, validate_image_format
from articles.managers import ContentQuerySet
from articles.reversing import reverse_one


class PersonManager(models.Manager.from_queryset(ContentQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Person(models.Model):
    name = models.CharField(_("name"), max_length=200, help_text=_("As the byline shows it: “Anne Leroy”."))
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True, help_text=_("The end of the person's page address.")
    )
    honorific = models.CharField(
        _("title"), max_length=20, blank=True, help_text=_("Shown before the name: “Dr”, “Pr”.")
    )
    credentials = models.CharField(
        _("role and credentials"),
        max_length=300,
        blank=True,
        help_text=_("For example “Radiologue interventionnelle, CHU de Lyon”."),
    )
    bio = models.TextField(_("short biography"), max_length=2000, blank=True, help_text=_("Plain text."))
    image = UploadedImageField(
        _("photo"),
        upload_to="people/%Y/%m/",
        blank=True,
        validators=[validate_image_format],
        help_text=_("JPEG, PNG, WebP or GIF. Its metadata (EXIF, GPS position) is removed."),
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    orcid = WebURLField(_("ORCID"), blank=True, help_text=_("https://orcid.org/0000-…"))
    rpps = WebURLField(
        _("RPPS"), blank=True, help_text=_("The address of the person's entry in the RPPS directory.")
    )
    website = WebURLField(_("professional page"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text=_("Optional: articles this user starts in the admin carry this byline first."),
    )

    objects = PersonManager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(self.name)
        if self.image and not self.image._committed:
            # Stored re-encoded without its metadata, or refused (ValidationError), as article images.
            cleaned = clean_upload(self.image)
            self.image = cleaned.content
            self.decoded_image = cleaned.image  # for its renditions (articles.images.update_renditions)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_one("people:detail", "slug", self.slug)

    def natural_key(self):
        return (self.slug,)

    @property
    def full_name(self):
        return f"{self.honorific} {self.name}" if self.honorific else self.name

    @property
    def renditions(self):
        """(WebP, fallback) renditions of the photo, or None."""
        return renditions(self.image, self.image_width)

    @property
    def same_as(self):
        """The person's addresses elsewhere (ORCID, RPPS, professional page), those that are given."""
        return [url for url in (self.orcid, self.rpps, self.website) if url]

    @classmethod
    def unique_slug(cls, name):
        """A slug made from ``name`` that no other person has: « anne-leroy », then « anne-leroy-2 »."""
        base = slugify(name)[:180].strip("-") or "personne"
        taken = set(cls.objects.filter(slug__startswith=base).values_list("slug", flat=True))
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug
