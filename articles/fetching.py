"""Fetching a feed over HTTP without letting a feed address reach inside the network.

``fetch(url)`` follows at most a few redirects itself, and before every
connection (the first and each redirect's) resolves the host and refuses an
address that is not on the public Internet: private, loopback, link-local,
shared, reserved, multicast or unspecified. It connects to the very address it
checked, so a name that resolves differently a moment later changes nothing.
Loopback is allowed only when ``settings.INGEST_ALLOW_LOOPBACK`` is on (the
tests serve feeds on 127.0.0.1). Answers are read with a timeout, an overall
deadline and a size cap, and requests are conditional (ETag, Last-Modified).
"""

import dataclasses
import http.client
import ipaddress
import socket
import ssl
import time
import zlib
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
USER_AGENT = "newsroom-ingest/1.0"


class FetchError(Exception):
    """A feed that could not be fetched, and why, in words for the curator."""


@dataclasses.dataclass(frozen=True)
class Answer:
    url: str  # after redirects
    body: bytes  # empty when not modified
    not_modified: bool = False
    etag: str = ""
    last_modified: str = ""


def fetch(url, *, etag="", last_modified=""):
    timeout = settings.INGEST_TIMEOUT
    max_bytes = settings.INGEST_MAX_BYTES
    deadline = time.monotonic() + timeout
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(MAX_REDIRECTS + 1):
        parts = check_url(url)
        connection = open_connection(parts, timeout)
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
            except (OSError, http.client.HTTPException) as error:
                raise FetchError(f"{url}: {describe(error)}") from None
            if response.status in REDIRECT_STATUSES:
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{url}: redirect ({response.status}) without a Location")
                url = urljoin(url, location.strip())
                continue
            if response.status == 304:
                return Answer(url=url, body=b"", not_modified=True, etag=etag, last_modified=last_modified)
            if response.status != 200:
                raise FetchError(f"{url}: the server answered {response.status} {response.reason}")
            body = read_body(response, url, max_bytes, deadline)
            return Answer(
                url=url,
                body=body,
                etag=response.getheader("ETag", "")[:500],
                last_modified=response.getheader("Last-Modified", "")[:100],
            )
        finally:
            connection.close()
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def check_url(url):
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        raise FetchError(f"{url}: not a valid address") from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https addresses are fetched")
    if not parts.hostname:
        raise FetchError(f"{url}: the address has no host")
    return parts


def open_connection(parts, timeout):
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = allowed_address(parts.hostname, port)
    if parts.scheme == "https":
        return PinnedHTTPSConnection(parts.hostname, port, address, timeout=timeout)
    return PinnedHTTPConnection(parts.hostname, port, address, timeout=timeout)


def allowed_address(host, port):
    """The first address of ``host`` that may be fetched; refuse the host if any may not."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise FetchError(f"{host}: the name does not resolve ({describe(error)})") from None
    addresses = [info[4][0] for info in found]
    for address in addresses:
        reason = refusal(ipaddress.ip_address(address.split("%", 1)[0]))
        if reason:
            raise FetchError(f"{host}: refused, {address} is {reason}")
    return addresses[0]


def refusal(address):
    """Why ``address`` may not be fetched, or "" when it may."""
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if address.is_loopback:
        return "" if settings.INGEST_ALLOW_LOOPBACK else "a loopback address"
    for name, label in (
        ("is_link_local", "a link-local address"),
        ("is_unspecified", "an unspecified address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private address"),
    ):
        if getattr(address, name):
            return label
    return "" if address.is_global else "not a public address"


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to the address that was checked, whatever the name resolves to now."""

    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def read_body(response, url, max_bytes, deadline):
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"{url}: the answer is larger than {max_bytes} bytes ({declared})")
    gzipped = response.getheader("Content-Encoding", "").lower() == "gzip"
    decompressor = zlib.decompressobj(wbits=47) if gzipped else None
    chunks, size = [], 0
    try:
        while chunk := response.read(CHUNK):
            if time.monotonic() > deadline:
                raise FetchError(f"{url}: the answer took longer than {settings.INGEST_TIMEOUT} seconds")
            if decompressor:
                chunk = decompressor.decompress(chunk, max_bytes + 1 - size)
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url}: the answer is larger than {max_bytes} bytes")
            chunks.append(chunk)
    except (OSError, http.client.HTTPException, zlib.error) as error:
        raise FetchError(f"{url}: {describe(error)}") from None
    return b"".join(chunks)


def describe(error):
    if isinstance(error, TimeoutError | socket.timeout):
        return "no answer in time"
    return str(error) or type(error).__name__
