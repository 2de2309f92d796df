"""Shared use of a space (rulebook 四(二)1 错峰使用): overlap edges and releasing a partner's slots."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from portal.models import AuditEvent
from spaces.domain import (
    describe_slot,
    slots_conflict,
    timeslot_create,
    timeslot_delete,
    timeslot_update,
    timeslots_active_on,
    timeslots_release,
)
from spaces.models import TimeSlot
from tests.factories import PartnerFactory, SpaceFactory

pytestmark = pytest.mark.django_db

T = dt.time
MONDAY = dt.date(2026, 12, 7)  # a Monday


@pytest.fixture
def room():
    return SpaceFactory(name="多功能活动室")


def weekly(room, start, end, **kw):
    return timeslot_create(space=room, weekday=kw.pop("weekday", 0), start_time=start, end_time=end, **kw)


def once(room, date, start, end, **kw):
    return timeslot_create(space=room, date=date, start_time=start, end_time=end, **kw)


def refused(callable_, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        callable_(*args, **kwargs)
    return " ".join(info.value.messages)


def test_timeslot_create_touching_weekly_slots_allowed(room):
    weekly(room, T(9), T(11), title="书法班")
    weekly(room, T(11), T(12), title="读书会")
    weekly(room, T(8), T(9), title="晨练")

    assert TimeSlot.objects.filter(space=room).count() == 3


def test_timeslot_create_one_minute_overlap_refused_naming_conflict(room):
    weekly(room, T(9), T(11), title="书法班")

    message = refused(weekly, room, T(10, 59), T(12), title="读书会")

    assert message == "该时段与已有安排冲突：书法班 周一 09:00–11:00。"
    assert TimeSlot.objects.filter(space=room).count() == 1


def test_timeslot_create_overlap_at_start_by_one_minute_refused(room):
    weekly(room, T(9), T(11), title="书法班")

    assert "书法班" in refused(weekly, room, T(8), T(9, 1))


def test_timeslot_create_slot_inside_other_refused(room):
    weekly(room, T(9), T(12), title="书法班")

    assert "书法班" in refused(weekly, room, T(10), T(10, 30))


def test_timeslot_create_same_time_other_weekday_allowed(room):
    weekly(room, T(9), T(11), weekday=0)
    weekly(room, T(9), T(11), weekday=1)

    assert TimeSlot.objects.count() == 2


def test_timeslot_create_same_time_other_space_allowed(room):
    weekly(room, T(9), T(11))
    weekly(SpaceFactory(community=room.community), T(9), T(11))

    assert TimeSlot.objects.count() == 2


def test_timeslot_create_one_off_on_weekly_day_overlapping_refused(room):
    weekly(room, T(14), T(16), weekday=2, title="合唱队")

    message = refused(once, room, MONDAY + dt.timedelta(days=2), T(15), T(17), title="讲座")

    assert message == "该时段与已有安排冲突：合唱队 周三 14:00–16:00。"


def test_timeslot_create_weekly_over_existing_one_off_refused(room):
    once(room, MONDAY, T(9), T(10), title="议事会")

    message = refused(weekly, room, T(9, 30), T(11), weekday=0, title="书法班")

    assert message == "该时段与已有安排冲突：议事会 2026-12-07 09:00–10:00。"


def test_timeslot_create_one_off_on_other_weekday_allowed(room):
    weekly(room, T(14), T(16), weekday=2)
    once(room, MONDAY, T(14), T(16))

    assert TimeSlot.objects.count() == 2


def test_timeslot_create_one_off_outside_weekly_validity_allowed(room):
    weekly(room, T(9), T(11), valid_from=dt.date(2027, 1, 1), valid_to=dt.date(2027, 6, 30))

    once(room, MONDAY, T(9), T(11))  # December 2026: before the weekly slot starts
    once(room, dt.date(2027, 7, 5), T(9), T(11))  # a Monday after it ends

    assert TimeSlot.objects.count() == 3


def test_timeslot_create_one_off_on_validity_edge_refused(room):
    weekly(room, T(9), T(11), valid_from=MONDAY, valid_to=MONDAY + dt.timedelta(days=28))

    refused(once, room, MONDAY, T(10), T(12))
    refused(once, room, MONDAY + dt.timedelta(days=28), T(10), T(12))


def test_timeslot_create_weekly_slots_with_disjoint_validity_allowed(room):
    weekly(room, T(9), T(11), valid_to=dt.date(2026, 12, 31), title="上半程")
    weekly(room, T(9), T(11), valid_from=dt.date(2027, 1, 1), title="下半程")

    assert TimeSlot.objects.count() == 2


def test_timeslot_create_weekly_slots_sharing_one_day_refused(room):
    weekly(room, T(9), T(11), valid_to=dt.date(2027, 1, 1), title="上半程")

    assert "上半程" in refused(weekly, room, T(9), T(11), valid_from=dt.date(2027, 1, 1))


def test_timeslot_create_open_ended_weekly_overlaps_later_one(room):
    weekly(room, T(9), T(11), title="长期班")

    assert "长期班" in refused(
        weekly, room, T(10), T(11), valid_from=dt.date(2030, 1, 1), valid_to=dt.date(2030, 2, 1)
    )


def test_timeslot_create_two_one_offs_same_date_overlapping_refused_other_date_allowed(room):
    once(room, MONDAY, T(9), T(11), title="讲座")
    once(room, MONDAY + dt.timedelta(days=1), T(9), T(11))

    assert "讲座" in refused(once, room, MONDAY, T(10), T(10, 30))


def test_timeslot_create_validity_reversed_refused(room):
    message = refused(weekly, room, T(9), T(11), valid_from=dt.date(2027, 2, 1), valid_to=dt.date(2027, 1, 1))

    assert message == "截止日期不能早于生效日期。"


def test_timeslot_create_end_before_start_refused(room):
    assert refused(weekly, room, T(11), T(9)) == "结束时间必须晚于开始时间。"
    assert refused(weekly, room, T(9), T(9)) == "结束时间必须晚于开始时间。"

    assert TimeSlot.objects.count() == 0


def test_timeslot_create_needs_weekday_or_date_not_both(room):
    message = "每周固定时段填写星期，单次预约填写日期，二者只填其一。"

    assert (
        refused(timeslot_create, space=room, weekday=0, date=MONDAY, start_time=T(9), end_time=T(10))
        == message
    )
    assert refused(timeslot_create, space=room, start_time=T(9), end_time=T(10)) == message


def test_timeslot_create_audited(room):
    slot = weekly(room, T(9), T(11), title="书法班")

    event = AuditEvent.objects.get(action="spaces.timeslot.created")
    assert (event.object_id, event.note, event.community) == (
        str(slot.pk),
        "书法班 周一 09:00–11:00",
        room.community,
    )


def test_timeslot_update_into_conflict_refused_and_unchanged(room):
    weekly(room, T(9), T(11), title="书法班")
    other = weekly(room, T(13), T(14), title="读书会")

    assert "书法班" in refused(timeslot_update, slot=other, start_time=T(10))

    other.refresh_from_db()
    assert other.start_time == T(13)


def test_timeslot_update_itself_not_a_conflict(room):
    slot = weekly(room, T(9), T(11))

    timeslot_update(slot=slot, end_time=T(11, 30))

    slot.refresh_from_db()
    assert slot.end_time == T(11, 30)


def test_timeslot_delete_audited(room):
    slot = weekly(room, T(9), T(11), title="书法班")

    timeslot_delete(slot=slot)

    assert TimeSlot.objects.count() == 0
    assert AuditEvent.objects.get(action="spaces.timeslot.deleted").note == "书法班 周一 09:00–11:00"


def test_describe_slot_names_partner_and_validity(room):
    partner = PartnerFactory(community=room.community)
    slot = weekly(room, T(9), T(11), partner=partner, valid_from=dt.date(2027, 1, 1))

    assert describe_slot(slot) == f"{partner.name} 周一 09:00–11:00（2027-01-01 至 …）"


def test_slots_conflict_is_symmetric(room):
    a = TimeSlot(space=room, weekday=0, start_time=T(9), end_time=T(11))
    b = TimeSlot(space=room, date=MONDAY, start_time=T(10), end_time=T(12))
    c = TimeSlot(space=room, date=MONDAY, start_time=T(11), end_time=T(12))

    assert (slots_conflict(a, b), slots_conflict(b, a), slots_conflict(a, c), slots_conflict(c, a)) == (
        True,
        True,
        False,
        False,
    )


def test_timeslots_release_ends_weekly_and_removes_future_one_offs(room):
    partner = PartnerFactory(community=room.community)
    ongoing = weekly(room, T(9), T(11), partner=partner, valid_from=dt.date(2026, 9, 1))
    future_weekly = weekly(room, T(14), T(15), partner=partner, valid_from=dt.date(2027, 3, 1))
    ended = weekly(room, T(16), T(17), partner=partner, valid_to=dt.date(2026, 10, 31))
    past_once = once(room, dt.date(2026, 11, 2), T(18), T(19), partner=partner)
    future_once = once(room, dt.date(2027, 2, 1), T(18), T(19), partner=partner)
    other = weekly(room, T(19), T(20), title="社区活动")

    changed = timeslots_release(partner=partner, from_date=dt.date(2027, 1, 1), note="退出")

    assert changed == 3
    ongoing.refresh_from_db()
    assert ongoing.valid_to == dt.date(2026, 12, 31)
    remaining = set(TimeSlot.objects.values_list("pk", flat=True))
    assert remaining == {ongoing.pk, ended.pk, past_once.pk, other.pk}
    assert future_weekly.pk not in remaining and future_once.pk not in remaining
    event = AuditEvent.objects.get(action="spaces.timeslots.released")
    assert (event.note, event.data) == ("退出", {"from_date": "2027-01-01", "count": 3})


def test_timeslots_release_frees_the_time_for_others(room):
    partner = PartnerFactory(community=room.community)
    weekly(room, T(9), T(11), partner=partner)
    timeslots_release(partner=partner, from_date=dt.date(2027, 1, 1))

    weekly(room, T(9), T(11), valid_from=dt.date(2027, 1, 1), title="新合伙人")

    refused(weekly, room, T(9), T(11), valid_from=dt.date(2026, 12, 1), valid_to=dt.date(2026, 12, 31))


def test_timeslots_release_nothing_to_release_returns_zero_and_no_audit(room):
    partner = PartnerFactory(community=room.community)

    assert timeslots_release(partner=partner, from_date=MONDAY) == 0
    assert not AuditEvent.objects.filter(action="spaces.timeslots.released").exists()


def test_timeslots_release_twice_is_harmless(room):
    partner = PartnerFactory(community=room.community)
    weekly(room, T(9), T(11), partner=partner)
    timeslots_release(partner=partner, from_date=MONDAY)

    assert timeslots_release(partner=partner, from_date=MONDAY) == 0


def test_timeslots_active_on_weekly_in_validity_and_one_off(room):
    in_range = weekly(room, T(9), T(10), valid_from=MONDAY, valid_to=MONDAY)
    weekly(room, T(10), T(11), valid_from=MONDAY + dt.timedelta(days=1))
    weekly(room, T(11), T(12), weekday=1)
    one_off = once(room, MONDAY, T(13), T(14))

    assert set(timeslots_active_on(MONDAY, space=room)) == {in_range, one_off}
