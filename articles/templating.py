"""The public site's templates (templates/jinja2/): a Jinja2 environment with the site's filters.

Readers' pages are rendered by Jinja2 rather than Django's template language: a page
of twenty cards cost 8 ms in the latter and about a quarter of that here (README,
"Performance"), and a page nobody has asked for since the last edit is rendered
while the reader waits. The admin keeps Django's templates (templates/admin/).

Strings to translate are written ``{{ _("English text") }}`` (with ``|format(...)``
for values) so that ``makemessages`` finds them; plurals are made in the views.
"""

import datetime
import functools
import json

from django.conf import settings
from django.template import defaultfilters, defaulttags
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.urls.base import translate_url
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, gettext, ngettext, override
from jinja2 import Environment

from publication.identity import defaults as publication_defaults

from . import cards, rendering
from .plain_text import shorten

# What a JSON string may not hold inside <script>: a title like "</script><script>" stays text.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def environment(**options):
    options.pop("autoescape", None)  # always on, whatever a setting says
    # Every value a template writes loses what XML and HTML cannot carry, whatever stored it.
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"], finalize=rendering.xml_text, **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.globals.update(
        url=url,
        static=static,
        get_language=get_language,
        language_versions=language_versions,
        querystring=querystring,
        stored_card=cards.stored_card,
        # The site's name and notice for pages rendered without a request (the 500 page); with one,
        # the context processor publication.context gives the identity as edited in the admin.
        publication=publication_defaults(),
    )
    env.filters.update(
        date=date,
        truncatewords=defaultfilters.truncatewords,
        linebreaksbr=defaultfilters.linebreaksbr,
        capfirst=defaultfilters.capfirst,
        markdown=markdown,
        web_url=rendering.web_url,
        json_ld=json_ld,
        shorten=shorten,
    )
    return env


def url(name, *args, **kwargs):
    """reverse(), kept per language and script prefix: a page's menus and footer name the same
    few routes on every page (the site sets no URLconf per request)."""
    return _reversed(name, args, tuple(sorted(kwargs.items())), get_language(), get_script_prefix())


@functools.lru_cache(maxsize=4096)
def _reversed(name, args, kwargs, language, prefix):
    return reverse(name, args=args or None, kwargs=dict(kwargs) or None)


def date(value, format="DATE_FORMAT"):
    """Django's ``date`` filter: in the site's time zone, in the current language's format."""
    if isinstance(value, datetime.datetime):
        value = timezone.template_localtime(value)  # what Django's templates do before the filter
        if format == "c":
            # HTML's datetime takes at most three digits of a second: to the second, as pages show it.
            return value.isoformat(timespec="seconds")
        if format in DAY_FORMATS:
            value = value.date()
    return _date_format(value, format, get_language())


# Formats that show no time of day: a page of cards formats each day once, not each article.
DAY_FORMATS = {
    "DATE_FORMAT",
    "SHORT_DATE_FORMAT",
    "YEAR_MONTH_FORMAT",
    "MONTH_DAY_FORMAT",
    "F Y",
    "F",
    "Y",
    "Y-m-d",
}


@functools.lru_cache(maxsize=4096)
def _date_format(value, format, language):
    return formats.date_format(value, format)


def markdown(text, rel=rendering.LINK_REL):
    """Render Markdown as sanitized HTML (see articles.rendering), ``rel`` on its links."""
    return rendering.render_markdown(text, rel or rendering.LINK_REL)


def json_ld(data):
    """Structured data built in Python, as a <script type="application/ld+json"> block."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def querystring(request, changes=None, **more):
    """Django's {% querystring %}: this page's query string with ``changes`` made (None removes a name)."""
    return defaulttags.querystring(None, request.GET, **(changes or {}), **more)


@functools.lru_cache(maxsize=4096)
def _translated(path, language, prefix):
    return translate_url(path, language)


def language_versions(request=None):
    """This page in every language of the site: code, name, absolute URL, and whether it is this one.

    A view may name its page's address in each language (``request.language_urls``: the
    publication's pages have a slug per language). A page that does not exist in the other
    language (a 404, the 500 page) points to its home page.
    So does a page asked for at ``//host/…``: a browser reads such a path as another site's
    address, so it is never written back (a backslash is escaped already: ``/%5Chost``).
    Absolute URLs are the site's own scheme and host (the ``Host`` header, checked against
    ALLOWED_HOSTS) followed by a local path.
    """
    path = request.get_full_path() if request else "/"
    local = path.startswith("/") and not path.startswith("//")
    site = f"{request.scheme}://{request.get_host()}" if request else ""
    current = get_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        if not local:
            address = None
        elif code == current:
            address = path
        elif request and code in getattr(request, "language_urls", {}):
            address = request.language_urls[code]  # a page whose address differs by language
        else:
            address = _translated(path, code, get_script_prefix())
            address = None if address == path else address
        if address is None:
            with override(code):
                address = reverse("articles:list")
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": address,
                "absolute_url": site + address,
                "current": code == current,
            }
        )
    return versions
