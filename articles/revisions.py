"""Readable differences between two saved versions of an article (django-reversion keeps them).

A version of an article is a revision holding the article and, as they were
after that save, its tags, image credit and source links. ``snapshot`` turns one
into labelled text; ``changes`` lists what differs between two of them.
"""

from dataclasses import dataclass

from django.utils import formats, timezone
from reversion.models import Version

from .models import Article, ImageCredit, SourceLink, Tag, TaggedArticle

IMAGE_FIELDS = ("image", "image_url", "alt_text", "credit", "rights", "credit_url")
ARTICLE_FIELDS = (
    "title",
    "slug",
    "permalink",
    "status",
    "published_at",
    "expires_at",
    "planned_for",
    "summary",
    "body",
    "importance",
    "author",
    "review_note",
)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def versions_of(article):
    """Every saved version of ``article``, oldest first."""
    return Version.objects.get_for_object(article).select_related("revision__user").order_by("pk")


def _display(field, value):
    if value in (None, ""):
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.name == "author":
        user = field.related_model._default_manager.filter(pk=value).first()
        return user.get_username() if user else str(value)
    if hasattr(value, "tzinfo"):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if hasattr(value, "isoformat"):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


def snapshot(version):
    """The article as that version saved it: an ordered mapping of field label to text."""
    values = version.field_dict
    article_id = int(version.object_id)
    result = {}
    for name in ARTICLE_FIELDS:
        field = Article._meta.get_field(name)
        result[str(field.verbose_name)] = _display(field, values.get(field.attname))
    related = {}
    for other in version.revision.version_set.all():
        related.setdefault(other._model, []).append(other.field_dict)
    tag_names = {fields["id"]: fields["name"] for fields in related.get(Tag, [])}
    tagged = related.get(TaggedArticle, [])
    tag_ids = [fields["tag_id"] for fields in tagged if fields["content_object_id"] == article_id]
    missing = [tag_id for tag_id in tag_ids if tag_id not in tag_names]
    tag_names.update(Tag.objects.filter(pk__in=missing).values_list("pk", "name"))
    result[str(Article._meta.get_field("tags").verbose_name)] = ", ".join(
        sorted(tag_names[tag_id] for tag_id in tag_ids if tag_id in tag_names)
    )
    images = [fields for fields in related.get(ImageCredit, []) if fields["article_id"] == article_id]
    result[str(ImageCredit._meta.verbose_name)] = "\n".join(
        " — ".join(str(fields[name]) for name in IMAGE_FIELDS if fields[name]) for fields in images
    )
    links = [fields for fields in related.get(SourceLink, []) if fields["article_id"] == article_id]
    result[str(SourceLink._meta.verbose_name_plural)] = "\n".join(
        " — ".join(part for part in (fields["url"], fields["publisher"]) if part)
        for fields in sorted(links, key=lambda fields: (fields["position"], fields["id"]))
    )
    return result


def changes(old_version, new_version):
    """What differs from ``old_version`` (None: nothing before) to ``new_version``."""
    old = snapshot(old_version) if old_version else {}
    new = snapshot(new_version)
    return [
        Change(label, old.get(label, ""), text) for label, text in new.items() if old.get(label, "") != text
    ]


def previous_version(version):
    earlier = Version.objects.get_for_object_reference(Article, version.object_id).filter(pk__lt=version.pk)
    return earlier.order_by("-pk").first()
