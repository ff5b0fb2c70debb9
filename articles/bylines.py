"""Who signed an article, in order: ``ArticleAuthor`` links an article to its authors (people.Person).

The people are named by string ("people.Person") so that articles never imports people; an
article has none (imported, ingested) or several, shown as its byline. ``Article.byline``
reads them as prefetched by ``ArticleQuerySet.with_bylines()``: a page of cards costs one
query for all its bylines, whatever their number. ``person_data`` is a person in structured data (JSON-LD).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .managers import ContentManager
from .rendering import web_url


class ArticleAuthor(models.Model):
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="bylines", verbose_name=_("article")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="bylines", verbose_name=_("person")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    # The article's published_at, copied by database triggers (migration 0024) whatever writes the
    # article or the byline: a person's list of articles is a walk down the index below in its
    # order (ArticleQuerySet.narrowed), not a sort of everything they signed.
    published_at = models.DateTimeField(null=True, editable=False, serialize=False)

    objects = ContentManager()

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="article_author_once"),
        ]
        indexes = [
            models.Index(fields=["person", "-published_at", "-article"], name="byline_list_idx"),
        ]

    def __str__(self):
        return str(self.person)


def person_data(person, request):
    """schema.org ``Person`` for an author or a reviewer (a people.Person), as a dict for json_ld:
    the name, the person's page, their title and credentials, and their addresses elsewhere."""
    data = {
        "@type": "Person",
        "name": person.full_name,
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }
    if person.honorific:
        data["honorificPrefix"] = person.honorific
    if person.credentials:
        data["jobTitle"] = person.credentials
    same_as = [url for url in map(web_url, person.same_as) if url]
    if same_as:
        data["sameAs"] = same_as
    return data
