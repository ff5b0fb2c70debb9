"""What a hostile page would contain, found the way a browser (or a feed reader) would read it."""

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "background"}
RUNNABLE_ELEMENTS = {"iframe", "frame", "object", "embed", "applet", "base"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# Browsers drop ASCII control characters and white space inside a URL's scheme.
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
# Scripts a page may load: the project's and the admin's own files.
OWN_SCRIPTS = ("/static/", "/admin/jsi18n/")
# Link previews fetch these addresses: they are URLs as much as an href is.
URL_META = {"og:url", "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:url"}


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
        meta_name = attributes.get("property") or attributes.get("name")
        if tag == "meta" and meta_name in URL_META and is_script_url(attributes.get("content")):
            self.found.append(f"meta[content={attributes['content']}]")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and is_script_url(value):
                self.found.append(f"{tag}[{name}={value}]")

    handle_startendtag = handle_starttag


def assert_no_inline_scripts_allowed(response):
    """The page's Content-Security-Policy lets only the site's own script files run."""
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in response["Content-Security-Policy"]


def is_script_url(value):
    return _INVISIBLE.sub("", value or "").lower().startswith(DANGEROUS_SCHEMES)


def executable_markup(html):
    """Every script, event handler or script URL in html; [] for a safe page."""
    finder = ExecutableMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def structured_data(html):
    """The JSON-LD blocks of a page, parsed: a block broken out of its <script> fails to parse."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(block) for block in blocks]


def json_script_urls(data):
    """Every script URL among the values of parsed JSON."""
    if isinstance(data, dict):
        return [url for value in data.values() for url in json_script_urls(value)]
    if isinstance(data, list):
        return [url for value in data for url in json_script_urls(value)]
    return [data] if isinstance(data, str) and is_script_url(data) else []


# Feed elements whose text readers render as HTML (RSS description, Atom summary and content).
HTML_ELEMENTS = {"description", "summary", "content", "{http://www.w3.org/2005/Atom}summary",
                 "{http://www.w3.org/2005/Atom}content"}  # fmt: skip
# Attributes that readers and crawlers follow.
XML_URL_ATTRIBUTES = {"url", "href", "src"}


def executable_in_xml(document, allowed_tags):
    """What a feed or sitemap would let run: stray elements, script URLs, HTML that runs.

    ``document`` must parse (escaping that failed would break it); every element must
    be one the format defines; text that readers show as HTML must hold nothing that runs.
    """
    root = ET.fromstring(document)  # noqa: S314 -- the site's own output
    found = []
    for element in root.iter():
        if element.tag not in allowed_tags:
            found.append(f"element {element.tag}")
        for name, value in element.attrib.items():
            if name in XML_URL_ATTRIBUTES and is_script_url(value):
                found.append(f"{element.tag}[{name}={value}]")
        if element.tag.endswith(("}loc", "link")) and is_script_url(element.text):
            found.append(f"{element.tag}: {element.text}")
        if element.tag in HTML_ELEMENTS and element.text:
            found += [f"{element.tag}: {what}" for what in executable_markup(element.text)]
    return found
