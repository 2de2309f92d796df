"""Template tags of the admin home."""

from django import template

from portal.domain import worker_status

register = template.Library()


@register.simple_tag
def portal_worker_status():
    """The background worker's state for the admin home: see portal.domain.worker_status."""
    return worker_status()
