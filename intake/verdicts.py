"""The rules' verdicts on what intake already stored: a rule tried on the last items, the rules
re-applied to the drafts waiting for review, and a blocked item restored by an editor.

Status moves go through ``articles.workflow`` and tags through ``articles.writing``; the
judging is ``intake.rules``'. The admin (``intake.admin_rules``) only asks and reports.
"""

import collections
import dataclasses

import reversion
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from articles import grouping, workflow, writing
from articles.models import Article, SourceLink

from . import rules
from .ingest import article_fingerprint
from .models import IngestedItem

TRIAL_ITEMS = 200


def with_articles(records):
    """``records`` (IngestedItems) with their articles and original links, to judge them."""
    links = Prefetch("article__links", queryset=SourceLink.objects.filter(kind=SourceLink.Kind.SOURCE))
    return (
        records.filter(article__isnull=False)
        .select_related("article", "source")
        .prefetch_related(links, "article__tags")
    )


def texts(article):
    """What the rules read of a stored article: its title, summary and original link."""
    source = next(iter(article.links.all()), None)
    return article.title, article.summary, source.url if source else ""


@dataclasses.dataclass(frozen=True)
class Trial:
    """A rule tried before it is saved: the items it matches among the last ones ingested."""

    looked_at: int
    matches: list  # (IngestedItem, Verdict) pairs, newest first


def trial(rule, tag_names):
    """What ``rule`` (saved or not) would match among the last TRIAL_ITEMS items of its source (all
    sources', for a global rule). Nothing is written."""
    judge = rules.judge_one(rule, tag_names)
    records = IngestedItem.objects.all()
    if rule.source_id:
        records = records.filter(source_id=rule.source_id)
    records = list(with_articles(records).order_by("-first_seen_at", "-pk")[:TRIAL_ITEMS])
    matches = []
    for record in records:
        verdict = judge.judge(*texts(record.article))
        if verdict.matched:
            matches.append((record, verdict))
    return Trial(len(records), matches)


def waiting():
    """The ingested drafts still in review whose rules may still change them (none an editor restored)."""
    records = IngestedItem.objects.filter(
        article__status=Article.Status.REVIEW, is_blocked=False, restored_at__isnull=True
    )
    return with_articles(records).order_by("pk")


def reapply(user):
    """Apply today's active rules to the ingested drafts waiting for review, as ``user``: blocked ones
    are archived and marked blocked, tags added, importance raised. Returns a Counter of what changed
    ("changed", "blocked", "tagged", "importance")."""
    counts, judges = collections.Counter(), {}
    for record in waiting():
        if record.source_id not in judges:
            judges[record.source_id] = rules.for_source(record.source)
        with transaction.atomic():
            done = apply_verdict(user, record, judges[record.source_id].judge(*texts(record.article)))
        counts.update(done)
        counts["changed"] += bool(done)
    return counts


def apply_verdict(user, record, verdict):
    """Make ``record``'s article what ``verdict`` says; return the names of what changed."""
    article, done = record.article, []
    as_ingested = article.updated_at == record.article_updated_at
    names = [tag.name for tag in article.tags.all()]
    known = {name.casefold() for name in names}
    extra = [name for name in verdict.tags if name.casefold() not in known]
    if extra:
        done.append("tagged")
    if verdict.importance and verdict.importance > (article.importance or 0):
        article.importance = verdict.importance
        done.append("importance")
    if done:
        with reversion.create_revision():
            writing.save_article(article, tags=[*names, *extra])
            reversion.add_to_revision(article)
            reversion.set_user(user)
            reversion.set_comment(gettext("Rules applied"))
    if verdict.is_blocked:
        workflow.apply(user, article, "archive")
        record.is_blocked, record.blocked_by = True, verdict.blocked_by
        done.append("blocked")
    if done:
        if as_ingested:  # still the ingester's: an update upstream may still be written over it
            record.fingerprint = article_fingerprint(article)
            record.article_updated_at = article.updated_at
        record.save()
    return done


def restore(user, record):
    """Put a blocked item's article back in review, as ``user`` (an editor), for good.

    The workflow has no move from archived to review; an editor may reopen an archived article
    as a draft and submit a draft for review, so restoring is those two moves, each checked and
    written in the history, rather than a third way to change a status.
    """
    if not workflow.is_editor(user):
        raise workflow.WorkflowRefused(gettext("Only editors may restore a blocked item."))
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=record.article_id)
        if article.status == Article.Status.ARCHIVED:
            workflow.apply(user, article, "reopen")
        if article.status == Article.Status.DRAFT:
            workflow.apply(user, article, "submit")
        record.is_blocked, record.restored_at = False, timezone.now()
        record.save(update_fields=["is_blocked", "restored_at"])
        # Kept out of every story while blocked: now its keys are read and it joins its story.
        grouping.index([article])
    return article
