"""A person's public page: who they are, with JSON-LD ``Person``, and their public articles.

Every profile has a page, even with no public article yet: the newsroom states who writes and
who reviews for it (an outside medical reviewer signs no article), and a draft's byline never
shows there. The articles are those of ``PublishedArticleMixin``, paginated as a tag's; those the
person reviewed follow, the latest few.
"""

from operator import attrgetter

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.views.generic import ListView

from articles.bylines import person_data
from articles.embedded import Rows, instances
from articles.models import Article
from articles.prepared import Prepared
from articles.views import FirstPage, PublishedArticleMixin

from .models import Person

# A reviewer's page lists the latest public articles they reviewed, below those they signed.
REVIEWED_COUNT = 20
REVIEWED_FIELDS = ("id", "title", "permalink", "published_at", "reviewed_on")


class PersonArticleListView(PublishedArticleMixin, ListView):
    template_name = "people/person_detail.html"
    list_filters = {"person": "bylines__person"}

    def get_queryset(self):
        found = PERSON(now=timezone.now(), slug=self.kwargs["slug"])
        if not found:
            raise Http404("No such person")
        self.person = found[0]
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        url = self.request.build_absolute_uri(self.person.get_absolute_url())
        reviewed = instances(Article, self.person.reviewed)
        reviewed.sort(key=attrgetter("reviewed_on", "published_at"), reverse=True)
        return super().get_context_data(
            person=self.person,
            reviewed=reviewed,
            canonical_url=url,
            structured_data=profile_data(self.person, self.request),
            **kwargs,
        )


def reviewed_by(person, now=None):
    """The latest public articles ``person`` reviewed. A review is a reviewer and a day, as the
    article's page and the format say: a reviewer named without a day reviewed nothing readers
    are told of. Walked from the reviewer down their reviews' index (article_reviews_idx), each
    checked public by its id: a planner left to choose (SQLite without statistics) sorts every
    public article instead."""
    return (
        Article.objects.filter(reviewed_by=person, reviewed_on__isnull=False)
        .filter(Exists(Article.objects.published(now).filter(pk=OuterRef("pk"))))
        .order_by("-reviewed_on", "-published_at")[:REVIEWED_COUNT]
    )


def person_page(now, slug):
    """PERSON's queryset: the person at ``slug`` and, in the same query, the articles they reviewed."""
    reviewed = Rows(reviewed_by(OuterRef("pk"), now), REVIEWED_FIELDS)
    return Person.objects.annotate(reviewed=reviewed).filter(slug=slug)[:1]


# The page's queries, compiled once per database connection (articles.prepared).
PERSON = Prepared(
    person_page, now=Article._meta.get_field("published_at"), slug=Person._meta.get_field("slug")
)
PersonArticleListView.first_page = FirstPage(PersonArticleListView)


def profile_data(person, request):
    """The person's page in JSON-LD: ``Person`` with what the page says of them."""
    data = {"@context": "https://schema.org", **person_data(person, request)}
    if person.bio:
        data["description"] = person.bio
    renditions = person.renditions
    if renditions:
        data["image"] = request.build_absolute_uri(renditions[1][-1].url)
    return data
