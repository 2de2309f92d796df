"""Display filters for staff and public pages: dates in the page's language, numbers without stray decimals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()


def plain_number(value):
    """A number as people write it: 72.0000 → 72, 2.50 → 2.5, 2.00 → 2; other values unchanged."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, int):
        return str(value)
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return value
    if not value.is_finite():
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


register.filter("plain_number", plain_number)


@register.filter
def cn_date(value):
    """A date in the page's language: 2026年12月1日 in Chinese, 1 December 2026 in English."""
    if not value:
        return ""
    return formats.date_format(value, "DATE_FORMAT")
