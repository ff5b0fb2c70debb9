import json

from django import template
from django.conf import settings
from django.urls import reverse
from django.urls.base import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_info, override

from .. import rendering

register = template.Library()

# What a JSON string may not hold inside <script>: a title like "</script><script>" stays text.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def markdown(text, rel=rendering.LINK_REL):
    """Render Markdown as sanitized HTML (see articles.rendering), ``rel`` on its links."""
    return rendering.render_markdown(text, rel or rendering.LINK_REL)


@register.filter
def web_url(url):
    """An address from content, or "" unless it is http, https or a local path."""
    return rendering.web_url(url)


@register.filter
def json_ld(data):
    """Structured data built in Python, as a <script type="application/ld+json"> block."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in every language of the site: code, name, absolute URL, and whether it is this one.

    A page that does not exist in the other language (a 404, the 500 page) points to its home page.
    """
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        url = path if code == current else translate_url(path, code)
        if code != current and url == path:
            with override(code):
                url = reverse("articles:list")
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": request.build_absolute_uri(url) if request else url,
                "current": code == current,
            }
        )
    return versions


@register.inclusion_tag("includes/picture.html")
def article_image(article, sizes="100vw", lazy=True, css_class=""):
    """An article's image: responsive renditions for an upload, the address as it is for a link."""
    image = article.image
    renditions = image.renditions
    return {
        "image": image,
        "src": rendering.web_url(image.src),
        "alt": image.alt_text or article.title,
        "webp": renditions[0] if renditions else None,
        "fallback": renditions[1] if renditions else None,
        "sizes": sizes,
        "lazy": lazy,
        "css_class": css_class,
    }
