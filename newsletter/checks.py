"""``manage.py check --deploy``: the letter's e-mails need an https SITE_URL (newsletter.emails)."""

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
