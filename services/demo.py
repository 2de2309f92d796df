"""Demo step: service logs, observations, feedback, trial evaluations and one exit.

Runs after agreements.demo. Only demo partners already serving (trial,
active, renewal_due) get records; only those exactly in `trial` whose target
lies beyond it are evaluated (→ active), and only the partner whose target
is `exited` leaves. A second run adds nothing.
"""

from __future__ import annotations

import datetime as dt

from agreements.domain import trial_term
from calls.demo import demo_partners, demo_target
from partners.models import PartnerStatus
from portal.choices import ExitReason, ServiceCategory
from portal.dates import local_today
from spaces.domain import timeslots_active_on
from spaces.models import Space

from . import domain
from .models import (
    Conclusion,
    EvaluationKind,
    Feedback,
    LogStatus,
    Observation,
    Observer,
    ObserverKind,
    PartnerExit,
    ScoringCriterion,
    ServiceLog,
)
from .progress import current_agreement
from .summaries import summaries_rebuild

SERVING_TARGETS = {"trial", "active", "renewal_due", "exited"}
BEYOND_TRIAL = {"active", "renewal_due", "exited"}
SCORING_SHEET = [
    ("服务成效（指标完成情况）", 40),
    ("居民满意度", 30),
    ("规范管理与安全", 20),
    ("创新与示范", 10),
]
FEEDBACK = [
    (5, "活动很实用，老师很耐心，希望多办几期。"),
    (4, "时间安排合理，就是场地有点小。"),
    (5, "孩子很喜欢，感谢社区！"),
]
TITLES = {
    "elderly": "银龄课堂",
    "childcare": "四点半课堂",
    "convenience": "便民服务日",
    "counselling": "邻里心理驿站",
    "environment": "垃圾分类宣传",
}


def _category(partner) -> str:
    categories = partner.application.service_categories or []
    return categories[0] if categories and categories[0] in ServiceCategory.values else ServiceCategory.OTHER


def _service_days(partner, agreement, today, limit=6):
    """Days in the term (up to today) on which the partner holds a slot, else every Saturday."""
    day, days = agreement.start_date, []
    while day <= min(today, agreement.end_date) and len(days) < limit:
        slot = timeslots_active_on(day, partner=partner).select_related("space").first()
        if slot is not None:
            days.append((day, slot.space, slot.start_time, slot.end_time))
        day += dt.timedelta(days=1)
    if days:
        return days
    space = Space.objects.filter(community=partner.community).first()
    day = agreement.start_date
    while space is not None and day <= min(today, agreement.end_date) and len(days) < limit:
        if day.weekday() == 5:
            days.append((day, space, dt.time(9), dt.time(11)))
        day += dt.timedelta(days=1)
    return days


def _logs(partner, agreement, staff, today):
    if ServiceLog.objects.filter(partner=partner).exists():
        return
    account = domain.partner_account_create(partner=partner, by=staff)
    title = TITLES.get(_category(partner), partner.application.project_title)
    for index, (day, space, start, end) in enumerate(_service_days(partner, agreement, today)):
        log = domain.servicelog_create(
            partner=partner,
            by=account.user,
            today=today,
            data={
                "space": space,
                "date": day,
                "start_time": start,
                "end_time": end,
                "category": _category(partner),
                "title": f"{title}（第{index + 1}期）",
                "description": partner.application.project_title,
                "residents_served": 15 + 3 * index,
                "special_group_residents": 8 + index,
                "special_groups": ["elderly"] if _category(partner) == "elderly" else ["children"],
                "cost_basis": "free",
                "volunteers": 2,
            },
        )
        if index < 4:  # the latest ones wait for checking
            domain.servicelog_review(log=log, decision=LogStatus.VERIFIED, by=staff)


def _observer(ctx):
    user = ctx["users"].get("guanchayuan")
    if user is None:
        return None
    observer = Observer.objects.filter(user=user).first()
    if observer is None:
        observer = domain.observer_appoint(
            user=user,
            community=ctx["communities"][0],
            kind=ObserverKind.RESIDENT,
            appointed_on=dt.date(2026, 1, 1),
            by=ctx["users"]["admin"],
        )
    return observer


def _observation(partner, observer, today):
    if observer is None or observer.community_id != partner.community_id:
        return
    if Observation.objects.filter(partner=partner).exists():
        return
    log = ServiceLog.objects.filter(partner=partner, status=LogStatus.VERIFIED).order_by("date").first()
    domain.observation_record(
        partner=partner,
        date=log.date if log else today,
        seen="活动准时开始，现场秩序良好，消防通道畅通，参与居民反响积极。",
        punctuality=5,
        quality=4,
        safety=5,
        attitude=5,
        by=observer.user,
    )


def _feedback(partner, staff):
    if Feedback.objects.filter(partner=partner).exists():
        return
    for index, (rating, comment) in enumerate(FEEDBACK):
        feedback = domain.feedback_submit(
            partner=partner, rating=rating, comment=comment, contact="13900000000" if index == 0 else ""
        )
        if index < 2:  # the last one waits for moderation
            domain.feedback_moderate(feedback=feedback, approve=True, by=staff)


def load(ctx):
    street, staff = ctx["street"], ctx["users"]["jiedao"]
    for order, (name, max_score) in enumerate(SCORING_SHEET):
        ScoringCriterion.objects.get_or_create(
            street=street, name=name, defaults={"max_score": max_score, "order": order}
        )
    sheet = list(ScoringCriterion.objects.filter(street=street, active=True))
    observer = _observer(ctx)
    today = local_today()

    for partner in demo_partners().filter(
        status__in=[PartnerStatus.TRIAL, PartnerStatus.ACTIVE, PartnerStatus.RENEWAL_DUE]
    ):
        target = demo_target(partner)
        if target not in SERVING_TARGETS:
            continue
        agreement = current_agreement(partner, today=today)
        if agreement is None:
            continue  # nothing to log against without a signed agreement
        domain.partner_signed(partner=partner, by=staff)
        _logs(partner, agreement, staff, today)
        _observation(partner, observer, today)
        _feedback(partner, staff)

        partner.refresh_from_db()
        if partner.status == PartnerStatus.TRIAL and target in BEYOND_TRIAL:
            # Evaluated within the window before the trial ends (四(二)2), on its last day at the latest.
            trial = trial_term(partner)
            evaluated_on = min(today, trial.end_date) if trial else today
            evaluation = domain.evaluation_record(
                partner=partner,
                kind=EvaluationKind.TRIAL,
                evaluated_on=evaluated_on,
                conclusion=Conclusion.PASS,
                remarks="试用期内按协议开展公益服务，居民评价良好，同意转为正式运行。",
                scores={c.pk: c.max_score * 85 // 100 for c in sheet},
                by=staff,
                today=evaluated_on,
            )
            if target == "active":
                domain.recognition_record(
                    partner=partner,
                    kind="commendation",
                    date=today,
                    title="试用期表现优秀",
                    evaluation=evaluation,
                    by=staff,
                )
            partner.refresh_from_db()

        if target == "exited" and partner.status in (
            PartnerStatus.ACTIVE,
            PartnerStatus.RENEWAL_DUE,
            PartnerStatus.TRIAL,
        ):
            if not PartnerExit.objects.filter(partner=partner).exists():
                domain.partner_exit(
                    partner=partner,
                    reason=ExitReason.REQUESTED,
                    note="合伙人因经营调整书面申请退出。",
                    handover_note="活动室完好归还，钥匙2把、折叠桌椅10套已交接。",
                    exit_date=today,
                    by=staff,
                )

    # Earlier demo steps ran with the clock set back ("in use today" is per day): recompute once.
    summaries_rebuild()
