"""Background work of the agreements app (scheduled in config/celery.py)."""

from celery import shared_task

from .models import Agreement


@shared_task(name="agreements.tasks.send_renewal_reminders")
def send_renewal_reminders():
    """Beat, hourly: the renewal reminders now due, each sent once per term and kind."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import renewal_reminders_send

    return len(renewal_reminders_send())


@shared_task(name="agreements.tasks.render_agreement_pdf")
def render_agreement_pdf(*, agreement_id: int):
    """Render one agreement's current version to PDF (cached by content hash)."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import agreement_document_render

    agreement = (
        Agreement.objects.select_related("partner__application", "community__street")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None:
        return None
    return agreement_document_render(agreement=agreement).pk
