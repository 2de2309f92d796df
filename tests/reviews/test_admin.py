"""The review stage in the admin: pages load for street staff, buttons call the domain."""

import datetime as dt

import pytest
from django.urls import reverse

from partners.models import PartnerStatus
from portal.models import AuditEvent
from reviews.domain import vetting_departments
from reviews.models import Panel, PanelKind, ScoreSheet, SheetStatus, VettingCheck
from tests.factories import community_staff, partner_in_state, street_staff
from tests.reviews.factories import vetting_clerk

from .conftest import give_score
from .factories import RoadshowFactory, reviewer, setup_roadshow

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "reviewpolicy",
    "vettingdepartment",
    "vettingcheck",
    "rubric",
    "roadshow",
    "panel",
    "scoresheet",
    "conflictdeclaration",
    "sitevisit",
    "committeemeeting",
    "decision",
]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_load_for_street_staff(client, model):
    _roadshow, staff, _partners, _members = setup_roadshow()
    client.force_login(staff)

    assert client.get(reverse(f"admin:reviews_{model}_changelist")).status_code == 200


def test_other_streets_roadshow_is_not_found(client):
    roadshow, _staff, _partners, _members = setup_roadshow()
    client.force_login(street_staff())

    assert client.get(reverse("admin:reviews_roadshow_change", args=[roadshow.pk])).status_code == 302
    assert roadshow.title not in client.get(reverse("admin:reviews_roadshow_changelist")).content.decode()


def test_community_staff_can_read_vetting_of_their_community_only(client):
    partner = partner_in_state("vetting")
    department = vetting_departments(partner.community.street)[0]
    check_url = reverse("admin:reviews_vettingcheck_changelist")
    from reviews.domain import vetting_check_record

    vetting_check_record(
        partner=partner,
        department=department,
        by=vetting_clerk(department),
        result="pass",
        materials_complete=True,
        plan_compliant=True,
        violation_found=False,
    )
    client.force_login(community_staff(community=partner.community))
    assert partner.name in client.get(check_url).content.decode()
    assert client.get(reverse("admin:reviews_vettingcheck_add")).status_code == 403

    client.force_login(community_staff())
    assert partner.name not in client.get(check_url).content.decode()


def _panel_post(roadshow, members):
    data = {
        "roadshow": roadshow.pk,
        "kind": PanelKind.SOCIAL,
        "members-TOTAL_FORMS": len(members),
        "members-INITIAL_FORMS": 0,
        "members-MIN_NUM_FORMS": 0,
        "members-MAX_NUM_FORMS": 1000,
    }
    for i, (user, seat) in enumerate(members):
        data[f"members-{i}-user"] = user.pk
        data[f"members-{i}-seat"] = seat
    return data


def test_panel_admin_refuses_too_few_resident_reps_and_accepts_thirty_percent(client):
    roadshow = RoadshowFactory()
    staff = street_staff(street=roadshow.street)
    client.force_login(staff)
    url = reverse("admin:reviews_panel_add")
    two_of_ten = [(reviewer(), "resident") for _ in range(2)] + [
        (reviewer(), "residents_committee") for _ in range(8)
    ]

    response = client.post(url, _panel_post(roadshow, two_of_ten))
    assert response.status_code == 200
    assert "10 人的社会评审组至少需要 3 名群众代表，目前只有 2 名。" in response.content.decode()
    assert not Panel.objects.exists()

    three_of_ten = [(reviewer(), "resident") for _ in range(3)] + [
        (reviewer(), "community_party") for _ in range(7)
    ]
    response = client.post(url, _panel_post(roadshow, three_of_ten))
    assert response.status_code == 302
    assert Panel.objects.get().members.count() == 10


def test_unlock_in_the_admin_needs_a_reason_and_is_logged(client):
    roadshow, staff, (partner,), members = setup_roadshow()
    sheet = give_score(members["expert"][0], partner, 80)
    client.force_login(staff)
    url = reverse("admin:reviews_scoresheet_unlock", args=[sheet.pk])

    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "该字段是必填项。" in response.content.decode()

    response = client.post(url, {"reason": "评审人申请修改第三项"})
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT
    assert AuditEvent.objects.get(action="reviews.sheet.unlocked").note == "评审人申请修改第三项"


def test_vetting_actions_shortlist_and_reject(client, mailoutbox, django_capture_on_commit_callbacks):
    good = partner_in_state("vetting")
    street = good.community.street
    bad = partner_in_state("vetting", community=good.community)
    staff = street_staff(street=street)
    client.force_login(staff)
    add_url = reverse("admin:reviews_vettingcheck_add")
    for department in vetting_departments(street):
        client.force_login(vetting_clerk(department))  # each department records its own conclusion
        client.post(
            add_url,
            {
                "partner": good.pk,
                "department": department.pk,
                "result": "pass",
                "materials_complete": "on",
                "plan_compliant": "on",
                "source_consulted": "信用中国",
            },
        )
    discipline = [d for d in vetting_departments(street) if d.name == "纪检室"][0]
    client.force_login(vetting_clerk(discipline))
    client.post(
        add_url,
        {
            "partner": bad.pk,
            "department": discipline.pk,
            "result": "fail",
            "materials_complete": "on",
            "violation_found": "on",
            "source_consulted": "信用中国",
            "note": "存在失信记录",
        },
    )
    assert VettingCheck.objects.filter(partner=good).count() == 5

    client.force_login(staff)
    changelist = reverse("admin:reviews_vettingcheck_changelist")
    ids = list(VettingCheck.objects.values_list("pk", flat=True))
    client.post(changelist, {"action": "shortlist_partners", "_selected_action": ids})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "reject_partners", "_selected_action": ids})

    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.status, bad.status) == (PartnerStatus.SHORTLISTED, PartnerStatus.REJECTED)
    assert [m.to for m in mailoutbox] == [[bad.application.email]]


def test_vetting_admin_shows_refusal_as_message(client):
    partner = partner_in_state("vetting")
    department = vetting_departments(partner.community.street)[0]
    client.force_login(vetting_clerk(department))

    response = client.post(
        reverse("admin:reviews_vettingcheck_add"),
        {
            "partner": partner.pk,
            "department": department.pk,
            "result": "fail",
            "note": "",
            "source_consulted": "信用中国",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "结论为不通过时，请写明理由。" in page and 'value="信用中国"' in page
    assert not VettingCheck.objects.exists()


def test_vetting_admin_shows_domain_refusal_as_message(client):
    partner = partner_in_state("vetting")
    staff = street_staff(street=partner.community.street)
    department = vetting_departments(partner.community.street)[0]
    client.force_login(vetting_clerk(department))
    from partners.domain import partner_transition

    partner_transition(partner=partner, transition="withdraw", by=staff)
    response = client.post(
        reverse("admin:reviews_vettingcheck_add"),
        {
            "partner": partner.pk,
            "department": department.pk,
            "result": "pass",
            "materials_complete": "on",
            "plan_compliant": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert not VettingCheck.objects.exists()


def test_sheet_admin_is_read_only(client):
    roadshow, staff, (partner,), members = setup_roadshow()
    sheet = give_score(members["expert"][0], partner, 80)
    client.force_login(staff)

    response = client.post(reverse("admin:reviews_scoresheet_change", args=[sheet.pk]), {"comment": "改"})

    assert response.status_code in (200, 403)
    assert ScoreSheet.objects.get().comment == ""


def test_vetting_board_shows_progress_and_shortlists(client):
    partner = partner_in_state("vetting")
    street = partner.community.street
    staff = street_staff(street=street)
    from reviews.domain import vetting_check_record

    for department in vetting_departments(street):
        vetting_check_record(
            partner=partner,
            department=department,
            by=vetting_clerk(department),
            result="pass",
            materials_complete=True,
            plan_compliant=True,
            violation_found=False,
        )
    other_street_partner = partner_in_state("vetting")
    client.force_login(staff)
    url = reverse("admin:reviews_vetting_board")

    page = client.get(url).content.decode()
    assert partner.name in page and other_street_partner.name not in page
    assert page.count(">通过<") == 5 and "列入入围名单" in page

    client.post(url, {"partner": partner.pk, "action": "shortlist"})
    partner.refresh_from_db()
    assert partner.status == PartnerStatus.SHORTLISTED
    assert client.post(url, {"partner": other_street_partner.pk, "action": "shortlist"}).status_code == 404


def test_committee_meeting_admin_records_decisions_through_the_domain(client):
    approved = partner_in_state("scored")
    street = approved.community.street
    refused = partner_in_state("scored", community=approved.community)
    staff = street_staff(street=street)
    client.force_login(staff)
    data = {
        "street": street.pk,
        "date": "2026-04-02",
        "title": "街道党工委会议",
        "attendees": "周敏、孙磊",
        "minutes": "研究确定名单。",
        "decisions-TOTAL_FORMS": 2,
        "decisions-INITIAL_FORMS": 0,
        "decisions-MIN_NUM_FORMS": 0,
        "decisions-MAX_NUM_FORMS": 1000,
        "decisions-0-partner": approved.pk,
        "decisions-0-outcome": "approve",
        "decisions-0-community": approved.community.pk,
        "decisions-1-partner": refused.pk,
        "decisions-1-outcome": "not_select",
        "decisions-1-note": "",
    }

    response = client.post(reverse("admin:reviews_committeemeeting_add"), data)
    assert response.status_code == 200
    assert "不予入选时，请写明理由。" in response.content.decode()

    data["decisions-1-note"] = "名额已满"
    response = client.post(reverse("admin:reviews_committeemeeting_add"), data)
    assert response.status_code == 302
    approved.refresh_from_db()
    refused.refresh_from_db()
    assert (approved.status, refused.status) == (PartnerStatus.APPROVED, PartnerStatus.NOT_SELECTED)
    assert refused.transitions.last().actor == staff


def test_committee_meeting_correction_is_audited(client):
    from portal.domain import audit_events_for
    from reviews.domain import committee_meeting_record
    from reviews.models import CommitteeMeeting

    staff = street_staff()
    meeting = committee_meeting_record(
        street=staff.profile.street, date=dt.date(2026, 4, 2), attendees="周敏", by=staff
    )
    client.force_login(staff)
    data = {
        "date": "2026-04-03",
        "title": "街道党工委会议",
        "attendees": " 周敏、孙磊 ",
        "minutes": "更正日期。",
        "decisions-TOTAL_FORMS": 0,
        "decisions-INITIAL_FORMS": 0,
        "decisions-MIN_NUM_FORMS": 0,
        "decisions-MAX_NUM_FORMS": 1000,
    }

    response = client.post(reverse("admin:reviews_committeemeeting_change", args=[meeting.pk]), data)

    assert response.status_code == 302
    meeting = CommitteeMeeting.objects.get(pk=meeting.pk)
    assert (meeting.date, meeting.attendees) == (dt.date(2026, 4, 3), "周敏、孙磊")
    assert [e.action for e in audit_events_for(meeting)] == [
        "reviews.meeting.recorded",
        "reviews.meeting.changed",
    ]


def test_roadshow_admin_opens_scoring_and_reports_refusals(client):
    roadshow, staff, _partners, members = setup_roadshow(open_scoring=False)
    client.force_login(staff)
    changelist = reverse("admin:reviews_roadshow_changelist")
    street = roadshow.street
    street.resident_rep_min_share = "0.50"
    street.save()

    response = client.post(
        changelist, {"action": "open_scoring", "_selected_action": [roadshow.pk]}, follow=True
    )
    assert "群众代表不少于50%" in response.content.decode()

    street.resident_rep_min_share = "0.30"
    street.save()
    client.post(changelist, {"action": "open_scoring", "_selected_action": [roadshow.pk]})
    roadshow.refresh_from_db()
    assert roadshow.status == "open"


def test_vetting_board_offers_the_record_button_only_for_the_users_department(client):
    partner = partner_in_state("vetting")
    departments = vetting_departments(partner.community.street)
    discipline = [d for d in departments if d.name == "纪检室"][0]
    client.force_login(vetting_clerk(discipline))
    add_url = reverse("admin:reviews_vettingcheck_add")

    page = client.get(reverse("admin:reviews_vetting_board")).content.decode()

    assert f"department={discipline.pk}" in page
    assert [d.pk for d in departments if f"department={d.pk}" in page] == [discipline.pk]
    assert page.count(">待审核<") == 4

    # Another department's conclusion posted by hand: refused, nothing saved.
    response = client.post(
        add_url,
        {
            "partner": partner.pk,
            "department": departments[0].pk,
            "result": "pass",
            "materials_complete": "on",
            "plan_compliant": "on",
            "source_consulted": "信用中国",
        },
    )
    assert response.status_code == 200 and 'value="信用中国"' in response.content.decode()
    assert not VettingCheck.objects.exists()


def test_superuser_records_on_behalf_and_the_admin_says_so(client, admin_user):
    partner = partner_in_state("vetting")
    discipline = [d for d in vetting_departments(partner.community.street) if d.name == "纪检室"][0]
    client.force_login(admin_user)

    client.post(
        reverse("admin:reviews_vettingcheck_add"),
        {
            "partner": partner.pk,
            "department": discipline.pk,
            "result": "pass",
            "materials_complete": "on",
            "plan_compliant": "on",
        },
    )

    check = VettingCheck.objects.get()
    assert (check.checked_by, check.recorded_on_behalf) == (admin_user, True)
    page = client.get(reverse("admin:reviews_vetting_board")).content.decode()
    assert "通过</a>（代为登记）" in page
