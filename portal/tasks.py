from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(name="portal.tasks.heartbeat")
def heartbeat():
    """Beat schedules this every minute; the worker running it proves both are up."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"seen_at": timezone.now()})
