from celery import shared_task
from django.utils import timezone

from .models import Heartbeat


@shared_task(name="portal.tasks.heartbeat")
def heartbeat():
    """Beat schedules this every minute; the worker running it proves both are up."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"seen_at": timezone.now()})


@shared_task(name="portal.tasks.build_background_file")
def build_background_file(*, job: str, builder: str, kwargs: dict):
    """Build a big ledger export or an inspection pack for the pending page (portal.background)."""
    # deferred: the background module imports this task module to queue it
    from .background import background_job_build

    background_job_build(job=job, builder=builder, kwargs=kwargs)
