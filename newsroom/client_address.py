"""The address a request came from, behind the proxies the settings trust.

Behind a proxy every request arrives from the proxy's address (REMOTE_ADDR), so
the login lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``) would count every
client as one. Each proxy appends the address it was reached from to
``X-Forwarded-For``; with ``TRUSTED_PROXY_COUNT`` proxies in front, the client
is that many entries from the right. Entries further left were sent by the
client itself and prove nothing, so a forged header cannot choose the address.
Without proxies (the setting at 0), or when the header holds fewer entries than
there are proxies or an entry that is not an address, the address is REMOTE_ADDR.

An IPv6 client is counted by its /64 network: a subscriber is given at least that
many addresses and may use any of them, so counting addresses would give an
attacker 2**64 fresh starts. An IPv4 address written as IPv6 (``::ffff:a.b.c.d``)
is that IPv4 address.
"""

import ipaddress

from django.conf import settings

IPV6_NETWORK = 64


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies < 1:
        return counted(remote)
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < proxies:
        return counted(remote)
    try:
        return counted(str(ipaddress.ip_address(entries[-proxies])))
    except ValueError:
        return counted(remote)


def counted(address):
    """The address as the lockout counts it: an IPv4 address, or the first of an IPv6 /64."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network((parsed, IPV6_NETWORK), strict=False).network_address)
