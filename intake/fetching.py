"""Fetching a feed over HTTP without letting a feed address reach inside the network.

``fetch(url)`` follows at most a few redirects itself, and before every
connection (the first and each redirect's) resolves the host and refuses an
address that is not on the public Internet: private, loopback, link-local,
shared, reserved, multicast or unspecified. It connects to the very address it
checked, so a name that resolves differently a moment later changes nothing.
An IPv6 address that carries an IPv4 one (IPv4-mapped or compatible, 6to4,
Teredo, NAT64) is judged by the address it carries. Loopback is allowed only
when ``settings.INGEST_ALLOW_LOOPBACK`` is on (the tests serve feeds on
127.0.0.1), and never when it is carried inside another address.

One deadline (``settings.INGEST_TIMEOUT``) bounds the whole fetch: connection,
TLS handshake, request, headers and body, across redirects. Every read and
write on the socket gets the time left before it, so a server that trickles a
byte a second cannot hold a fetch longer than a server that says nothing. The
name's resolution is left to the system resolver's own timeouts. Answers are
also capped in size, and requests are conditional (ETag, Last-Modified).
"""

import dataclasses
import http.client
import socket
import time
import zlib
from urllib.parse import urljoin

from django.conf import settings

# The connection's safety is shared with the source links' checks (newsroom.fetching); refusal and
# FetchError are named here too, as the callers and tests of this module know them.
from newsroom.fetching import FetchError, check_url, open_connection, printable, refusal, request_target  # noqa: F401

MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
USER_AGENT = "newsroom-ingest/1.0"


@dataclasses.dataclass(frozen=True)
class Answer:
    url: str  # after redirects
    body: bytes  # empty when not modified
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""


def fetch(url, *, etag="", last_modified=""):
    max_bytes = settings.INGEST_MAX_BYTES
    deadline = time.monotonic() + settings.INGEST_TIMEOUT
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(MAX_REDIRECTS + 1):
        parts = check_url(url)
        connection, response = open_connection(parts, deadline), None
        try:
            path = request_target(parts)
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
            except (OSError, http.client.HTTPException) as error:
                raise FetchError(f"{url}: {describe(error)}", **network_error(error), url=url) from None
            if response.status in REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(
                        f"{url}: redirect ({response.status}) without a Location",
                        "no_location",
                        url=url,
                        status=response.status,
                    )
                url = urljoin(url, location.strip())
                continue
            if response.status == 304:
                return Answer(url=url, body=b"", not_modified=True, etag=etag, last_modified=last_modified)
            if response.status != 200:
                raise FetchError(
                    f"{url}: the server answered {response.status} {response.reason}",
                    "status",
                    url=url,
                    status=response.status,
                    reason=response.reason,
                )
            body = read_body(response, url, max_bytes)
            return Answer(
                url=url,
                body=body,
                etag=response.getheader("ETag", "")[:500],
                last_modified=response.getheader("Last-Modified", "")[:100],
            )
        finally:
            if response is not None:
                response.close()
            connection.close()
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects", "redirects", url=url, count=MAX_REDIRECTS)


def read_body(response, url, max_bytes):
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(
            f"{url}: the answer is larger than {max_bytes} bytes ({declared})",
            "size",
            url=url,
            limit=max_bytes,
        )
    gzipped = response.getheader("Content-Encoding", "").lower() == "gzip"
    decompressor = zlib.decompressobj(wbits=47) if gzipped else None
    chunks, size = [], 0
    try:
        while chunk := response.read(CHUNK):
            if decompressor:
                chunk = decompressor.decompress(chunk, max_bytes + 1 - size)
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(
                    f"{url}: the answer is larger than {max_bytes} bytes", "size", url=url, limit=max_bytes
                )
            chunks.append(chunk)
    except (OSError, http.client.HTTPException, zlib.error) as error:
        raise FetchError(f"{url}: {describe(error)}", **network_error(error), url=url) from None
    return b"".join(chunks)


def network_error(error):
    """The code and parameters of a FetchError for ``error``, raised by the socket or the protocol."""
    if isinstance(error, TimeoutError | socket.timeout):
        return {"code": "timeout", "seconds": settings.INGEST_TIMEOUT}
    return {"code": "network", "detail": describe(error)}


def describe(error):
    if isinstance(error, TimeoutError | socket.timeout):
        return f"no complete answer within {settings.INGEST_TIMEOUT} seconds (INGEST_TIMEOUT)"
    return printable(str(error) or type(error).__name__)
