"""The publication's identity as pages, feeds and structured data read it: cheap, and never stale.

``current(request)`` gives an ``Identity``: the record of ``SiteIdentity`` (or the defaults
of the settings when there is none) with the links to the published pages of the site, in
both languages. A write to the identity or a page moves the page cache's site-wide token on
(articles.caching, publication/apps.py), so readers see it at once. Each process remembers it under
that token (which every process reads, and which a page rendered reads anyway): until the next
site-wide change, a page rendered costs no query for it, whatever article changed. Within one
request it is read once.

Templates read it as ``publication`` (publication/context.py): the defaults as a Jinja2
global, for the pages rendered without a request (the 500 page), and the current identity
for every page rendered with one.
"""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.urls import reverse
from django.utils.translation import get_language, override

from articles import caching

from .models import MEDICAL_NOTICE_EN, MEDICAL_NOTICE_FR, SiteIdentity, SitePage

logger = logging.getLogger(__name__)
Role = SitePage.Role
ROLE_ORDER = list(Role.values)
# The pages schema.org names on a publisher, by their role here.
POLICIES = {
    "publishingPrinciples": Role.EDITORIAL_POLICY,
    "correctionsPolicy": Role.CORRECTIONS_POLICY,
    "ethicsPolicy": Role.CONFLICTS_OF_INTEREST,
}


@dataclass(frozen=True)
class PageLink:
    role: str
    title: str
    url: str  # a path on this site


@dataclass(frozen=True)
class Identity:
    """What the site says of itself; texts given per language fall back on the French one."""

    stored_name: str = ""  # empty: the settings' SITE_NAME, read when asked
    taglines: dict = field(default_factory=dict)
    descriptions: dict = field(default_factory=dict)
    medical_notices: dict = field(default_factory=lambda: {"fr": MEDICAL_NOTICE_FR, "en": MEDICAL_NOTICE_EN})
    logo_url: str = ""
    logo_width: int | None = None
    logo_height: int | None = None
    share_image_url: str = ""
    contact_email: str = ""
    legal_name: str = ""
    legal_address: str = ""
    legal_details: str = ""
    pages_by_language: dict = field(default_factory=dict)  # language → (PageLink, …) in role order

    @property
    def name(self):
        return self.stored_name or settings.SITE_NAME

    def _translated(self, texts):
        return texts.get(get_language()) or texts.get(settings.LANGUAGE_CODE, "")

    @property
    def tagline(self):
        return self._translated(self.taglines)

    @property
    def description(self):
        return self._translated(self.descriptions)

    @property
    def medical_notice(self):
        return self._translated(self.medical_notices)

    @property
    def pages(self):
        """The published pages in the current language, as the footer lists them."""
        return self.pages_by_language.get(get_language(), ())

    def page(self, role):
        """The published page of ``role`` in the current language, or None."""
        return next((page for page in self.pages if page.role == role), None)


def defaults():
    """The identity of a site with no record: the settings' name and the default notice."""
    return Identity()


def is_email(text):
    """Whether ``text`` is an e-mail address (a row stored without its form may hold anything)."""
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def load():
    """The identity as stored (two queries), or the defaults when nothing is stored."""
    record = SiteIdentity.objects.filter(pk=1).first()
    pages = sorted(
        SitePage.objects.published().only("role", "title", "slug", "title_en", "slug_en"),
        key=lambda page: ROLE_ORDER.index(page.role),
    )
    pages_by_language = {}
    for code, _name in settings.LANGUAGES:
        with override(code):
            pages_by_language[code] = tuple(
                PageLink(page.role, page.translated("title", code), page.get_absolute_url(code))
                for page in pages
            )
    if record is None:
        return Identity(pages_by_language=pages_by_language)
    return Identity(
        stored_name=record.name,
        taglines={"fr": record.tagline, "en": record.tagline_en},
        descriptions={"fr": record.description, "en": record.description_en},
        medical_notices={"fr": record.medical_notice, "en": record.medical_notice_en},
        logo_url=record.logo.url if record.logo else "",
        logo_width=record.logo_width,
        logo_height=record.logo_height,
        share_image_url=record.share_image.url if record.share_image else "",
        contact_email=record.contact_email if is_email(record.contact_email) else "",
        legal_name=record.legal_name,
        legal_address=record.legal_address,
        legal_details=record.legal_details,
        pages_by_language=pages_by_language,
    )


def current(request=None):
    """The identity readers see now: read once per request, and from the database once per change."""
    found = getattr(request, "_publication_identity", None)
    if found is None:
        found = _remembered()
        if request is not None:
            request._publication_identity = found
    return found


# This process's copy of the identity, under the page cache's site-wide token (one entry).
_memory = {}


def _remembered():
    try:
        if _changed_here():
            return load()  # this transaction's own, uncommitted identity: never remembered
        try:
            token = caching.generation()
        except caching.CACHE_ERRORS:
            return load()
        found = _memory.get(token)
        if found is None:
            found = load()
            _memory.clear()
            _memory[token] = found
        return found
    except DatabaseError:
        # A database that does not answer: the maintenance page still names the site.
        logger.warning("The site identity could not be read: its defaults are used")
        return defaults()


def forget():
    """This process reads the identity again (others read it again when the site-wide token moves,
    as a committed change to the identity moves it: publication/apps.py)."""
    _memory.clear()


def forget_everywhere():
    """Every process reads the identity again: after a flush or a migration, which send no save."""
    forget()
    caching.bump_generation()


def identity_changed(sender, using=None, **kwargs):
    """Receiver of every write to the identity and the pages (apps.py): forgotten once committed."""
    db = connections[using or DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        forget()
    elif not _changed_here(db):
        transaction.on_commit(forget, using=db.alias)


def _changed_here(db=None):
    """Whether this connection's open transaction has changed the identity or a page."""
    db = db or connection
    return any(callback is forget for _, callback, _ in db.run_on_commit)


def publisher_data(request, identity=None):
    """schema.org Organization of the publisher, for an article's structured data."""
    identity = identity or current(request)
    data = {
        "@type": "Organization",
        "name": identity.name,
        "url": request.build_absolute_uri(reverse("articles:list")),
    }
    if identity.logo_url:
        logo = {"@type": "ImageObject", "url": request.build_absolute_uri(identity.logo_url)}
        if identity.logo_width:
            logo.update(width=identity.logo_width, height=identity.logo_height)
        data["logo"] = logo
    if identity.legal_name:
        data["legalName"] = identity.legal_name
    if identity.contact_email:
        data["email"] = identity.contact_email
    for name, role in POLICIES.items():
        page = identity.page(role)
        if page:
            data[name] = request.build_absolute_uri(page.url)
    return data
