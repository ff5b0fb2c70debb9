"""What changed inside a long text, word by word: for the history's comparison of two versions,
where a one-line change in a long body must be seen at a glance."""

import difflib
import re

from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join

WORDS = re.compile(r"\s+|[^\s]+")
# Texts longer than this, or of several lines, are compared word by word; shorter ones whole.
LONG = 80


def is_long(*texts):
    return any(len(text) > LONG or "\n" in text for text in texts)


def shown(text):
    return linebreaksbr(text, autoescape=True)


def word_diff(old, new):
    """``old`` then ``new`` as one escaped HTML text, the words removed in <del>, those added in <ins>."""
    before, after = WORDS.findall(old), WORDS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed, added = "".join(before[old_start:old_end]), "".join(after[new_start:new_end])
        if operation == "equal":
            parts.append(shown(removed))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", shown(removed)))
        if added:
            parts.append(format_html("<ins>{}</ins>", shown(added)))
    return format_html_join("", "{}", ((part,) for part in parts))
