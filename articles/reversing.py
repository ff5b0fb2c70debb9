"""The public addresses of articles and tags, reversed once per route rather than once per link."""

import re
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

URL_PLACEHOLDER = "urlplaceholder0"
URL_SAFE_PUNCTUATION = "!$&'()*+,;=/~:@"
URL_SAFE = re.compile(rf"[A-Za-z0-9_.\-{re.escape(URL_SAFE_PUNCTUATION)}]*")
_url_templates = {}


def reverse_one(name, kwarg, value):
    """reverse() for a route with one slug or permalink argument, the route reversed once per
    language and script prefix: a page of cards and a sitemap hold hundreds of links.

    The site sets no URLconf per request, so the URLconf is not part of the key: reading it
    cost more than the rest of this function."""
    key = (name, kwarg, get_language(), get_script_prefix())
    template = _url_templates.get(key)
    if template is None:
        template = _url_templates[key] = reverse(name, kwargs={kwarg: URL_PLACEHOLDER}).split(URL_PLACEHOLDER)
    if not URL_SAFE.fullmatch(value):  # slugs and permalinks are nearly always plain ASCII already
        value = quote(value, safe=URL_SAFE_PUNCTUATION)
    return value.join(template)
