"""The outbox worker. Beat runs `deliver_outbox` every minute; each commit nudges it too."""

from celery import shared_task


@shared_task(
    name="messaging.tasks.deliver_outbox", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def deliver_outbox(*, keys: list[str] | None = None):
    """Deliver the due outbox rows of `keys` (a commit's nudge), or every due row (beat's sweep).

    Safe to run twice or concurrently: rows are claimed.
    """
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import outbox_deliver_due

    return outbox_deliver_due(keys=keys)
