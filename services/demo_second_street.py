"""Demo step: two partners of the second demo street (华阳街道) serving for months.

华阳街道 (portal.demo's `second_street`) runs the other four programmes (issue 20),
and its reports need partners that have been serving a while. This step walks an
organisation (南门社区) and an individual (北山社区) through the whole lifecycle
with the real domain functions, each part replayed at the time it happened (the
domain records its own times, so the clock is set back, as load_demo does):

  ~235 days ago  call published, applications submitted and forwarded (五(一)1–2)
  ~232           joint vetting by the five offices, shortlist (五(一)3)
  ~228           roadshow, both panels score (五(二)1)
  ~226           党工委 decision (五(二)2)
  ~224           public notice (五(二)3), over after the street's minimum days
  trial start−3  first agreement (6 months, the trial) signed by all three (五(三)1)
  each month     service logs, verified by the community (六(一)3)
  trial end−2    renewal signed (五(三)2); trial end: evaluation passed → active

Idempotent: every record is found first, and partners move only from the state the
story expects; a second run adds nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements.domain import (
    agreement_create,
    agreement_draft_next_term,
    agreement_sign,
    agreement_timeslot_add,
    trial_term,
)
from agreements.models import Agreement, AgreementKind, Party
from calls.demo import demo_credit_code, demo_id_number, demo_pdf
from calls.domain import application_submit, call_close, call_publish
from calls.models import Application, BasicCondition, CallStatus, DocumentKind, RecruitmentCall
from notices.domain import notice_publish, notice_save_draft, notices_end_due
from notices.models import PublicNotice
from partners.domain import partner_transition
from partners.models import Partner, PartnerStatus
from portal.choices import PartnerKind
from portal.dates import add_months, local_today
from portal.demo import DEMO_PASSWORD
from portal.domain import user_assign_role
from portal.models import Role
from reviews import domain as reviews
from reviews.models import CommitteeMeeting, Criterion, Decision, Panel, PanelKind, Roadshow, Rubric, Seat
from spaces.domain import timeslots_active_on
from spaces.models import Space

from . import domain
from .models import Conclusion, EvaluationKind, LogStatus, ScoringCriterion, ServiceLog

S = PartnerStatus
TZ = dt.timezone(dt.timedelta(hours=8))

# username, role, community name (None: street-wide), display name, department
ACCOUNTS = [
    ("huayang", Role.STREET_STAFF, None, "陶文静", "华阳街道党建工作办公室"),
    ("huayang_dangzheng", Role.STREET_STAFF, None, "钟立军", "华阳街道党政和人大办公室"),
    ("huayang_zhengfa", Role.STREET_STAFF, None, "严晓梅", "华阳街道政法和社会事业办公室"),
    ("huayang_jijian", Role.STREET_STAFF, None, "方志刚", "华阳街道纪检室"),
    ("huayang_shegongzhan", Role.STREET_STAFF, None, "许丽", "华阳街道社工站"),
    ("huayang_nanmen", Role.COMMUNITY_STAFF, "南门社区", "沈国平", "南门社区居委会"),
    ("huayang_beishan", Role.COMMUNITY_STAFF, "北山社区", "丁美华", "北山社区居委会"),
    ("huayang_pingshen", Role.REVIEWER, None, "邵华", "市委社会工作部"),
    ("huayang_jumin", Role.REVIEWER, None, "葛秀兰", "居民代表"),
]

# name, kind, community, project title, categories, hours/month, residents/month, mobile, index
PARTNERS = [
    (
        "句容市南门邻里互助服务社",
        PartnerKind.SOCIAL_ORGANIZATION,
        "南门社区",
        "邻里助餐·银龄课堂",
        ["elderly"],
        20,
        90,
        "13805120001",
        51,
    ),
    (
        "周晓岚",
        PartnerKind.INDIVIDUAL_OR_TEAM,
        "北山社区",
        "北山假期托管小课堂",
        ["childcare", "youth_education"],
        16,
        60,
        "13805120002",
        52,
    ),
]
CALL_TITLE = "华阳街道2026年“睦邻合伙人”招募公告"
ROADSHOW_TITLE = "华阳街道2026年“睦邻合伙人”路演"
NOTICE_TITLE = "华阳街道2026年“睦邻合伙人”拟入驻名单公示"
MEETING_TITLE = "华阳街道党工委2026年第1次会议"
SCORING_SHEET = [
    ("服务成效（指标完成情况）", 40),
    ("居民满意度", 30),
    ("规范管理与安全", 20),
    ("创新与示范", 10),
]
RUBRIC = [("需求契合度", 30), ("公益承诺", 30), ("能力与团队", 20), ("计划可行性", 20)]
TRIAL_MONTHS, RENEWAL_MONTHS, TRIAL_ENDED_DAYS_AGO = 6, 12, 15
LOGS_PER_MONTH = 2


@contextlib.contextmanager
def _at(moment: dt.datetime | dt.date):
    """Replay a part of the story at the time it happened (a date: 10:00 that day)."""
    if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(10), tzinfo=TZ)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def demo_second_street_partners():
    """The partners this step creates (for the reports demo and the tests)."""
    return Partner.objects.filter(
        application__applicant_name__in=[row[0] for row in PARTNERS]
    ).select_related("application", "community")


def _accounts(street):
    User = get_user_model()
    communities = {c.name: c for c in street.communities.all()}
    users = {}
    for username, role, community, display, department in ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": display, "email": f"{username}@mulin.example.cn"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            user_assign_role(
                user=user,
                role=role,
                street=street,
                community=communities[community] if community else None,
                department=department,
            )
        users[username] = user
    return users


def _apply(street, users, day0):
    """The call and the two applications, submitted and forwarded (五(一)1–2)."""
    call = RecruitmentCall.objects.filter(street=street, title=CALL_TITLE).first()
    if call is None:
        with _at(day0 - dt.timedelta(days=10)):
            call = RecruitmentCall.objects.create(
                street=street,
                title=CALL_TITLE,
                body="面向社会公开招募“睦邻合伙人”，以公益服务换取社区闲置空间的无偿使用。",
                opens_at=timezone.now(),
                closes_at=timezone.now() + dt.timedelta(days=20),
                contact="华阳街道党建工作办公室",
            )
            call.spaces.set(Space.objects.filter(community__street=street))
            call_publish(call=call, by=users["huayang"])
    communities = {c.name: c for c in street.communities.all()}
    for offset, row in enumerate(PARTNERS):
        name, kind, community_name, title, categories, hours, residents, mobile, index = row
        if (
            call.status != CallStatus.PUBLISHED
            or Application.objects.filter(call=call, applicant_name=name).exists()
        ):
            continue
        community = communities[community_name]
        individual = kind == PartnerKind.INDIVIDUAL_OR_TEAM
        with _at(day0 + dt.timedelta(hours=offset)):
            application_submit(
                call=call,
                ip="127.0.0.1",
                data={
                    "kind": kind,
                    "applicant_name": name,
                    "credit_code": "" if individual else demo_credit_code(index),
                    "id_number": demo_id_number(index) if individual else "",
                    "legal_representative": "" if individual else "沈建明",
                    "contact_name": name if individual else "沈建明",
                    "mobile": mobile,
                    "email": f"huayang{index}@mulin.example.cn",
                    "address": f"句容市华阳街道{community.name}{index}号",
                    "project_title": title,
                    "service_categories": categories,
                    "target_groups": ["all"],
                    "plan": "目标：围绕社区居民需求清单，每月稳定开展公益服务。",
                    "activities": "课程、志愿服务与主题活动。",
                    "schedule": "第1月筹备，第2月起按月推进，每季度总结。",
                    "hours_per_month": hours,
                    "residents_per_month": residents,
                    "events_per_month": 4,
                    "special_groups": "独居老人、双职工家庭儿童",
                    "preferred_times": "每周六上午 9:00—11:00",
                    "free_services": "全部课程与活动免费。",
                    "team_intro": "核心成员有多年社区服务经验。",
                    "spaces": list(call.spaces.filter(community=community)[:1]),
                    "community": community,
                    "declarations": list(BasicCondition.values),
                    "privacy_consent": True,
                },
                files={
                    DocumentKind.REGISTRATION: [
                        SimpleUploadedFile(f"registration-hy{index}.pdf", demo_pdf(f"Registration {index}"))
                    ],
                    DocumentKind.PROJECT_PLAN: [
                        SimpleUploadedFile(f"plan-hy{index}.pdf", demo_pdf(f"Project plan {index}"))
                    ],
                },
            )
    with _at(day0 + dt.timedelta(days=1)):
        for partner in demo_second_street_partners().filter(status=S.SUBMITTED):
            partner_transition(partner=partner, transition="forward", by=users["huayang"])
    if call.status == CallStatus.PUBLISHED and call.closes_at <= timezone.now():
        with _at(call.closes_at):  # the beat task closes it at its closing time
            call_close(call=call, system=True)


# Vetting department → the account that answers for it (rulebook 五(一)3: each office its own).
VETTING_CLERKS = {
    "党建工作办公室": "huayang",
    "党政和人大办公室": "huayang_dangzheng",
    "政法和社会事业办公室": "huayang_zhengfa",
    "纪检室": "huayang_jijian",
    "社工站": "huayang_shegongzhan",
}


def _vet(street, users, day0):
    departments = reviews.vetting_departments(street)
    for department in departments:
        department.members.add(users[VETTING_CLERKS[department.name]])
    with _at(day0 + dt.timedelta(days=3)):
        for partner in demo_second_street_partners().filter(status=S.VETTING):
            for department in departments:
                reviews.vetting_check_record(
                    partner=partner,
                    department=department,
                    by=users[VETTING_CLERKS[department.name]],
                    result="pass",
                    materials_complete=True,
                    plan_compliant=True,
                    violation_found=False,
                    source_consulted="信用中国",
                    note="材料齐全，未发现不良记录。",
                )
            reviews.partner_shortlist(partner=partner, by=users["huayang"])


def _roadshow(street, users, day0):
    candidates = list(demo_second_street_partners().filter(status=S.SHORTLISTED).order_by("pk"))
    if not candidates or Roadshow.objects.filter(street=street, title=ROADSHOW_TITLE).exists():
        return
    clerk = users["huayang"]
    with _at(day0 + dt.timedelta(days=7)):
        rubric, created = Rubric.objects.get_or_create(street=street, name="综合评估细则", version=1)
        if created:
            Criterion.objects.bulk_create(
                [
                    Criterion(
                        rubric=rubric, position=i, title=title, max_score=Decimal(top), weight=Decimal(1)
                    )
                    for i, (title, top) in enumerate(RUBRIC, start=1)
                ]
            )
        roadshow = Roadshow.objects.create(
            street=street,
            title=ROADSHOW_TITLE,
            date=timezone.localdate(),
            place="华阳街道党群服务中心二楼会议室",
            rubric=rubric,
        )
        reviews.roadshow_set_entries(roadshow=roadshow, partners=candidates, by=clerk)
        reviews.panel_set_members(
            panel=Panel(roadshow=roadshow, kind=PanelKind.EXPERT),
            members=[(users["huayang_pingshen"], Seat.SOCIAL_WORK)],
            by=clerk,
        )
        reviews.panel_set_members(
            panel=Panel(roadshow=roadshow, kind=PanelKind.SOCIAL),
            members=[(users["huayang_jumin"], Seat.RESIDENT)],
            by=clerk,
        )
        roadshow = reviews.roadshow_open_scoring(roadshow=roadshow, by=clerk)
        criteria = list(roadshow.rubric.criteria.all())
        for member in reviews.scoring.roadshow_members(roadshow):
            for index, partner in enumerate(candidates):
                reviews.conflict_declare(member=member, partner=partner, has_conflict=False, by=member.user)
                reviews.score_sheet_save(
                    member=member,
                    partner=partner,
                    by=member.user,
                    submit=True,
                    comment="服务承诺具体，贴近居民需求。",
                    values={
                        c.pk: (c.max_score * Decimal(85 - 4 * index) / 100).quantize(Decimal("0.5"))
                        for c in criteria
                    },
                )
        reviews.roadshow_close_scoring(roadshow=roadshow, by=clerk)


def _committee(street, users, day0):
    clerk = users["huayang"]
    scored = list(demo_second_street_partners().filter(status=S.SCORED).order_by("pk"))
    if not scored:
        return
    with _at(day0 + dt.timedelta(days=9)):
        meeting = CommitteeMeeting.objects.filter(street=street, title=MEETING_TITLE).first()
        if meeting is None:
            meeting = reviews.committee_meeting_record(
                street=street,
                date=timezone.localdate(),
                title=MEETING_TITLE,
                attendees="街道党工委书记、副书记，党建工作办公室、纪检室、社工站负责人",
                minutes="会议听取路演评分情况汇报，研究确定“睦邻合伙人”名单。",
                by=clerk,
            )
        for partner in scored:
            if Decision.objects.filter(partner=partner).exists():
                continue
            reviews.decision_record(
                meeting=meeting,
                partner=partner,
                outcome="approve",
                community=partner.community,
                space=Space.objects.filter(community=partner.community).order_by("pk").first(),
                by=clerk,
            )


def _notice(street, users, day0):
    approved = list(demo_second_street_partners().filter(status=S.APPROVED))
    if approved and not PublicNotice.objects.filter(street=street, title=NOTICE_TITLE).exists():
        with _at(day0 + dt.timedelta(days=11)):
            notice = notice_save_draft(
                street=street,
                title=NOTICE_TITLE,
                body="经综合评审并经街道党工委会议研究，拟确定以下申请人为“睦邻合伙人”，现予以公示。",
                decision_reference=MEETING_TITLE,
                ends_at=None,  # exactly the street's minimum from publication
                objection_contact="华阳街道纪检室",
                partners=approved,
                by=users["huayang"],
            )
            notice_publish(notice=notice, by=users["huayang"])
    notice = PublicNotice.objects.filter(street=street, title=NOTICE_TITLE).first()
    if notice is not None and demo_second_street_partners().filter(status=S.IN_NOTICE).exists():
        with _at(notice.ends_at + dt.timedelta(hours=1)):
            notices_end_due(notices=PublicNotice.objects.filter(pk=notice.pk))


def _slot_days(partner, start, end):
    """The first LOGS_PER_MONTH days of each month in [start, end] on which the partner holds a slot."""
    days, day = [], start
    while day <= end:
        slot = timeslots_active_on(day, partner=partner).select_related("space").first()
        if (
            slot is not None
            and sum(1 for d in days if (d[0].year, d[0].month) == (day.year, day.month)) < LOGS_PER_MONTH
        ):
            days.append((day, slot.space, slot.start_time, slot.end_time))
        day += dt.timedelta(days=1)
    return days


def _log(partner, account, staff, index, day, space, start, end, *, verify):
    with _at(day + dt.timedelta(days=1)):
        log = domain.servicelog_create(
            partner=partner,
            by=account.user,
            data={
                "space": space,
                "date": day,
                "start_time": start,
                "end_time": end,
                "category": partner.application.service_categories[0],
                "title": f"{partner.application.project_title}（第{index + 1}期）",
                "description": partner.application.project_title,
                "residents_served": 12 + index % 5 * 2,
                "special_group_residents": 6 + index % 3,
                "special_groups": ["elderly"]
                if "elderly" in partner.application.service_categories
                else ["children"],
                "cost_basis": "free",
                "volunteers": 2,
            },
        )
        if verify:
            domain.servicelog_review(log=log, decision=LogStatus.VERIFIED, by=staff)


def _targets(application):
    """Quantified targets from the application's promises (四(二)2, 六(一)2)."""
    group = "elderly" if "elderly" in application.service_categories else "children"
    return [
        {"metric": "hours", "period": "month", "value": application.hours_per_month},
        {"metric": "residents", "period": "month", "value": application.residents_per_month},
        {"metric": "events", "period": "quarter", "value": application.events_per_month * 3},
        {"metric": "special_groups", "period": "month", "value": 20, "target_group": group},
    ]


def _sign(agreement, clerk, *, signed_on):
    partner = agreement.partner
    for party, signatory in (
        (Party.STATION, clerk.first_name),
        (Party.COMMUNITY, partner.community.contact_name or "社区负责人"),
        (Party.PARTNER, partner.application.contact_name),
    ):
        agreement_sign(agreement=agreement, party=party, signatory=signatory, signed_on=signed_on, by=clerk)


def _serve(street, users, today):
    """Agreement, trial with monthly logs, renewal, trial evaluation (五(三), 六(一)–(二))."""
    clerk = users["huayang"]
    staff_for = {"南门社区": users["huayang_nanmen"], "北山社区": users["huayang_beishan"]}
    for order, (name, top) in enumerate(SCORING_SHEET):
        ScoringCriterion.objects.get_or_create(
            street=street, name=name, defaults={"max_score": top, "order": order}
        )
    sheet = list(ScoringCriterion.objects.filter(street=street, active=True))
    trial_end = today - dt.timedelta(days=TRIAL_ENDED_DAYS_AGO)
    for partner in demo_second_street_partners().filter(status=S.SIGNING):
        if Agreement.objects.filter(partner=partner).exists():
            continue
        start = add_months(trial_end + dt.timedelta(days=1), -TRIAL_MONTHS)
        drafted = start - dt.timedelta(days=3)
        staff = staff_for[partner.community.name]
        with _at(drafted):
            agreement = agreement_create(
                partner=partner,
                kind=AgreementKind.FIRST,
                start_date=start,
                months=TRIAL_MONTHS,
                services_description=f"{partner.application.project_title}：{partner.application.plan}",
                targets=_targets(partner.application),
                by=clerk,
                today=drafted,
            )
            agreement_timeslot_add(
                agreement=agreement,
                space=Space.objects.filter(community=partner.community).order_by("pk").first(),
                weekday=5,  # Saturday morning, as applied for
                start_time=dt.time(9),
                end_time=dt.time(11),
                by=clerk,
            )
            _sign(agreement, clerk, signed_on=drafted)
            account = domain.partner_account_create(partner=partner, by=clerk)
            domain.partner_signed(partner=partner, by=clerk)
        agreement.refresh_from_db()
        partner.refresh_from_db()
        index = 0
        for day, space, begin, end in _slot_days(partner, agreement.start_date, agreement.end_date):
            _log(partner, account, staff, index, day, space, begin, end, verify=True)
            index += 1
        with _at(agreement.end_date - dt.timedelta(days=2)):
            renewal = agreement_draft_next_term(term=agreement, months=RENEWAL_MONTHS, by=clerk)
            _sign(renewal, clerk, signed_on=local_today())
        trial = trial_term(partner)
        partner.refresh_from_db()
        with _at(trial.end_date):
            domain.evaluation_record(
                partner=partner,
                kind=EvaluationKind.TRIAL,
                evaluated_on=trial.end_date,
                conclusion=Conclusion.PASS,
                remarks="试用期内按协议开展公益服务，居民评价良好，同意转为正式运行。",
                scores={c.pk: c.max_score * 85 // 100 for c in sheet},
                by=clerk,
                today=trial.end_date,
            )
        renewal.refresh_from_db()
        for day, space, begin, end in _slot_days(partner, renewal.start_date, today):
            # The latest ones wait for the community's check.
            _log(
                partner,
                account,
                staff,
                index,
                day,
                space,
                begin,
                end,
                verify=day < today - dt.timedelta(days=7),
            )
            index += 1


def load(ctx):
    street = ctx["second_street"]
    today = local_today()
    users = _accounts(street)
    ctx["second_street_users"] = users
    if ServiceLog.objects.filter(partner__in=demo_second_street_partners()).exists():
        return  # the story has been told
    # The applications went in long enough ago for a six-month trial that ended last fortnight.
    day0 = dt.datetime.combine(
        add_months(today, -TRIAL_MONTHS) - dt.timedelta(days=TRIAL_ENDED_DAYS_AGO + 40), dt.time(9), tzinfo=TZ
    )
    _apply(street, users, day0)
    _vet(street, users, day0)
    _roadshow(street, users, day0)
    _committee(street, users, day0)
    _notice(street, users, day0)
    _serve(street, users, today)
