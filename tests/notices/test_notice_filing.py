"""Filing (备案): the report to the three city bodies, as a Chinese PDF (rulebook 五(二)3)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notices.domain import notice_file, objection_conclude, objection_file
from notices.models import PublicNotice
from notices.tasks import end_due_notices
from portal.domain import audit_events_for
from tests.notices.factories import approved_partner, individual_partner, past_notice, setting
from tests.utils import pdf_text


@pytest.fixture
def staff(db):
    return setting()[1]


@pytest.fixture
def community(staff):
    return staff.profile.street.communities.first()


def _objection(notice, entry, conclusion, upheld, staff):
    objection = objection_file(
        notice=notice,
        entry=entry,
        grounds="异议理由",
        objector_name="李居民",
        objector_phone="13700001111",
        now=notice.starts_at + dt.timedelta(days=1),
    )
    objection_conclude(objection=objection, upheld=upheld, conclusion=conclusion, by=staff)
    return objection


def test_filing_pdf_has_decision_period_objections_and_final_list(staff, community):
    kept = approved_partner(community, applicant_name="句容市银龄互助服务中心", project_title="银龄学堂")
    dropped = individual_partner(community)
    notice = past_notice(staff=staff, partners=[kept, dropped])
    upheld = _objection(notice, notice.entries.get(partner=dropped), "经核实存在违规收费。", True, staff)
    dismissed = _objection(notice, notice.entries.get(partner=kept), "所述情况不属实。", False, staff)
    end_due_notices()

    text = pdf_text(notice_file(notice=notice, by=staff)).replace("\n", "")

    assert "公示结果备案报告" in text
    assert "市委组织部、市纪委监委、市委社会工作部" in text
    assert "崇明街道党工委2026年第3次会议" in text
    start = notice.starts_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert f"{start.year}年{start.month}月{start.day}日" in text
    assert f"{upheld.reference}" in text and "异议成立：经核实存在违规收费。" in text
    assert f"{dismissed.reference}" in text and "异议不成立：所述情况不属实。" in text
    final = text.split("四、最终名单")[1]
    assert "句容市银龄互助服务中心" in final
    assert "张晓三" not in final
    notice.refresh_from_db()
    assert notice.filed_at is not None and notice.filed_by == staff
    assert notice.filing_report.read()[:4] == b"%PDF"
    assert [e.action for e in audit_events_for(notice)][-1] == "notices.notice.filed"


def test_filing_refused_while_objection_open_or_period_running(staff, community):
    partner = approved_partner(community)
    notice = past_notice(staff=staff, partners=[partner])
    objection_file(
        notice=notice,
        entry=notice.entries.get(),
        grounds="异议",
        objector_name="李居民",
        objector_phone="13700001111",
        now=notice.starts_at + dt.timedelta(days=1),
    )

    with pytest.raises(ValidationError) as error:
        notice_file(notice=notice, by=staff)

    assert error.value.messages == ["尚有未办结的异议，办结后才能备案。"]
    assert PublicNotice.objects.get().filed_at is None


def test_filing_admin_button_downloads_pdf(client, staff, community):
    notice = past_notice(staff=staff, partners=[approved_partner(community)])
    end_due_notices()
    client.force_login(staff)

    response = client.post(reverse("admin:notices_publicnotice_file", args=[notice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "公示期内未收到异议。" in pdf_text(response.content)
    stored = client.get(reverse("admin:notices_publicnotice_filing_report", args=[notice.pk]))
    assert b"".join(stored.streaming_content)[:4] == b"%PDF"
