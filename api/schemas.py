"""What the API answers, as pydantic models: they serialize every answer and are the OpenAPI
document's schemas (api.endpoints), so the document cannot say one thing and the answers another.

Addresses are absolute (other front ends live elsewhere); dates are ISO 8601 with their offset.
"""

import datetime
from typing import Literal

from ninja import Field
from pydantic import BaseModel


class Schema(BaseModel):
    """A plain pydantic model, not ninja's Schema: the answers are built as dicts (api.data), which
    pydantic reads as they are; ninja's Schema would wrap each dict of a list in its getter for
    Django objects, which cost as much as the rest of the answer."""


class Error(Schema):
    detail: str = Field(description="What was wrong, for the developer.")


class Withdrawn(Schema):
    detail: str
    title: str
    withdrawn_at: datetime.datetime
    reason: str = Field(description="The public notice the editors left, or empty.")


class TagRef(Schema):
    name: str
    slug: str
    url: str = Field(description="The tag's page on the site.")
    articles: str = Field(description="This API's list of the tag's articles.")


class TagList(Schema):
    items: list[TagRef]


class Rendition(Schema):
    url: str
    width: int


class Renditions(Schema):
    webp: list[Rendition] = Field(description="WebP copies, narrowest first.")
    fallback: list[Rendition] = Field(description="JPEG (photographs) or PNG copies, narrowest first.")


class Image(Schema):
    src: str = Field(description="The image itself (an uploaded image's cleaned original, or its address).")
    alt: str
    width: int | None = None
    height: int | None = None
    credit: str
    rights: str
    credit_url: str
    credit_line: str = Field(description="« credit — rights — address », as the site shows it.")
    renditions: Renditions | None = Field(
        description="Smaller copies of an uploaded image; null for a linked one."
    )


class Person(Schema):
    name: str = Field(description="The name with its title: « Dr Anne Leroy ».")
    honorific: str
    credentials: str
    url: str = Field(description="The person's page on the site.")
    same_as: list[str] = Field(description="Their addresses elsewhere: ORCID, RPPS, professional page.")


class Link(Schema):
    url: str
    publisher: str


class Note(Schema):
    kind: Literal["correction", "update", "retraction"]
    published_at: datetime.datetime
    text: str


class MedicalReview(Schema):
    reviewer: Person
    reviewed_on: datetime.date


class ArticleSummary(Schema):
    permalink: str
    title: str
    url: str = Field(description="The article's page on the site.")
    api_url: str = Field(description="This article in the API, with its body.")
    published_at: datetime.datetime
    first_published_at: datetime.datetime
    modified_at: datetime.datetime = Field(
        description="The last significant update (a note, an editor's update), else the publication."
    )
    summary: str = Field(description="« L’essentiel », plain text.")
    tags: list[TagRef]
    image: Image | None
    authors: list[Person]


class ArticleDetail(ArticleSummary):
    language: Literal["fr"]
    body_html: str = Field(description="The body, rendered from Markdown and sanitized as the site shows it.")
    source: Link | None = Field(description="The original source the article summarizes.")
    further_reading: list[Link]
    coverage: list[Link] = Field(description="Other sources of the same story: « Aussi couvert par ».")
    notes: list[Note] = Field(description="Corrections, updates and retraction notices, oldest first.")
    medical_review: MedicalReview | None


class ArticlePage(Schema):
    items: list[ArticleSummary] = Field(description="Newest first.")
    next: str | None = Field(description="The next page's address, or null on the last page.")
    next_cursor: str | None = Field(description="The cursor of the next page, or null on the last page.")
