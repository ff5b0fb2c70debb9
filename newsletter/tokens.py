"""Signed, expiring tokens for the links of the letter's e-mails: confirm, unsubscribe, preferences.

A link carries no address and no id, only the subscriber's random ``key`` signed with the
site's secret and the moment it was made (``django.core.signing``), under a salt of its
own purpose: a confirmation token cannot unsubscribe anyone, nor the reverse. The
one-click unsubscribe of a mail provider (RFC 8058) is a POST with neither cookie nor
CSRF token: the signature is what protects it.
"""

import datetime

from django.core import signing

from .models import Subscriber

CONFIRM, UNSUBSCRIBE, PREFERENCES = "confirm", "unsubscribe", "preferences"
# How long a link works: a confirmation for a few days, the links of a letter for a year.
MAX_AGE = {
    CONFIRM: datetime.timedelta(days=7),
    UNSUBSCRIBE: datetime.timedelta(days=400),
    PREFERENCES: datetime.timedelta(days=400),
}


def make(subscriber, purpose):
    return signing.dumps(subscriber.key.hex, salt=f"newsletter.{purpose}")


def read(token, purpose):
    """The subscriber a token names for ``purpose``, or None (bad signature, expired, deleted)."""
    try:
        key = signing.loads(token, salt=f"newsletter.{purpose}", max_age=MAX_AGE[purpose])
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return Subscriber.objects.filter(key=key).first()
