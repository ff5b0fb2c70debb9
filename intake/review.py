"""The review page of ingested drafts: one card per story, and what an editor does with cards.

- Publishing a card publishes its lead (the best item, or the one the editor chose) and archives
  the card's other items as its coverage, each with « Couverture de “…” » in its history. A lead
  whose title or summary is not in French is published only once the editor confirms.
- Discarding a card archives all its items: kept, their links known, they never come back, and
  out of their stories (``grouping.leave``): what is published later never lists them as coverage.
- A card whose story is already published adds its items to that article's coverage.
- « Séparer » takes an item out of its story (``grouping.split``); « Regrouper » makes the
  selected cards one story (``grouping.merge``).

Every move goes through ``articles.workflow.move_many`` (by way of ``bulk.move_selected``), so
its rules and its messages apply. Only editors reach this page, for reading or writing
(``SourceAdmin.review_view``).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles import grouping
from articles.admin.bulk import move_selected

from .cards import as_id, chosen_cards, newest_cards, to_review

ACTIONS = {
    "publish": _("Publish"),
    "archive": _("Discard"),
    "merge": _("Merge"),
}
CONFIRMED = "yes"


def review_url():
    return reverse("admin:intake_source_review")


def show(request, context):
    """The page: the newest cards waiting (``newest_cards``), the newest story first."""
    cards, more = newest_cards()
    context = {**context, "cards": cards, "more": more, "actions": ACTIONS}
    return TemplateResponse(request, "admin/intake/source/review.html", context)


def act(request, context):
    """Do what the posted form asks, then go back to the page (or ask for confirmation first)."""
    data = request.POST
    if "split" in data:
        split(request, data["split"])
    elif "cover" in data:
        cover(request, chosen_cards(data, [data["cover"]]))
    elif data.get("action") in ACTIONS:
        cards = chosen_cards(data)
        if not cards:
            messages.warning(request, gettext("Select at least one card."))
        elif data["action"] == "publish":
            foreign = [card.lead for card in cards if card.published is None and card.lead.foreign]
            if foreign and data.get("confirmed") != CONFIRMED:
                return confirm(request, context, cards, foreign)
            publish(request, cards)
        elif data["action"] == "archive":
            discard(request, cards)
        else:
            merge(request, cards)
    return redirect(review_url())


def publish(request, cards):
    """Publish each card's lead; the card's other items become its coverage, archived."""
    already = [card for card in cards if card.published is not None]
    if already:
        messages.warning(
            request,
            format_html(
                "{} {}",
                gettext("Already published, nothing published again:"),
                format_html_join(", ", "« {} »", ((card.published.title,) for card in already)),
            ),
        )
    cards = [card for card in cards if card.published is None]
    if not cards:
        return
    moves = move_selected(request, [card.lead for card in cards], "publish")
    published = {article.pk for article, _message in moves.done}
    covered = [card for card in cards if card.lead.pk in published]
    archive_as_coverage(request, [(card.lead.title, card.others) for card in covered])


def discard(request, cards):
    """Archive every item of the cards, out of their stories: discarded is no coverage."""
    moves = move_selected(request, [item for card in cards for item in card.items], "archive")
    grouping.leave([article for article, _message in moves.done])


def cover(request, cards):
    """Add the items of cards whose story is already published to that article's coverage."""
    archive_as_coverage(request, [(card.published.title, card.items) for card in cards if card.published])


def archive_as_coverage(request, coverage):
    """Archive the items of each (title, items) pair as the coverage of the article so titled."""
    comments = {
        item.pk: gettext("Coverage of “%(title)s”") % {"title": title}
        for title, items in coverage
        for item in items
    }
    items = [item for _title, items in coverage for item in items]
    if items:
        move_selected(request, items, "archive", comments=comments, done=gettext("Added to the coverage"))


def merge(request, cards):
    if len(cards) < 2:
        messages.warning(request, gettext("Select at least two cards to merge."))
        return
    grouping.merge([item for card in cards for item in card.items])
    count = len(cards)
    messages.success(
        request,
        ngettext("%(count)d card merged into one.", "%(count)d cards merged into one.", count)
        % {"count": count},
    )


def split(request, pk):
    pk = as_id(pk)
    article = to_review().filter(pk=pk, story__isnull=False).first() if pk else None
    if article is None:
        messages.warning(request, gettext("This item is no longer waiting in a story."))
        return
    grouping.split(article)
    messages.success(request, gettext("“%(title)s” is now a card of its own.") % {"title": article.title})


def confirm(request, context, cards, foreign):
    """Ask before publishing items that do not read as French, as Django asks before deleting."""
    context = {
        **context,
        "title": gettext("Publish items that are not in French?"),
        "cards": cards,
        "foreign": foreign,
        "confirmed": CONFIRMED,
        "review_url": review_url(),
    }
    return TemplateResponse(request, "admin/intake/source/review_confirm.html", context)
