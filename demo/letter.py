"""The demo's weekly letter: a few readers (confirmed, one following two tags, one waiting for
confirmation, one gone) and the digests of the past weeks, as ``send_digest`` would have left them,
the last complete week's still to send."""

import datetime

from articles.models import Tag
from newsletter.content import weeks_with_articles
from newsletter.models import Delivery, Digest, Subscriber
from newsletter.weeks import Week

CONFIRMED, PENDING, UNSUBSCRIBED = (
    Subscriber.Status.CONFIRMED,
    Subscriber.Status.PENDING,
    Subscriber.Status.UNSUBSCRIBED,
)
# example.org addresses (RFC 2606): nothing can ever reach anyone.
READERS = (
    ("alice.martin@example.org", CONFIRMED, "fr", ()),
    ("bruno.petit@example.org", CONFIRMED, "fr", ("Oncologie", "Cardiologie")),
    ("carol.smith@example.org", CONFIRMED, "en", ()),
    ("denis.roux@example.org", PENDING, "fr", ()),
    ("emma.durand@example.org", UNSUBSCRIBED, "fr", ()),
)


def make_letter(now):
    """The readers, and a digest sent each Monday at 7:00 for each past week with articles but the
    last: ``manage.py send_digest`` sends that one (on the console under ``make run``)."""
    readers = []
    for email, status, language, tag_names in READERS:
        reader = Subscriber.objects.create(
            email=email,
            status=status,
            language=language,
            created_at=now - datetime.timedelta(days=60),
            confirmed_at=now - datetime.timedelta(days=59) if status != PENDING else None,
            unsubscribed_at=now - datetime.timedelta(days=10) if status == UNSUBSCRIBED else None,
        )
        reader.tags.set(Tag.objects.filter(name__in=tag_names))
        readers.append(reader)
    confirmed = [reader for reader in readers if reader.status == CONFIRMED]
    digests = []
    for week in weeks_with_articles(Week.last_complete(now)):
        sent_at = week.end + datetime.timedelta(hours=7)
        digest = Digest.objects.create(week_start=week.monday, created_at=sent_at)
        Delivery.objects.bulk_create(
            Delivery(digest=digest, subscriber=reader, attempts=1, sent_at=sent_at) for reader in confirmed
        )
        digests.append(digest)
    return digests
