"""Display filters for staff and public pages: dates in the page's language, numbers without stray decimals."""

from __future__ import annotations

from django import template
from django.utils import formats

from portal.formatting import plain_number

register = template.Library()


register.filter("plain_number", plain_number)


@register.filter
def cn_date(value):
    """A date in the page's language: 2026年12月1日 in Chinese, 1 December 2026 in English."""
    if not value:
        return ""
    return formats.date_format(value, "DATE_FORMAT")
