"""Connecting to an address of the Internet without letting it reach inside the network: the part of
a safe fetch that feeds (intake.fetching) and source links (articles.link_checks) share, below both.

Before every connection (the first and each redirect's) the caller resolves the host here and an
address that is not on the public Internet is refused: private, loopback, link-local, shared,
reserved, multicast or unspecified. The connection goes to the very address checked, so a name
that resolves differently a moment later changes nothing. An IPv6 address that carries an IPv4
one (IPv4-mapped or compatible, 6to4, Teredo, NAT64) is judged by the address it carries.
Loopback is allowed only when ``settings.INGEST_ALLOW_LOOPBACK`` is on (the tests serve on
127.0.0.1), and never when it is carried inside another address.

One deadline bounds a whole exchange: every read and write on the socket gets the time left
before it, so a server that trickles a byte a second cannot hold a fetch longer than one that
says nothing.
"""

import http.client
import io
import ipaddress
import re
import socket
import ssl
import time
from urllib.parse import quote, urlsplit

from django.conf import settings

NAT64 = ipaddress.ip_network("64:ff9b::/96")
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class FetchError(Exception):
    """An address that could not be fetched, and why, in words for the editor; ``code`` and ``params``
    say it again for intake.health to show in the reader's language."""

    def __init__(self, message, code="network", **params):
        super().__init__(message)
        self.code, self.params = code, params


def check_url(url):
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        raise FetchError(f"{url}: not a valid address", "address", url=url) from None
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"{url}: only http and https addresses are fetched", "scheme", url=url)
    if not parts.hostname:
        raise FetchError(f"{url}: the address has no host", "address", url=url)
    return parts


# What a request line may not carry as is: controls, space, and anything not ASCII.
_NOT_IN_REQUEST_LINE = re.compile(r"[^\x21-\x7e]+")


def request_target(parts):
    """The path and query of ``parts`` for the request line, written as a browser sends them: an
    address with « é » or a space (a source's own, or a redirect's Location) is percent-encoded
    in UTF-8, where http.client would raise UnicodeEncodeError (or refuse the space)."""
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _NOT_IN_REQUEST_LINE.sub(lambda found: quote(found[0], safe=""), target)


_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text):
    """``text`` (an error, often the server's own words: its status line) fit to store and show on
    one line: controls become U+FFFD. PostgreSQL refuses a NUL in text, and a status line of a
    hostile server may hold one."""
    return _CONTROLS.sub("\ufffd", str(text).strip())


def open_connection(parts, deadline):
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = allowed_address(parts.hostname, port)
    if parts.scheme == "https":
        return PinnedHTTPSConnection(parts.hostname, port, address, deadline)
    return PinnedHTTPConnection(parts.hostname, port, address, deadline)


def allowed_address(host, port):
    """The first address of ``host`` that may be fetched; refuse the host if any may not."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        detail = str(error) or type(error).__name__
        message = f"{host}: the name does not resolve ({detail})"
        raise FetchError(message, "resolve", host=host, detail=detail) from None
    addresses = [info[4][0] for info in found]
    for address in addresses:
        reason = refusal(ipaddress.ip_address(address.split("%", 1)[0]))
        if reason:
            raise FetchError(f"{host}: refused, {address} is {reason}", "refused", host=host, address=address)
    return addresses[0]


def refusal(address, *, carried=False):
    """Why ``address`` may not be fetched, or "" when it may.

    An IPv6 address that carries an IPv4 one reaches that IPv4 address (through
    the host's own stack, a 6to4 or Teredo relay, or a NAT64 gateway), so it is
    refused for what it carries; loopback carried that way is never allowed.
    """
    if address.version == 6:
        for form, inner in carried_ipv4(address):
            reason = refusal(inner, carried=True)
            if reason:
                return f"{form} of {inner}, {reason}"
        if address.ipv4_mapped:
            return ""  # the very IPv4 address it maps, checked above
        if address in LOCAL_NAT64:
            return "a local-use NAT64 address"
    if address.is_loopback:
        return "" if settings.INGEST_ALLOW_LOOPBACK and not carried else "a loopback address"
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


def carried_ipv4(address):
    """The IPv4 addresses an IPv6 ``address`` stands for, each with the name of its form."""
    low32 = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped:
        yield "an IPv4-mapped address", address.ipv4_mapped
    elif address in IPV4_COMPATIBLE and int(address) > 1:  # :: and ::1 are themselves
        yield "an IPv4-compatible address", low32
    if address.sixtofour:
        yield "a 6to4 address", address.sixtofour
    if address.teredo:
        server, client = address.teredo
        yield "a Teredo address", client
        yield "a Teredo address", server
    if address in NAT64:
        yield "a NAT64 address", low32


class DeadlineSocket:
    """A connected socket whose every read and write may take only the time left before ``deadline``.

    A timeout per read bounds nothing: a server sending a byte a second never
    lets one expire. Each call here gets what remains, so the exchange ends at
    the deadline whatever the server does.
    """

    def __init__(self, sock, deadline):
        self.sock, self.deadline = sock, deadline
        self.files, self.closed = 0, False

    def allow(self):
        self.sock.settimeout(time_left(self.deadline))

    def sendall(self, data):
        self.allow()
        self.sock.sendall(data)

    def recv_into(self, buffer, nbytes=0):
        self.allow()
        return self.sock.recv_into(buffer, nbytes)

    def makefile(self, mode="rb"):
        # What http.client's response reads from: status line, headers and body, all through recv_into.
        if mode != "rb":
            raise ValueError(f"only 'rb' is supported, not {mode!r}")
        self.files += 1
        return io.BufferedReader(socket.SocketIO(self, "rb"))

    # As a socket does: closed by the connection, it stays open until the response's file is closed
    # too (http.client closes the connection of an answer that ends at end of file before reading it).
    def _decref_socketios(self):
        self.files -= 1
        if self.closed and not self.files:
            self.sock.close()

    def close(self):
        self.closed = True
        if not self.files:
            self.sock.close()


def time_left(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the deadline has passed")
    return left


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to the address that was checked, whatever the name resolves to now."""

    def __init__(self, host, port, address, deadline):
        super().__init__(host, port)
        self.address, self.deadline = address, deadline

    def connect(self):
        self.sock = DeadlineSocket(self.open_socket(), self.deadline)

    def open_socket(self):
        return socket.create_connection((self.address, self.port), time_left(self.deadline))


class PinnedHTTPSConnection(PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT
    context = ssl.create_default_context()

    def open_socket(self):
        sock = super().open_socket()
        try:
            sock.settimeout(time_left(self.deadline))  # the handshake, too
            return self.context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
