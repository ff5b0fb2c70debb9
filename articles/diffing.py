"""What changed inside a long text, word by word: for the history's comparison of two versions,
where a one-line change in a long body must be seen at a glance."""

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

WORDS = re.compile(r"\s+|[^\s]+")
# Texts longer than this, or of several lines, are compared word by word; shorter ones whole.
LONG = 80


def is_long(*texts):
    return any(len(text) > LONG or "\n" in text for text in texts)


def shown(text):
    return mark_safe(escape(text).replace("\n", "<br>"))  # escaped first: safe


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
    return mark_safe("".join(parts))  # each part escaped above
