"""Demo step: positions for the demo spaces and 华阳街道's community organisations (issue 20).

Runs last (after services.demo and any step that adds 华阳街道's serving
partners), so it works with whatever partners the street has: none, one or
more. Idempotent: positions are set only where none is recorded, organisations
are found by name first, the filing and the link are made once.

Positions are WGS-84 points in and around 句容市's centre (≈ 31.95 N, 119.17 E),
each community's rooms a few dozen metres apart.
"""

from __future__ import annotations

from decimal import Decimal

from organisations.domain import organisation_file, organisation_register
from organisations.models import FilingStatus, Organisation, Tier
from partners.domain import partner_organisation_link
from partners.models import Partner, PartnerStatus
from portal.choices import INDIVIDUAL_KINDS
from portal.dates import local_today
from spaces.domain import space_save
from spaces.models import Space

# Community → the WGS-84 point its rooms are placed around (句容市 华阳 / 崇明 areas).
CENTRES = {
    "南门社区": ("31.941800", "119.165200"),
    "北山社区": ("31.962400", "119.171900"),
    "华阳社区": ("31.953100", "119.168400"),
    "崇明社区": ("31.948600", "119.176300"),
    "宝华社区": ("31.957900", "119.159800"),
    "葛村社区": ("31.935200", "119.181500"),
    "西门社区": ("31.950700", "119.152600"),
}
STEP = Decimal("0.000600")  # ≈ 60 m between rooms of one community

# 华阳街道's registry in its three tiers (长宁 seed 003 四(一)2): name, community, tier, extra fields.
ORGANISATIONS = [
    (
        "句容市华阳街道社会组织服务中心",
        "南门社区",
        Tier.REGISTERED,
        {
            "legal_form": "social_service",
            "credit_code": "52321183MJ5861234Q",
            "rating": "4A",
            "sector": "community_affairs",
            "members_count": 12,
            "activity_area": "华阳街道全域",
            "contact_name": "顾文静",
            "contact_phone": "13805291234",
        },
    ),
    (
        "南门社区夕阳红合唱团",
        "南门社区",
        Tier.ACTIVITY_TEAM,
        {
            "sector": "culture_sports",
            "members_count": 36,
            "activity_area": "南门社区睦邻驿站",
            "contact_name": "陶美华",
            "contact_phone": "13952911877",
        },
    ),
    (
        "北山社区太极拳队",
        "北山社区",
        Tier.ACTIVITY_TEAM,
        {
            "sector": "culture_sports",
            "members_count": 24,
            "activity_area": "北山小区中心广场",
            "contact_name": "孔德胜",
            "contact_phone": "13775361420",
        },
    ),
    (
        "北山社区编织互助小组",
        "北山社区",
        Tier.ACTIVITY_GROUP,
        {
            "sector": "living",
            "members_count": 9,
            "activity_area": "北山社区活动室",
            "contact_name": "沈桂英",
            "contact_phone": "13862097315",
        },
    ),
]
# The team the street has filed (上海市社区群众活动团队备案系统's number, as 长宁 files them).
FILED = {"南门社区夕阳红合唱团": "HY-QZTD-2026-001"}


def place_spaces(streets, by) -> int:
    """Give every demo room of `streets` without a position one near its community's centre."""
    placed = 0
    for street in streets:
        spaces = Space.objects.filter(community__street=street).select_related("community").order_by("pk")
        for index, space in enumerate(spaces):
            centre = CENTRES.get(space.community.name)
            if centre is None or space.has_position:
                continue
            latitude = Decimal(centre[0]) + STEP * (index % 3)
            longitude = Decimal(centre[1]) + STEP * (index // 3 % 3)
            space_save(space=space, by=by, fields={"latitude": latitude, "longitude": longitude})
            placed += 1
    return placed


def load_organisations(street, by) -> list[Organisation]:
    communities = {c.name: c for c in street.communities.all()}
    registry = []
    for name, community_name, tier, extra in ORGANISATIONS:
        community = communities.get(community_name)
        if community is None:
            continue
        organisation = Organisation.objects.filter(community=community, name=name).first()
        if organisation is None:
            organisation = organisation_register(
                community=community, data={"name": name, "tier": tier, **extra}, by=by
            )
        if name in FILED and organisation.filing_status != FilingStatus.FILED:
            organisation_file(organisation=organisation, number=FILED[name], filed_on=local_today(), by=by)
        registry.append(organisation)
    # A serving partner of the street, if another step made one, belongs to the registered organisation.
    partner = (
        Partner.objects.filter(
            community__street=street, status=PartnerStatus.ACTIVE, organisation__isnull=True
        )
        .exclude(application__kind__in=INDIVIDUAL_KINDS)
        .order_by("pk")
        .first()
    )
    registered = next((o for o in registry if o.tier == Tier.REGISTERED), None)
    if partner is not None and registered is not None and not registered.partners.exists():
        partner_organisation_link(partner=partner, organisation=registered, by=by)
    return registry


def load(ctx):
    by = ctx["users"]["admin"]
    second = ctx["second_street"]
    place_spaces([second, ctx["street"]], by)
    load_organisations(second, by)
