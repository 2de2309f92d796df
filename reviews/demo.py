"""Demo step of the review stage: vetting, one roadshow with both panels, the committee.

Moves only demo partners exactly at this stage's start states (vetting,
shortlisted, scored) whose target lies beyond, through the domain functions,
so every state has its records behind it. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from calls.demo import demo_partners, demo_target
from partners.models import PartnerStatus
from portal.demo import DEMO_PASSWORD
from portal.domain import user_assign_role
from portal.models import Role
from spaces.models import Space

from . import domain
from .models import (
    CommitteeMeeting,
    Criterion,
    Decision,
    Panel,
    PanelKind,
    Roadshow,
    Rubric,
    Seat,
    VettingCheck,
    VettingResult,
)

S = PartnerStatus
BEYOND_VETTING = {
    S.SHORTLISTED,
    S.SCORED,
    S.APPROVED,
    S.NOT_SELECTED,
    S.IN_NOTICE,
    S.SIGNING,
    S.TRIAL,
    S.ACTIVE,
    S.RENEWAL_DUE,
    S.EXITED,
}
BEYOND_SHORTLIST = BEYOND_VETTING - {S.SHORTLISTED}
APPROVED_AND_BEYOND = {S.APPROVED, S.IN_NOTICE, S.SIGNING, S.TRIAL, S.ACTIVE, S.RENEWAL_DUE, S.EXITED}

RUBRIC_V1 = [
    ("需求契合度", "项目与社区居民需求清单的契合程度。", 20),
    ("公益承诺", "每月免费服务时数、服务人次、活动场次等量化承诺。", 20),
    ("能力与团队", "专业团队、技术或资源是否足以实施项目。", 20),
    ("计划可行性", "目标、活动安排和进度是否清楚可行。", 15),
    ("可持续性", "资金、人员和运营能否长期维持。", 15),
    ("过往案例", "既往服务经验与居民口碑。", 10),
]

# username, display name, seat
EXTRA_REVIEWERS = [
    ("shequdangwei1", "高建华", Seat.COMMUNITY_PARTY),
    ("juweihui1", "林小红", Seat.RESIDENTS_COMMITTEE),
]


def _reviewer(username, display, street):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": display, "email": f"{username}@mulin.example.cn"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        user_assign_role(user=user, role=Role.REVIEWER, street=street, department=display)
    return user


# Vetting department → the demo account that answers for it (rulebook 五(一)3).
VETTING_CLERKS = {
    "党建工作办公室": "jiedao",
    "党政和人大办公室": "dangzheng",
    "政法和社会事业办公室": "zhengfa",
    "纪检室": "jijian",
    "社工站": "shegongzhan",
}


def _link_vetting_departments(ctx, departments):
    for department in departments:
        department.members.add(ctx["users"][VETTING_CLERKS[department.name]])


def _vet(ctx, clerk):
    departments = domain.vetting_departments(ctx["street"])
    _link_vetting_departments(ctx, departments)
    users = ctx["users"]
    for partner in demo_partners().filter(status=S.VETTING):
        target = demo_target(partner)
        if VettingCheck.objects.filter(partner=partner).exists():
            continue
        if target == S.VETTING:
            # Half-way: two offices have passed it, the others are still checking.
            for department in departments[:2]:
                domain.vetting_check_record(
                    partner=partner,
                    department=department,
                    by=users[VETTING_CLERKS[department.name]],
                    result=VettingResult.PASS,
                    materials_complete=True,
                    plan_compliant=True,
                    violation_found=False,
                    source_consulted="信用中国",
                )
            continue
        if target == S.REJECTED:
            for department in departments:
                failed = department.name == "纪检室"
                domain.vetting_check_record(
                    partner=partner,
                    department=department,
                    by=users[VETTING_CLERKS[department.name]],
                    result=VettingResult.FAIL if failed else VettingResult.PASS,
                    materials_complete=True,
                    plan_compliant=True,
                    violation_found=failed,
                    source_consulted="信用中国、国家企业信用信息公示系统",
                    note="经查询，申请主体存在失信被执行记录，不符合办法三（二）5的基本条件。"
                    if failed
                    else "",
                )
            domain.partner_reject_after_vetting(partner=partner, by=clerk)
            continue
        if target in BEYOND_VETTING:
            for department in departments:
                domain.vetting_check_record(
                    partner=partner,
                    department=department,
                    by=users[VETTING_CLERKS[department.name]],
                    result=VettingResult.PASS,
                    materials_complete=True,
                    plan_compliant=True,
                    violation_found=False,
                    source_consulted="信用中国",
                    note="材料齐全，未发现不良记录。",
                )
            domain.partner_shortlist(partner=partner, by=clerk)


def _rubric(street):
    rubric, created = Rubric.objects.get_or_create(street=street, name="综合评估细则", version=1)
    if created:
        Criterion.objects.bulk_create(
            [
                Criterion(
                    rubric=rubric,
                    position=i,
                    title=title,
                    description=description,
                    max_score=Decimal(max_score),
                    weight=Decimal("1"),
                )
                for i, (title, description, max_score) in enumerate(RUBRIC_V1, start=1)
            ]
        )
    return rubric


def _score_for(index: int, member_index: int, low: bool, criterion) -> Decimal:
    """Deterministic, plausible scores: 70–95% of the maximum, lower for the not selected."""
    share = Decimal(72 + (index * 7 + member_index * 3) % 22) / 100
    if low:
        share -= Decimal("0.2")
    return (criterion.max_score * share).quantize(Decimal("0.5"))


def _roadshow(ctx, clerk):
    street = ctx["street"]
    users = ctx["users"]
    candidates = [
        p
        for p in demo_partners().filter(status=S.SHORTLISTED).order_by("application__reference")
        if demo_target(p) in BEYOND_SHORTLIST
    ]
    if (
        Roadshow.objects.filter(street=street, title="2026年第一批“睦邻合伙人”路演").exists()
        or not candidates
    ):
        return
    roadshow = Roadshow.objects.create(
        street=street,
        title="2026年第一批“睦邻合伙人”路演",
        date=dt.date(2026, 3, 20),
        place="崇明街道党群服务中心三楼报告厅",
        rubric=_rubric(street),
    )
    domain.roadshow_set_entries(roadshow=roadshow, partners=candidates, by=clerk)
    domain.panel_set_members(
        panel=Panel(roadshow=roadshow, kind=PanelKind.EXPERT),
        by=clerk,
        members=[
            (users["pingshen1"], Seat.CITY_ORGANISATION),
            (users["pingshen2"], Seat.DISCIPLINE),
            (users["pingshen3"], Seat.SOCIAL_WORK),
        ],
    )
    extra = [(_reviewer(username, display, street), seat) for username, display, seat in EXTRA_REVIEWERS]
    domain.panel_set_members(
        panel=Panel(roadshow=roadshow, kind=PanelKind.SOCIAL),
        by=clerk,
        members=[(users["jumin1"], Seat.RESIDENT), (users["jumin2"], Seat.RESIDENT), *extra],
    )
    roadshow = domain.roadshow_open_scoring(roadshow=roadshow, by=clerk)

    criteria = list(roadshow.rubric.criteria.all())
    members = domain.scoring.roadshow_members(roadshow)
    for index, partner in enumerate(candidates):
        low = demo_target(partner) == S.NOT_SELECTED
        for member_index, member in enumerate(members):
            # The party-org rep of the applicant's own community declares a conflict.
            conflicted = member.user.username == "shequdangwei1" and index == 0
            domain.conflict_declare(
                member=member,
                partner=partner,
                has_conflict=conflicted,
                by=member.user,
                note="与该机构负责人系亲属关系" if conflicted else "",
            )
            if conflicted:
                continue
            domain.score_sheet_save(
                member=member,
                partner=partner,
                by=member.user,
                submit=True,
                comment="陈述清晰，服务承诺具体。" if not low else "与社区需求契合度一般。",
                values={c.pk: _score_for(index, member_index, low, c) for c in criteria},
            )
    domain.roadshow_close_scoring(roadshow=roadshow, by=clerk)


def _committee(ctx, clerk):
    street = ctx["street"]
    to_decide = [
        p
        for p in demo_partners().filter(status=S.SCORED).order_by("application__reference")
        if demo_target(p) in APPROVED_AND_BEYOND | {S.NOT_SELECTED}
    ]
    if not to_decide:
        return
    meeting = CommitteeMeeting.objects.filter(street=street, date=dt.date(2026, 3, 27)).first()
    if meeting is None:
        meeting = domain.committee_meeting_record(
            street=street,
            date=dt.date(2026, 3, 27),
            title="崇明街道党工委2026年第5次会议",
            by=clerk,
            attendees="街道党工委书记、副书记，党建工作办公室、纪检室、社工站负责人",
            minutes="会议听取了路演评分情况汇报，结合社区实际和居民需求，研究确定首批“睦邻合伙人”名单。",
        )
    for partner in to_decide:
        if Decision.objects.filter(partner=partner).exists():
            continue
        if demo_target(partner) == S.NOT_SELECTED:
            domain.decision_record(
                meeting=meeting,
                partner=partner,
                outcome="not_select",
                by=clerk,
                note="同类文体项目已有合伙人入驻，本批次不予入选。",
            )
        else:
            space = Space.objects.filter(community=partner.community).order_by("pk").first()
            domain.decision_record(
                meeting=meeting,
                partner=partner,
                outcome="approve",
                by=clerk,
                community=partner.community,
                space=space,
            )


def load(ctx):
    clerk = ctx["users"]["jiedao"]
    domain.review_policy_for(ctx["street"])
    _vet(ctx, clerk)
    _roadshow(ctx, clerk)
    _committee(ctx, clerk)
