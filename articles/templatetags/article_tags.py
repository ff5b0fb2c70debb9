from django import template

from ..rendering import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render Markdown as sanitized HTML (see articles.rendering)."""
    return render_markdown(text)
