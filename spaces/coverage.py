"""Which resident needs a serving partner already covers — the gap a call should fill.

Rulebook 四(一)2 and 五(一)1: the needs list steers recruitment. A need is
covered when the partner named on it is serving, or when a serving partner
of the same community offers the need's service category.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from partners.models import SERVING, Partner
from portal.choices import ServiceCategory

from .models import ResidentNeed


@dataclass
class NeedCoverage:
    need: ResidentNeed
    partners: list = field(default_factory=list)

    @property
    def is_covered(self) -> bool:
        return bool(self.partners)


def needs_coverage(needs_qs) -> list[NeedCoverage]:
    """Each need with the serving partners that cover it. Two queries whatever the size."""
    needs = list(needs_qs.select_related("community", "covered_by__application", "space"))
    community_ids = {n.community_id for n in needs}
    serving = (
        Partner.objects.filter(status__in=SERVING, community_id__in=community_ids)
        .select_related("application")
        .order_by("pk")
    )
    by_key = defaultdict(list)
    for partner in serving:
        for category in partner.application.service_categories or []:
            by_key[(partner.community_id, category)].append(partner)
    rows = []
    for need in needs:
        partners = list(by_key.get((need.community_id, need.category), []))
        if need.covered_by_id and need.covered_by.status in SERVING and need.covered_by not in partners:
            partners.insert(0, need.covered_by)
        rows.append(NeedCoverage(need=need, partners=partners))
    return rows


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
