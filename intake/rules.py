"""The curator's rules, judged: what a source's rules say of one item. Nothing here writes.

``for_source(source)`` reads, once per feed, the active rules that apply to a source (its own
and the global ones) and its category mappings, compiled into a ``Judge``;
``Judge.judge(title, summary, link, categories)`` gives a ``Verdict``:

- a matching *block* rule blocks the item (the first one, in the rules' order, is named);
- when the rules include *keep* rules, an item matching none of them is blocked (by the first);
- *tag* rules add their tags, and mapped feed categories theirs;
- *importance* rules set the importance: the highest of those that match.

Words match whole words, ignoring case and accents; a regular expression is run by RE2, whose
time is linear in the text, so that no pattern an editor types can hang ingestion.
"""

import dataclasses
import logging
import re
import unicodedata

import re2
from django.db.models import Q
from django.utils.translation import gettext

from .models import CategoryMapping, Rule

logger = logging.getLogger(__name__)

Action, Field = Rule.Action, Rule.Field
WORD = re.compile(r"[^\W_]+")
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae"})
# RE2 refuses a pattern whose program would need more memory than this (e.g. a{1000}{1000}).
REGEX_MEMORY = 1 << 20
# RE2's time is linear in the text but also grows with the program's size once its DFA runs out
# of memory: (.*){1,1000}(.*){1,1000}, 24 characters, makes 22,000 instructions and took five
# seconds a field of 20,000 characters. Rules an editor writes (NCT\d{8}, a few alternatives)
# make a few dozen; under this size the DFA holds and a megabyte reads in milliseconds.
REGEX_PROGRAM_SIZE = 1000


def fold(text):
    """``text`` as words to compare: lower case, no accents, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(WORD.findall(bare.casefold()))


def phrases(pattern):
    """A words pattern's phrases, folded: “Essai clinique, webinaire” → ["essai clinique", "webinaire"]."""
    return [phrase for phrase in (fold(part) for part in re.split(r"[,\n;]", pattern)) if phrase]


def compile_regex(pattern):
    """The RE2 program of ``pattern``, ignoring case; raises ValueError saying what is wrong."""
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = REGEX_MEMORY
    options.never_capture = True  # rules ask whether it matches, never what its groups hold
    try:
        compiled = re2.compile(pattern, options=options)
    except re2.error as error:
        reason = error.args[0] if error.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(reason or gettext("this expression cannot be used")) from None
    if compiled.programsize > REGEX_PROGRAM_SIZE:
        raise ValueError(gettext("it is too complex; repeat less (a {1,1000} counts a thousand times)"))
    return compiled


def pattern_error(pattern, is_regex):
    """Why ``pattern`` cannot be a rule's, or "" when it can."""
    if is_regex:
        try:
            compile_regex(pattern)
        except ValueError as error:
            return gettext("This regular expression cannot be used: %(reason)s.") % {"reason": error}
        return ""
    if not phrases(pattern):
        return gettext("Give at least one word (letters or digits).")
    return ""


@dataclasses.dataclass(frozen=True)
class Texts:
    """An item's texts as the rules read them, each folded once for the words rules."""

    title: str
    summary: str
    link: str

    def fields(self, field):
        if field == Field.ANY:
            return (self.title, self.summary, self.link)
        return (getattr(self, field),)


class Matcher:
    """One rule, compiled."""

    def __init__(self, rule):
        self.rule = rule
        self.field = rule.field
        self.regex = self.words = None
        if rule.is_regex:
            try:
                self.regex = compile_regex(rule.pattern)
            except ValueError as error:  # stored before validation, or by hand: it matches nothing
                logger.warning("Rule %s is not a usable expression: %s", rule.pk, error)
        else:
            self.words = [f" {phrase} " for phrase in phrases(rule.pattern)]

    def matches(self, texts, folded):
        if self.regex is not None:
            return any(self.regex.search(text) for text in texts.fields(self.field))
        if self.words:
            return any(word in text for text in folded.fields(self.field) for word in self.words)
        return False


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What the rules say of one item."""

    blocked_by: Rule | None = None
    tags: tuple = ()
    importance: int | None = None
    matched: tuple = ()  # the rules that matched, in order

    @property
    def is_blocked(self):
        return self.blocked_by is not None

    @property
    def kept_by_no_rule(self):
        """Blocked because the source keeps only what its keep rules match, and none did."""
        return self.is_blocked and self.blocked_by.action == Action.KEEP

    def applied_to(self, item):
        """``item`` (an intake.parsing.Item) with the verdict's tags after its own, once each."""
        known = {name.casefold() for name in item.tags}
        extra = tuple(name for name in self.tags if name.casefold() not in known)
        return dataclasses.replace(item, tags=item.tags + extra) if extra else item


class Judge:
    """A source's rules and category mappings, ready to judge its items."""

    def __init__(self, rules=(), categories=None):
        self.matchers = [Matcher(rule) for rule in rules]
        self.keeps = [matcher for matcher in self.matchers if matcher.rule.action == Action.KEEP]
        self.categories = categories or {}  # folded category → tag name, or None to ignore it

    def judge(self, title="", summary="", link="", categories=()):
        texts = Texts(title, summary, link)
        folded = Texts(*(f" {fold(text)} " for text in (title, summary, link)))  # words between spaces
        matched = [matcher.rule for matcher in self.matchers if matcher.matches(texts, folded)]
        blocked_by = next((rule for rule in matched if rule.action == Action.BLOCK), None)
        if blocked_by is None and self.keeps and not any(rule.action == Action.KEEP for rule in matched):
            blocked_by = self.keeps[0].rule
        names = [self.categories.get(fold(category)) for category in categories]
        names += [name for rule in matched if rule.action == Action.TAG for name in rule.tag_names]
        tags = {}
        for name in names:
            if name:
                tags.setdefault(name.casefold(), name)
        importance = max(
            (rule.importance for rule in matched if rule.action == Action.IMPORTANCE and rule.importance),
            default=None,
        )
        return Verdict(blocked_by, tuple(tags.values()), importance, tuple(matched))


NO_RULES = Judge()


def for_source(source):
    """The Judge of ``source``'s items (None: a feed of no source, judged by the global rules)."""
    applying = Q(source__isnull=True) | Q(source=source) if source is not None else Q(source__isnull=True)
    rules = list(Rule.objects.filter(applying, is_active=True).prefetch_related("tags"))
    for rule in rules:
        rule.tag_names = sorted((tag.name for tag in rule.tags.all()), key=str.casefold)
    categories = {}
    if source is not None:
        for mapping in CategoryMapping.objects.filter(source=source).select_related("tag"):
            categories[fold(mapping.category)] = mapping.tag.name if mapping.tag else None
    return Judge(rules, categories)


def judge_one(rule, tag_names=()):
    """A Judge of one rule alone, saved or not (the admin's trial): ``tag_names`` are its tags."""
    rule.tag_names = list(tag_names)
    return Judge([rule])
