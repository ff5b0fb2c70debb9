from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Feed intake: the sources the curator watches, and their items made drafts for review."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = _("Feed intake")
