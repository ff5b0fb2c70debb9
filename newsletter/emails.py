"""The letter's e-mails: the confirmation of a subscription and the weekly digest.

Each is multipart, plain text and HTML, in the reader's language, with the site's
identity (its name, and its logo attached to the message itself: nothing is fetched
from anywhere when the letter is opened, and nothing tracks its reading). Every link
is absolute, on ``settings.SITE_URL``; the digest carries the one-click unsubscribe
of RFC 8058 (``List-Unsubscribe`` with an https address and ``List-Unsubscribe-Post``)
and a visible link to the same page.
"""

import functools
import mimetypes
from email.mime.image import MIMEImage

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext, gettext_noop

from publication import identity as publication_identity
from publication.models import SiteIdentity

from . import tokens

LOGO_CID = "logo"
# What a digest says when its week had more articles than it holds (newsletter.content.DIGEST_LENGTH).
MORE = gettext_noop(
    "This week had more articles than a digest holds: here are the most important and the latest. "
    "All of them are in the archives:"
)


def site_url():
    """The site's address for links in e-mails. Outside debugging it must be https: a one-click
    unsubscribe address must be (RFC 8058), and links carrying tokens must not travel in clear."""
    url = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if not url:
        raise ImproperlyConfigured(
            "SITE_URL must be set (e.g. https://example.org) to send e-mails with links."
        )
    if not settings.DEBUG and not url.startswith("https://"):
        raise ImproperlyConfigured(f"SITE_URL must be an https address outside debugging, not {url}.")
    return url


def sendable(email):
    """Whether Django can write ``email`` in a message: EmailField takes some it cannot (a domain
    label too long once in punycode, a soft hyphen), and its error would name the address."""
    try:
        sanitize_address(email, "utf-8")
    except ValueError:  # UnicodeError is one
        return False
    return True


def absolute(path):
    return site_url() + path


def links(subscriber):
    """The subscriber's own links, in the current language."""
    return {
        "unsubscribe": absolute(
            reverse("newsletter:unsubscribe", args=[tokens.make(subscriber, tokens.UNSUBSCRIBE)])
        ),
        "preferences": absolute(
            reverse("newsletter:preferences", args=[tokens.make(subscriber, tokens.PREFERENCES)])
        ),
    }


class Logo:
    """The site's logo as bytes to attach, read once per run (None without one)."""

    def __init__(self):
        self.content = self.mime_subtype = None
        record = SiteIdentity.objects.filter(pk=1).first()
        if record is None or not record.logo:
            return
        try:
            with record.logo.open("rb") as file:
                self.content = file.read()
        except OSError:
            return
        kind = mimetypes.guess_type(record.logo.name)[0] or ""
        self.mime_subtype = kind.partition("/")[2] if kind.startswith("image/") else None
        if self.mime_subtype is None:
            self.content = None

    def attach(self, message):
        if self.content is None:
            return
        image = MIMEImage(self.content, _subtype=self.mime_subtype)
        image.add_header("Content-ID", f"<{LOGO_CID}>")
        image.add_header("Content-Disposition", "inline", filename=f"logo.{self.mime_subtype}")
        message.mixed_subtype = "related"
        message.attach(image)


def archive_month(month):
    """The address of the archive of ``month`` (a date)."""
    return reverse("articles:archive-month", kwargs={"year": month.year, "month": f"{month.month:02d}"})


def week_range(week):
    """The week's Monday to its Sunday, in the active language."""
    return language_week_range(week, translation.get_language())


@functools.lru_cache(maxsize=1024)
def language_week_range(week, language):
    """Remembered: the digest index writes a hundred of them, each two localized dates."""
    return gettext("%(start)s to %(end)s") % {
        "start": formats.date_format(week.monday, "DATE_FORMAT"),
        "end": formats.date_format(week.sunday, "DATE_FORMAT"),
    }


def render_digest(content, subscriber, identity, logo_cid=None):
    """(subject, plain text, HTML) of ``content`` for ``subscriber``, in their language."""
    with translation.override(subscriber.language):
        reader_links = links(subscriber)
        context = {
            "content": content,
            "site": identity,
            "home": absolute(reverse("articles:list")),
            "page": absolute(reverse("newsletter:digest", args=[content.week.label])),
            "week_range": week_range(content.week),
            "absolute": absolute,
            "links": reader_links,
            "logo_cid": logo_cid,
        }
        subject = gettext("%(site)s — the week of %(range)s") % {
            "site": identity.name,
            "range": context["week_range"],
        }
        html = render_to_string("newsletter/email/digest.html", context, using="jinja2")
        text = digest_text(context)
    return subject, text, html


def digest_text(context):
    content, site = context["content"], context["site"]
    lines = [site.name, gettext("The week of %(range)s") % {"range": context["week_range"]}, ""]

    def entries(articles):
        for article in articles:
            lines.append(f"- {article.title}")
            lines.append(f"  {context['absolute'](article.get_absolute_url())}")
        lines.append("")

    if content.top_stories:
        lines += [gettext("Top stories"), ""]
        entries(content.top_stories)
    for group in content.groups:
        lines += [group.tag.name if group.tag else gettext("Other news"), ""]
        entries(group.articles)
    if content.more:
        lines += [
            gettext(MORE),
            *(f"  {context['absolute'](archive_month(month))}" for month in content.months),
            "",
        ]
    lines += [
        gettext("Read it on the site: %(url)s") % {"url": context["page"]},
        "",
        "-- ",
        gettext("You receive this letter because you subscribed to it on %(site)s.") % {"site": site.name},
        gettext("Choose your tags: %(url)s") % {"url": context["links"]["preferences"]},
        gettext("Unsubscribe: %(url)s") % {"url": context["links"]["unsubscribe"]},
    ]
    return "\n".join(lines) + "\n"


def digest_message(content, subscriber, identity, logo, connection=None):
    subject, text, html = render_digest(content, subscriber, identity, LOGO_CID if logo.content else None)
    unsubscribe = links(subscriber)["unsubscribe"]
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [subscriber.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"<digest.{site_host()}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    logo.attach(message)
    return message


def site_host():
    return site_url().partition("://")[2].split("/")[0].split(":")[0]


def confirmation_message(subscriber, already_subscribed=False):
    """The e-mail the form sends: a link to confirm, or (to a confirmed reader) a link to their
    preferences. The form's page says the same in both cases: nobody learns who subscribed."""
    identity = publication_identity.current()
    with translation.override(subscriber.language):
        if already_subscribed:
            url = links(subscriber)["preferences"]
            subject = gettext("%(site)s: you already receive the weekly letter") % {"site": identity.name}
        else:
            url = absolute(reverse("newsletter:confirm", args=[tokens.make(subscriber, tokens.CONFIRM)]))
            subject = gettext("%(site)s: confirm your subscription to the weekly letter") % {
                "site": identity.name
            }
        context = {"site": identity, "url": url, "already_subscribed": already_subscribed}
        html = render_to_string("newsletter/email/confirm.html", context, using="jinja2")
        if already_subscribed:
            intro = gettext(
                "Someone, probably you, asked to subscribe this address to the weekly letter of %(site)s, "
                "which it already receives. To choose your tags or unsubscribe:"
            )
        else:
            intro = gettext(
                "Someone, probably you, asked to subscribe this address to the weekly letter of %(site)s. "
                "To confirm, open this link and press the button:"
            )
        text = (
            "\n\n".join(
                [
                    intro % {"site": identity.name},
                    url,
                    gettext(
                        "If you did not ask for it, ignore this message: without confirmation, "
                        "nothing will be sent to you."
                    ),
                ]
            )
            + "\n"
        )
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [subscriber.email])
    message.attach_alternative(html, "text/html")
    return message
