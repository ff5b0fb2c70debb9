"""Canonical forms used to recognise the same thing written two ways."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only say where a click came from, never which page it is.
TRACKING_PARAMETERS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "_hsenc", "_hsmi"}
)
DEFAULT_PORTS = {"http": 80, "https": 443}


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
            if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMETERS
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))
