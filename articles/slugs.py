"""An article's slug, made from its title: the one rule that the admin, imports, ingestion,
fixtures and the generator all use (through ``Article.slug_for``).

French elisions make words: « l’étude » is two words, ``l-etude``, not ``letude`` (Django's
slugify drops the apostrophe and glues them). Any other apostrophe is dropped as before
(« aujourd’hui » stays ``aujourdhui``).
"""

import re

from django.utils.text import slugify

# A derived slug stops at a word before this length, so a long title still makes a short address.
SLUG_LENGTH = 100

# l’, d’, qu’ (lorsqu’, puisqu’, jusqu’…), n’, s’, j’, c’, m’, t’ before a letter, with a typographic
# or a straight apostrophe: the article or pronoun is a word of its own.
ELISION = re.compile(r"\b(\w*qu|[cdjlmnst])['’ʼ](?=\w)", re.IGNORECASE)


def slug_for(title, length=SLUG_LENGTH):
    """The slug a title makes. A long title's slug is cut at the last word boundary within ``length``."""
    slug = slugify(ELISION.sub(r"\1 ", title))
    if len(slug) > length:
        cut = slug.rfind("-", 0, length + 1)
        slug = slug[:cut] if cut > 0 else slug[:length]
    return slug.strip("-")


def former_slug_for(title, length=SLUG_LENGTH):
    """The slug ``title`` made before elisions made words (« l’étude » → ``letude``): addresses
    already made with it stay (an import without a permalink finds its article by it)."""
    slug = slugify(title)
    if len(slug) > length:
        cut = slug.rfind("-", 0, length + 1)
        slug = slug[:cut] if cut > 0 else slug[:length]
    return slug.strip("-")
