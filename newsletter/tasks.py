"""The subscription form's e-mails, sent as tasks (django-tasks): never inside the request."""

from django_tasks import task

from . import emails
from .models import Subscriber


@task()
def send_confirmation(subscriber_id, already_subscribed=False):
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return  # deleted meanwhile
    emails.confirmation_message(subscriber, already_subscribed=already_subscribed).send()
