"""Web addresses and values from outside (files, feeds), checked before they are stored.

Below both the articles and feed intake, so either may use it without importing
the other: ``validate_web_url`` (the models' rule: http or https only),
``require_web_url`` (raises ``InvalidValue`` naming the field), ``check_length``,
``check_printable`` (no control character that a feed cannot carry)
and ``publisher_for`` (a source's name, from its feed's tag or its host).

Addresses shown on pages go through ``articles.rendering.web_url`` instead, which
never raises: it gives the address, or "" for one a page must not link to.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from .rendering import control_characters

MAX_URL_LENGTH = 1000
# A source's feed tags its items "<publisher> — Latest" (the seed's "Interventional News — Latest").
LATEST_FEED_SUFFIX = " — Latest"

validate_web_url = URLValidator(schemes=["http", "https"])


class InvalidValue(ValueError):
    """A value that cannot be stored, and why, as "field: reason"."""


def check_length(field, value, limit):
    if len(value) > limit:
        raise InvalidValue(f"{field}: longer than {limit} characters ({len(value)})")


def check_printable(field, value):
    """Raise InvalidValue if ``value`` holds a character no feed, sitemap or page can carry."""
    found = control_characters(value)
    if found:
        raise InvalidValue(
            f"{field}: holds invisible control characters ({', '.join(found)}), which no feed can carry"
        )


def require_web_url(field, url):
    """Raise InvalidValue unless ``url`` is an http or https address of at most MAX_URL_LENGTH."""
    try:
        validate_web_url(url)
    except ValidationError:
        raise InvalidValue(f"{field}: {url!r} is not an http or https address") from None
    check_length(field, url, MAX_URL_LENGTH)


def publisher_for(tags, source_url):
    """The source's name: from the feed's tag ("Interventional News — Latest"), else its host."""
    for tag in tags:
        if tag.endswith(LATEST_FEED_SUFFIX) and len(tag) > len(LATEST_FEED_SUFFIX):
            return tag.removesuffix(LATEST_FEED_SUFFIX)
    host = urlsplit(source_url).hostname or ""
    return host.removeprefix("www.")
