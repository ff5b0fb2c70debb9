"""What a hostile page would contain, found the way a browser would read it."""

import re
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "background"}
RUNNABLE_ELEMENTS = {"iframe", "frame", "object", "embed", "applet", "base"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# Browsers drop ASCII control characters and white space inside a URL's scheme.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
# Scripts a page may load: the project's and the admin's own files.
OWN_SCRIPTS = ("/static/", "/admin/jsi18n/")


class ExecutableMarkupFinder(HTMLParser):
    """Collects every element or attribute of a page that a browser could run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in RUNNABLE_ELEMENTS:
            self.found.append(tag)
        if tag == "script":
            source = attributes.get("src")
            if source is None and attributes.get("type") != "application/ld+json":
                self.found.append("inline script")
            elif source is not None and not source.startswith(OWN_SCRIPTS):
                self.found.append(f"script[src={source}]")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.found.append("meta refresh")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and _INVISIBLE.sub("", value or "").lower().startswith(
                DANGEROUS_SCHEMES
            ):
                self.found.append(f"{tag}[{name}={value}]")

    handle_startendtag = handle_starttag


def executable_markup(html):
    """Every script, event handler or script URL in html; [] for a safe page."""
    finder = ExecutableMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.found
