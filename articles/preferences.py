"""What each user of the admin wants to be told by e-mail; exported by articles.models.

A user without a row gets every e-mail the desk sends (``wants_mail``), in French
(``language_of``); « Mes notifications » in the admin (``articles/admin/notifications.py``)
lets each user turn them off or choose their language.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="mail_preference",
        verbose_name=_("user"),
    )
    email = models.BooleanField(
        _("e-mail me"),
        default=True,
        help_text=_(
            "Authors: when an article of yours is sent back, scheduled or published. "
            "Editors: when an article waits for review."
        ),
    )

    language = models.CharField(
        _("language of the e-mail"), max_length=10, choices=settings.LANGUAGES, default="fr"
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)


def language_of(user):
    """The language ``user`` reads the desk's e-mail in: the one they chose, else French."""
    preference = MailPreference.objects.filter(user=user).first()
    return preference.language if preference else settings.LANGUAGE_CODE


def wants_mail(user):
    """Whether ``user`` has an address and has not turned the desk's e-mail off."""
    if not user.is_active or not user.email:
        return False
    return not MailPreference.objects.filter(user=user, email=False).exists()
