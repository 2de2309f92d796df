"""The street committee's decision (党工委会议研究) — rulebook 五(二)2."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partners.models import PartnerStatus
from reviews.domain import committee_meeting_record, decision_record, site_visit_record
from reviews.models import DecisionOutcome
from tests.factories import CommunityFactory, SpaceFactory, community_staff, partner_in_state, street_staff

pytestmark = pytest.mark.django_db


def meeting_for(street, staff):
    return committee_meeting_record(
        street=street,
        date=dt.date(2026, 4, 2),
        attendees="周敏、孙磊、吴静",
        minutes="研究路演评分结果。",
        by=staff,
    )


def test_approval_records_community_and_space_and_moves_to_approved():
    partner = partner_in_state("scored")
    street = partner.community.street
    staff = street_staff(street=street)
    space = SpaceFactory(community=partner.community)

    decision = decision_record(
        meeting=meeting_for(street, staff),
        partner=partner,
        outcome=DecisionOutcome.APPROVE,
        space=space,
        by=staff,
    )

    partner.refresh_from_db()
    assert (partner.status, decision.community, decision.space) == (
        PartnerStatus.APPROVED,
        partner.community,
        space,
    )
    assert partner.transitions.last().actor == staff


def test_not_selecting_needs_a_reason():
    partner = partner_in_state("scored")
    staff = street_staff(street=partner.community.street)
    meeting = meeting_for(partner.community.street, staff)

    with pytest.raises(ValidationError) as refused:
        decision_record(meeting=meeting, partner=partner, outcome=DecisionOutcome.NOT_SELECT, by=staff)
    assert refused.value.message_dict == {"note": ["不予入选时，请写明理由。"]}

    decision_record(
        meeting=meeting,
        partner=partner,
        outcome=DecisionOutcome.NOT_SELECT,
        note="同类项目名额已满",
        by=staff,
    )
    partner.refresh_from_db()
    assert (partner.status, partner.transitions.last().note) == (
        PartnerStatus.NOT_SELECTED,
        "同类项目名额已满",
    )


def test_space_must_belong_to_the_assigned_community():
    partner = partner_in_state("scored")
    street = partner.community.street
    staff = street_staff(street=street)
    other_space = SpaceFactory(community=CommunityFactory(street=street))

    with pytest.raises(ValidationError) as refused:
        decision_record(
            meeting=meeting_for(street, staff),
            partner=partner,
            outcome=DecisionOutcome.APPROVE,
            space=other_space,
            by=staff,
        )

    assert refused.value.message_dict == {"space": ["分配的空间不属于所选社区。"]}


def test_decision_only_for_scored_applicants():
    partner = partner_in_state("shortlisted")
    staff = street_staff(street=partner.community.street)

    with pytest.raises(ValidationError) as refused:
        decision_record(
            meeting=meeting_for(partner.community.street, staff),
            partner=partner,
            outcome=DecisionOutcome.APPROVE,
            by=staff,
        )

    assert refused.value.message_dict == {
        "partner": ["只有“路演已评分”的申请人可以作出决定，当前状态为“已入围”。"]
    }


def test_community_staff_cannot_record_the_committee_decision():
    partner = partner_in_state("scored")
    staff = street_staff(street=partner.community.street)
    meeting = meeting_for(partner.community.street, staff)

    with pytest.raises(PermissionDenied):
        decision_record(
            meeting=meeting,
            partner=partner,
            outcome=DecisionOutcome.APPROVE,
            by=community_staff(community=partner.community),
        )


def test_site_visit_is_recorded():
    partner = partner_in_state("scored")
    staff = street_staff(street=partner.community.street)

    visit = site_visit_record(
        partner=partner,
        date=dt.date(2026, 3, 25),
        visitors="周敏、张建国",
        findings="场地符合消防要求",
        by=staff,
    )

    assert partner.site_visits.get() == visit
