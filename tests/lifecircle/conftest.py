import datetime as dt
from decimal import Decimal

import pytest

from lifecircle.models import MapSettings
from portal.choices import PartnerKind
from spaces.domain import timeslot_create
from tests.factories import CommunityFactory, RecruitmentCallFactory, SpaceFactory, partner_in_state
from tests.spaces.factories import ResidentNeedFactory


def map_on(street):
    """The street publishes its map (the 成都 preset, without touching its other pieces)."""
    MapSettings.objects.update_or_create(street=street, defaults={"enabled": True})
    return street


@pytest.fixture
def neighbourhood():
    """A street with its map on: two communities, placed and unplaced spaces, a serving
    individual partner in a placed room, a need it covers and one nobody covers, an open call."""
    nanmen = CommunityFactory(name="南门社区")
    beishan = CommunityFactory(name="北山社区", street=nanmen.street)
    street = map_on(nanmen.street)
    hall = SpaceFactory(
        community=nanmen, name="南门睦邻中心", latitude=Decimal("31.951200"), longitude=Decimal("119.168300")
    )
    unplaced = SpaceFactory(community=beishan, name="北山老年活动室")
    partner = partner_in_state(
        "active",
        community=nanmen,
        application__kind=PartnerKind.INDIVIDUAL_OR_TEAM,
        application__applicant_name="张三丰",
        application__project_title="太极晨练",
    )
    timeslot_create(space=hall, weekday=1, start_time=dt.time(7), end_time=dt.time(8), partner=partner)
    covered = ResidentNeedFactory(community=nanmen, title="想学太极", covered_by=partner, space=hall)
    open_need = ResidentNeedFactory(community=beishan, title="希望有人教用智能手机", residents_count=15)
    call = RecruitmentCallFactory(
        street=street, title="北山社区招募公告", closes_at=partner.application.call.closes_at
    )
    call.spaces.add(unplaced)
    return {
        "street": street,
        "nanmen": nanmen,
        "beishan": beishan,
        "hall": hall,
        "unplaced": unplaced,
        "partner": partner,
        "covered": covered,
        "open_need": open_need,
        "call": call,
    }
