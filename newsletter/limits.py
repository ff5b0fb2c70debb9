"""Rate limits of the subscription form, kept in the database (the page cache may be off).

Two counts, each over the last day: uses of the form per client address (behind the
proxies the settings trust: newsroom.client_address) and confirmation e-mails per
e-mail address, so that nobody floods an inbox through the form. Both are stored as
keyed hashes (HMAC with the site's secret), never as addresses.
"""

import datetime

from django.utils import timezone
from django.utils.crypto import salted_hmac

from newsroom.client_address import client_address

from .models import SubscriptionAttempt

Kind = SubscriptionAttempt.Kind
WINDOW = datetime.timedelta(days=1)
# Per day: e-mails to one address (a confirmation, or « you are already subscribed »), and
# uses of the form from one client (a household or an office shares one address).
EMAILS_PER_ADDRESS = 3
FORMS_PER_CLIENT = 20


def address_digest(email):
    return salted_hmac("newsletter.address", email.strip().lower()).hexdigest()


def client_digest(request):
    return salted_hmac("newsletter.client", client_address(request)).hexdigest()


def count(kind, digest, now=None):
    since = (now or timezone.now()) - WINDOW
    return SubscriptionAttempt.objects.filter(kind=kind, digest=digest, created_at__gt=since).count()


def record(kind, digest, now=None):
    now = now or timezone.now()
    SubscriptionAttempt.objects.filter(created_at__lt=now - 2 * WINDOW).delete()  # nothing kept past its use
    SubscriptionAttempt.objects.create(kind=kind, digest=digest, created_at=now)


def client_allowed(request):
    """Whether this client may use the form again; counts this use when it may."""
    digest = client_digest(request)
    if count(Kind.CLIENT, digest) >= FORMS_PER_CLIENT:
        return False
    record(Kind.CLIENT, digest)
    return True


def may_email(email):
    """Whether another e-mail may go to ``email`` today; counts it when it may."""
    digest = address_digest(email)
    if count(Kind.ADDRESS, digest) >= EMAILS_PER_ADDRESS:
        return False
    record(Kind.ADDRESS, digest)
    return True
