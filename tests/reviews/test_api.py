"""The review API: scoping, privacy of score sheets, write actions through the domain."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from partners.models import PartnerStatus
from portal.models import Role
from reviews.domain import committee_meeting_record, roadshow_close_scoring, vetting_departments
from tests.factories import community_staff, partner_in_state, role_user, street_staff

from .conftest import criteria_values, give_score
from .factories import reviewer, setup_roadshow

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_reviewer_sees_only_own_sheets_until_closed(api):
    roadshow, staff, (partner,), members = setup_roadshow()
    everyone = members["expert"] + members["social"]
    for member, total in zip(everyone, [80, 90, 70, 60, 70, 65], strict=True):
        give_score(member, partner, total)
    me = members["expert"][0]
    api.force_authenticate(me.user)

    assert [s["member"] for s in api.get("/api/score-sheets/").json()["results"]] == [str(me)]

    roadshow_close_scoring(roadshow=roadshow, by=staff)
    assert len(api.get("/api/score-sheets/").json()["results"]) == 6


def test_reviewer_submits_a_sheet_through_the_api(api):
    roadshow, _staff, (partner,), members = setup_roadshow()
    me = members["social"][2]
    give_score(me, partner, 50, submit=False)  # declares, saves a draft
    api.force_authenticate(me.user)
    values = {str(k): str(v) for k, v in criteria_values(roadshow, 88).items()}

    response = api.post(
        "/api/score-sheets/",
        {"roadshow": roadshow.pk, "partner": partner.pk, "values": values, "submit": True},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    too_high = dict(values, **{next(iter(values)): "99"})
    response = api.post(
        "/api/score-sheets/",
        {"roadshow": roadshow.pk, "partner": partner.pk, "values": too_high},
        format="json",
    )
    assert (response.status_code, response.json()) == (
        400,
        {"detail": ["评分表已提交并锁定；如需修改，请联系工作人员解锁。"]},
    )


def test_vetting_check_created_through_the_api_and_refusals_are_400(api):
    partner = partner_in_state("vetting")
    staff = street_staff(street=partner.community.street)
    department = vetting_departments(partner.community.street)[0]
    department.members.add(staff)  # the party-building office's own account
    api.force_authenticate(staff)
    payload = {
        "partner": partner.pk,
        "department": department.pk,
        "result": "fail",
        "materials_complete": True,
        "plan_compliant": False,
        "violation_found": False,
        "note": "",
    }

    response = api.post("/api/vetting-checks/", payload, format="json")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": ["结论为不通过时，请写明理由。"], "errors": {"note": ["结论为不通过时，请写明理由。"]}},
    )

    response = api.post("/api/vetting-checks/", dict(payload, note="计划书与招募要求不符"), format="json")
    assert response.status_code == 201
    assert response.json()["department_name"] == "党建工作办公室"
    assert response.json()["recorded_on_behalf"] is False

    other = vetting_departments(partner.community.street)[3]
    response = api.post("/api/vetting-checks/", dict(payload, department=other.pk, note="x"), format="json")
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "只有“纪检室”的工作人员可以录入该部门的联审联查结论。"},
    )


def test_decision_through_the_api_moves_the_partner(api):
    partner = partner_in_state("scored")
    staff = street_staff(street=partner.community.street)
    meeting = committee_meeting_record(
        street=partner.community.street, date=dt.date(2026, 4, 2), attendees="周敏", by=staff
    )
    api.force_authenticate(staff)

    response = api.post(
        "/api/decisions/", {"meeting": meeting.pk, "partner": partner.pk, "outcome": "approve"}, format="json"
    )

    assert response.status_code == 201
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.APPROVED


def test_community_staff_cannot_record_a_decision(api):
    partner = partner_in_state("scored")
    staff = street_staff(street=partner.community.street)
    meeting = committee_meeting_record(
        street=partner.community.street, date=dt.date(2026, 4, 2), attendees="周敏", by=staff
    )
    api.force_authenticate(community_staff(community=partner.community))

    response = api.post(
        "/api/decisions/", {"meeting": meeting.pk, "partner": partner.pk, "outcome": "approve"}, format="json"
    )

    assert response.status_code == 403


def _world():
    roadshow, staff, (partner,), members = setup_roadshow()
    for member, total in zip(members["expert"] + members["social"], [80, 90, 70, 60, 70, 65], strict=True):
        give_score(member, partner, total)
    other_roadshow, other_staff, (other_partner,), other_members = setup_roadshow()
    give_score(other_members["expert"][0], other_partner, 70)
    return {
        "staff": staff,
        "other_staff": other_staff,
        "member": members["expert"][0].user,
        "other_member": other_members["expert"][1].user,
        "reviewer": reviewer(),
        "community_staff": community_staff(community=partner.community),
        "observer": role_user(Role.OBSERVER),
    }


# (who, url, expected status, expected count)
API_PERMISSIONS = [
    ("staff", "/api/roadshows/", 200, 1),
    ("staff", "/api/score-sheets/", 200, 6),
    ("other_staff", "/api/roadshows/", 200, 1),
    ("other_staff", "/api/score-sheets/", 200, 1),
    ("member", "/api/roadshows/", 200, 1),
    ("member", "/api/score-sheets/", 200, 1),
    ("other_member", "/api/score-sheets/", 200, 0),
    ("reviewer", "/api/roadshows/", 200, 0),
    ("reviewer", "/api/score-sheets/", 200, 0),
    ("community_staff", "/api/roadshows/", 200, 0),
    ("community_staff", "/api/score-sheets/", 200, 0),
    ("observer", "/api/decisions/", 200, 0),
    ("observer", "/api/vetting-checks/", 200, 0),
    (None, "/api/roadshows/", 403, None),
]


@pytest.mark.parametrize(("who", "url", "expected", "count"), API_PERMISSIONS)
def test_api_permission_table(api, who, url, expected, count):
    world = _world()
    if who:
        api.force_authenticate(world[who])

    response = api.get(url)

    assert response.status_code == expected
    if count is not None:
        assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 3])
def test_roadshow_list_query_count(api, django_assert_num_queries, count):
    staff = street_staff()
    for _ in range(count):
        setup_roadshow(street=staff.profile.street, staff=staff, partners=2)
    api.force_authenticate(staff)

    # count, roadshows, criteria, entries with partners
    with django_assert_num_queries(4):
        response = api.get("/api/roadshows/")

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 3])
def test_score_sheet_list_query_count(api, django_assert_num_queries, count):
    roadshow, staff, partners, members = setup_roadshow(partners=count)
    for partner in partners:
        give_score(members["expert"][0], partner, 80)
    api.force_authenticate(staff)

    with django_assert_num_queries(3):
        response = api.get("/api/score-sheets/")

    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [1, 3])
def test_vetting_and_decision_list_query_count(api, django_assert_num_queries, count):
    staff = street_staff()
    street = staff.profile.street
    from tests.factories import CommunityFactory

    community = CommunityFactory(street=street)
    meeting = committee_meeting_record(street=street, date=dt.date(2026, 4, 2), attendees="周敏", by=staff)
    from reviews.domain import decision_record, vetting_check_record

    vetting_departments(street)[0].members.add(staff)

    for _ in range(count):
        partner = partner_in_state("vetting", community=community, by=staff)
        vetting_check_record(
            partner=partner,
            department=vetting_departments(street)[0],
            by=staff,
            result="pass",
            materials_complete=True,
            plan_compliant=True,
            violation_found=False,
        )
        scored = partner_in_state("scored", community=community, by=staff)
        decision_record(meeting=meeting, partner=scored, outcome="approve", by=staff)
    api.force_authenticate(staff)

    with django_assert_num_queries(2):
        assert api.get("/api/vetting-checks/").json()["count"] == count
    with django_assert_num_queries(2):
        assert api.get("/api/decisions/").json()["count"] == count


def test_staff_open_and_close_scoring_through_the_api(api):
    roadshow, staff, (partner,), members = setup_roadshow(open_scoring=False)
    api.force_authenticate(staff)

    response = api.post(f"/api/roadshows/{roadshow.pk}/open-scoring/")
    assert (response.status_code, response.json()["status"]) == (200, "open")
    response = api.post(f"/api/roadshows/{roadshow.pk}/close-scoring/")
    assert response.status_code == 400 and "尚有 6 名评审人未提交评分" in response.json()["detail"][0]

    for member, total in zip(members["expert"] + members["social"], [80, 90, 70, 60, 70, 65], strict=True):
        give_score(member, partner, total)
    response = api.post(f"/api/roadshows/{roadshow.pk}/close-scoring/")
    assert (response.status_code, response.json()["status"]) == (200, "closed")
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.SCORED


def test_reviewer_cannot_close_scoring_through_the_api(api):
    roadshow, _staff, _partners, members = setup_roadshow()
    api.force_authenticate(members["expert"][0].user)

    assert api.post(f"/api/roadshows/{roadshow.pk}/close-scoring/").status_code == 403
