"""Telling the desk what happened to an article, by e-mail: its author when it is sent back,
scheduled or published, the editors when it waits for review.

``article_moved`` is called by the workflow once a move is saved; the mail itself is sent by a
task (django-tasks) enqueued when the transaction commits, so that a refused or rolled-back move
tells no one and no request waits for the mail server. Each message has a text and an HTML
part, is written in its recipient's language (``preferences.language_of``, French by default),
carries the site's name (``publication.identity``) and links to the article's admin page at
``settings.SITE_URL``. Users who turned the e-mail off (« Mes notifications ») get none, and no
one is told of their own move.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from .models import Article, ArticleNote
from .preferences import language_of, wants_mail

# The moves the author of an article is told of, and the one the editors are.
TOLD_TO_AUTHOR = ("send_back", "publish", "schedule")
TOLD_TO_EDITORS = ("submit",)


def article_moved(article, move, actor, note=None):
    """Tell those concerned, once the transaction commits, that ``actor`` made ``move`` on ``article``,
    writing ``note`` (an ArticleNote, or None) with it."""
    # An article no one wrote here (ingested), or its author's own move, tells no author: no task.
    told_to_author = move in TOLD_TO_AUTHOR and article.author_id not in (None, actor.pk)
    if told_to_author or move in TOLD_TO_EDITORS:
        note_id = note.pk if note is not None else None
        transaction.on_commit(lambda: send_move_notice.enqueue(article.pk, move, actor.pk, note_id))


def editors():
    permission = Permission.objects.get(content_type__app_label="articles", codename="publish_article")
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True) | Q(groups__permissions=permission) | Q(user_permissions=permission)
        )
        .filter(is_active=True)
        .distinct()
    )


def recipients(article, move, actor_id):
    if move in TOLD_TO_EDITORS:
        users = list(editors().exclude(pk=actor_id))
    elif article.author_id and article.author_id != actor_id:
        users = [article.author]
    else:
        users = []
    return [user for user in users if wants_mail(user)]


def admin_url(article):
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


def subject(article, move):
    title = {"title": article.title}
    if move == "submit":
        return gettext("“%(title)s” waits for review") % title
    if move == "send_back":
        return gettext("“%(title)s” was sent back to you") % title
    if article.published_at > timezone.now():
        from .workflow import when  # the desk's way of saying a moment

        return gettext("“%(title)s” is scheduled for %(when)s") % {
            **title,
            "when": when(article.published_at),
        }
    return gettext("“%(title)s” is published") % title


@task()
def send_move_notice(article_id, move, actor_id, note_id=None):
    """E-mail those concerned by ``move`` on the article ``article_id`` (see ``article_moved``)."""
    from publication.identity import current

    article = Article.objects.select_related("author").filter(pk=article_id).first()
    if article is None:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first()
    note = ArticleNote.objects.select_related("author").filter(pk=note_id, article=article).first()
    site = current().name
    sent = 0
    for user in recipients(article, move, actor_id):
        with translation.override(language_of(user)):
            context = {
                "site": site,
                "article": article,
                "move": move,
                "actor": (actor.get_full_name() or actor.get_username()) if actor else "—",
                "recipient": user.get_full_name() or user.get_username(),
                "subject": subject(article, move),
                "note": note,
                "scheduled": article.published_at > timezone.now(),
                "url": admin_url(article),
            }
            message = EmailMultiAlternatives(
                f"[{site}] {context['subject']}",
                render_to_string("mail/article_moved.txt", context, using="django"),
                to=[user.email],
            )
            message.attach_alternative(
                render_to_string("mail/article_moved.html", context, using="django"), "text/html"
            )
        message.send()
        sent += 1
    return sent
