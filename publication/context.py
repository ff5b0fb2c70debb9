"""The publication's identity in every public template, as ``publication`` (see identity.py)."""

from django.utils.functional import SimpleLazyObject

from . import identity


def publication(request):
    """Jinja2 context processor: the identity, read the first time a template asks for it."""
    return {"publication": SimpleLazyObject(lambda: identity.current(request))}
