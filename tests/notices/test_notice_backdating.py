"""No backdated 公示: the period runs from the publication the system records (rulebook 五(二)3).

公示时间不少于5天: the end must be at least the street's minimum after the
real publication time, whichever door publishes it (admin form and button,
API), and every page, the feed, the end task, the dossier and the filing
report show that real period.
"""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from notices.domain import notice_file, notice_publish
from notices.models import NoticeStatus, PublicNotice
from notices.tasks import end_due_notices
from partners.models import PartnerStatus
from portal.domain import audit_events_for
from portal.dossier import dossier_sections
from tests.notices.factories import approved_partner, clock_at, draft_notice, setting
from tests.utils import pdf_text

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
EARLIEST_AT_START = "公示期不得少于 5 天：结束时间最早为 2026-03-06 09:00。"


@pytest.fixture
def staff(db):
    return setting()[1]


@pytest.fixture
def partner(staff):
    return approved_partner(staff.profile.street.communities.first())


def _form_data(partner, **fields):
    return {
        "street": partner.community.street_id,
        "title": "拟入驻名单公示",
        "body": "",
        "decision_reference": "党工委会议",
        "objection_contact": "纪检室 0511-87260000",
        "partners": [partner.pk],
        "entries-TOTAL_FORMS": 0,
        "entries-INITIAL_FORMS": 0,
        "objections-TOTAL_FORMS": 0,
        "objections-INITIAL_FORMS": 0,
        **fields,
    }


# --- The admin form -----------------------------------------------------------------------


def test_notice_admin_form_backdated_start_refused_and_ignored(client, staff, partner):
    """The case found: start typed 5 days back, end 150 s later, published at once."""
    client.force_login(staff)
    backdated = _form_data(
        partner,
        starts_at_0="2026-02-24",
        starts_at_1="09:00",
        ends_at_0="2026-02-24",
        ends_at_1="09:02",
    )

    with clock_at(START):
        form_page = client.get(reverse("admin:notices_publicnotice_add")).content.decode()
        refused = client.post(reverse("admin:notices_publicnotice_add"), backdated)
        backdated.update(ends_at_0="2026-03-06", ends_at_1="09:00")
        accepted = client.post(reverse("admin:notices_publicnotice_add"), backdated)
        notice = PublicNotice.objects.get()
        draft_start = notice.starts_at
        client.post(reverse("admin:notices_publicnotice_publish", args=[notice.pk]))

    assert 'name="starts_at_0"' not in form_page
    assert refused.status_code == 200
    assert EARLIEST_AT_START in refused.content.decode()
    assert accepted.status_code == 302
    assert draft_start is None
    notice.refresh_from_db()
    assert (notice.status, notice.starts_at, notice.published_at) == (NoticeStatus.PUBLISHED, START, START)


def test_notice_admin_form_past_end_refused(client, staff, partner):
    client.force_login(staff)

    with clock_at(START):
        response = client.post(
            reverse("admin:notices_publicnotice_add"),
            _form_data(partner, ends_at_0="2026-02-28", ends_at_1="17:00"),
        )

    assert response.status_code == 200
    assert EARLIEST_AT_START in response.content.decode()
    assert PublicNotice.objects.count() == 0


def test_notice_admin_form_end_one_minute_short_refused_exact_accepted(client, staff, partner):
    client.force_login(staff)
    data = _form_data(partner, ends_at_0="2026-03-06", ends_at_1="08:59")

    with clock_at(START):
        refused = client.post(reverse("admin:notices_publicnotice_add"), data)
        data["ends_at_1"] = "09:00"
        accepted = client.post(reverse("admin:notices_publicnotice_add"), data)

    assert EARLIEST_AT_START in refused.content.decode()
    assert accepted.status_code == 302
    assert PublicNotice.objects.get().ends_at == START + dt.timedelta(days=5)


def test_notice_admin_publish_button_rechecks_end_against_publication(client, staff, partner):
    client.force_login(staff)
    with clock_at(START):
        notice = draft_notice(staff=staff, partners=[partner], ends_at=START + dt.timedelta(days=5))

    with clock_at(START + dt.timedelta(days=1)):
        response = client.post(reverse("admin:notices_publicnotice_publish", args=[notice.pk]), follow=True)

    assert "公示期不得少于 5 天：结束时间最早为 2026-03-07 09:00。" in response.content.decode()
    notice.refresh_from_db()
    partner.refresh_from_db()
    assert (notice.status, notice.starts_at, notice.published_at) == (NoticeStatus.DRAFT, None, None)
    assert partner.status == PartnerStatus.APPROVED


# --- The domain functions ------------------------------------------------------------------


def test_notice_save_draft_past_end_refused(staff, partner):
    with clock_at(START), pytest.raises(ValidationError) as error:
        draft_notice(staff=staff, partners=[partner], ends_at=START - dt.timedelta(hours=1))

    assert error.value.message_dict["ends_at"] == [EARLIEST_AT_START]
    assert PublicNotice.objects.count() == 0


def test_notice_save_draft_end_one_minute_short_refused(staff, partner):
    with clock_at(START), pytest.raises(ValidationError) as error:
        draft_notice(staff=staff, partners=[partner], ends_at=START + dt.timedelta(days=5, minutes=-1))

    assert error.value.message_dict["ends_at"] == [EARLIEST_AT_START]


def test_notice_save_draft_has_no_start_parameter(staff, partner):
    with clock_at(START), pytest.raises(TypeError):
        draft_notice(staff=staff, partners=[partner], starts_at=START - dt.timedelta(days=5))


def test_notice_earliest_end_shown_is_rounded_up_to_an_accepted_minute(staff, partner):
    now = START + dt.timedelta(seconds=20)

    with clock_at(now), pytest.raises(ValidationError) as error:
        draft_notice(staff=staff, partners=[partner], ends_at=START + dt.timedelta(days=5))
    with clock_at(now):
        accepted = draft_notice(
            staff=staff, partners=[partner], ends_at=START + dt.timedelta(days=5, minutes=1)
        )

    assert error.value.message_dict["ends_at"] == ["公示期不得少于 5 天：结束时间最早为 2026-03-06 09:01。"]
    assert accepted.ends_at == START + dt.timedelta(days=5, minutes=1)


def test_notice_publish_rechecks_draft_end_against_publication(staff, partner):
    with clock_at(START):
        notice = draft_notice(staff=staff, partners=[partner], ends_at=START + dt.timedelta(days=5))

    with clock_at(START + dt.timedelta(days=1)), pytest.raises(ValidationError) as error:
        notice_publish(notice=notice, by=staff)

    assert error.value.messages == ["公示期不得少于 5 天：结束时间最早为 2026-03-07 09:00。"]
    notice.refresh_from_db()
    partner.refresh_from_db()
    assert (notice.status, notice.starts_at) == (NoticeStatus.DRAFT, None)
    assert partner.status == PartnerStatus.APPROVED
    assert [e.action for e in audit_events_for(notice)] == ["notices.notice.created"]


def test_notice_publish_later_end_kept(staff, partner):
    end = START + dt.timedelta(days=8)
    with clock_at(START):
        notice = draft_notice(staff=staff, partners=[partner], ends_at=end)
    published_at = START + dt.timedelta(days=3)

    with clock_at(published_at):
        notice = notice_publish(notice=notice, by=staff)

    assert (notice.starts_at, notice.published_at, notice.ends_at) == (published_at, published_at, end)


def test_notice_api_publish_rechecks_end(staff, partner):
    with clock_at(START):
        notice = draft_notice(staff=staff, partners=[partner], ends_at=START + dt.timedelta(days=5))
    api = APIClient()
    api.force_authenticate(staff)

    with clock_at(START + dt.timedelta(minutes=1)):
        response = api.post(f"/api/public-notices/{notice.pk}/publish/")

    assert response.status_code == 400
    assert "公示期不得少于 5 天：结束时间最早为 2026-03-06 09:01。" in response.content.decode()
    assert PublicNotice.objects.get(pk=notice.pk).status == NoticeStatus.DRAFT


def test_notice_published_period_cannot_be_moved_in_the_database(staff, partner):
    with clock_at(START):
        notice = notice_publish(notice=draft_notice(staff=staff, partners=[partner]), by=staff)

    with pytest.raises(IntegrityError), transaction.atomic():
        PublicNotice.objects.filter(pk=notice.pk).update(starts_at=START - dt.timedelta(days=5))


# --- Every reader sees the real period -----------------------------------------------------


def test_notice_real_period_on_pages_feed_task_dossier_and_filing(client, staff, partner):
    """Drafted on 1 March, published on 2 March 10:30 with no end chosen: 2 → 7 March 10:30."""
    published = dt.datetime(2026, 3, 2, 10, 30, tzinfo=SHANGHAI)
    end = published + dt.timedelta(days=5)
    period = "2026年3月2日 10:30 至 2026年3月7日 10:30"
    with clock_at(START):
        notice = draft_notice(staff=staff, partners=[partner])
    with clock_at(published):
        notice = notice_publish(notice=notice, by=staff)

    with clock_at(published + dt.timedelta(hours=1)):
        page = client.get(reverse("notices:notice_detail", args=[notice.pk])).content.decode()
        feed = client.get(reverse("notices:notice_feed")).content.decode()
    with clock_at(end - dt.timedelta(seconds=1)):
        moved_before_end = end_due_notices()
    with clock_at(end):
        moved_at_end = end_due_notices()
        report = pdf_text(notice_file(notice=notice, by=staff)).replace("\n", "")

    notice.refresh_from_db()
    partner.refresh_from_db()
    section = next(s for s in dossier_sections(partner) if s.key == "notice")
    published_event = [e for e in audit_events_for(notice) if e.action == "notices.notice.published"]
    assert (notice.starts_at, notice.published_at, notice.ends_at) == (published, published, end)
    assert f"公示期：{period}，剩余 5 天" in page
    assert f"公示期：{period}" in feed
    assert (moved_before_end, moved_at_end) == (0, 1)
    assert (notice.status, partner.status) == (NoticeStatus.ENDED, PartnerStatus.SIGNING)
    assert section.entries[0].detail.startswith("公示期 2026年3月2日 10:30 至 2026年3月7日 10:30；")
    assert period in report
    assert published_event[0].data["starts_at"] == published.isoformat()
