"""Canonical forms used to recognise the same thing written two ways, and addresses without
what only says where a click came from."""

from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from, never which page it is.
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "_hsenc", "_hsmi"}
)
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_parameter(name):
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


def normalize_url(url):
    """Return the form of ``url`` under which two links to one story compare equal.

    The scheme and host are lower-cased, the default port, the fragment, tracking
    parameters (``utm_*`` and the like) and a trailing slash are dropped, and the
    remaining query parameters are sorted. ``http`` and ``https`` are kept apart:
    they are different addresses, and a curator should see both.
    """
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_parameter(key)
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))


def without_tracking(url):
    """``url`` as readers are sent to it: the same address without its tracking parameters.

    Everything else stays as written (case, order, encoding, fragment, trailing slash): unlike
    ``normalize_url``, this is an address to follow, not a key to compare.
    """
    url = url or ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = parts.query.split("&")
    kept = [pair for pair in pairs if not is_tracking_parameter(unquote_plus(pair.partition("=")[0]))]
    return urlunsplit(parts._replace(query="&".join(kept)))
