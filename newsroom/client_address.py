"""The address a request came from, behind the proxies the settings trust.

Behind a proxy every request arrives from the proxy's address (REMOTE_ADDR), so
the login lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``) would count every
client as one. Each proxy appends the address it was reached from to
``X-Forwarded-For``; with ``TRUSTED_PROXY_COUNT`` proxies in front, the client
is that many entries from the right. Entries further left were sent by the
client itself and prove nothing, so a forged header cannot choose the address.
Without proxies (the setting at 0), or when the header holds fewer entries than
there are proxies or an entry that is not an address, the address is REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies < 1:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [entry for entry in entries if entry]
    if len(entries) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-proxies]))
    except ValueError:
        return remote
