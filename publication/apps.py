from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

# What every public page shows of the publication: a change forgets every cached page.
PUBLIC_MODELS = ("SiteIdentity", "SitePage")


class PublicationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "publication"
    verbose_name = _("The publication")

    def ready(self):
        from articles.caching import content_changed

        from .identity import forget_everywhere, identity_changed

        for name in PUBLIC_MODELS:
            model = self.get_model(name)
            for signal, kind in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(content_changed, sender=model, dispatch_uid=f"page-cache-{kind}-{name}")
                signal.connect(identity_changed, sender=model, dispatch_uid=f"identity-{kind}-{name}")
        # A flush (as tests do between them) or a migration sends no save or delete: read it again.
        post_migrate.connect(
            lambda **kwargs: forget_everywhere(), weak=False, dispatch_uid="identity-migrate"
        )
