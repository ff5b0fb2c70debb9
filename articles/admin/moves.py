"""The change form's moves and thread: a button for each move the user may make (submit for
review, send back, publish now, schedule, unpublish, archive, reopen), saving the form and making
the move in one POST, and the article's notes with a box to write one.

A button posts ``_move=<the transition's name>`` (``articles.workflow.TRANSITIONS``); the server
checks the name again with the workflow and refuses a forged one, saying why. A posted ``status``
(as scripts and older forms post) is read as the move leading to it and checked the same way.
Templates: ``admin/articles/article/moves.html`` (the buttons, in the submit row) and
``thread.html`` (the notes, inside the form).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .. import workflow
from ..models import Article

MOVE = "_move"
Status = Article.Status
# What a button says where the move's own label would be unclear beside the others.
BUTTONS = {"publish": _("Publish now")}


def buttons(user, article, source=None):
    """The change form's buttons: the name each posts, and what it says."""
    return [
        {"name": move.name, "button": BUTTONS.get(move.name, move.label)}
        for move in workflow.moves_for(user, article, source)
    ]


def read_move(form, cleaned_data):
    """The move ``form``'s POST asks for (None: the status stays), checked against the workflow and
    against what goes with it: a note to send back, a date to come to schedule. Publishing now
    dates the article now: a date still to come, or a draft's first date, is brought back to now."""
    user, article, source = form.user, form.instance, form.original_status
    name, posted_status = form.data.get(MOVE, ""), form.data.get("status", "")
    if not article.title:  # a new article: named in the messages as it will be
        article.title = cleaned_data.get("title", "")
    try:
        if name:
            transition = workflow.check_named_move(user, article, name, source)
        elif posted_status and posted_status not in Status.values:
            raise workflow.WorkflowRefused(gettext("“%(status)s” is no status.") % {"status": posted_status})
        else:
            # Without a move the status stays, but for a restored version's (``stored_status``).
            target = posted_status or (article.status if article.pk else Status.DRAFT)
            transition = workflow.check_move(user, article, source, target)
    except workflow.WorkflowRefused as refusal:
        raise ValidationError(str(refusal), code="forbidden_move") from refusal
    note = cleaned_data.get("note", "").strip()
    if note and not workflow.may_note(user, article):
        form.add_error("note", gettext("You may not write in this article’s notes."))
    if transition is None:
        return None
    if transition.name == "send_back" and not note:
        form.add_error("note", gettext("Say why the article goes back to its author: they will read it."))
    published_at = cleaned_data.get("published_at")
    if transition.name == "schedule" and not (published_at and published_at > timezone.now()):
        form.add_error(
            "published_at", gettext("To schedule the article, give it a publication date to come.")
        )
    if name == "publish" and "published_at" in cleaned_data:
        # « Publish now » means now: a date to come is brought back, and so is the date a draft was
        # started on (its default), unless the editor typed another in this very form.
        never_public = article.first_published_at is None and "published_at" not in form.changed_data
        if not published_at or published_at > timezone.now() or never_public:
            cleaned_data["published_at"] = timezone.now().replace(microsecond=0)
    return transition


class ArticleMoves:
    """Mixed into ``ArticleAdmin``: the buttons and the thread on the change form, the move's own
    message after saving (« Envoyé en relecture : « … » »), and the note kept in the thread."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        user = request.user
        article = obj if obj is not None else Article(author=user)
        editable = workflow.can_edit(user, article)
        source = getattr(request, "article_status_before_restore", None)
        context["moves"] = buttons(user, article, source) if editable else []
        context["notes"] = list(obj.notes.select_related("author")) if obj is not None else []
        context["may_note"] = editable and workflow.may_note(user, article)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        request.article_title = article.title
        workflow.after_move(
            request.user, article, article.workflow_transition, form.cleaned_data.get("note", "")
        )
        if article.workflow_transition is not None:
            request.article_move_message = workflow.history_message(article, article.workflow_transition)

    def construct_change_message(self, request, form, formsets, add=False):
        """The history names the fields changed, not the note: the note is in the thread."""
        message = super().construct_change_message(request, form, formsets, add)
        if "note" not in form.fields:
            return message
        with translation.override(None):
            note_label = str(form["note"].label)
        for entry in message:
            fields = entry.get("changed", {}).get("fields")
            if fields and note_label in fields and "name" not in entry["changed"]:
                fields.remove(note_label)
        return [entry for entry in message if entry.get("changed", {}).get("fields", True)]

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        done = getattr(request, "article_move_message", None)
        if done and level == messages.SUCCESS and request.method == "POST":
            request.article_move_message = None  # said once, instead of « modifié avec succès »
            message = gettext("%(done)s: “%(title)s”.") % {"done": done, "title": request.article_title}
        return super().message_user(request, message, level, *args, **kwargs)
