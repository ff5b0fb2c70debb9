"""What a reader sees on a page of articles, read from its HTML."""

import html
import re

CARD_TITLE = re.compile(r'<article class="card[^"]*">.*?<h([23])><a href="[^"]*">(.*?)</a></h\1>', re.DOTALL)
FEATURED = re.compile(r'<section class="featured".*?</section>', re.DOTALL)
RELATED = re.compile(r'<aside class="related".*?</aside>', re.DOTALL)
LINK_TEXT = re.compile(r'<li><a href="[^"]*">(.*?)</a>')
PAGE_LINK = re.compile(r'<a rel="(prev|next)" href="([^"]*)"')
CURRENT_PAGE = re.compile(r'aria-current="page"[^>]*>(?:<span[^>]*>[^<]*</span>)?(\d+)</a>')


def _content(response):
    return response.content.decode()


def _titles(fragment):
    return [html.unescape(title) for _level, title in CARD_TITLE.findall(fragment)]


def listed_titles(response):
    """The titles of the page's list of articles, in order, without the top stories above it."""
    return _titles(FEATURED.sub("", _content(response)))


def featured_titles(response):
    found = FEATURED.search(_content(response))
    return _titles(found.group()) if found else []


def related_titles(response):
    found = RELATED.search(_content(response))
    return [html.unescape(title) for title in LINK_TEXT.findall(found.group())] if found else []


def current_page(response):
    """The number of the page the page links mark as this one, or None without page links."""
    found = CURRENT_PAGE.search(_content(response))
    return int(found.group(1)) if found else None


def page_link(response, rel):
    """The address of the "prev" (newer articles) or "next" (older articles) link, or None."""
    links = {found_rel: html.unescape(href) for found_rel, href in PAGE_LINK.findall(_content(response))}
    return links.get(rel)
