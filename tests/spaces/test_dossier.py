import datetime as dt

import pytest

from spaces.domain import timeslot_create
from spaces.dossier import space_use_section
from tests.factories import PartnerFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def test_dossier_section_lists_partners_slots():
    space = SpaceFactory(name="二楼活动室")
    partner = PartnerFactory(community=space.community)
    timeslot_create(
        space=space,
        weekday=1,
        start_time=dt.time(9),
        end_time=dt.time(11),
        partner=partner,
        valid_from=dt.date(2026, 9, 1),
    )

    section = space_use_section(partner)

    assert (section.key, section.title) == ("spaces", "空间使用安排")
    assert [(e.when, e.title, e.detail) for e in section.entries] == [
        (
            dt.date(2026, 9, 1),
            f"{space.community.name} · 二楼活动室",
            f"{partner.name} 周二 09:00–11:00（2026-09-01 至 …）",
        )
    ]


def test_dossier_section_absent_without_slots():
    assert space_use_section(PartnerFactory()) is None
