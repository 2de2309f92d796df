"""Beat task: end public notices whose period is over (rulebook 五(二)3, 五(三)1)."""

from celery import shared_task


@shared_task(name="notices.tasks.end_due_notices")
def end_due_notices() -> int:
    """Move listed partners with no open or upheld objection to signing.

    Idempotent: partners already moved and notices already ended are skipped.
    Returns how many partners moved.
    """
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import notices_end_due

    return notices_end_due()
