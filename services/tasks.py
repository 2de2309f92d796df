"""Periodic work of the services app (scheduled in config/celery.py)."""

from celery import shared_task


@shared_task(name="services.tasks.send_pace_warnings")
def send_pace_warnings():
    """Weekly 预警: partners behind pace on their targets. Safe to run twice."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import pace_warnings_send

    return pace_warnings_send()


@shared_task(name="services.tasks.render_dossier_pdf")
def render_dossier_pdf(*, partner_id: int):
    """Render a partner's dossier PDF (stored by content hash) so no request waits for it."""
    return render_dossier_file(partner_id=partner_id, kind="pdf")


@shared_task(name="services.tasks.render_dossier_file")
def render_dossier_file(*, partner_id: int, kind: str):
    """Build a partner's dossier file ("pdf", "zip", "xlsx"; stored by content hash) for the requests.

    Runs on the "pdf" queue (config/settings/base.py CELERY_TASK_ROUTES). Safe to run twice:
    the second run finds the stored file.
    """
    # deferred: Celery task module imports the dossier, which imports every app's sections
    from partners.models import Partner

    from .dossier import DOSSIER_FILES, dossier_file_render

    partner = Partner.objects.select_related("application", "community").filter(pk=partner_id).first()
    if partner is None or kind not in DOSSIER_FILES:
        return None
    return dossier_file_render(partner, kind)


@shared_task(name="services.tasks.rebuild_summaries")
def rebuild_summaries():
    """Nightly: recompute the dashboard's summary rows from the records ("in use today" moves daily). Safe to run twice."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .summaries import summaries_rebuild

    return summaries_rebuild()


@shared_task(name="services.tasks.send_log_reminders")
def send_log_reminders():
    """Daily; on the 25th, partners with no service log this month are reminded. Safe to run twice."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import log_reminders_send

    return log_reminders_send()


@shared_task(name="services.tasks.send_staff_digest")
def send_staff_digest():
    """Daily at 08:30: each street's WeCom staff group gets its to-dos. Safe to run twice."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .domain import staff_digest_send

    return staff_digest_send()
