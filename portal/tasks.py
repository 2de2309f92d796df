import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .models import Heartbeat
from .retention import personal_data_purge

logger = logging.getLogger("portal.tasks")

BROKER_DOWN = (OperationalError, RedisConnectionError, RedisTimeoutError, OSError)

# Publishing gives up after about a second: the request that saved the record must not wait
# long for a broker that is down.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def publish(task, **kwargs) -> bool:
    """Queue `task` with keyword arguments; False (and a warning) if the broker cannot be reached.

    A broker outage must never fail the request that saved the record: the work
    stays undone until whatever repeats it runs again (the beat's periodic tasks
    sweep due work; a PDF or an import is queued again on the next request).
    """
    if task.app.conf.task_always_eager:  # tests: the task runs here, its errors are the test's
        task.apply_async(kwargs=kwargs)
        return True
    try:
        task.apply_async(kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except BROKER_DOWN as exc:
        logger.warning("broker unreachable, %s not queued (%s: %s)", task.name, exc.__class__.__name__, exc)
        return False
    return True


def publish_after_commit(task, **kwargs) -> None:
    """`publish(task, **kwargs)` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: publish(task, **kwargs))


@shared_task(name="portal.tasks.heartbeat")
def heartbeat():
    """Beat schedules this every minute; the worker running it proves both are up."""
    Heartbeat.objects.update_or_create(name="worker", defaults={"seen_at": timezone.now()})


@shared_task(name="portal.tasks.purge_personal_data")
def purge_personal_data():
    """Nightly: erase personal data past its retention period (portal/retention.py); safe to run twice."""
    return personal_data_purge()


@shared_task(name="portal.tasks.build_background_file")
def build_background_file(*, job: str, builder: str, kwargs: dict):
    """Build a big ledger export or an inspection pack for the pending page (portal.background)."""
    # deferred: the background module imports this task module to queue it
    from .background import background_job_build

    background_job_build(job=job, builder=builder, kwargs=kwargs)
