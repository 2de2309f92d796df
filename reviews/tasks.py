"""Background work of the reviews app (scheduled in config/celery.py)."""

from celery import shared_task


@shared_task(name="reviews.tasks.send_scoring_reminders", acks_late=True, reject_on_worker_lost=True)
def send_scoring_reminders():
    """Beat, hourly in the daytime: reviewers whose sheet is not in, the day before scoring closes."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import scoring_reminders_send

    return scoring_reminders_send()
