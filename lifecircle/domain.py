"""What the neighbourhood map shows — 成都 seed 001 (社区生活圈信任生态链式合作).

Seed 001: 将区域内公共空间、社群活动、群众需求、志愿服务招募等信息 … 集成社区生活圈一张图.
For one street (or one of its communities) the map gathers the spaces of the
resource list (rulebook 四(一)1), the serving partners and the rooms they use
(六(一)), the residents' needs no serving partner covers yet (四(一)2) and the
calls open for applications (五(一)1); a street that keeps the 长宁 registry
adds its community organisations. A record with a position (`Space.latitude`/
`longitude`, WGS-84) is a marker; everything is also in the list, which is the
page when no map tiles load. Only what residents may see: partners by their
public (masked) names, needs without who collected them, organisations with
masked contacts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from calls.models import CallStatus, RecruitmentCall
from organisations.domain import organisations_public
from partners.models import SERVING, Partner
from portal.dates import local_today
from portal.models import Community, Street
from services.coverage import needs_coverage
from spaces.models import ResidentNeed, Space, TimeSlot


@dataclass
class StreetMap:
    street: Street
    community: Community | None
    spaces: list[Space]
    partners: list[Partner]
    needs: list
    calls: list[RecruitmentCall]
    organisations: list = field(default_factory=list)
    markers: list[dict] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.spaces or self.partners or self.needs or self.calls or self.organisations)


def _point(space: Space) -> list[float]:
    return [float(space.latitude), float(space.longitude)]


def street_map(*, street: Street, community: Community | None = None) -> StreetMap:
    """The map of `street` (or of one of its communities): lists and markers, in a fixed number of queries."""
    where = Q(community=community) if community else Q(community__street=street)
    spaces = list(Space.objects.filter(where).select_related("community").order_by("community__name", "name"))
    by_id = {space.pk: space for space in spaces}
    partners = list(
        Partner.objects.filter(where, status__in=SERVING)
        .select_related("application", "community")
        .order_by("community__name", "application__applicant_name", "pk")
    )
    # The rooms each serving partner holds slots in now or later (its agreement's spaces).
    today = local_today()
    used = (
        TimeSlot.objects.filter(partner__in=[p.pk for p in partners])
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today) | Q(date__gte=today))
        .values_list("partner_id", "space_id")
        .distinct()
    )
    rooms: dict[int, list[Space]] = {}
    for partner_id, space_id in used if partners else []:
        if space_id in by_id and by_id[space_id] not in rooms.setdefault(partner_id, []):
            rooms[partner_id].append(by_id[space_id])
    for partner in partners:
        partner.map_spaces = sorted(rooms.get(partner.pk, []), key=lambda s: s.name)
    needs = [row.need for row in needs_coverage(ResidentNeed.objects.filter(where)) if not row.is_covered]
    calls = list(
        RecruitmentCall.objects.filter(street=street, status=CallStatus.PUBLISHED)
        .prefetch_related("spaces")
        .order_by("closes_at", "pk")
    )
    for call in calls:
        call.map_spaces = [by_id[s.pk] for s in call.spaces.all() if s.pk in by_id]
    if community:
        calls = [call for call in calls if call.map_spaces]
    organisations = list(
        organisations_public(street_id=street.pk, community_id=community.pk if community else None)
    )
    result = StreetMap(street, community, spaces, partners, needs, calls, organisations)
    result.markers = _markers(result)
    return result


def _markers(data: StreetMap) -> list[dict]:
    """One marker per thing and place: what the static script draws (lifecircle/map.js)."""
    markers = []
    for space in data.spaces:
        if space.has_position:
            markers.append(
                {
                    "kind": "space",
                    "point": _point(space),
                    "title": space.name,
                    "detail": f"{space.community.name} · {space.get_occupancy_display()}",
                    "anchor": f"space-{space.pk}",
                }
            )
    for partner in data.partners:
        for space in partner.map_spaces:
            if space.has_position:
                markers.append(
                    {
                        "kind": "partner",
                        "point": _point(space),
                        "title": partner.public_name,
                        "detail": f"{partner.application.project_title} · {space.name}",
                        "anchor": f"partner-{partner.pk}",
                        "url": reverse("services:partner_detail", args=[partner.pk]),
                    }
                )
    by_id = {space.pk: space for space in data.spaces}
    for need in data.needs:
        space = by_id.get(need.space_id)
        if space is not None and space.has_position:
            markers.append(
                {
                    "kind": "need",
                    "point": _point(space),
                    "title": need.title,
                    "detail": _("%(count)s位居民提出") % {"count": need.residents_count},
                    "anchor": f"need-{need.pk}",
                }
            )
    for call in data.calls:
        for space in call.map_spaces:
            if space.has_position:
                markers.append(
                    {
                        "kind": "call",
                        "point": _point(space),
                        "title": call.title,
                        "detail": _("报名截止：%(day)s")
                        % {"day": f"{timezone.localtime(call.closes_at):%Y-%m-%d}"},
                        "anchor": f"call-{call.pk}",
                        "url": reverse("calls:call_detail", args=[call.pk]),
                    }
                )
    return markers
