"""Querysets whose bulk writes announce themselves.

``save()`` and ``delete()`` send Django's ``post_save`` and ``post_delete``, but
``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` (which goes through
``update()``) send nothing. Every model a public page shows uses ``ContentQuerySet``,
which sends ``rows_written`` after such a write, so that whoever must know (the page
cache, articles.caching) hears of every write path but raw SQL through one signal.
"""

from django.db import models
from django.dispatch import Signal

# Sent with sender=<model class> and using=<database alias> after a bulk write.
rows_written = Signal()


class ContentQuerySet(models.QuerySet):
    def update(self, **kwargs):
        count = super().update(**kwargs)
        if count:
            rows_written.send(sender=self.model, using=self.db)
        return count

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            rows_written.send(sender=self.model, using=self.db)
        return created

    bulk_create.alters_data = True

    def delete(self):
        deleted = super().delete()
        if deleted[0]:
            rows_written.send(sender=self.model, using=self.db)
        return deleted

    delete.alters_data = True
    delete.queryset_only = True


ContentManager = models.Manager.from_queryset(ContentQuerySet)
