"""Background work of feed intake, run by django-tasks (``manage.py db_worker`` in production)."""

from django_tasks import task

from .ingest import ingest_sources
from .models import Source


@task()
def fetch_source(source_id):
    """Fetch one source's feed now, as ``ingest_feeds --source`` does: the « Fetch now » button.
    Returns the run's status ("fetched", "not modified", "failed", "busy"), or None for a source
    deleted since."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        return None
    report = next(iter(ingest_sources([(source, None)])))
    return report.status
