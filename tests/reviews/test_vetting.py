"""Joint vetting (联审联查) and the shortlist — rulebook 五(一)3."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partners import guards
from partners.domain import TransitionRefused, partner_transition
from partners.models import ExitReason, PartnerStatus
from portal.models import AuditEvent
from reviews.domain import (
    partner_reject_after_vetting,
    partner_shortlist,
    shortlist_rows,
    vetting_check_record,
    vetting_departments,
    vetting_state,
)
from reviews.models import VettingDepartment, VettingResult
from tests.factories import community_staff, partner_in_state, street_staff
from tests.reviews.factories import vetting_clerk

pytestmark = pytest.mark.django_db

PASS = {
    "result": VettingResult.PASS,
    "materials_complete": True,
    "plan_compliant": True,
    "violation_found": False,
    "source_consulted": "信用中国",
}


def pass_all(partner, departments=None):
    """Each department's own account records a pass (rulebook 五(一)3)."""
    for department in departments or vetting_departments(partner.community.street):
        vetting_check_record(partner=partner, department=department, by=vetting_clerk(department), **PASS)


def test_default_departments_are_the_rulebooks_five():
    partner = partner_in_state("vetting")

    names = [d.name for d in vetting_departments(partner.community.street)]

    assert names == ["党建工作办公室", "党政和人大办公室", "政法和社会事业办公室", "纪检室", "社工站"]


def test_departments_are_configured_per_street():
    partner = partner_in_state("vetting")
    street = partner.community.street
    VettingDepartment.objects.create(street=street, name="党建工作办公室", position=1)
    VettingDepartment.objects.create(street=street, name="纪检室", position=2)
    staff = street_staff(street=street)

    pass_all(partner)
    partner_shortlist(partner=partner, by=staff)

    assert partner.status == PartnerStatus.SHORTLISTED
    assert vetting_state(partner).passed is True


def test_shortlist_needs_every_department_to_pass():
    partner = partner_in_state("vetting")
    staff = street_staff(street=partner.community.street)
    departments = vetting_departments(partner.community.street)
    pass_all(partner, departments[:-1])

    with pytest.raises(TransitionRefused) as refused:
        partner_shortlist(partner=partner, by=staff)
    assert refused.value.messages == ["尚有联审部门未审核通过。"]

    vetting_check_record(
        partner=partner, department=departments[-1], by=vetting_clerk(departments[-1]), **PASS
    )
    partner_shortlist(partner=partner, by=staff)
    assert partner.status == PartnerStatus.SHORTLISTED
    assert [p.pk for p in shortlist_rows(partner.application.call)] == [partner.pk]


def test_needs_documents_is_neither_pass_nor_fail():
    partner = partner_in_state("vetting")
    departments = vetting_departments(partner.community.street)
    pass_all(partner, departments[1:])
    vetting_check_record(
        partner=partner,
        department=departments[0],
        by=vetting_clerk(departments[0]),
        result=VettingResult.NEEDS_DOCUMENTS,
        materials_complete=False,
        plan_compliant=True,
        violation_found=False,
        note="缺少营业执照复印件",
    )

    state = vetting_state(partner)
    assert (state.passed, state.failed) == (False, False)


def test_failure_rejects_with_reasons_and_a_polite_email(mailoutbox, django_capture_on_commit_callbacks):
    partner = partner_in_state("vetting")
    staff = street_staff(street=partner.community.street)
    discipline = [d for d in vetting_departments(partner.community.street) if d.name == "纪检室"][0]
    vetting_check_record(
        partner=partner,
        department=discipline,
        by=vetting_clerk(discipline),
        result=VettingResult.FAIL,
        materials_complete=True,
        plan_compliant=True,
        violation_found=True,
        source_consulted="信用中国",
        note="存在失信被执行记录",
    )

    with django_capture_on_commit_callbacks(execute=True):
        partner_reject_after_vetting(partner=partner, by=staff)

    assert partner.status == PartnerStatus.REJECTED
    assert partner.transitions.last().note == "纪检室：存在失信被执行记录"
    (mail,) = mailoutbox
    assert mail.to == [partner.application.email]
    assert mail.subject == f"您的“睦邻合伙人”申请审核结果（{partner.reference}）"
    assert "很遗憾" in mail.body and "纪检室：存在失信被执行记录" in mail.body


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"result": VettingResult.FAIL, "note": ""}, {"note": ["结论为不通过时，请写明理由。"]}),
        ({"materials_complete": False}, {"result": ["材料不完整或计划不合规时，结论不能为通过。"]}),
        ({"violation_found": True}, {"result": ["发现违规违纪违法或失信行为时，结论不能为通过。"]}),
        (
            {"violation_found": True, "result": VettingResult.FAIL, "note": "失信", "source_consulted": ""},
            {"source_consulted": ["请注明查询渠道。"]},
        ),
    ],
)
def test_inconsistent_check_is_refused_with_a_message(fields, errors):
    partner = partner_in_state("vetting")
    department = vetting_departments(partner.community.street)[0]

    with pytest.raises(ValidationError) as refused:
        vetting_check_record(
            partner=partner, department=department, by=vetting_clerk(department), **(PASS | fields)
        )

    assert refused.value.message_dict == errors


def test_community_staff_cannot_record_vetting():
    partner = partner_in_state("vetting")
    clerk = community_staff(community=partner.community)

    with pytest.raises(PermissionDenied):
        vetting_check_record(
            partner=partner, department=vetting_departments(partner.community.street)[0], by=clerk, **PASS
        )


def test_vetting_only_while_in_vetting():
    partner = partner_in_state("submitted")
    department = vetting_departments(partner.community.street)[0]

    with pytest.raises(ValidationError) as refused:
        vetting_check_record(partner=partner, department=department, by=vetting_clerk(department), **PASS)

    assert refused.value.messages == ["只有“联审联查中”的申请可以录入审核结论，当前状态为“已提交”。"]


def test_revising_a_check_keeps_one_record_and_logs_both():
    partner = partner_in_state("vetting")
    department = vetting_departments(partner.community.street)[0]
    staff = vetting_clerk(department)
    vetting_check_record(
        partner=partner,
        department=department,
        by=staff,
        result=VettingResult.NEEDS_DOCUMENTS,
        materials_complete=False,
        plan_compliant=True,
        violation_found=False,
        note="补交计划书",
    )
    vetting_check_record(partner=partner, department=department, by=staff, **PASS)

    assert partner.vetting_checks.get().result == VettingResult.PASS
    assert list(
        AuditEvent.objects.filter(action="reviews.vetting.recorded")
        .order_by("id")
        .values_list("from_state", "to_state")
    ) == [("", "needs_documents"), ("needs_documents", "pass")]


def test_reject_transition_without_a_failed_check_is_refused():
    partner = partner_in_state("vetting")
    staff = street_staff(street=partner.community.street)

    with pytest.raises(TransitionRefused):
        partner_transition(partner=partner, transition="reject", by=staff, note="x")


def test_rejection_mail_is_sent_by_the_real_worker(celery_worker_thread, mailoutbox):
    import time

    partner = partner_in_state("vetting")
    staff = street_staff(street=partner.community.street)
    department = vetting_departments(partner.community.street)[0]
    vetting_check_record(
        partner=partner,
        department=department,
        by=vetting_clerk(department),
        result=VettingResult.FAIL,
        materials_complete=False,
        plan_compliant=True,
        violation_found=False,
        note="缺少项目计划书",
    )

    partner_reject_after_vetting(partner=partner, by=staff)

    for _ in range(100):
        if mailoutbox:
            break
        time.sleep(0.1)
    assert [m.to for m in mailoutbox] == [[partner.application.email]]
    assert "党建工作办公室：缺少项目计划书" in mailoutbox[0].body


def test_rejection_from_the_partner_page_also_tells_the_applicant(
    mailoutbox, django_capture_on_commit_callbacks
):
    partner = partner_in_state("vetting")
    staff = street_staff(street=partner.community.street)
    department = vetting_departments(partner.community.street)[0]
    vetting_check_record(
        partner=partner,
        department=department,
        by=vetting_clerk(department),
        result=VettingResult.FAIL,
        materials_complete=False,
        plan_compliant=True,
        violation_found=False,
        note="缺少项目计划书",
    )

    with django_capture_on_commit_callbacks(execute=True):
        partner_transition(partner=partner, transition="reject", by=staff, note="材料不全")

    assert [m.to for m in mailoutbox] == [[partner.application.email]]
    assert "材料不全" in mailoutbox[0].body


# --- Each department records its own conclusion (五(一)3) ---------------------------------


def test_department_member_records_its_own_conclusion():
    partner = partner_in_state("vetting")
    discipline = [d for d in vetting_departments(partner.community.street) if d.name == "纪检室"][0]
    clerk = vetting_clerk(discipline)

    check = vetting_check_record(partner=partner, department=discipline, by=clerk, **PASS)

    assert (check.checked_by, check.recorded_on_behalf) == (clerk, False)


def test_street_staff_of_another_department_is_refused_naming_the_department():
    partner = partner_in_state("vetting")
    departments = vetting_departments(partner.community.street)
    party_office, discipline = departments[0], departments[3]
    party_clerk = vetting_clerk(party_office)

    with pytest.raises(PermissionDenied) as refused:
        vetting_check_record(partner=partner, department=discipline, by=party_clerk, **PASS)

    assert str(refused.value) == "只有“纪检室”的工作人员可以录入该部门的联审联查结论。"
    assert not partner.vetting_checks.exists()


def test_street_staff_without_a_department_is_refused():
    partner = partner_in_state("vetting")
    department = vetting_departments(partner.community.street)[0]

    with pytest.raises(PermissionDenied) as refused:
        vetting_check_record(
            partner=partner, department=department, by=street_staff(street=partner.community.street), **PASS
        )

    assert str(refused.value) == "只有“党建工作办公室”的工作人员可以录入该部门的联审联查结论。"


def test_member_of_the_same_department_in_another_street_is_refused():
    partner = partner_in_state("vetting")
    other = partner_in_state("vetting")
    other_clerk = vetting_clerk(vetting_departments(other.community.street)[0])
    department = vetting_departments(partner.community.street)[0]
    department.members.add(other_clerk)  # linked by mistake: still not staff of this street

    with pytest.raises(PermissionDenied):
        vetting_check_record(partner=partner, department=department, by=other_clerk, **PASS)


def test_superuser_records_on_behalf_of_the_department_and_it_shows():
    from django.contrib.auth import get_user_model

    from portal.dossier import dossier_sections

    partner = partner_in_state("vetting")
    discipline = [d for d in vetting_departments(partner.community.street) if d.name == "纪检室"][0]
    admin = get_user_model().objects.create_superuser("admin_x", "a@example.cn", "x", first_name="管理员")

    check = vetting_check_record(partner=partner, department=discipline, by=admin, **PASS)

    assert (check.checked_by, check.recorded_on_behalf) == (admin, True)
    event = AuditEvent.objects.get(action="reviews.vetting.recorded")
    assert event.data["on_behalf"] is True
    section = [s for s in dossier_sections(partner) if s.key == "vetting"][0]
    assert "审核人：管理员（代为登记，代表纪检室）" in section.entries[0].detail


# --- The shortlist is one call's (五(一)3) --------------------------------------------------


def test_shortlist_is_one_calls_and_keeps_those_who_later_left():
    from tests.factories import CommunityFactory, RecruitmentCallFactory

    community = CommunityFactory()
    first, second = (
        RecruitmentCallFactory(street=community.street),
        RecruitmentCallFactory(street=community.street),
    )
    exited = partner_in_state("active", community=community, application__call=first)
    with guards.facts_forced({"violation_signed_off": True}):
        partner_transition(
            partner=exited,
            transition="exit",
            by=street_staff(street=community.street),
            note="合伙人书面申请退出",
            reason=ExitReason.REQUESTED,
            procedure="services.partner_exit",  # standing in for the exit procedure
        )
    assert exited.status == PartnerStatus.EXITED
    shortlisted = partner_in_state("shortlisted", community=community, application__call=first)
    rejected = partner_in_state("rejected", community=community, application__call=first)
    still_vetting = partner_in_state("vetting", community=community, application__call=first)
    other_call = partner_in_state("shortlisted", community=community, application__call=second)

    first_rows = [p.pk for p in shortlist_rows(first)]
    assert first_rows == [exited.pk, shortlisted.pk]
    assert rejected.pk not in first_rows and still_vetting.pk not in first_rows
    assert [p.pk for p in shortlist_rows(second)] == [other_call.pk]
