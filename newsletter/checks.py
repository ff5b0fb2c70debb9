"""``manage.py check --deploy``: the letter's e-mails need an https SITE_URL (newsletter.emails) and
an SMTP server (EMAIL_HOST): without one they are printed on the console, into the server's logs."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def site_url_is_https(app_configs, **kwargs):
    url = getattr(settings, "SITE_URL", "") or ""
    if settings.DEBUG or url.startswith("https://"):
        return []
    return [
        Warning(
            f"SITE_URL is {url or 'not set'}: the weekly digest and the subscription e-mails are "
            "refused until it is the site's https address (e.g. https://example.org).",
            id="newsletter.W001",
        )
    ]


@register(Tags.security, deploy=True)
def mail_is_sent_not_printed(app_configs, **kwargs):
    if settings.DEBUG or not settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        return []
    return [
        Warning(
            "EMAIL_HOST is not set: e-mails are printed on the console, so the readers' addresses and "
            "the links that confirm or end their subscriptions go into the server's logs, and no one "
            "receives them. Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, …) to the SMTP server.",
            id="newsletter.W002",
        )
    ]
