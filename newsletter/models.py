"""The weekly letter's readers and what was sent to them.

A ``Subscriber`` is an e-mail address with its language and tags of interest; it
receives digests once confirmed (double opt-in) and until it unsubscribes. Its
``key`` names it in the signed links of its e-mails (newsletter.tokens), never its
address or its id: deleting a reader makes every link it was sent point nowhere.

A ``Digest`` is one ISO week (Paris time) that was sent; a ``Delivery`` is one
(digest, subscriber) pair, unique, so that each reader receives each week at most
once (newsletter.sending says how). ``SubscriptionAttempt`` counts the form's uses
per address and per client, for the rate limits (newsletter.limits); it holds
hashes, never an address.
"""

import datetime
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Tag


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Readers the digest goes to: confirmed, and not unsubscribed since."""
        return self.filter(status=Subscriber.Status.CONFIRMED)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed: receives the digest")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    language = models.CharField(_("language"), max_length=8, default="fr")
    tags = models.ManyToManyField(
        Tag,
        verbose_name=_("tags of interest"),
        blank=True,
        related_name="+",
        help_text=_("None: the whole digest. Otherwise the top stories and these tags' articles."),
    )
    created_at = models.DateTimeField(_("subscribed"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True, editable=False)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at"]

    def __str__(self):
        # Never the address: it would show in logs and the admin's history.
        return _("Subscriber %(number)s") % {"number": self.pk}

    def confirm(self):
        self.status = self.Status.CONFIRMED
        self.confirmed_at = timezone.now()
        self.unsubscribed_at = None
        self.save(update_fields=["status", "confirmed_at", "unsubscribed_at"])

    def unsubscribe(self):
        if self.status != self.Status.UNSUBSCRIBED:
            self.status = self.Status.UNSUBSCRIBED
            self.unsubscribed_at = timezone.now()
            self.save(update_fields=["status", "unsubscribed_at"])

    def export(self):
        """What the site holds about this reader, for the reader (the admin's export)."""
        deliveries = self.deliveries.select_related("digest").order_by("digest__week_start")
        return {
            "email": self.email,
            "status": self.status,
            "language": self.language,
            "tags": sorted(tag.name for tag in self.tags.all()),
            "subscribed": self.created_at.isoformat(),
            "confirmed": self.confirmed_at.isoformat() if self.confirmed_at else None,
            "unsubscribed": self.unsubscribed_at.isoformat() if self.unsubscribed_at else None,
            "digests_received": [
                {"week": delivery.digest.label, "sent": delivery.sent_at.isoformat()}
                for delivery in deliveries
                if delivery.sent_at
            ],
        }


class Digest(models.Model):
    """One week's letter, as sent: its Monday (ISO week, Paris time)."""

    week_start = models.DateField(_("week's Monday"), unique=True)
    created_at = models.DateTimeField(_("first sent"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-week_start"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        year, week, _day = self.week_start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def week_end(self):
        return self.week_start + datetime.timedelta(days=6)


class Delivery(models.Model):
    """One digest for one reader: claimed, then marked sent once the SMTP server accepted it."""

    digest = models.ForeignKey(Digest, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["digest", "subscriber"], name="one_delivery_per_digest_and_reader"
            )
        ]

    def __str__(self):
        return f"{self.digest} → {self.subscriber}"


class SubscriptionAttempt(models.Model):
    """One use of the subscription form: by whom (hashes), for the rate limits."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("e-mail address")
        CLIENT = "client", _("client address")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    digest = models.CharField(max_length=64)  # HMAC of the address or the client's IP
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "digest", "created_at"], name="attempt_lookup")]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
