"""The needs coverage page's inputs: serving partners' services, and a slot for coverage.

Whether a need is covered is read from the recruitment record (which call
listed it, who answered that call), so it is computed in `services.coverage`,
an app after calls; spaces cannot import it and asks through this slot
instead (the higher app provides, as with dossier sections and facts).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

from partners.models import SERVING, Partner
from portal.choices import ServiceCategory

_provider: list[Callable] = []


def needs_coverage_provider(func: Callable) -> Callable:
    """Register the function computing `needs_qs -> [row with .need, .partners, .is_covered]`."""
    _provider[:] = [func]
    return func


def provided_needs_coverage(needs_qs) -> list:
    """Each need with the serving partners that cover it (computed by services.coverage)."""
    if not _provider:
        raise ImproperlyConfigured("No app provides needs coverage (services.coverage is not loaded).")
    return _provider[0](needs_qs)


def serving_partners_services(communities_qs) -> list[dict]:
    """The serving partners of these communities with the service categories they offer."""
    labels = dict(ServiceCategory.choices)
    partners = (
        Partner.objects.filter(status__in=SERVING, community__in=communities_qs)
        .select_related("application", "community")
        .order_by("community__name", "pk")
    )
    return [
        {
            "partner": p,
            "community": p.community.name,
            "status": p.get_status_display(),
            "categories": "、".join(str(labels.get(c, c)) for c in p.application.service_categories or []),
        }
        for p in partners
    ]
