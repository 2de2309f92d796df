"""Personal data never reaches a log: a filter that masks it in every record (PIPL).

Attached to every handler in settings.LOGGING, so records of every logger (Django's
request log, Celery, the portal's own) pass through it. It masks mainland mobile
numbers (138****5678), 18-character ID numbers (first and last character kept) and
e-mail addresses (w***@example.cn), in the message, its arguments and the traceback.
"""

from __future__ import annotations

import logging
import re

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])([1-9])\d{16}([0-9Xx])(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")


def mask_personal_data(text: str) -> str:
    """The text with ID numbers, mobile numbers and e-mail addresses masked."""
    text = ID_NUMBER.sub(lambda m: m.group(1) + "*" * 16 + m.group(2), text)
    text = MOBILE.sub(r"\1****\2", text)
    return EMAIL.sub(r"\1***@\2", text)


class PersonalDataFilter(logging.Filter):
    """Rewrites each record with its personal data masked; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler to report
            return True
        record.msg, record.args = mask_personal_data(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
