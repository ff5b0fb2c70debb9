"""Content to markup, made safe: the one place where content becomes HTML.

Every piece of HTML that comes from content (an article's body) goes through
``render_markdown``, and every address from content that lands in an ``href``
or ``src`` goes through ``web_url``, at display time: text arriving by any route
(the admin, an import, a fixture that bypassed validation) is cleaned the same way.
"""

import html
import re
from urllib.parse import urlsplit

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
# Every link from content opens without access to this page nor its address; links in text
# the newsroom did not write (imported, ingested) also get "nofollow".
LINK_REL = "noopener noreferrer"
UNVOUCHED_LINK_REL = "noopener noreferrer nofollow"


def link_rel(*, nofollow=False):
    return UNVOUCHED_LINK_REL if nofollow else LINK_REL


def sanitize_html(html, rel=LINK_REL):
    """Keep only harmless markup: no script, no event handler, no javascript: URL."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=rel,
        strip_comments=True,
    )


def render_markdown(text, rel=LINK_REL):
    """Render an article body written in Markdown as safe HTML; ``rel`` goes on every link."""
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return mark_safe(sanitize_html(html, rel))  # noqa: S308 -- nh3 has just cleaned it


def web_url(url):
    """``url`` if it is a web address (http, https, or a path on this site), else ""."""
    url = (url or "").strip()
    try:
        scheme = urlsplit(_INVISIBLE.sub("", url)).scheme.lower()
    except ValueError:
        return ""
    if scheme in WEB_SCHEMES or (not scheme and url.startswith("/")):
        return url
    return ""


# Where one block of HTML ends and the next begins: a space keeps their words apart.
_BLOCK_END = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/blockquote|/tr|/td|/th)\b[^>]*>", re.IGNORECASE)


def html_to_text(fragment):
    """The text of an HTML fragment (a feed's summary) on one line: no tag, entities decoded once.

    nh3 drops every tag (and what scripts and styles hold) and escapes the
    text it keeps, so decoding the entities once afterwards gives back the
    text as written: « [&#8230;] » becomes « […] », « &amp;lt; » becomes « &lt; ».
    """
    text = nh3.clean(_BLOCK_END.sub(" ", fragment or ""), tags=set())
    return " ".join(html.unescape(text).split())
