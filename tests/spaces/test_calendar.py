"""The week grid behind spaces/_week_calendar.html."""

import datetime as dt

import pytest
from django.template.loader import render_to_string

from portal.choices import PartnerKind
from spaces.calendar import partner_week, space_week
from spaces.domain import timeslot_create
from tests.factories import PartnerFactory, SpaceFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 12, 7)


def entries(week):
    return {
        day.date.isoformat(): [(e.start_time.strftime("%H:%M"), e.who) for e in day.entries]
        for day in week.days
        if day.entries
    }


def test_space_week_places_weekly_and_one_off_slots_on_their_days():
    space = SpaceFactory()
    partner = PartnerFactory(community=space.community)
    timeslot_create(space=space, weekday=2, start_time=dt.time(14), end_time=dt.time(16), partner=partner)
    timeslot_create(
        space=space,
        weekday=0,
        start_time=dt.time(9),
        end_time=dt.time(10),
        title="旧班",
        valid_to=MONDAY - dt.timedelta(days=1),
    )
    timeslot_create(
        space=space,
        weekday=4,
        start_time=dt.time(9),
        end_time=dt.time(10),
        title="新班",
        valid_from=MONDAY + dt.timedelta(days=7),
    )
    timeslot_create(
        space=space,
        date=MONDAY + dt.timedelta(days=5),
        start_time=dt.time(19),
        end_time=dt.time(21),
        title="邻里晚会",
    )
    timeslot_create(
        space=space,
        date=MONDAY + dt.timedelta(days=2),
        start_time=dt.time(9),
        end_time=dt.time(10),
        title="议事会",
    )

    week = space_week(space, week_of=MONDAY + dt.timedelta(days=3))

    assert (week.start, week.end, week.previous_start) == (
        MONDAY,
        MONDAY + dt.timedelta(days=6),
        MONDAY - dt.timedelta(days=7),
    )
    assert entries(week) == {
        "2026-12-09": [("09:00", "议事会"), ("14:00", partner.name)],
        "2026-12-12": [("19:00", "邻里晚会")],
    }


def test_space_week_runs_one_query(django_assert_num_queries):
    space = SpaceFactory()
    for weekday in range(3):
        timeslot_create(
            space=space,
            weekday=weekday,
            start_time=dt.time(9),
            end_time=dt.time(10),
            partner=PartnerFactory(community=space.community),
        )

    with django_assert_num_queries(1):
        week = space_week(space, week_of=MONDAY)

    assert len(entries(week)) == 3


def test_partner_week_spans_spaces_and_public_masks_individuals():
    community = SpaceFactory().community
    person = PartnerFactory(
        community=community,
        application__kind=PartnerKind.INDIVIDUAL_OR_TEAM,
        application__applicant_name="王晓燕",
    )
    room_a = SpaceFactory(community=community, name="一楼活动室")
    room_b = SpaceFactory(community=community, name="二楼心理驿站")
    timeslot_create(space=room_a, weekday=0, start_time=dt.time(9), end_time=dt.time(10), partner=person)
    timeslot_create(space=room_b, weekday=3, start_time=dt.time(15), end_time=dt.time(17), partner=person)

    week = partner_week(person, week_of=MONDAY)
    public = space_week(room_b, week_of=MONDAY, public=True)

    assert [(e.space_name, e.who) for d in week.days for e in d.entries] == [
        ("一楼活动室", "王晓燕"),
        ("二楼心理驿站", "王晓燕"),
    ]
    assert week.show_space is True
    assert [e.who for d in public.days for e in d.entries] == ["王*燕"]


def test_week_calendar_include_renders_days_and_navigation():
    space = SpaceFactory(name="二楼活动室")
    timeslot_create(space=space, weekday=1, start_time=dt.time(14), end_time=dt.time(15, 30), title="手工坊")

    html = render_to_string(
        "spaces/_week_calendar.html", {"week": space_week(space, week_of=MONDAY), "week_url": "/x/"}
    )

    assert "周二" in html and "14:00–15:30" in html and "手工坊" in html and "每周" in html
    assert 'href="/x/?week=2026-11-30"' in html and 'href="/x/?week=2026-12-14"' in html
    assert html.count("空闲") == 6
