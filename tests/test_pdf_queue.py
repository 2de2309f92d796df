"""PDF work and the dossier's ZIP/XLSX run on their own Celery queue (issue 14: worker memory)."""

import importlib

import pytest
from django.conf import settings

from config.celery import app

PDF_TASKS = [
    "agreements.tasks.render_agreement_pdf",
    "services.tasks.render_dossier_pdf",
    "services.tasks.render_dossier_file",
]


@pytest.mark.parametrize("name", PDF_TASKS)
def test_pdf_tasks_are_routed_to_the_pdf_queue(name):
    importlib.import_module(name.rsplit(".", 1)[0])  # the task exists under that name
    assert name in app.tasks
    assert settings.CELERY_TASK_ROUTES[name] == {"queue": "pdf"}
    assert app.amqp.router.route({}, name)["queue"].name == "pdf"


@pytest.mark.parametrize("name", ["portal.tasks.heartbeat", "agreements.tasks.send_renewal_reminders"])
def test_other_tasks_stay_on_the_default_queue(name):
    assert app.amqp.router.route({}, name)["queue"].name == "celery"


def test_a_worker_without_q_consumes_both_queues():
    assert {q.name for q in settings.CELERY_TASK_QUEUES} == {"celery", "pdf"}


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_agreement_pdf_sent_to_the_pdf_queue(celery_worker_thread):
    import datetime as dt
    import time

    from agreements.domain import agreement_document_current
    from agreements.tasks import render_agreement_pdf
    from tests.agreements.factories import draft_agreement
    from tests.factories import partner_in_state

    agreement = draft_agreement(partner_in_state("signing"), start=dt.date(2026, 3, 1), months=12)
    result = render_agreement_pdf.delay(agreement_id=agreement.pk)
    assert result.id
    deadline = time.monotonic() + 60
    while agreement_document_current(agreement) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert agreement_document_current(agreement) is not None
