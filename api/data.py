"""What the API's answers say of an article, a tag, a person, a link: plain data that the schemas
(api.schemas) serialize, with every address absolute.

One ``Answer`` writes one answer: a tag or a person it has written once (a list of 100 articles
names the same few tags and authors again and again) is written again from memory, not reversed
and made absolute anew.
"""

from django.urls import reverse
from django.utils.http import urlencode

from articles.grouping import coverage
from articles.models import SourceLink
from articles.rendering import absolute_addresses, render_markdown, web_url


class Answer:
    def __init__(self, request):
        self.request = request
        self.tags = {}
        self.people = {}
        self.tag_list = reverse("api:articles")

    def absolute(self, address):
        return self.request.build_absolute_uri(address)

    def api_article_url(self, article):
        return self.absolute(reverse("api:article", kwargs={"permalink": article.permalink}))

    def tag(self, tag):
        if tag.pk not in self.tags:
            self.tags[tag.pk] = {
                "name": tag.name,
                "slug": tag.slug,
                "url": self.absolute(tag.get_absolute_url()),
                "articles": self.absolute(f"{self.tag_list}?{urlencode({'tag': tag.slug})}"),
            }
        return self.tags[tag.pk]

    def summary(self, article):
        return {
            "permalink": article.permalink,
            "title": article.title,
            "url": self.absolute(article.get_absolute_url()),
            "api_url": self.api_article_url(article),
            "published_at": article.published_at,
            "first_published_at": article.first_published_at or article.published_at,
            "modified_at": article.date_modified,
            "summary": article.summary,
            "tags": [self.tag(tag) for tag in article.tags_by_name],
            "image": self.image(getattr(article, "image", None)),
            "authors": [self.person(person) for person in article.byline],
        }

    def detail(self, article):
        links = list(article.links.all())
        source = next((link for link in links if link.kind == SourceLink.Kind.SOURCE), None)
        review = None
        if article.reviewed_by and article.reviewed_on:
            review = {"reviewer": self.person(article.reviewed_by), "reviewed_on": article.reviewed_on}
        body = render_markdown(article.body, article.link_rel)
        return {
            **self.summary(article),
            "language": "fr",
            "body_html": absolute_addresses(body, self.absolute("/")),
            "source": link_data(source),
            "further_reading": [
                data for link in links if link.kind == SourceLink.Kind.RELATED if (data := link_data(link))
            ],
            "coverage": [data for link in coverage(article) if (data := link_data(link))],
            "notes": [
                {"kind": note.kind, "published_at": note.published_at, "text": note.text}
                for note in article.corrections.all()
            ],
            "medical_review": review,
        }

    def image(self, image):
        if image is None or not web_url(image.src):
            return None
        renditions = image.renditions
        return {
            "src": self.absolute(web_url(image.src)),
            "alt": image.alt_text,
            "width": image.image_width,
            "height": image.image_height,
            "credit": image.credit,
            "rights": image.rights,
            "credit_url": web_url(image.credit_url),
            "credit_line": image.credit_line,
            "renditions": renditions
            and {
                kind: [{"url": self.absolute(copy.url), "width": copy.width} for copy in copies]
                for kind, copies in zip(("webp", "fallback"), renditions, strict=True)
            },
        }

    def person(self, person):
        if person.pk not in self.people:
            self.people[person.pk] = {
                "name": person.full_name,
                "honorific": person.honorific,
                "credentials": person.credentials,
                "url": self.absolute(person.get_absolute_url()),
                "same_as": [url for url in map(web_url, person.same_as) if url],
            }
        return self.people[person.pk]


def link_data(link):
    """A link readers may follow (a web address, its tracking parameters removed), or None."""
    url = web_url(link.reader_url) if link else ""
    return {"url": url, "publisher": link.publisher} if url else None
