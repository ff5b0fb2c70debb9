"""Who may see which article, and move it from which status to which: the editorial
workflow's one set of rules.

Authors draft, and submit their drafts for review; editors (who hold
``articles.publish_article``) publish, schedule, send back, unpublish and archive,
write the public notes (corrections, updates, retraction notices) and mark a significant
update, and, unpublishing an article readers saw, may leave a public notice (410).
Editors see every article; anyone else sees only their own, anywhere in the admin
(the list, its filters and search, the change form, preview, history, calendar and
completions), and no tag that only other people's unpublished articles have.
The admin's change form, its bulk actions and any view that changes an article's
status ask this module; none of them holds a rule of its own.
"""

from dataclasses import dataclass, field

import reversion
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import notifications
from .models import Article, ArticleNote

PUBLISH_PERMISSION = "articles.publish_article"
Status = Article.Status

# What only editors may set: when and for how long an article is public, its
# address, its priority, its planning, whose it is and its medical review.
EDITOR_FIELDS = (
    "published_at",
    "expires_at",
    "planned_for",
    "permalink",
    "importance",
    "author",
    "reviewed_by",
    "reviewed_on",
    "next_review_on",
    "withdrawal_reason",
)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    editors_only: bool
    label: str  # what the button or bulk action says
    done: str  # what the history records


TRANSITIONS = (
    Transition(
        "submit",
        frozenset({Status.DRAFT}),
        Status.REVIEW,
        False,
        _("Submit for review"),
        _("Submitted for review"),
    ),
    Transition(
        "send_back",
        frozenset({Status.REVIEW}),
        Status.DRAFT,
        True,
        _("Send back to the author"),
        _("Sent back to the author"),
    ),
    Transition(
        "publish",
        frozenset({Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED}),
        Status.PUBLISHED,
        True,
        _("Publish"),
        _("Published"),
    ),
    Transition(
        "schedule",
        frozenset({Status.DRAFT, Status.REVIEW, Status.UNPUBLISHED}),
        Status.PUBLISHED,
        True,
        _("Schedule"),
        _("Scheduled for publication"),
    ),
    Transition(
        "unpublish",
        frozenset({Status.PUBLISHED}),
        Status.UNPUBLISHED,
        True,
        _("Unpublish"),
        _("Unpublished"),
    ),
    Transition(
        "archive",
        frozenset({Status.DRAFT, Status.REVIEW, Status.PUBLISHED, Status.UNPUBLISHED}),
        Status.ARCHIVED,
        True,
        _("Archive"),
        _("Archived"),
    ),
    Transition(
        "reopen",
        frozenset({Status.UNPUBLISHED, Status.ARCHIVED}),
        Status.DRAFT,
        True,
        _("Reopen as a draft"),
        _("Reopened as a draft"),
    ),
)
TRANSITIONS_BY_NAME = {transition.name: transition for transition in TRANSITIONS}


class WorkflowRefused(PermissionDenied):
    """A move the user may not make; its message says why, for the editor to read."""


def is_editor(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def can_view(user, article):
    """Editors see any article; anyone else only their own (a new one is theirs)."""
    return is_editor(user) or article.pk is None or (user.is_active and article.author_id == user.pk)


def visible_articles(user, articles):
    """Of ``articles``, those ``user`` may see: all for editors, their own for anyone else."""
    return articles if is_editor(user) else articles.filter(author_id=user.pk)


def visible_tags(user, tags):
    """Of ``tags`` (a Tag queryset), those ``user`` may see: all for editors; for anyone else, the
    public ones and their own articles' (one that only someone else's draft has says what they prepare)."""
    if is_editor(user):
        return tags
    return tags.used_by(Article.objects.published() | Article.objects.filter(author_id=user.pk))


def may_write_notes(user):
    """Corrections, updates and retraction notices, and a "significant update", are editors' alone."""
    return is_editor(user)


def may_note(user, article):
    """Editors write in any article's thread; anyone else in their own articles' only."""
    return user.is_active and (is_editor(user) or article.pk is None or article.author_id == user.pk)


def may_leave_notice(article, target, now=None):
    """A public notice (410) is left only by taking off the site an article readers saw."""
    first = article.first_published_at
    return target == Status.UNPUBLISHED and first is not None and first <= (now or timezone.now())


def can_edit(user, article):
    """Editors edit anything; authors their own new articles and drafts (sent back ones included)."""
    if is_editor(user):
        return True
    if article.pk is None:
        return user.has_perm("articles.add_article")
    return (
        user.has_perm("articles.change_article")
        and article.author_id == user.pk
        and article.status == Status.DRAFT
    )


def locked_fields(user):
    """The article fields that ``user`` may see but not set."""
    return () if is_editor(user) else EDITOR_FIELDS


def find_transition(source, target):
    for transition in TRANSITIONS:
        if source in transition.sources and transition.target == target:
            return transition
    return None


def sources_of(transition, article, source):
    """The statuses ``transition`` moves ``article`` from. A scheduled article (published, its date
    still to come) may also be published now: the desk changes its mind when the news cannot wait."""
    if transition.name == "publish" and source == Status.PUBLISHED and article.is_scheduled:
        return transition.sources | {Status.PUBLISHED}
    return transition.sources


def may_make(user, article, transition, source=None):
    source = source or article.status
    return (
        can_edit(user, article)
        and source in sources_of(transition, article, source)
        and (is_editor(user) or not transition.editors_only)
    )


def allowed_statuses(user, article, source=None):
    """The statuses ``user`` may give ``article``, its present one first."""
    source = source or (article.status if article.pk else Status.DRAFT)
    targets = [source]
    for transition in TRANSITIONS:
        if transition.target not in targets and may_make(user, article, transition, source):
            targets.append(transition.target)
    return targets


def check_move(user, article, source, target):
    """Return the transition from ``source`` to ``target``, None when the status stays; refuse the rest."""
    if not can_edit(user, article):
        raise WorkflowRefused(gettext("You may not change “%(title)s”.") % {"title": article})
    if source == target:
        return None
    transition = find_transition(source, target)
    if transition is None or not may_make(user, article, transition, source):
        raise WorkflowRefused(
            gettext("You may not move “%(title)s” from “%(source)s” to “%(target)s”.")
            % {"title": article, "source": Status(source).label, "target": Status(target).label}
        )
    return transition


def check_named_move(user, article, name, source=None):
    """Return the move called ``name`` if ``user`` may make it on ``article`` (from ``source``, its
    stored status by default); refuse it, saying why, if not. The change form's buttons and the bulk
    actions name their move; a forged name is refused like any other."""
    transition = TRANSITIONS_BY_NAME.get(name)
    source = source or (article.status if article.pk else Status.DRAFT)
    if transition is None:
        raise WorkflowRefused(gettext("There is no move called “%(name)s”.") % {"name": name})
    if source not in sources_of(transition, article, source):
        raise WorkflowRefused(
            gettext("“%(title)s” is “%(source)s”: it cannot be moved by “%(action)s”.")
            % {"title": article, "source": Status(source).label, "action": transition.label}
        )
    if not can_edit(user, article):
        raise WorkflowRefused(gettext("You may not change “%(title)s”.") % {"title": article})
    if not may_make(user, article, transition, source):
        raise WorkflowRefused(
            gettext("Only an editor may do “%(action)s” to “%(title)s”.")
            % {"title": article, "action": transition.label}
        )
    return transition


def moves_for(user, article, source=None):
    """The moves ``user`` may make on ``article`` (from ``source``), in the table's order: the
    change form's buttons and the list's bulk actions."""
    source = source or (article.status if article.pk else Status.DRAFT)
    return [transition for transition in TRANSITIONS if may_make(user, article, transition, source)]


def prepare(article, transition, note="", notice=None):
    """Check and set what goes with a move before the article is saved: sending back says why in
    ``note``, scheduling needs a publication date to come, ``notice`` is the reason given when
    unpublishing with a public notice (None: removal stays silent, a 404)."""
    if transition is None:
        return
    if transition.name == "send_back" and not note.strip():
        raise WorkflowRefused(
            gettext("Say in a note why “%(title)s” goes back to its author.") % {"title": article}
        )
    if transition.name == "schedule" and not (article.published_at and article.published_at > timezone.now()):
        raise WorkflowRefused(
            gettext("To schedule “%(title)s”, give it a publication date to come.") % {"title": article}
        )
    if transition.name == "unpublish" and notice is not None:
        if not may_leave_notice(article, transition.target):
            raise WorkflowRefused(
                gettext("“%(title)s” was never seen by readers: it leaves no public notice.")
                % {"title": article}
            )
        article.withdrawn_at, article.withdrawal_reason = timezone.now().replace(microsecond=0), notice
    if transition.name == "publish" and article.is_scheduled:
        article.published_at = timezone.now().replace(microsecond=0)  # published now, not as planned
    if transition.target in (Status.PUBLISHED, Status.DRAFT):
        article.withdrawn_at = None  # public again, or being reworked: the notice goes


def note_kind(user, article, transition):
    """What a note written with ``transition`` (None: no move) is in the thread."""
    if transition is not None and transition.name == "send_back":
        return ArticleNote.Kind.SENT_BACK
    if not is_editor(user) or (article.author_id == user.pk and transition is not None):
        return ArticleNote.Kind.REPLY
    return ArticleNote.Kind.REMARK


def after_move(user, article, transition, note=""):
    """What follows a saved article's move (``transition``, None when its status stayed) and the
    note written with it: the note joins the thread, and those concerned are told (on commit)."""
    note, written = note.strip(), None
    if note:
        if not may_note(user, article):
            raise WorkflowRefused(
                gettext("You may not write in the notes of “%(title)s”.") % {"title": article}
            )
        written = ArticleNote.objects.create(
            article=article, author=user, kind=note_kind(user, article, transition), text=note
        )
    if transition is not None:
        notifications.article_moved(article, transition.name, user, written)


def when(moment):
    """A moment as the desk says it, in the current language and the site's time zone:
    « 3 décembre à 8 h », « 3 décembre 2027 à 8 h 30 »."""
    local = timezone.localtime(moment)
    day = formats.date_format(local, "j F" if local.year == timezone.localdate().year else "j F Y")
    if local.minute:
        hour = gettext("%(hour)d:%(minute)02d") % {"hour": local.hour, "minute": local.minute}
    else:
        hour = gettext("%(hour)d:00") % {"hour": local.hour}
    return gettext("%(day)s at %(hour)s") % {"day": day, "hour": hour}


def history_message(article, transition):
    """What the admin's history and messages say of a move, e.g. « Programmé pour le 3 décembre à 8 h »."""
    if transition.target == Status.PUBLISHED and article.published_at > timezone.now():
        return gettext("Scheduled for %(when)s") % {"when": when(article.published_at)}
    if transition.name == "unpublish" and article.withdrawn_at:
        return gettext("Unpublished with a public notice")
    return str(transition.done)


def apply(user, article, transition_name, note="", comment="", notice=None):
    """Make a named move on a saved article, with its version and history; refuse what may not be done.

    ``note``: the note written with the move, kept in the article's thread (required to send it back).
    Returns the history message: ``comment`` when given (why the move was made, e.g. « Couverture
    de “…” »), else the move's own. Used by ``move_many`` and any view that changes a status.
    ``notice``: unpublishing, the reason of the public notice left (see ``prepare``).
    """
    transition = check_named_move(user, article, transition_name)
    prepare(article, transition, note, notice)
    article.status = transition.target
    message = comment or history_message(article, transition)
    with transaction.atomic(), reversion.create_revision():
        article.save()
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(message)
        after_move(user, article, transition, note)
    return message


@dataclass
class Moves:
    """What ``move_many`` did: the articles moved with their history messages, and those refused."""

    transition: Transition
    done: list = field(default_factory=list)  # (article, history message) pairs
    refused: list = field(default_factory=list)  # (article, why) pairs


def move_many(user, articles, transition_name, note="", comments=None, notice=None):
    """Make one named move on each of ``articles``, each with its own version; refuse, and name,
    the ones ``user`` may not move. ``comments`` (by article id) replace the history message of the
    move. Used by the admin's bulk actions and the review of ingested drafts. ``notice``: see ``apply``.
    """
    moves = Moves(TRANSITIONS_BY_NAME[transition_name])
    comments = comments or {}
    for article in articles:
        try:
            message = apply(user, article, transition_name, note, comments.get(article.pk, ""), notice)
        except WorkflowRefused as refusal:
            moves.refused.append((article, str(refusal)))
        else:
            moves.done.append((article, message))
    return moves
