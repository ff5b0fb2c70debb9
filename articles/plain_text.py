"""Plain text from files, fixtures and feeds: entities decoded once on the way in, escaped on the way out.

WordPress writes a title « Abbott&#8217;s new stent &amp; catheter system »; the
site stores « Abbott’s new stent & catheter system », and pages escape it once
when they show it. Every plain-text field that comes from outside (a title, a
summary, an image's alternative text, credit and rights, a publisher's name)
goes through ``decode`` once: the markdown format's parser, feed ingestion, and
``loaddata`` (``ENCODED_FIELDS``, decoded by ``decode_loaded_fields``). What an
editor types in the admin is the editor's own, and is stored as typed.

``escape`` is ``decode``'s inverse for what is written out (exports, fixtures):
an ``&`` that would be read back as an entity is written ``&amp;``, everything
else as it is, so that decoding the file gives the stored text back.
"""

import contextlib
import contextvars
import html
import re

# What html.unescape reads as a character reference (the standard library's own pattern).
CHARACTER_REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")

# The plain-text fields of each model that files, fixtures and feeds fill in.
ENCODED_FIELDS = {
    "Article": ("title", "summary"),
    "ImageCredit": ("alt_text", "credit", "rights"),
    "SourceLink": ("publisher",),
}

_loading_fixtures = contextvars.ContextVar("loading_fixtures", default=False)


def decode(text):
    """``text`` with its HTML entities decoded, once: « &amp;#8217; » becomes « &#8217; »."""
    return html.unescape(text) if "&" in text else text


def escape(text):
    """``text`` as a file writes it, so that ``decode`` gives it back: « R&D &#8230; » → « R&D &amp;#8230; ».

    Only an ``&`` that starts what html.unescape would read as a reference is escaped."""
    if "&" not in text:
        return text
    return CHARACTER_REFERENCE.sub(_escape_reference, text)


def _escape_reference(match):
    reference = match[0]
    return "&amp;" + reference[1:] if html.unescape(reference) != reference else reference


@contextlib.contextmanager
def loading_fixtures():
    """While ``loaddata`` reads fixtures: the rows it saves have their ENCODED_FIELDS decoded."""
    token = _loading_fixtures.set(True)
    try:
        yield
    finally:
        _loading_fixtures.reset(token)


def decode_loaded_fields(sender, instance, raw=False, **kwargs):
    """pre_save: decode the plain-text fields of a row ``loaddata`` saves (a raw save).

    Other raw saves (a version restored by django-reversion, a backup restored
    with ``loaddata --as-stored``) hold text as it was stored, and keep it.
    """
    if not (raw and _loading_fixtures.get()):
        return
    for name in ENCODED_FIELDS[sender.__name__]:
        value = getattr(instance, name)
        if value:
            setattr(instance, name, decode(value))


def shorten(text, length):
    """``text`` on one line, whole when it has at most ``length`` characters; else cut at the last
    word before that, with an ellipsis (a long title in a browser's tab or a link preview)."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    head = text[:cut] if cut > length // 2 else text[: length - 1]  # a word that long is cut in it
    return head.rstrip(" ,;:.—–-") + "…"
