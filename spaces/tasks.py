"""Background work of the spaces app: list imports too large for a request."""

from celery import shared_task

from .models import ImportJob


@shared_task(name="spaces.tasks.run_import_job")
def run_import_job(*, job_id: int, confirm: bool = False):
    """Check or import one uploaded list file. Safe to run twice: the job's status decides."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .imports import import_job_run

    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None:
        return
    import_job_run(job=job, confirm=confirm)
