"""E-mail: rendered in the recipient's language, sent by the Celery worker after commit."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from .tasks import publish_after_commit


def render_mail(template_prefix: str, context: dict, language: str | None = None) -> tuple[str, str]:
    """Subject and body from `<prefix>_subject.txt` and `<prefix>_body.txt`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        body = render_to_string(f"{template_prefix}_body.txt", context)
    return " ".join(subject.splitlines()), body


@shared_task(name="portal.mail.send_mail_task", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_mail_task(*, to: list[str], subject: str, body: str):
    EmailMessage(subject=subject, body=body, to=to).send()


def queue_mail(*, to, template_prefix: str, context: dict, language: str | None = None) -> None:
    """Render now (the context may hold model instances), send after the transaction commits."""
    recipients = [addr for addr in ([to] if isinstance(to, str) else to) if addr]
    if not recipients:
        return
    subject, body = render_mail(template_prefix, context, language)
    publish_after_commit(send_mail_task, to=recipients, subject=subject, body=body)
