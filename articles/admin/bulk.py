"""Several articles moved at once, from the article list or the review of ingested drafts.

The workflow decides (``workflow.move_many``); this module only writes each move in the
admin's history and tells the editor what was done and what was refused.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .. import workflow
from ..models import ArticleNote


def move_selected(request, articles, transition_name, comments=None, done=None, notice=None, note=""):
    """Make the named move on each of ``articles`` as ``request.user``, and report it: ``comments``
    (by article id) say in the history why each was moved, ``done`` what the report calls the move,
    ``note`` is written in each article's thread."""
    moves = workflow.move_many(
        request.user, articles, transition_name, note=note, comments=comments, notice=notice
    )
    for article, message in moves.done:
        LogEntry.objects.log_actions(
            user_id=request.user.pk,
            queryset=[article],
            action_flag=CHANGE,
            change_message=message,
            single_object=True,
        )
    if moves.done:
        count = len(moves.done)
        messages.success(
            request,
            ngettext("%(action)s: %(count)d article.", "%(action)s: %(count)d articles.", count)
            % {"action": done or moves.transition.done, "count": count},
        )
    if moves.refused:
        count = len(moves.refused)
        messages.warning(
            request,
            format_html(
                '{}<ul class="refused-moves">{}</ul>',
                ngettext("Refused for %(count)d article:", "Refused for %(count)d articles:", count)
                % {"count": count},
                format_html_join("", "<li>{}</li>", ((why,) for _article, why in moves.refused)),
            ),
        )
    return moves


def bulk_move(transition, description):
    """An admin action moving the selected articles through ``transition`` (see move_selected)."""

    @admin.action(description=description)
    def action(model_admin, request, queryset):
        move_selected(request, queryset, transition)

    action.__name__ = f"bulk_{transition}"
    action.transition = transition
    return action


def actions_for(user, actions):
    """Of the list's ``actions`` (name: (function, name, description)), those ``user`` may make:
    a move only editors make is not offered to anyone else (and refused if forged)."""
    return {
        name: action
        for name, action in actions.items()
        if workflow.is_editor(user)
        or not getattr(action[0], "transition", None)
        or not workflow.TRANSITIONS_BY_NAME[action[0].transition].editors_only
    }


def action_page(model_admin, request, queryset, form, action, title, template):
    """The page a bulk action asks its one question on (``form``), the selected articles listed, posted
    back to the same action with the same selection."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "articles": queryset,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, f"admin/articles/article/{template}", context)


class NoticeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Readers read it at each article's address, with its title and today's date."),
    )


@admin.action(description=_("Unpublish, leaving a public notice (410)…"))
def unpublish_with_notice(model_admin, request, queryset):
    """Unpublish the selected articles, each leaving a public notice with the reason asked for on a
    page of its own first; articles readers never saw, and moves the user may not make, are refused."""
    form = NoticeForm(request.POST if "reason" in request.POST else None)
    if form.is_bound and form.is_valid():
        move_selected(
            request,
            queryset,
            "unpublish",
            done=gettext("Unpublished with a public notice"),
            notice=form.cleaned_data["reason"],
        )
        return None
    title = gettext("Unpublish, leaving a public notice")
    return action_page(model_admin, request, queryset, form, "unpublish_with_notice", title, "withdraw.html")


unpublish_with_notice.transition = "unpublish"


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the authors"),
        max_length=ArticleNote.TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Why the articles go back: kept in each article's notes, and e-mailed to its author."),
    )


@admin.action(description=_("Send back to the authors, with a note…"))
def send_back(model_admin, request, queryset):
    """Send the selected articles back to their authors with the note asked for on a page of its own
    first; articles not in review, and moves the user may not make, are refused and named."""
    form = SendBackForm(request.POST if "note" in request.POST else None)
    if form.is_bound and form.is_valid():
        move_selected(request, queryset, "send_back", note=form.cleaned_data["note"])
        return None
    title = gettext("Send back to the authors")
    return action_page(model_admin, request, queryset, form, "send_back", title, "send_back.html")


send_back.transition = "send_back"
