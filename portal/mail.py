"""E-mail rendering: subject and body in the recipient's language.

Sending is the outbox's job (messaging.domain.message_queue): every message is
a row written with the change that causes it, delivered by the worker.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_mail(template_prefix: str, context: dict, language: str | None = None) -> tuple[str, str]:
    """Subject and body from `<prefix>_subject.txt` and `<prefix>_body.txt`."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template_prefix}_subject.txt", context).strip()
        body = render_to_string(f"{template_prefix}_body.txt", context)
    return " ".join(subject.splitlines()), body
