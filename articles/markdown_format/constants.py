"""What the site's markdown format is made of: its fields, its markers, its words and its limits.

Every marker of the format is written here and only here; the parser reads
them and the writer writes them.
"""

import re

from ..models import Article, Correction, ImageCredit, SourceLink, Tag

MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_FRONT_MATTER_BYTES = 64 * 1024
MAX_TAGS = 50  # a real article has a handful; thousands would be a file meant to flood the tag list
# Publication years a file may give: a date outside them is a typo (or an attack on the clock
# arithmetic: 9999-12-31 in Paris overflows Python's datetime).
FIRST_YEAR, LAST_YEAR = 1900, 2999

# The front matter's keys, in the order the seed writes them.
FIELDS = (
    "title",
    "date",
    "publishedDate",
    "summary",
    "importance",
    "sourceUrl",
    "tags",
    "permalink",
    "imageUrl",
    "imageCredit",
    "corrections",
    "authors",
    "reviewedBy",
    "reviewedOn",
)
# The byline (people's names, in order) and the medical review (the reviewer's name and the day).
PEOPLE_FIELDS = ("authors", "reviewedBy", "reviewedOn")
# Keys written only when they hold something, so that the archive's files (which have none of
# them) and their exports stay as they were: the public notes, a list of {date, kind, text}
# (Correction), and the people.
OPTIONAL_FIELDS = ("corrections", *PEOPLE_FIELDS)
NOTE_KEYS = ("date", "kind", "text")
MAX_NOTES = 50
# A note's kind: Correction.Kind's values, or the words a French editor writes.
NOTE_KIND_BY_WORD = {
    **{kind.value: kind.value for kind in Correction.Kind},
    "correctif": Correction.Kind.CORRECTION.value,
    "mise à jour": Correction.Kind.UPDATE.value,
    "rétractation": Correction.Kind.RETRACTION.value,
}
MAX_AUTHORS = 20
# The longest values the models store, read from the models themselves.
LIMITS = {
    "title": Article._meta.get_field("title").max_length,
    "permalink": Article._meta.get_field("permalink").max_length,
    "tag": Tag._meta.get_field("name").max_length,
    "alt_text": ImageCredit._meta.get_field("alt_text").max_length,
    "credit": ImageCredit._meta.get_field("credit").max_length,
    "rights": ImageCredit._meta.get_field("rights").max_length,
    "publisher": SourceLink._meta.get_field("publisher").max_length,
    "note": Correction.TEXT_LENGTH,
    "person": Article._meta.get_field("authors").related_model._meta.get_field("name").max_length,
}

# The body the site generates around the editor's text.
IMAGE_CREDIT_PREFIX = "*Crédit image : "
IMAGE_CREDIT_SUFFIX = "*"
SUMMARY_HEADING = "## L’essentiel"
SUMMARY_HEADINGS = (SUMMARY_HEADING, "## L'essentiel")  # older files have a straight apostrophe
SOURCE_HEADING = "## Lien source"
SOURCE_SECTION_RE = re.compile(rf"^{re.escape(SOURCE_HEADING)}\n\n(?P<url>\S+)\n*(?=^## |\Z)", re.MULTILINE)
CREDIT_SEPARATOR = ImageCredit.CREDIT_SEPARATOR

PERMALINK_PREFIX = "/papers/"
PERMALINK_RE = re.compile(
    rf"{re.escape(PERMALINK_PREFIX)}(?P<permalink>(?P<day>\d{{4}}-\d{{2}}-\d{{2}})-[^/\s?#]+)"
)

# The scale of Article.Importance, and the words editors write for each step.
IMPORTANCE_WORDS = {
    Article.Importance.LOW: ("low", "minor", "faible", "basse", "bas", "mineure", "mineur"),
    Article.Importance.NORMAL: ("normal", "normale", "medium", "moyenne", "moyen", "standard"),
    Article.Importance.HIGH: ("high", "important", "importante", "haute", "haut", "élevée", "elevee"),
    Article.Importance.TOP: ("top", "top story", "headline", "une", "à la une", "a la une", "majeure"),
}
IMPORTANCE_BY_WORD = {
    word: level for level, words in IMPORTANCE_WORDS.items() for word in (str(level.value), *words)
}

# publishedDate: « 24 mai 2024 ».
MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
