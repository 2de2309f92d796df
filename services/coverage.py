"""Which resident needs the serving partners cover — computed from the record.

Rulebook 四(一)2 and 五(一)1: the needs list (居民需求清单) steers recruitment,
and each recruitment call lists the needs it sets out to meet. A need is
covered by the serving partners of the need's community whose application
answered a call that listed the need (`application.call.needs`). Staff may
also name the partner that took a need on outside any call
(`ResidentNeed.covered_by`, an audited entry of the needs list); it counts
only while that partner is serving. A partner merely offering the need's
service category no longer counts: that was a guess, not a record.

It lives here, not in spaces, because it reads calls (spaces comes before
calls in the import order); the spaces coverage page asks for it through
`spaces.coverage.needs_coverage_provider`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F

from partners.models import SERVING, Partner
from spaces.coverage import needs_coverage_provider
from spaces.models import ResidentNeed


@dataclass
class NeedCoverage:
    need: ResidentNeed
    partners: list = field(default_factory=list)

    @property
    def is_covered(self) -> bool:
        return bool(self.partners)


@needs_coverage_provider
def needs_coverage(needs_qs) -> list[NeedCoverage]:
    """Each need with the serving partners that cover it. Two queries whatever the size."""
    needs = list(needs_qs.select_related("community", "covered_by__application", "space"))
    # One row per (partner, need its call listed); the same community only: a partner
    # serves the residents around its own community's space.
    answered = (
        Partner.objects.filter(
            status__in=SERVING,
            community_id__in={n.community_id for n in needs},
            application__call__needs__in=[n.pk for n in needs],
        )
        .annotate(
            need_id=F("application__call__needs"), need_community_id=F("application__call__needs__community")
        )
        .select_related("application")
        .order_by("pk")
    )
    by_need = defaultdict(list)
    for partner in answered if needs else []:
        if partner.community_id == partner.need_community_id:
            by_need[partner.need_id].append(partner)
    rows = []
    for need in needs:
        partners = by_need.get(need.pk, [])
        if need.covered_by_id and need.covered_by.status in SERVING and need.covered_by not in partners:
            partners = [need.covered_by, *partners]
        rows.append(NeedCoverage(need=need, partners=partners))
    return rows
