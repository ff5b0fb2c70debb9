"""Content to markup, made safe: the one place where content becomes HTML.

Every piece of HTML that comes from content (an article's body) goes through
``render_markdown``, and every address from content that lands in an ``href``
or ``src`` goes through ``web_url``: text arriving by any route (the admin, an
import, a fixture that bypassed validation) is cleaned the same way.

An article's body is rendered when it is saved, by any route, and kept on its row
(``Article.body_html``) with ``rendered_stamp``: this renderer's version and a digest of
what it rendered. Readers are shown the stored HTML only while its stamp is the one its
body would get now (``Article.body_html_for_readers``), else it is rendered as it is read;
``manage.py render_articles`` stores again the rows an older version rendered.
"""

import hashlib
import html
import re
import threading
from urllib.parse import quote, urlsplit

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
WEB_SCHEMES = {"http", "https"}
# Browsers ignore control characters and white space in a URL's scheme ("java\tscript:").
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
MARKDOWN_EXTENSIONS = ["extra", "sane_lists"]
# The version of what render_markdown writes, kept with every article's stored HTML.
# Bump it by hand with any change that changes its output (the Markdown extensions, the
# allowed tags or attributes, the link rel, the Markdown package's version, the
# sanitizer's), then run ``manage.py render_articles`` once deployed: until then pages
# render the rows left behind as they are read, never showing their stale HTML.
RENDERER_VERSION = "1"
# Every link from content opens without access to this page nor its address; links in text
# the newsroom did not write (imported, ingested) also get "nofollow".
LINK_REL = "noopener noreferrer"
UNVOUCHED_LINK_REL = "noopener noreferrer nofollow"


def link_rel(*, nofollow=False):
    return UNVOUCHED_LINK_REL if nofollow else LINK_REL


def sanitize_html(html, rel=LINK_REL):
    """Keep only harmless, valid markup: no script, no event handler, no javascript: URL.

    A link whose address was refused keeps its text but not its ``rel`` (which HTML allows
    only with an ``href``), and an image whose address was refused is dropped.
    """
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=rel,
        strip_comments=True,
        attribute_filter=_encode_addresses,
    )
    return _IMAGE_WITHOUT_SRC.sub("", _LINK_WITHOUT_HREF.sub(_drop_rel, cleaned))


def _encode_addresses(element, attribute, value):
    if attribute in ("href", "src"):
        return encoded_url(value) or None
    return value


# nh3 writes every attribute as name="value", so its output can be read this plainly.
_LINK_WITHOUT_HREF = re.compile(r'<a((?:\s+(?!href=)[a-z-]+="[^"]*")*)>')
_IMAGE_WITHOUT_SRC = re.compile(r'<img(?:\s+(?!src=)[a-z-]+="[^"]*")*\s*/?>')
_REL = re.compile(r'\s+rel="[^"]*"')


def _drop_rel(match):
    return "<a" + _REL.sub("", match.group(1)) + ">"


def render_markdown(text, rel=LINK_REL):
    """Render an article body written in Markdown as safe HTML; ``rel`` goes on every link.

    Text whose markup would take Python-Markdown seconds (``markup_work``) is shown as plain
    text in paragraphs instead: safe, and quick to write, whatever a file or a feed held.
    """
    text = text or ""
    if markup_work(text) > MAX_MARKUP_WORK:
        return plain_paragraphs(text)
    try:
        html = _markdown().reset().convert(text)
    except RecursionError:  # lists or quotes nested hundreds deep
        _renderers.markdown = None  # left midway: the next text gets a new one
        return plain_paragraphs(text)
    return mark_safe(sanitize_html(html, rel))  # noqa: S308 -- nh3 has just cleaned it


# A Markdown renderer per thread, reset before each text: making one with its extensions took
# two thirds of the time a short article's body takes to render.
_renderers = threading.local()


def _markdown():
    renderer = getattr(_renderers, "markdown", None)
    if renderer is None:
        renderer = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")
        _renderers.markdown = renderer
    return renderer


def rendered_stamp(text, rel=LINK_REL):
    """What ``render_markdown(text, rel)`` is stored with: this renderer's version and a digest
    of its input, so that a body changed by any route (an update(), SQL) is never shown stale."""
    digest = hashlib.blake2b(f"{rel}\n{text or ''}".encode(errors="surrogatepass"), digest_size=12)
    return f"{RENDERER_VERSION}:{digest.hexdigest()}"


# Python-Markdown's work grows faster than its text in places: it copies a paragraph's inline
# text again for every mark it replaces, and its link patterns scan from each "[" to its "]" (to
# the paragraph's end when there is none), as its search for raw HTML scans from each "<" to
# the next ">" in the whole text: ``"[" * 4000`` took 3 s, ``"<a \n\n" * 3000`` 5 s.
# ``markup_work`` counts that work in about nanoseconds, measured on Python-Markdown 3.11: a
# character read, a character copied for each mark, a character scanned from a "[" or from a
# "<", each block, each level of quotes. A table's rows and a list's items are read
# one by one. The bound, half a second, lets through an article of 10,000 words dense with
# links; text past it is shown as plain paragraphs.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_MARKS = re.compile(r"[\[\]<>*_`\\&!|#~^{}()-]")
_BRACKETS = re.compile(r"[\[\]()]")
_TAG_MARKS = re.compile(r"<[A-Za-z/!?]|>")
_OPENING = {"]": "[", ")": "("}
_QUOTES = re.compile(r"^[ >]*", re.MULTILINE)
_LIST_ITEM = re.compile(r"[ ]{0,7}(?:\d+\.|[*+-])[ ]+")
CHARACTER_WORK = 2_500
MARK_WORK = 5
BRACKET_WORK = 2_000
TAG_WORK = 1_000
BLOCK_WORK = 200_000
QUOTE_WORK = 10
MAX_MARKUP_WORK = 500_000_000


def markup_work(text):
    """An upper bound of the time Python-Markdown takes to render ``text``, in about ns."""
    work = CHARACTER_WORK * len(text) + TAG_WORK * _tags_scanned(text)
    for paragraph in _PARAGRAPH_BREAK.split(text):
        depth = max(len(quotes) for quotes in _QUOTES.findall(paragraph))
        work += QUOTE_WORK * depth * len(paragraph)
        for run in _inline_runs(paragraph):
            work += (
                BLOCK_WORK + MARK_WORK * len(_MARKS.findall(run)) * len(run) + BRACKET_WORK * _scanned(run)
            )
            if work > MAX_MARKUP_WORK:
                return work
    return work


def _scanned(run):
    """How many characters Python-Markdown's link patterns scan in ``run``: from each "[" to the
    "]" that closes it, brackets nesting, or to the end; the same from each "(" to its ")"."""
    scanned = 0
    closings = {"[": [], "(": []}
    for mark in reversed(list(_BRACKETS.finditer(run))):
        character, position = mark.group(), mark.start()
        if character in _OPENING:
            closings[_OPENING[character]].append(position)
        else:
            found = closings[character]
            scanned += (found.pop() if found else len(run)) - position
    return scanned


def _tags_scanned(text):
    """How many characters Python-Markdown's search for raw HTML scans in the whole ``text``: from
    each "<" that may open a tag to the next ">", or to the end."""
    scanned = 0
    next_closing = len(text)
    for mark in reversed(list(_TAG_MARKS.finditer(text))):
        if mark.group() == ">":
            next_closing = mark.start()
        else:
            scanned += next_closing - mark.start()
    return scanned


def _inline_runs(paragraph):
    """The pieces of a block that Python-Markdown reads as inline text one by one: a table's rows,
    a list's items (with their following lines), or else the whole paragraph."""
    if _table_test(paragraph):
        return paragraph.split("\n")
    if not _LIST_ITEM.match(paragraph):
        return [paragraph]
    runs = []
    for line in paragraph.split("\n"):
        if _LIST_ITEM.match(line) or not runs:
            runs.append(line)
        else:
            runs[-1] += "\n" + line
    return runs


def _table_test(paragraph):
    """Whether Python-Markdown's own table extension reads ``paragraph`` as a table."""
    return _markdown().parser.blockprocessors["table"].test(None, paragraph)


def plain_paragraphs(text):
    """``text`` as escaped paragraphs, its line breaks kept: what markup too costly to read shows."""
    paragraphs = (
        html.escape(paragraph.strip()).replace("\n", "<br>") for paragraph in _PARAGRAPH_BREAK.split(text)
    )
    return mark_safe("".join(f"<p>{paragraph}</p>" for paragraph in paragraphs if paragraph))  # noqa: S308


# A sanitized fragment's addresses on this site (nh3 writes every attribute as name="value").
_SITE_ADDRESS = re.compile(r'(<[a-z0-9]+(?:\s+[a-z-]+="[^"]*")*?\s+(?:href|src))="/(?![/\\])')


def absolute_addresses(fragment, site):
    """``fragment`` (sanitized HTML) with its addresses on this site (``/papers/…``) made absolute
    on ``site`` (``https://host/``), for readers elsewhere: the API's other front ends."""
    return mark_safe(_SITE_ADDRESS.sub(lambda match: f'{match.group(1)}="{site}', fragment))  # noqa: S308


def web_url(url):
    """``url`` if it is a web address (http, https, or a path on this site), else "".

    It is written as a valid URL (``encoded_url``), so it can stand in any attribute.
    """
    url = (url or "").strip()
    try:
        scheme = urlsplit(_INVISIBLE.sub("", url)).scheme.lower()
    except ValueError:
        return ""
    if scheme in WEB_SCHEMES or (not scheme and url.startswith("/")):
        return encoded_url(url)
    return ""


# What a URL holds as it is: WHATWG's URL code points (ASCII letters, digits, these marks, and
# non-ASCII characters but non-characters), and '%' when it starts an escape.
_URL_UNSAFE = re.compile(
    "[^A-Za-z0-9!$&'()*+,\\-./:;=?@_~%\u00a0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd\U00010000-\U0010fffd]"
    "|%(?![0-9A-Fa-f]{2})"
)
_ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*")
_HOST_UNSAFE = re.compile(r"[\s\"<>\\^`{|}]")


def encoded_url(url):
    """``url`` with every character a URL may not hold as it is percent-encoded (a space, a
    quote, '<', a lone '%'); "" when its host holds one, since no host does."""
    origin = _ORIGIN.match(url)
    head, rest = (origin.group(), url[origin.end() :]) if origin else ("", url)
    if _HOST_UNSAFE.search(head):
        return ""
    path, hash_mark, fragment = rest.partition("#")
    return (
        head
        + _URL_UNSAFE.sub(_escape, path)
        + hash_mark
        + _URL_UNSAFE.sub(_escape, fragment.replace("#", "%23"))
    )


def _escape(match):
    return quote(match.group(), safe="")


# What XML 1.0 cannot carry, nor HTML show: C0 controls but tab, newline and return, U+FFFE,
# U+FFFF and lone surrogates. One of them in a title took every feed down.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def control_characters(text):
    """The characters of ``text`` that a feed, a sitemap or a page cannot carry, as U+XXXX names."""
    return sorted({f"U+{ord(character):04X}" for character in _NOT_IN_XML.findall(text or "")})


def xml_text(value):
    """``value`` without the characters XML cannot carry (safe markup stays safe markup)."""
    if not isinstance(value, str) or not _NOT_IN_XML.search(value):
        return value
    cleaned = _NOT_IN_XML.sub("", value)
    return mark_safe(cleaned) if hasattr(value, "__html__") else cleaned  # noqa: S308 -- it was safe


# Where one block of HTML ends and the next begins: a space keeps their words apart.
_BLOCK_END = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr|/td|/th)\b[^>]*>", re.IGNORECASE)


def html_to_text(fragment):
    """The text of an HTML fragment (a feed's summary) on one line: no tag, entities decoded once.

    nh3 drops every tag (and what scripts and styles hold) and escapes the
    text it keeps, so decoding the entities once afterwards gives back the
    text as written: « [&#8230;] » becomes « […] », « &amp;lt; » becomes « &lt; ». Control
    characters a feed could not carry on are dropped.
    """
    text = nh3.clean(_BLOCK_END.sub(" ", fragment or ""), tags=set())
    return xml_text(" ".join(html.unescape(text).split()))
