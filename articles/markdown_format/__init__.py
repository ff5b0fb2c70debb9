"""The site's markdown format, in and out: one package, so that a change to the format is one change.

- ``constants.py``: the front matter's fields, the body's markers (« L’essentiel »,
  « Lien source », « Crédit image »), the importance words and the limits;
- ``parser.py``: a file → ``ArticleData`` (plain, validated values) or ``ImportFailure``;
- ``writer.py``: an article, or synthetic values, → a file (``to_markdown``,
  ``export_articles``, ``compose``): the one writer;
- ``importer.py``: ``Importer``, the upsert by permalink, through ``articles.writing``;
- ``fixtures.py``: ``FixtureWriter``, a ``loaddata`` fixture instead of rows.

The management commands (``import_markdown``, ``export_markdown``,
``generate_articles``) only read their arguments and print.
"""

from .constants import FIELDS, MARKDOWN_SUFFIXES, MAX_FILE_BYTES, MAX_FRONT_MATTER_BYTES, MAX_TAGS
from .fixtures import FixtureWriter
from .importer import Importer
from .parser import ArticleData, ImportFailure, find_markdown_files, parse_file, parse_text, validate
from .writer import articles_to_export, compose, export_articles, filename, to_markdown

__all__ = [
    "FIELDS",
    "MARKDOWN_SUFFIXES",
    "MAX_FILE_BYTES",
    "MAX_FRONT_MATTER_BYTES",
    "MAX_TAGS",
    "ArticleData",
    "FixtureWriter",
    "ImportFailure",
    "Importer",
    "articles_to_export",
    "compose",
    "export_articles",
    "filename",
    "find_markdown_files",
    "parse_file",
    "parse_text",
    "to_markdown",
    "validate",
]
