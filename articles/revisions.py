"""Saved versions of an article (django-reversion keeps them): readable differences, and restoring one.

A version of an article is a revision holding the article and, as they were
after that save, its taggings (which tags it had), image credit, source links and
public notes (corrections, updates, retraction notices).
Tags themselves are shared by every article that has them, so a version holds
none: ``TaggedArticle`` versions record the tag's id and, as their text, the name
it had (versions saved before that also hold the Tag rows; they are only read).
``snapshot`` turns a version into labelled text; ``changes`` lists what differs
between two of them; ``restore`` puts the article's own rows back.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from reversion.errors import RevertError
from reversion.models import Version

from .models import Article, ArticleAuthor, Correction, ImageCredit, SourceLink, Tag, TaggedArticle

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
    "reviewed_by",
    "reviewed_on",
    "next_review_on",
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


@dataclass
class Parts:
    """What one version holds of its article's own rows (other articles' never count)."""

    article: Version
    image: list = field(default_factory=list)  # ImageCredit versions
    links: list = field(default_factory=list)  # SourceLink versions
    corrections: list = field(default_factory=list)  # Correction versions
    taggings: list = field(default_factory=list)  # TaggedArticle versions, in the order they were saved
    bylines: list = field(default_factory=list)  # ArticleAuthor versions
    recorded_names: dict = field(default_factory=dict)  # tag id -> its name when the version was saved


# Each part of an article: where Parts keeps it, and the field that names its article.
OWN_PARTS = {
    ImageCredit: ("image", "article_id"),
    SourceLink: ("links", "article_id"),
    Correction: ("corrections", "article_id"),
    TaggedArticle: ("taggings", "content_object_id"),
    ArticleAuthor: ("bylines", "article_id"),
}


def parts_of(version):
    """The article's own rows in ``version``'s revision."""
    parts = Parts(version)
    article_id = int(version.object_id)
    legacy_names = {}
    for other in version.revision.version_set.order_by("pk"):
        model = other._model
        if model is Tag:  # held by versions saved before tags stopped being versioned: only read
            legacy_names[int(other.object_id)] = other.object_repr
        elif model in OWN_PARTS:
            name, article_field = OWN_PARTS[model]
            if other.field_dict[article_field] == article_id:
                getattr(parts, name).append(other)
    for tagging in parts.taggings:
        tag_id = tagging.field_dict["tag_id"]
        parts.recorded_names[tag_id] = legacy_names.get(tag_id, tagging.object_repr)
    return parts


def tag_names(parts):
    """The names of the version's tags: a tag's present name while it exists, else the one recorded."""
    tag_ids = [tagging.field_dict["tag_id"] for tagging in parts.taggings]
    names = dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name"))
    return sorted(names.get(tag_id) or parts.recorded_names[tag_id] for tag_id in tag_ids)


def snapshot(version):
    """The article as that version saved it: an ordered mapping of field label to text."""
    values = version.field_dict
    result = {}
    for name in ARTICLE_FIELDS:
        article_field = Article._meta.get_field(name)
        result[str(article_field.verbose_name)] = _display(article_field, values.get(article_field.attname))
    parts = parts_of(version)
    result[str(Article._meta.get_field("tags").verbose_name)] = ", ".join(tag_names(parts))
    images = [image.field_dict for image in parts.image]
    result[str(ImageCredit._meta.verbose_name)] = "\n".join(
        " — ".join(str(fields[name]) for name in IMAGE_FIELDS if fields[name]) for fields in images
    )
    links = [link.field_dict for link in parts.links]
    result[str(SourceLink._meta.verbose_name_plural)] = "\n".join(
        " — ".join(part for part in (fields["url"], fields["publisher"]) if part)
        for fields in sorted(links, key=lambda fields: (fields["position"], fields["id"]))
    )
    notes = [note.field_dict for note in parts.corrections]
    kind, date = Correction._meta.get_field("kind"), Correction._meta.get_field("published_at")
    result[str(Correction._meta.verbose_name_plural)] = "\n".join(
        f"{_display(kind, fields['kind'])} — {_display(date, fields['published_at'])} — {fields['text']}"
        for fields in sorted(notes, key=lambda fields: (fields["published_at"], fields["id"]))
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


def restore(version):
    """Put the article back as ``version`` saved it (or bring a deleted one back), in the caller's
    transaction: its own row, image credit, source links, notes and taggings, and nothing else.

    Tags are shared with other articles: no Tag row is created, renamed or deleted. Each tag
    the version had is linked again: the same tag if it still exists, renamed or not, else
    an existing tag of the name it had then. A tag deleted since, whose name no tag has
    now, is left out. Returns the names left out, for the editor to read.
    """
    parts = parts_of(version)
    article = Article.objects.filter(pk=version.object_id).first()
    stored = article.stored_state() if article else None
    try:
        with transaction.atomic():
            version.revert()
    except IntegrityError as error:
        raise RevertError(
            gettext("This version's address is now another article's: it cannot be restored.")
        ) from error
    article = Article.objects.get(pk=version.object_id)
    if stored and stored["permalink"] != article.permalink:
        article.permalink_changed(stored)  # the address readers knew still leads to the article
    for model, (name, article_field) in OWN_PARTS.items():
        if model is not TaggedArticle:
            kept = [int(part.object_id) for part in getattr(parts, name)]
            model.objects.filter(**{article_field: article.pk}).exclude(pk__in=kept).delete()
            for part in getattr(parts, name):
                if (
                    model is ArticleAuthor
                    and not model.person.field.related_model.objects.filter(
                        pk=part.field_dict["person_id"]
                    ).exists()
                ):
                    continue  # a profile deleted since is not brought back
                part.revert()
    return relink_tags(article, parts)


def relink_tags(article, parts):
    TaggedArticle.objects.filter(content_object=article).delete()
    left_out, linked = [], []
    for tagging in parts.taggings:
        tag_id = tagging.field_dict["tag_id"]
        name = parts.recorded_names[tag_id]
        tag = Tag.objects.filter(pk=tag_id).first() or Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            left_out.append(name)
        elif tag.pk not in linked:
            linked.append(tag.pk)
    TaggedArticle.objects.bulk_create(
        TaggedArticle(content_object=article, tag_id=tag_id) for tag_id in linked
    )
    return left_out
