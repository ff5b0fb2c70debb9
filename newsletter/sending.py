"""Sending a week's digest to every confirmed reader, each at most once.

``send_digest(week)`` makes the week's ``Digest`` row, then a ``Delivery`` row for each
confirmed reader who has none (unique per digest and reader), then sends, one reader at a
time, to each delivery not yet marked sent. Each send is one transaction: it claims the
row (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that two runs at once share
the readers and never take the same one; on SQLite an UPDATE that holds the database's
write lock), hands the message to the SMTP server, and marks it sent in the same
transaction, committed once the server accepted it.

So a run killed halfway leaves the readers it had not reached unsent, and its
transaction in progress rolled back by the database: the next run sends to exactly
those. The one window left is a crash after the SMTP server accepted a message and
before the commit (a few milliseconds): that reader would get the letter a second
time on the next run. Sending at most once there would mean losing the letter
instead; we chose at least once for that instant only.

A reader whose address the SMTP server refuses is skipped for this run (the error is
kept on the delivery) and tried again on the next; a server that stops answering
stops the run, the rest left for the next.
"""

import re
import smtplib
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from publication import identity as publication_identity

from . import content as digest_content
from . import emails
from .models import Delivery, Digest, Subscriber


@dataclass
class Outcome:
    week: object
    articles: int = 0
    sent: int = 0
    already_sent: int = 0
    refused: int = 0
    to_send: list = field(default_factory=list)  # subscribers' ids, for a dry run
    stopped: str = ""  # why the SMTP server stopped the run, the rest left for the next


def send_digest(week, dry_run=False, now=None):
    """Send ``week``'s digest to the confirmed readers who have not received it (see the module)."""
    emails.site_url()  # refuses at once, before anything is written, when links would be wrong
    built = digest_content.build(week)
    outcome = Outcome(week, articles=built.count)
    if not built:
        return outcome
    confirmed = Subscriber.objects.confirmed()
    if dry_run:
        done = Delivery.objects.filter(digest__week_start=week.monday, sent_at__isnull=False)
        outcome.to_send = list(
            confirmed.exclude(pk__in=done.values("subscriber")).order_by("pk").values_list("pk", flat=True)
        )
        outcome.already_sent = done.count()
        return outcome
    digest, _created = Digest.objects.get_or_create(week_start=week.monday)
    Delivery.objects.bulk_create(
        [Delivery(digest=digest, subscriber_id=pk) for pk in confirmed.values_list("pk", flat=True)],
        ignore_conflicts=True,
    )
    pending = list(
        Delivery.objects.filter(
            digest=digest, sent_at__isnull=True, subscriber__status=Subscriber.Status.CONFIRMED
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    identity = publication_identity.current()
    logo = emails.Logo()
    try:
        with get_connection() as smtp:
            for pk in pending:
                result = send_one(pk, built, identity, logo, smtp)
                if result == "sent":
                    outcome.sent += 1
                elif result == "refused":
                    outcome.refused += 1
    except (smtplib.SMTPException, OSError) as error:
        outcome.stopped = without_addresses(f"{type(error).__name__}: {error}")
    outcome.already_sent = (
        Delivery.objects.filter(digest=digest, sent_at__isnull=False).count() - outcome.sent
    )
    return outcome


def send_one(pk, built, identity, logo, smtp):
    """Claim, send and mark one delivery, in one transaction: "sent", "skipped" or "refused"."""
    try:
        with transaction.atomic():
            unsent = Delivery.objects.filter(pk=pk, sent_at__isnull=True)
            # Taken by a run in progress, or sent since: that run's, not ours.
            if connection.features.has_select_for_update_skip_locked and not list(
                unsent.select_for_update(skip_locked=True).values_list("pk", flat=True)
            ):
                return "skipped"
            # On SQLite the first write takes the database's lock: a run at once waits here, then
            # finds the row sent.
            if not unsent.update(attempts=F("attempts") + 1):
                return "skipped"
            delivery = Delivery.objects.select_related("subscriber").get(pk=pk)
            subscriber = delivery.subscriber
            if subscriber.status != Subscriber.Status.CONFIRMED:
                return "skipped"  # unsubscribed since the run began
            if not emails.sendable(subscriber.email):
                raise UnsendableAddress
            reader_content = built.for_reader(set(subscriber.tags.values_list("pk", flat=True)))
            emails.digest_message(reader_content, subscriber, identity, logo, connection=smtp).send()
            Delivery.objects.filter(pk=pk).update(sent_at=timezone.now(), last_error="")
    except smtplib.SMTPRecipientsRefused as error:
        Delivery.objects.filter(pk=pk).update(attempts=F("attempts") + 1, last_error=refusal(error))
        return "refused"
    except UnsendableAddress:
        # Typed in the admin or imported: Django cannot write it in a message (ValueError), and
        # its error, which names the address, would stop the run for every reader after it.
        Delivery.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1, last_error="not an address an e-mail can be sent to"
        )
        return "refused"
    return "sent"


class UnsendableAddress(Exception):
    pass


def refusal(error):
    """The server's answer without the address it refused (never kept, never logged)."""
    codes = [f"{code} {message.decode(errors='replace')}" for code, message in error.recipients.values()]
    return without_addresses("; ".join(codes))


def without_addresses(text):
    return re.sub(r"\S+@\S+", "…", text)[:300]
