from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """The newsroom's people: who writes and who reviews, with or without an account, and their pages."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = _("People")

    def ready(self):
        from articles.caching import content_changed
        from articles.images import update_renditions
        from articles.managers import rows_written

        Person = self.get_model("Person")
        # A photo is re-encoded and copied at several widths, as an article's image is.
        post_save.connect(update_renditions, sender=Person, dispatch_uid="person-photo-renditions")
        # A profile is shown on public pages (bylines, its own page): a change forgets them.
        post_save.connect(content_changed, sender=Person, dispatch_uid="page-cache-save-Person")
        post_delete.connect(content_changed, sender=Person, dispatch_uid="page-cache-delete-Person")
        rows_written.connect(content_changed, sender=Person, dispatch_uid="page-cache-bulk-Person")
