"""Every API DELETE that can meet a protecting foreign key answers 409 and names what still
references the record (issue 18, defect 1); nothing is deleted."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from calls.models import ProspectInvitation
from reviews.models import CommitteeMeeting, Decision, DecisionOutcome
from spaces.domain import timeslot_create
from spaces.models import Prospect, Space
from tests.factories import (
    PartnerFactory,
    RecruitmentCallFactory,
    SpaceFactory,
    community_staff,
    street_staff,
)
from tests.services.factories import make_log, serving_partner
from tests.spaces.factories import ProspectFactory

pytestmark = pytest.mark.django_db


def space_with_timeslot():
    space = SpaceFactory()
    timeslot_create(space=space, weekday=0, start_time=dt.time(9), end_time=dt.time(10), title="书法班")
    return space, f"/api/spaces/{space.pk}/", "使用时段 1 条"


def space_with_decision():
    space = SpaceFactory()
    partner = PartnerFactory(community=space.community)
    meeting = CommitteeMeeting.objects.create(
        street=space.community.street, date=dt.date(2026, 3, 1), attendees="书记、主任"
    )
    Decision.objects.create(
        meeting=meeting,
        partner=partner,
        outcome=DecisionOutcome.APPROVE,
        community=space.community,
        space=space,
        decided_by=street_staff(street=space.community.street),
    )
    return space, f"/api/spaces/{space.pk}/", "党工委决定 1 条"


def space_with_service_logs():
    partner, agreement, space = serving_partner()
    make_log(partner, agreement, space, date=dt.date(2026, 3, 10))
    make_log(partner, agreement, space, date=dt.date(2026, 3, 17))
    return space, f"/api/spaces/{space.pk}/", "公益服务记录 2 条"


def prospect_invited():
    prospect = ProspectFactory()
    call = RecruitmentCallFactory(street=prospect.community.street)
    ProspectInvitation.objects.create(prospect=prospect, call=call, email=prospect.email)
    return prospect, f"/api/prospects/{prospect.pk}/", "申报邀请 1 条"


CASES = {
    "space-timeslot": space_with_timeslot,
    "space-decision": space_with_decision,
    "space-service-logs": space_with_service_logs,
    "prospect-invitation": prospect_invited,
}


@pytest.mark.parametrize("setup", CASES.values(), ids=CASES.keys())
def test_delete_of_a_referenced_record_is_a_409_naming_the_references(setup):
    record, url, references = setup()
    api = APIClient()
    api.force_authenticate(community_staff(community=record.community))

    response = api.delete(url)

    assert (response.status_code, response["Content-Type"]) == (409, "application/json")
    assert response.json() == {
        "detail": [f"该记录仍被其他记录引用（{references}），不能删除；请先处理这些记录。"]
    }
    assert type(record).objects.filter(pk=record.pk).exists()


def test_delete_of_an_unreferenced_space_still_works():
    space = SpaceFactory()
    api = APIClient()
    api.force_authenticate(community_staff(community=space.community))

    assert api.delete(f"/api/spaces/{space.pk}/").status_code == 204
    assert not Space.objects.filter(pk=space.pk).exists()


def test_delete_of_an_uninvited_prospect_still_works():
    prospect = ProspectFactory()
    api = APIClient()
    api.force_authenticate(community_staff(community=prospect.community))

    assert api.delete(f"/api/prospects/{prospect.pk}/").status_code == 204
    assert not Prospect.objects.filter(pk=prospect.pk).exists()
