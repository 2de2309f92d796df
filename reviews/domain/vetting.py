"""Joint vetting (联审联查) and the shortlist (入围名单) — rulebook 五(一)3."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from calls.models import RecruitmentCall
from partners.domain import partner_transition
from partners.models import Partner, PartnerStatus, PartnerTransition
from portal.domain import audit_log

from ..models import DEFAULT_VETTING_DEPARTMENTS, ReviewPolicy, VettingCheck, VettingDepartment, VettingResult
from ..rules import can_record_vetting_for, can_vet, is_vetting_department_member

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User

    from portal.models import Street


def review_policy_for(street: Street) -> ReviewPolicy:
    """The street's review configuration, created with the rulebook defaults on first use."""
    policy, _created = ReviewPolicy.objects.get_or_create(street=street)
    return policy


def vetting_departments(street: Street) -> list[VettingDepartment]:
    """The street's vetting departments; the rulebook's five are set up on first use.

    Rulebook 五(一)3: 党建工作办公室会同党政和人大办公室、政法和社会事业办公室、纪检室、社工站.
    """
    departments = list(VettingDepartment.objects.filter(street=street, active=True))
    if not departments and not VettingDepartment.objects.filter(street=street).exists():
        for position, name in enumerate(DEFAULT_VETTING_DEPARTMENTS, start=1):
            VettingDepartment.objects.get_or_create(street=street, name=name, defaults={"position": position})
        departments = list(VettingDepartment.objects.filter(street=street, active=True))
    return departments


@dataclass
class VettingState:
    """Where one applicant's joint vetting stands."""

    departments: list[VettingDepartment]
    checks: dict[int, VettingCheck]  # department id → check

    @property
    def passed(self) -> bool:
        return bool(self.departments) and all(
            self.checks.get(d.pk) is not None and self.checks[d.pk].result == VettingResult.PASS
            for d in self.departments
        )

    @property
    def failed(self) -> bool:
        return any(c.result == VettingResult.FAIL for c in self.checks.values())

    @property
    def missing(self) -> list[VettingDepartment]:
        return [d for d in self.departments if d.pk not in self.checks]

    @property
    def failures(self) -> list[VettingCheck]:
        return [c for c in self.checks.values() if c.result == VettingResult.FAIL]


def vetting_state(partner: Partner) -> VettingState:
    departments = vetting_departments(partner.community.street)
    checks = {
        c.department_id: c
        for c in VettingCheck.objects.filter(partner=partner, department__in=departments).select_related(
            "department", "checked_by"
        )
    }
    return VettingState(departments=departments, checks=checks)


def vetting_check_problems(
    *,
    result: str,
    materials_complete: bool,
    plan_compliant: bool,
    violation_found: bool,
    source_consulted: str,
    note: str,
) -> dict:
    """Field → message for a conclusion that contradicts its own findings (empty when consistent)."""
    errors = {}
    if result == VettingResult.FAIL and not (note or "").strip():
        errors["note"] = _("结论为不通过时，请写明理由。")
    if result == VettingResult.PASS and not (materials_complete and plan_compliant):
        errors["result"] = _("材料不完整或计划不合规时，结论不能为通过。")
    if result == VettingResult.PASS and violation_found:
        errors["result"] = _("发现违规违纪违法或失信行为时，结论不能为通过。")
    if violation_found and not (source_consulted or "").strip():
        errors["source_consulted"] = _("请注明查询渠道。")
    return errors


def vetting_check_record(
    *,
    partner: Partner,
    department: VettingDepartment,
    result: str,
    by: User,
    materials_complete: bool,
    plan_compliant: bool,
    violation_found: bool,
    source_consulted: str = "",
    note: str = "",
) -> VettingCheck:
    """Record (or revise) one department's conclusion while the application is in vetting.

    Rulebook 五(一)3: completeness and compliance of the materials, and a check
    for 违规违纪违法和失信行为. A "fail" needs its reasons written down, because
    they are what the applicant is told.

    Each conclusion belongs to its department (党建工作办公室会同党政和人大办公室、
    政法和社会事业办公室、纪检室、社工站): only an account linked to that department
    (`VettingDepartment.members`) may record it, so the record says which office
    answers for it (七2, overseen by the 纪检室). A superuser may record it on the
    department's behalf; the check then says so (`recorded_on_behalf`, 代为登记).
    """
    if department.street_id != partner.community.street_id:
        raise ValidationError({"department": _("该部门不属于申请人所在街道。")})
    if not (can_vet.test(by, partner) and can_record_vetting_for.test(by, department)):
        raise PermissionDenied(
            _("只有“%(department)s”的工作人员可以录入该部门的联审联查结论。")
            % {"department": department.name}
        )
    on_behalf = not is_vetting_department_member.test(by, department)
    if partner.status != PartnerStatus.VETTING:
        raise ValidationError(
            _("只有“联审联查中”的申请可以录入审核结论，当前状态为“%(status)s”。")
            % {"status": partner.get_status_display()}
        )
    note = (note or "").strip()
    errors = vetting_check_problems(
        result=result,
        materials_complete=materials_complete,
        plan_compliant=plan_compliant,
        violation_found=violation_found,
        source_consulted=source_consulted,
        note=note,
    )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        check = (
            VettingCheck.objects.select_for_update().filter(partner=partner, department=department).first()
        )
        before = check.result if check else ""
        if check is None:
            check = VettingCheck(partner=partner, department=department)
        check.result = result
        check.materials_complete = materials_complete
        check.plan_compliant = plan_compliant
        check.violation_found = violation_found
        check.source_consulted = source_consulted.strip()
        check.note = note
        check.checked_by = by
        check.recorded_on_behalf = on_behalf
        check.full_clean()
        check.save()
        audit_log(
            subject=partner,
            action="reviews.vetting.recorded",
            actor=by,
            from_state=before,
            to_state=result,
            note=note,
            community=partner.community,
            data={
                "department": department.name,
                "check": check.pk,
                "materials_complete": materials_complete,
                "plan_compliant": plan_compliant,
                "violation_found": violation_found,
                "source": check.source_consulted,
                "on_behalf": on_behalf,
            },
        )
    return check


def partner_shortlist(*, partner: Partner, by: User) -> Partner:
    """Every department passed: the applicant goes on the shortlist (入围名单)."""
    return partner_transition(partner=partner, transition="shortlist", by=by)


def vetting_rejection_reasons(partner: Partner) -> str:
    state = vetting_state(partner)
    return "\n".join(f"{c.department.name}：{c.note}" for c in state.failures)


def partner_reject_after_vetting(*, partner: Partner, by: User) -> Partner:
    """A department failed the application: reject it with the departments' reasons.

    The applicant is told politely by e-mail; the status page shows the same.
    The e-mail is sent by `reviews.handlers` once the transition commits.
    """
    return partner_transition(
        partner=partner, transition="reject", by=by, note=vetting_rejection_reasons(partner)
    )


def shortlist_rows(call: RecruitmentCall) -> list[Partner]:
    """The shortlist (入围名单) of one recruitment call, oldest application first.

    Rulebook 五(一)3: the joint vetting of a batch of applications "形成入围名单".
    The list is what was decided at vetting: every applicant of `call` that was
    shortlisted, whatever happened later (scored, approved, not selected,
    exited); applicants rejected or withdrawn at vetting never were on it, and
    applicants of other calls never appear.
    """
    shortlisted = PartnerTransition.objects.filter(transition="shortlist").values("partner_id")
    return list(
        Partner.objects.filter(application__call=call, pk__in=shortlisted)
        .select_related("application", "community")
        .order_by("application__submitted_at", "pk")
    )


def shortlist_decided_on(call: RecruitmentCall) -> dt.datetime | None:
    """When the call's shortlist was last added to (the date the list stands at), or None."""
    return (
        PartnerTransition.objects.filter(transition="shortlist", partner__application__call=call)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def shortlist_calls(street: Street) -> list[RecruitmentCall]:
    """The street's recruitment calls that have a shortlist, newest first (the staff choose one)."""
    shortlisted = PartnerTransition.objects.filter(transition="shortlist").values("partner_id")
    return list(
        RecruitmentCall.objects.filter(street=street, applications__partner__in=shortlisted)
        .distinct()
        .order_by("-opens_at", "-pk")
    )
