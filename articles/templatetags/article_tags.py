from django import template

from .. import rendering

register = template.Library()


@register.filter
def markdown(text):
    """Render Markdown as sanitized HTML (see articles.rendering)."""
    return rendering.render_markdown(text)


@register.filter
def web_url(url):
    """An address from content, or "" unless it is http, https or a local path."""
    return rendering.web_url(url)
