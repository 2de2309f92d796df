"""Dossier section 50: notices, objections and the filing in the partner's record."""

import datetime as dt

import pytest

from notices.domain import notice_file, objection_conclude, objection_file
from notices.tasks import end_due_notices
from portal.dossier import dossier_sections
from tests.notices.factories import approved_partner, past_notice, setting


@pytest.mark.django_db
def test_notice_dossier_section_lists_notice_objection_and_filing():
    community, staff = setting()
    partner = approved_partner(community)
    notice = past_notice(staff=staff, partners=[partner])
    objection = objection_file(
        notice=notice,
        entry=notice.entries.get(),
        grounds="异议",
        objector_name="李居民",
        objector_phone="13700001111",
        now=notice.starts_at + dt.timedelta(days=1),
    )
    objection_conclude(objection=objection, upheld=False, conclusion="异议不成立。", by=staff)
    end_due_notices()
    notice_file(notice=notice, by=staff)

    notice.refresh_from_db()
    section = next(s for s in dossier_sections(partner) if s.key == "notice")

    assert section.title == "公示与异议"
    assert [e.title for e in section.entries] == [
        f"公示：{notice.title}",
        "公示结果备案",
        f"异议 {objection.reference}：异议不成立",
    ]
    assert [(d.label, d.file.name) for d in section.entries[1].documents] == [
        ("公示结果备案报告", notice.filing_report.name)
    ]
    assert section.entries[2].detail == "异议不成立。"


@pytest.mark.django_db
def test_notice_dossier_section_absent_without_notice():
    community, _staff = setting()

    assert "notice" not in [s.key for s in dossier_sections(approved_partner(community))]
