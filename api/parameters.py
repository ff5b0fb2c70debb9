"""The list's query parameters, read strictly: a value the API cannot read is a 400 that says why,
never a 500 nor a silently ignored filter.

``cursor`` is opaque to clients: the publication time (in microseconds since the epoch) and id of
the last article of the page before, base64url-encoded. Articles are listed newest first by
(published_at, id), so a cursor names a place in that order, not an offset: articles published
meanwhile (at the top) or deleted never shift a page, and an article's being unpublished does not
make the next page skip nor repeat another.
"""

import base64
import binascii
import datetime
import re

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja.errors import HttpError

from articles.pagination import MAX_ID

CURSOR_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MIN_MOMENT = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
MAX_MOMENT = datetime.datetime(9999, 12, 30, tzinfo=datetime.UTC)


def bad_request(message):
    return HttpError(400, message)


def make_cursor(article):
    """The cursor of the page that follows ``article``."""
    micros = (article.published_at - EPOCH) // datetime.timedelta(microseconds=1)
    return base64.urlsafe_b64encode(f"{micros}.{article.pk}".encode()).decode().rstrip("=")


def read_cursor(value):
    """(published_at, id) from a cursor that make_cursor wrote; HttpError 400 for anything else."""
    if not CURSOR_PATTERN.fullmatch(value):
        raise bad_request("Invalid cursor: use the next_cursor of the page before, as it is.")
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("ascii")
        micros, pk = (int(part) for part in text.split("."))
        moment = EPOCH + datetime.timedelta(microseconds=micros)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError):
        raise bad_request("Invalid cursor: use the next_cursor of the page before, as it is.") from None
    if not (0 < pk <= MAX_ID and MIN_MOMENT <= moment <= MAX_MOMENT) or not text.isascii():
        raise bad_request("Invalid cursor: use the next_cursor of the page before, as it is.")
    return moment, pk


def read_since(value):
    """A moment from an ISO 8601 date or date and time; a date is its midnight, and a time without
    an offset is the site's time (Europe/Paris). HttpError 400 for anything else."""
    # "+02:00" typed into an address unencoded arrives as " 02:00".
    text = value.strip().replace(" ", "+") if "T" in value else value.strip()
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        moment = day = None
    if day is not None:
        moment = datetime.datetime.combine(day, datetime.time())
    if moment is None:
        raise bad_request(
            "Invalid since: give an ISO 8601 date (2024-05-24) or date and time "
            "(2024-05-24T08:00:00Z, 2024-05-24T10:00:00%2B02:00)."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not MIN_MOMENT <= moment <= MAX_MOMENT:
        raise bad_request("Invalid since: out of range.")
    return moment


def read_tag_slug(value):
    """A tag's slug as the site writes them; HttpError 400 for anything else."""
    if not re.fullmatch(r"[-a-zA-Z0-9_]{1,100}", value):
        raise bad_request("Invalid tag: give a tag's slug, as /api/v1/tags lists them.")
    return value
