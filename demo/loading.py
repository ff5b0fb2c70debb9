"""The demo that ``manage.py loaddemo`` loads into an empty database: the product's shop window.

``load(now)`` writes, in one transaction, the real seed article (``fixtures/seed.json``) and the
stories of ``stories.py`` with dates relative to ``now``, so that the demo never goes stale: a top
story and important ones for « À la une », articles in every status (drafts, one sent back with an
editor's note, one resubmitted after an exchange of notes, in review, scheduled, expiring,
unpublished, archived), planned ones for the editorial calendar, a feed whose last run left drafts
to review (two of their stories told by both feeds, and one already published, whose coverage it
joined) with the runs that brought them, a feed failing for five days and one silent for three
weeks (``feed_health.py``), the publication's identity and six pages (``masthead.py``), and an
editor and an author (members of the Editors and Authors groups, staff, without a password) who
wrote them, their profiles signing the stories (``people.py``, with two outside medical reviewers,
one review due again), and readers of the weekly letter with the past weeks' digests
(``letter.py``). Every illustration is drawn by ``pictures.py`` and uploaded as the admin uploads
one, so that every image on the demo's pages comes from the site itself. Status moves go through
``articles.workflow``, ingested drafts through ``intake.ingest``: the demo's history reads like a
newsroom's.

The seed's tag naming its feed is internal: editors see it, readers do not.

Two published stories carry an editor's notes (``stories.NOTES``: a correction, an update), and
the unpublished one left a public notice (``stories.WITHDRAWALS``): its address answers 410. One
story's source is dead (its archived copy beside it), one's cited study was retracted (a notice at
the top) and another's corrected (in the editors' queue): ``stories.DEAD_SOURCES``,
``SOURCE_UPDATES``, stored as the checks would have, without fetching anything.
One published story was retitled (``stories.RETITLED``): its address stays, and its change form
offers « Changer l’adresse ». Slugs show French elisions as words (``l-embolisation``), and the
article list's origin filter finds the three kinds: written here (the stories), imported (the
seed) and ingested (the feeds' drafts).

``refusal()`` says why a database may not receive the demo (it already holds content).
"""

import datetime
import email.utils
from xml.sax.saxutils import escape

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.http import http_date

from articles import grouping, workflow, writing
from articles.images import rendition_name, rendition_widths
from articles.models import Article, ImageCredit, LinkCheck, SourceLink, SourceUpdate, Tag
from intake import ingest
from intake.models import Rule, Source
from publication.models import SiteIdentity, SitePage

from . import feed_health, letter, masthead, people, pictures
from .feed import BLOCKED_ITEMS, FEED, FEED_ITEMS, GLOBAL_RULE, PRESS_FEED, PRESS_ITEMS, SOURCE_RULE
from .stories import DEAD_SOURCES, NOTES, RETITLED, SOURCE_UPDATES, STORIES, WITHDRAWALS

IMAGE_CREDIT = "Illustration : la rédaction (image générée)"
IMAGE_RIGHTS = "CC0"
# The seed's « Interventional News — Latest » is the category its feed gave it, naming the feed
# itself: the newsroom's own sorting, which readers never see (an internal tag).
INTERNAL_TAGS = ("Interventional News — Latest",)
# The newsroom's two demo accounts: staff, in the groups of migration 0003_roles, no password.
ACCOUNTS = {
    "editor": ("claire.moreau", "Claire", "Moreau", "Editors"),
    "author": ("hugo.bernard", "Hugo", "Bernard", "Authors"),
}


class DemoRefused(Exception):
    """The demo cannot be loaded, and why."""


def refusal():
    """Why this database may not receive the demo, or None when it is empty of content."""
    User = get_user_model()
    usernames = [username for username, *_ in ACCOUNTS.values()]
    if Article.objects.exists():
        return "The database already holds articles: the demo was not loaded."
    if Source.objects.exists():
        return "The database already holds feed sources: the demo was not loaded."
    if SiteIdentity.objects.exists() or SitePage.objects.exists():
        return "The database already holds the site's identity or pages: the demo was not loaded."
    if User.objects.filter(Q(is_superuser=False) | Q(username__in=usernames)).exists():
        return "The database already holds user accounts other than superusers: the demo was not loaded."
    return None


def load(now=None):
    """Load the demo, its dates relative to ``now`` (default: this moment); return what was made.

    All or nothing: the database in one transaction, and the image files written on the way
    removed should anything fail.
    """
    now = now or timezone.now()
    written = []
    try:
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            reason = refusal()
            if reason:
                raise DemoRefused(reason)
            call_command("loaddata", "seed", verbosity=0)
            Tag.objects.filter(name__in=INTERNAL_TAGS).update(is_internal=True)
            users = make_accounts()
            articles = [write_story(story, now, users, written) for story in STORIES]
            write_notes(articles, now, users["editor"])
            # Their bylines and medical reviews, by the people of demo.people (portraits drawn too).
            people.sign_and_review(
                zip(STORIES, articles, strict=True), people.make_people(users, written), now
            )
            retitle(articles, users["editor"])
            # Their story keys, as the admin's save reads them (articles.grouping).
            grouping.index(articles)
            mark_sources(articles, now)
            source = make_source(now, FEED, (*FEED_ITEMS, *BLOCKED_ITEMS), fetched_minutes_ago=35, rules=True)
            press = make_source(now, PRESS_FEED, PRESS_ITEMS, fetched_minutes_ago=50)
            # Their runs, and two sources in trouble (demo.feed_health): every state of the sources' list.
            feed_health.record_history(now, source, (*FEED_ITEMS, *BLOCKED_ITEMS))
            feed_health.record_history(now, press, PRESS_ITEMS)
            feed_health.make_troubled_sources(now)
            masthead.make_publication(written, users["editor"])
            # Readers of the weekly letter, and the digests of the past weeks sent to them.
            letter.make_letter(now)
    except BaseException:
        remove_files(written)
        raise
    return {
        "articles": Article.objects.count(),
        "images": len(written),
        "source": source,
        "accounts": [user.username for user in users.values()],
    }


def make_accounts():
    User = get_user_model()
    users = {}
    for role, (username, first_name, last_name, group_name) in ACCOUNTS.items():
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise DemoRefused(
                f"The {group_name} group is missing: run manage.py migrate (migration 0003_roles makes it)."
            ) from None
        # No password in the repository: set one with manage.py changepassword to log in as them.
        user = User.objects.create_user(
            username, password=None, first_name=first_name, last_name=last_name, is_staff=True
        )
        user.groups.add(group)
        users[role] = user
    return users


def moment(now, days):
    return (now + datetime.timedelta(days=days)).replace(microsecond=0)


def write_story(story, now, users, written):
    article = Article(
        title=story.title,
        status=story.status,
        published_at=moment(now, story.days),
        summary=story.summary,
        body=story.body,
        importance=story.importance,
        author=users[story.author] if story.author else None,
        expires_at=moment(now, story.expires_in) if story.expires_in is not None else None,
        planned_for=(
            timezone.localdate(now) + datetime.timedelta(days=story.planned_in)
            if story.planned_in is not None
            else None
        ),
    )
    article.save()
    article.tags.set(story.tags)
    SourceLink.objects.create(article=article, url=story.url, publisher=story.publisher.name)
    written.append(illustrate(article, story.tags))
    for transition, role, *note in story.moves:
        note = note[0] if note else ""
        notice = WITHDRAWALS.get(story.title) if transition == "unpublish" else None
        workflow.apply(users[role], article, transition, note, notice=notice)
    return article


def write_notes(articles, now, editor):
    """The editor's corrections and updates, each kept in a version of its article."""
    by_title = {article.title: article for article in articles}
    for title, notes in NOTES.items():
        article = by_title[title]
        with reversion.create_revision():
            writing.save_article(
                article,
                fields=False,
                notes=[writing.Note(moment(now, days), kind, text) for kind, days, text in notes],
            )
            reversion.add_to_revision(article)
            reversion.set_user(editor)


def mark_sources(articles, now):
    """What the sources' checks would have found (stories.DEAD_SOURCES, SOURCE_UPDATES), stored as
    they store it: nothing is fetched."""
    by_title = {article.title: article for article in articles}
    for title, (status, days) in DEAD_SOURCES.items():
        link = by_title[title].source
        since = moment(now, days)
        LinkCheck.objects.create(
            link=link,
            checked_at=moment(now, -0.2),
            status_code=status,
            first_failure_at=since,
            dead_since=since,
            failures=3,
        )
    for title, doi, kind, notice_doi, days in SOURCE_UPDATES:
        found = moment(now, days)
        SourceUpdate.objects.create(
            article=by_title[title],
            doi=doi,
            kind=kind,
            notice_doi=notice_doi,
            updated_on=timezone.localdate(found),
            found_at=found,
        )


def retitle(articles, editor):
    """The editor's more precise titles for published stories (stories.RETITLED): saved as the
    admin saves them, each in a version; the address stays, as after any publication."""
    by_title = {article.title: article for article in articles}
    for title, new_title in RETITLED.items():
        article = by_title[title]
        article.title = new_title
        with reversion.create_revision():
            article.save()
            reversion.add_to_revision(article)
            reversion.set_user(editor)


def illustrate(article, tags):
    """Upload the story's drawn picture as the admin would; return the stored file's name."""
    topic = pictures.topic_for(tags)
    credit = ImageCredit(
        article=article, alt_text=pictures.alt_text(topic), credit=IMAGE_CREDIT, rights=IMAGE_RIGHTS
    )
    credit.image = SimpleUploadedFile(f"{article.slug[:60]}.jpg", pictures.draw(article.title, topic))
    credit.full_clean()
    credit.save()  # the post_save receiver of articles.images makes the renditions
    return credit.image.name, credit.image_width


def make_rules(source):
    """The curator's rules: one for every source, and one for ``source`` alone."""
    Rule.objects.create(**GLOBAL_RULE)
    Rule.objects.create(source=source, **SOURCE_RULE)


def make_source(now, feed, items, *, fetched_minutes_ago, rules=False):
    """A feed and what its last run brought, stored by the ingestion itself from a feed made here;
    with ``rules``, the curator's rules first, which block one item and raise another's importance."""
    source = Source.objects.create(name=feed["name"], feed_url=feed["feed_url"])
    source.tags.set(feed["tags"])
    if rules:
        make_rules(source)
    report = ingest.Report(source.name)
    ingest.ingest_feed(feed_body(now, feed, items), source, report)
    fetched = now - datetime.timedelta(minutes=fetched_minutes_ago)
    Source.objects.filter(pk=source.pk).update(
        last_fetched_at=fetched,
        last_outcome=Source.Outcome.OK,
        last_message=report.describe(),
        etag=f'W/"demo-{len(items)}-items"',
        last_modified=http_date((fetched - datetime.timedelta(hours=4)).timestamp()),
    )
    source.refresh_from_db()
    return source


def feed_body(now, feed, items):
    """An RSS document holding ``items``, as the publisher's site would serve it."""
    entries = "".join(
        "<item>"
        f"<title>{escape(item.title)}</title><link>{escape(item.url)}</link>"
        f"<pubDate>{email.utils.format_datetime(now - datetime.timedelta(hours=item.hours))}</pubDate>"
        f"<description>{escape(f'<p>{item.summary}</p>')}</description>"
        "</item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(feed['name'])}</title><link>{escape(feed['feed_url'])}</link>"
        f"{entries}</channel></rss>"
    ).encode()


def remove_files(written):
    """Remove uploaded images and their renditions, after a load that failed."""
    storage = ImageCredit._meta.get_field("image").storage
    for name, width in written:
        names = [name]
        if width:
            names += [
                rendition_name(name, size, extension)
                for size in rendition_widths(width)
                for extension in ("webp", "jpg", "png")
            ]
        for path in names:
            if storage.exists(path):
                storage.delete(path)
