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
    # deferred: Celery task module imports the dossier, which imports every app's sections
    from partners.models import Partner

    from .dossier import dossier_pdf_render

    partner = Partner.objects.select_related("application", "community").filter(pk=partner_id).first()
    if partner is None:
        return None
    return dossier_pdf_render(partner)


@shared_task(name="services.tasks.rebuild_summaries")
def rebuild_summaries():
    """Nightly: recompute the dashboard's summary rows from the records ("in use today" moves daily). Safe to run twice."""
    # deferred: Celery task module imports domain (HackSoft pattern)
    from .summaries import summaries_rebuild

    return summaries_rebuild()
