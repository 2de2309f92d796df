"""The notice period: at least the street's minimum, ends in Asia/Shanghai (rulebook 五(二)3)."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notices.domain import notice_publish
from notices.models import NoticeStatus, PublicNotice
from partners.models import PartnerStatus
from portal.dates import local_midnight
from tests.notices.factories import approved_partner, clock_at, draft_notice, published_notice, setting

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def staff(db):
    return setting()[1]


@pytest.fixture
def partner(staff):
    return approved_partner(staff.profile.street.communities.first())


def test_notice_period_four_days_23_hours_refused(staff, partner):
    with clock_at(START), pytest.raises(ValidationError) as error:
        draft_notice(staff=staff, partners=[partner], ends_at=START + dt.timedelta(days=4, hours=23))

    assert error.value.message_dict["ends_at"] == ["公示期不得少于 5 天：结束时间最早为 2026-03-06 09:00。"]
    assert PublicNotice.objects.count() == 0


def test_notice_period_exact_minimum_accepted(staff, partner):
    with clock_at(START):
        notice = draft_notice(staff=staff, partners=[partner], ends_at=START + dt.timedelta(days=5))

    assert notice.status == NoticeStatus.DRAFT
    assert [e.partner_id for e in notice.entries.all()] == [partner.pk]
    with clock_at(START):
        notice = notice_publish(notice=notice, by=staff)
    assert (notice.starts_at, notice.published_at, notice.ends_at) == (
        START,
        START,
        START + dt.timedelta(days=5),
    )


def test_notice_period_street_stricter_minimum_applies(staff, partner):
    street = staff.profile.street
    street.notice_min_days = 7
    street.save()

    with clock_at(START), pytest.raises(ValidationError):
        draft_notice(staff=staff, partners=[partner], ends_at=START + dt.timedelta(days=6))


def test_notice_admin_form_refuses_short_period(client, staff, partner):
    client.force_login(staff)
    data = {
        "street": staff.profile.street.pk,
        "title": "拟入驻名单公示",
        "body": "",
        "decision_reference": "党工委会议",
        "objection_contact": "纪检室 0511-87260000",
        "ends_at_0": "2026-03-06",
        "ends_at_1": "08:00",
        "partners": [partner.pk],
        "entries-TOTAL_FORMS": 0,
        "entries-INITIAL_FORMS": 0,
        "objections-TOTAL_FORMS": 0,
        "objections-INITIAL_FORMS": 0,
    }

    with clock_at(START):
        refused = client.post(reverse("admin:notices_publicnotice_add"), data)
        data["ends_at_1"] = "09:00"
        accepted = client.post(reverse("admin:notices_publicnotice_add"), data)
        notice = PublicNotice.objects.get()
        client.post(reverse("admin:notices_publicnotice_publish", args=[notice.pk]))

    assert refused.status_code == 200
    assert "公示期不得少于 5 天" in refused.content.decode()
    assert accepted.status_code == 302
    notice = PublicNotice.objects.get()
    assert (notice.starts_at, notice.ends_at) == (START, START + dt.timedelta(days=5))
    assert [e.partner_id for e in notice.entries.all()] == [partner.pk]


def test_notice_end_at_midnight_shanghai_is_the_boundary(staff, partner):
    notice = published_notice(
        staff=staff,
        partners=[partner],
        at=local_midnight(dt.date(2026, 3, 1)),
        ends_at=local_midnight(dt.date(2026, 3, 6)),
    )

    # 2026-03-06 00:00 in Shanghai is 2026-03-05 16:00 UTC.
    just_before = dt.datetime(2026, 3, 5, 15, 59, 59, tzinfo=dt.UTC)
    at_midnight = dt.datetime(2026, 3, 5, 16, 0, 0, tzinfo=dt.UTC)
    assert notice.period_over(just_before) is False
    assert notice.in_period(just_before) is True
    assert notice.period_over(at_midnight) is True
    assert notice.in_period(at_midnight) is False


def test_notice_page_shows_period_and_days_left(client, staff, partner):
    notice = published_notice(staff=staff, partners=[partner])

    html = client.get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()

    start = notice.starts_at.astimezone(SHANGHAI)
    end = notice.ends_at.astimezone(SHANGHAI)
    assert (
        f"公示期：{start:%Y}年{start.month}月{start.day}日 {start:%H:%M} 至 "
        f"{end:%Y}年{end.month}月{end.day}日 {end:%H:%M}，剩余 5 天"
    ) in html
    assert "公示期满" not in html
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.IN_NOTICE


def test_notice_page_after_end_says_period_over(client, staff, partner):
    from tests.notices.factories import past_notice

    notice = past_notice(staff=staff, partners=[partner])

    html = client.get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()

    assert "公示期满" in html
    assert "剩余" not in html
    assert "提交异议" not in html
    assert notice.objection_contact not in html
