"""The facts the lifecycle asks of reviews, and the dossier sections 20/30/40."""

import datetime as dt
from decimal import Decimal

import pytest

from partners.guards import fact
from portal.dossier import dossier_sections
from reviews.domain import (
    committee_meeting_record,
    decision_record,
    roadshow_close_scoring,
    vetting_check_record,
    vetting_departments,
)
from reviews.models import VettingResult
from tests.factories import partner_in_state

from .conftest import give_score
from .factories import setup_roadshow, vetting_clerk

pytestmark = pytest.mark.django_db


def test_vetting_facts():
    partner = partner_in_state("vetting")
    departments = vetting_departments(partner.community.street)
    assert (fact("vetting_passed", partner), fact("vetting_failed", partner)) == (False, False)

    for department in departments:
        vetting_check_record(
            partner=partner,
            department=department,
            by=vetting_clerk(department),
            result=VettingResult.PASS,
            materials_complete=True,
            plan_compliant=True,
            violation_found=False,
        )
    assert (fact("vetting_passed", partner), fact("vetting_failed", partner)) == (True, False)

    vetting_check_record(
        partner=partner,
        department=departments[3],
        by=vetting_clerk(departments[3]),
        result=VettingResult.FAIL,
        materials_complete=True,
        plan_compliant=True,
        violation_found=True,
        source_consulted="信用中国",
        note="失信",
    )
    assert (fact("vetting_passed", partner), fact("vetting_failed", partner)) == (False, True)


def test_scoring_complete_fact_and_sections():
    roadshow, staff, (partner,), members = setup_roadshow()
    assert fact("scoring_complete", partner) is False
    for member, total in zip(members["expert"] + members["social"], [80, 90, 70, 60, 70, 65], strict=True):
        give_score(member, partner, total)
    assert fact("scoring_complete", partner) is True
    # Scores stay out of the dossier until scoring closes.
    assert "roadshow" not in [s.key for s in dossier_sections(partner)]

    roadshow_close_scoring(roadshow=roadshow, by=staff)
    partner.refresh_from_db()
    meeting = committee_meeting_record(
        street=roadshow.street, date=dt.date(2026, 4, 2), attendees="周敏", by=staff
    )
    assert (fact("decision_approved", partner), fact("decision_not_selected", partner)) == (False, False)
    decision_record(meeting=meeting, partner=partner, outcome="approve", by=staff)
    assert (fact("decision_approved", partner), fact("decision_not_selected", partner)) == (True, False)

    sections = {s.key: s for s in dossier_sections(partner)}
    assert {"roadshow", "decision"} <= set(sections)
    titles = [e.title for e in sections["roadshow"].entries]
    assert f"综合评分：{Decimal('74.00')}" in titles
    assert sections["decision"].entries[0].title.endswith("通过，确定为睦邻合伙人")


def test_vetting_section_lists_each_department():
    partner = partner_in_state("vetting")
    department = vetting_departments(partner.community.street)[4]
    staff = vetting_clerk(department, first_name="吴静")
    vetting_check_record(
        partner=partner,
        department=department,
        by=staff,
        result=VettingResult.NEEDS_DOCUMENTS,
        materials_complete=False,
        plan_compliant=True,
        violation_found=False,
        note="补交团队简介",
    )

    (section,) = [s for s in dossier_sections(partner) if s.key == "vetting"]

    assert [e.title for e in section.entries] == ["社工站：需补充材料"]
    assert "补交团队简介" in section.entries[0].detail
    assert "审核人：吴静" in section.entries[0].detail and "代为登记" not in section.entries[0].detail
