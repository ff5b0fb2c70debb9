from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The shop window: articles in every status, a feed with drafts to review, their people."""

    name = "demo"
    verbose_name = _("Demo")
