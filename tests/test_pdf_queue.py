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
