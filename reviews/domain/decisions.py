"""Site visits and the street committee's decision — rulebook 五(二)2."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partners.domain import partner_transition
from partners.models import Partner, PartnerStatus
from portal.domain import audit_log

from ..models import CommitteeMeeting, Decision, DecisionOutcome, SiteVisit
from ..rules import can_manage_street_record, can_vet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from portal.models import Community, Street
    from spaces.models import Space


def site_visit_record(
    *, partner: Partner, date: dt.date, visitors: str, findings: str, by: User
) -> SiteVisit:
    """Record an (optional) site visit: 实地考察情况(如必要)."""
    if not can_vet.test(by, partner):
        raise PermissionDenied(_("您没有权限录入实地考察。"))
    visit = SiteVisit(
        partner=partner, date=date, visitors=visitors.strip(), findings=findings.strip(), recorded_by=by
    )
    visit.full_clean()
    with transaction.atomic():
        visit.save()
        audit_log(
            subject=partner,
            action="reviews.site_visit.recorded",
            actor=by,
            community=partner.community,
            data={"visit": visit.pk, "date": str(date)},
        )
    return visit


def committee_meeting_record(
    *,
    street: Street,
    date: dt.date,
    attendees: str,
    minutes: str = "",
    title: str = "街道党工委会议",
    by: User,
) -> CommitteeMeeting:
    """Record a 党工委会议 (date, attendees, minutes)."""
    meeting = CommitteeMeeting(
        street=street, date=date, attendees=attendees.strip(), minutes=minutes.strip(), title=title
    )
    return committee_meeting_save(meeting=meeting, by=by)


def committee_meeting_save(*, meeting: CommitteeMeeting, by: User) -> CommitteeMeeting:
    """Save a new or corrected meeting record (rulebook 五(二)2); the decisions are separate rows."""
    if not can_manage_street_record.test(by, meeting):
        raise PermissionDenied(_("只有本街道工作人员可以录入党工委会议。"))
    adding = meeting.pk is None
    meeting.attendees = (meeting.attendees or "").strip()
    meeting.minutes = (meeting.minutes or "").strip()
    meeting.full_clean()
    with transaction.atomic():
        meeting.save()
        audit_log(
            subject=meeting,
            action="reviews.meeting.recorded" if adding else "reviews.meeting.changed",
            actor=by,
            data={"date": str(meeting.date)},
        )
    return meeting


def decision_problems(
    *,
    meeting: CommitteeMeeting,
    partner: Partner,
    outcome: str,
    community: Community | None = None,
    space: Space | None = None,
    note: str = "",
) -> dict:
    errors = {}
    if partner.community.street_id != meeting.street_id:
        errors["partner"] = _("该申请人不属于本街道。")
    elif partner.status != PartnerStatus.SCORED:
        errors["partner"] = _("只有“路演已评分”的申请人可以作出决定，当前状态为“%(status)s”。") % {
            "status": partner.get_status_display()
        }
    elif Decision.objects.filter(partner=partner).exists():
        errors["partner"] = _("该申请人已有党工委决定。")
    if outcome == DecisionOutcome.APPROVE:
        if community is None:
            errors["community"] = _("请指定入驻社区。")
        elif community.street_id != meeting.street_id:
            errors["community"] = _("入驻社区必须属于本街道。")
        if space is not None and community is not None and space.community_id != community.pk:
            errors["space"] = _("分配的空间不属于所选社区。")
    elif outcome == DecisionOutcome.NOT_SELECT:
        if not (note or "").strip():
            errors["note"] = _("不予入选时，请写明理由。")
    else:
        errors["outcome"] = _("请选择决定。")
    return errors


def decision_record(
    *,
    meeting: CommitteeMeeting,
    partner: Partner,
    outcome: str,
    community: Community | None = None,
    space: Space | None = None,
    note: str = "",
    by: User,
) -> Decision:
    """Record the committee's decision on one applicant and move it on.

    Rulebook 五(二)2: 经街道党工委会议研究,最终形成名单. Approval names the
    community and (if decided) the space; it drives partner_transition
    "approve", not selecting drives "not_select".
    """
    if not can_manage_street_record.test(by, meeting):
        raise PermissionDenied(_("只有本街道工作人员可以录入党工委决定。"))
    if outcome == DecisionOutcome.APPROVE and community is None:
        community = partner.community
    note = (note or "").strip()
    errors = decision_problems(
        meeting=meeting, partner=partner, outcome=outcome, community=community, space=space, note=note
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision = Decision(
            meeting=meeting,
            partner=partner,
            outcome=outcome,
            community=community if outcome == DecisionOutcome.APPROVE else None,
            space=space if outcome == DecisionOutcome.APPROVE else None,
            note=note,
            decided_by=by,
        )
        decision.full_clean()
        decision.save()
        audit_log(
            subject=partner,
            action="reviews.decision.recorded",
            actor=by,
            to_state=outcome,
            note=note,
            community=partner.community,
            data={
                "meeting": meeting.pk,
                "community": getattr(community, "pk", None),
                "space": getattr(space, "pk", None),
            },
        )
        partner_transition(
            partner=partner,
            transition=outcome,
            by=by,
            note=note or _("%(date)s 党工委会议研究通过。") % {"date": meeting.date},
            data={"meeting": meeting.pk, "decision": decision.pk},
            procedure="reviews.decision_record",
        )
    return decision
