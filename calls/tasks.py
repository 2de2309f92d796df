"""Periodic work of the recruitment stage (scheduled in config/celery.py)."""

from celery import shared_task


@shared_task(name="calls.tasks.close_due_calls")
def close_due_calls() -> int:
    """Close published calls whose closing time has passed (rulebook 五(一)1). Idempotent."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import calls_close_due

    return calls_close_due()
