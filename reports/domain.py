"""Monthly reports, self-evaluations, the fund ledger and the archive checklist (seed 004, 晋江).

Sections cited as 晋江 … are those of seed 004 (晋江市“共建共享”社区治理项目申报通知):
四3 (项目档案 ①–⑧), 四4 (中期、结项), 五2 (资金保障, 资金使用情况公布), 五3 (每月20日前
报送进展情况). Every door (partner page, admin, API) calls these functions; a street
that does not run the piece (`ReportSettings` off) is refused and keeps its records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementStatus, TargetMetric, TargetPeriod
from messaging.domain import message_queue, person_recipients
from partners.models import SERVING, Partner
from portal.dates import add_months, local_today
from portal.domain import audit_log
from portal.exceptions import ActionRefused
from portal.features import feature_enabled
from portal.rules import scope_q
from portal.uploads import validate_upload
from services.models import OPEN_LOG_STATUSES, LogStatus, PartnerAccount, ServiceLog
from services.progress import agreement_progress, current_agreement

from . import rules as perms
from .models import (
    INCOME_KINDS,
    FundEntry,
    FundKind,
    MonthlyReport,
    ReportSettings,
    ReportStatus,
    SelfEvaluation,
    SelfEvaluationKind,
    SelfEvaluationStatus,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from portal.models import Street

ZERO = Decimal("0")


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _require_enabled(street: Street | int, *, funds: bool = False) -> ReportSettings:
    """The street's settings; refused when the street does not run the piece (its records stay)."""
    settings_row = ReportSettings.for_street(street)
    if not settings_row.enabled:
        raise ActionRefused(_("本街道未启用月度报告与资金明细功能。"))
    if funds and not settings_row.fund_ledger:
        raise ActionRefused(_("本街道未启用资金使用明细。"))
    return settings_row


# --- Monthly progress reports (晋江 五3) ---------------------------------------------


def _plain(value: Decimal) -> str:
    """4.00 → "4", 1.50 → "1.5": figures as people write them."""
    return format(Decimal(value).normalize(), "f")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def report_due_on(street: Street | int, month: dt.date) -> dt.date:
    """The last day the community may confirm the report of `month`: the street's day (20) of the next month.

    晋江 五3: 各相关镇(街道)应于每月20日前向市民政局报送试点工作进展情况.
    """
    return add_months(month_start(month), 1).replace(day=ReportSettings.for_street(street).confirm_by_day)


def _month_logs(partner: Partner, month: dt.date) -> QuerySet[ServiceLog]:
    start = month_start(month)
    return ServiceLog.objects.filter(partner=partner, date__gte=start, date__lt=add_months(start, 1))


def month_open_logs(partner: Partner, month: dt.date) -> list[ServiceLog]:
    """The month's logs the community has not checked yet (待核实, 待补充)."""
    return list(
        _month_logs(partner, month).filter(status__in=OPEN_LOG_STATUSES).order_by("date", "start_time")
    )


def _term_for_month(partner: Partner, month: dt.date) -> Agreement | None:
    start = month_start(month)
    return (
        Agreement.objects.filter(
            partner=partner,
            status=AgreementStatus.SIGNED,
            start_date__lt=add_months(start, 1),
            end_date__gte=start,
        )
        .order_by("-start_date")
        .prefetch_related("targets")
        .first()
    )


def monthly_report_figures(partner: Partner, month: dt.date) -> dict:
    """The month's figures from its verified logs only (六(一)3: only verified logs count), and each target."""
    logs = list(_month_logs(partner, month).filter(status=LogStatus.VERIFIED))
    hours = sum((log.hours or ZERO for log in logs), ZERO)
    residents = sum(log.residents_served or 0 for log in logs)
    special = {}
    for log in logs:
        for group in log.special_groups or []:
            special[group] = special.get(group, 0) + (log.special_group_residents or 0)
    actual = {
        TargetMetric.HOURS: hours,
        TargetMetric.RESIDENTS: Decimal(residents),
        TargetMetric.EVENTS: Decimal(len(logs)),
    }
    targets = []
    term = _term_for_month(partner, month)
    for target in term.targets.all() if term else []:
        monthly = target.value / 3 if target.period == TargetPeriod.QUARTER else target.value
        if target.metric == TargetMetric.SPECIAL_GROUPS:
            done = Decimal(
                special.get(target.target_group, 0) if target.target_group else sum(special.values())
            )
        else:
            done = actual[target.metric]
        label = target.get_metric_display()
        if target.target_group:
            label += f"（{target.get_target_group_display()}）"
        targets.append(
            {
                "label": label,
                "target": _plain(monthly.quantize(Decimal("0.1"))),
                "actual": _plain(done),
                "met": done >= monthly,
            }
        )
    return {
        "hours": _plain(hours),
        "sessions": len(logs),
        "residents": residents,
        "special_group_residents": sum(log.special_group_residents or 0 for log in logs),
        "log_ids": [log.pk for log in logs],
        "targets": targets,
    }


def monthly_report_compile(*, partner: Partner, month: dt.date, by: User | None = None) -> MonthlyReport:
    """Create or refresh the report of `month` from the verified logs (a confirmed report is frozen)."""
    street_id = partner.community.street_id
    _require_enabled(street_id)
    month = month_start(month)
    if month > month_start(local_today()):
        raise ValidationError({"month": _("不能为以后的月份生成报告。")})
    if _term_for_month(partner, month) is None:
        raise ActionRefused(
            _("%(month)s不在已签署的协议期内，无需月度报告。") % {"month": f"{month:%Y年%m月}"}
        )
    with transaction.atomic():
        report, created = MonthlyReport.objects.select_for_update().get_or_create(
            partner=partner,
            month=month,
            defaults={"community_id": partner.community_id, "due_on": report_due_on(street_id, month)},
        )
        if report.status == ReportStatus.CONFIRMED:
            return report
        report.figures = monthly_report_figures(partner, month)
        report.save(update_fields=["figures"])
        if created:
            audit_log(
                subject=report,
                action="reports.monthly.compiled",
                actor=by,
                to_state=report.status,
                community=partner.community,
            )
    return report


def monthly_report_submit(*, report: MonthlyReport, narrative: str, by: User) -> MonthlyReport:
    """The partner (or staff on its behalf) submits the month's report for the community to confirm."""
    _require(perms.can_submit_report.test(by, report), _("您不能提交该合伙人的月度报告。"))
    narrative = (narrative or "").strip()
    if not narrative:
        raise ValidationError({"narrative": _("请填写本月工作进展与下月计划。")})
    with transaction.atomic():
        report = monthly_report_compile(partner=report.partner, month=report.month, by=by)
        if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
            raise ActionRefused(_("该月度报告已提交，不能重复提交。"))
        before = report.status
        report.narrative = narrative
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = by
        report.save(update_fields=["narrative", "status", "submitted_at", "submitted_by"])
        audit_log(
            subject=report,
            action="reports.monthly.submitted",
            actor=by,
            from_state=before,
            to_state=report.status,
            community=report.partner.community,
        )
    return report


def monthly_report_confirm(*, report: MonthlyReport, by: User) -> MonthlyReport:
    """The community confirms a submitted report; refused while the month has unchecked logs.

    晋江 五3 (每月20日前报送进展情况): the figures are those of verified logs; a log
    still 待核实 or 待补充 must be checked first, so the report says what happened.
    Confirming after the due day is allowed (the report stays on record as late).
    """
    _require(perms.can_confirm_report.test(by, report), _("只有本社区工作人员可以确认月度报告。"))
    _require_enabled(report.community.street_id)
    with transaction.atomic():
        report = (
            MonthlyReport.objects.select_for_update(of=("self",))
            .select_related("partner__community")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.SUBMITTED:
            raise ActionRefused(
                _("只有待确认的月度报告可以确认，当前状态为“%(status)s”。")
                % {"status": report.get_status_display()}
            )
        open_logs = month_open_logs(report.partner, report.month)
        if open_logs:
            raise ActionRefused(
                _("该月尚有未核实的服务记录，请先核实：%(logs)s。")
                % {
                    "logs": "；".join(
                        f"{log.date:%Y-%m-%d}“{log.title}”（{log.get_status_display()}）" for log in open_logs
                    )
                }
            )
        report.figures = monthly_report_figures(report.partner, report.month)
        report.status = ReportStatus.CONFIRMED
        report.confirmed_at = timezone.now()
        report.confirmed_by = by
        report.save(update_fields=["figures", "status", "confirmed_at", "confirmed_by"])
        audit_log(
            subject=report,
            action="reports.monthly.confirmed",
            actor=by,
            from_state=ReportStatus.SUBMITTED,
            to_state=report.status,
            community=report.partner.community,
            data={"late": local_today() > report.due_on},
        )
    return report


def monthly_report_return(*, report: MonthlyReport, reason: str, by: User) -> MonthlyReport:
    """The community returns a submitted report with its reason; the partner corrects and submits again."""
    _require(perms.can_confirm_report.test(by, report), _("只有本社区工作人员可以退回月度报告。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": _("请填写退回原因。")})
    with transaction.atomic():
        report = (
            MonthlyReport.objects.select_for_update(of=("self",))
            .select_related("partner__application")
            .get(pk=report.pk)
        )
        if report.status != ReportStatus.SUBMITTED:
            raise ActionRefused(_("只有待确认的月度报告可以退回。"))
        report.status = ReportStatus.RETURNED
        report.return_reason = reason
        report.save(update_fields=["status", "return_reason"])
        audit_log(
            subject=report,
            action="reports.monthly.returned",
            actor=by,
            from_state=ReportStatus.SUBMITTED,
            to_state=report.status,
            note=reason,
            community=report.partner.community,
        )
        _tell_partner(
            report.partner, "reports.monthly_returned", {"month": f"{report.month:%Y年%m月}"}, report, reason
        )
    return report


def overdue_reports(user: User, *, today: dt.date | None = None) -> QuerySet[MonthlyReport]:
    """The reports in `user`'s scope past their due day and not confirmed (for a staff to-do desk).

    Only streets that run the piece; the 21st is overdue when the 20th is the due day.
    """
    today = today or local_today()
    return (
        MonthlyReport.objects.filter(scope_q(user, "community"))
        .filter(due_on__lt=today)
        .exclude(status=ReportStatus.CONFIRMED)
        .filter(community__street__reports_reportsettings__enabled=True)
        .select_related("partner__application", "community")
        .order_by("due_on", "pk")
    )


def _partner_recipients(partner: Partner) -> list:
    account = PartnerAccount.objects.filter(partner=partner).select_related("user").first()
    application = partner.application
    return person_recipients(
        email=(account.user.email if account else "") or application.email,
        mobile=application.mobile,
        name=partner.name,
    )


def _tell_partner(partner: Partner, code: str, params: dict, cause: models.Model, occasion: str) -> None:
    message_queue(
        code=code,
        to=_partner_recipients(partner),
        params={"partner": partner.name, **params},
        cause=cause,
        occasion=occasion,
        partner_id=partner.pk,
        community_id=partner.community_id,
    )


def monthly_reports_remind(*, today: dt.date | None = None) -> int:
    """On each street's reminder day, compile last month's report of each serving partner and remind it.

    晋江 五3. Runs daily; acts on the street's `reminder_day` only; once per partner
    and month (the outbox key), so running twice sends nothing twice. Returns the
    partners reminded.
    """
    today = today or local_today()
    month = add_months(month_start(today), -1)
    reminded = 0
    for row in ReportSettings.objects.filter(enabled=True, reminder_day=today.day).select_related("street"):
        partners = Partner.objects.filter(
            community__street_id=row.street_id,
            status__in=SERVING,
            agreements__status=AgreementStatus.SIGNED,
            agreements__start_date__lt=month_start(today),
            agreements__end_date__gte=month,
        ).distinct()
        for partner in partners.select_related("application", "community"):
            report = monthly_report_compile(partner=partner, month=month)
            if report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
                _tell_partner(
                    partner,
                    "reports.monthly_due",
                    {"month": f"{month:%Y年%m月}", "due": f"{report.due_on:%m月%d日}"},
                    partner,
                    f"{month:%Y-%m}",
                )
                reminded += 1
    return reminded


# --- Self-evaluations (晋江 四3⑦, 四4) ---------------------------------------------------


def self_evaluation_figures(agreement: Agreement, *, today: dt.date | None = None) -> list[dict]:
    """Each target of the term with the verified figure to date against the expected figure."""
    today = min(today or local_today(), agreement.end_date)
    progress = agreement_progress(agreement, today=today)
    return [
        {"label": t.label, "target": _plain(t.to_date.target), "actual": _plain(t.to_date.actual)}
        for t in progress.targets
    ]


def self_evaluation_submit(
    *, partner: Partner, kind: str, content: str, method: str = "", by: User, today: dt.date | None = None
) -> SelfEvaluation:
    """The partner writes its mid-term or final self-evaluation against its own targets (晋江 四3⑦).

    The final one carries the community work method it distilled (四3⑧). A returned
    report is corrected and submitted again; an accepted one is final.
    """
    _require(perms.can_write_for_partner.test(by, partner), _("您不能为该合伙人提交自评报告。"))
    _require_enabled(partner.community.street_id)
    errors = {}
    if kind not in SelfEvaluationKind.values:
        errors["kind"] = [_("请选择自评类型。")]
    content = (content or "").strip()
    method = (method or "").strip()
    if not content:
        errors["content"] = [_("请填写自评内容。")]
    if kind == SelfEvaluationKind.FINAL and not method:
        errors["method"] = [_("结项自评请总结提炼社区工作法。")]
    if errors:
        raise ValidationError(errors)
    today = today or local_today()
    agreement = current_agreement(partner, today=today)
    if agreement is None:
        raise ActionRefused(_("没有正在履行的协议，不能提交自评报告。"))
    with transaction.atomic():
        evaluation = SelfEvaluation.objects.select_for_update().filter(agreement=agreement, kind=kind).first()
        if evaluation is not None and evaluation.status != SelfEvaluationStatus.RETURNED:
            raise ActionRefused(
                _("本协议期的%(kind)s已提交（%(status)s）。")
                % {"kind": evaluation.get_kind_display(), "status": evaluation.get_status_display()}
            )
        before = evaluation.status if evaluation else ""
        evaluation = evaluation or SelfEvaluation(partner=partner, agreement=agreement, kind=kind)
        evaluation.community_id = partner.community_id
        evaluation.content = content
        evaluation.method = method
        evaluation.figures = self_evaluation_figures(agreement, today=today)
        evaluation.status = SelfEvaluationStatus.SUBMITTED
        evaluation.submitted_at = timezone.now()
        evaluation.submitted_by = by
        evaluation.save()
        audit_log(
            subject=evaluation,
            action="reports.self_evaluation.submitted",
            actor=by,
            from_state=before,
            to_state=evaluation.status,
            community=partner.community,
            data={"kind": kind},
        )
    return evaluation


def self_evaluation_decide(
    *, evaluation: SelfEvaluation, accept: bool, reason: str = "", by: User
) -> SelfEvaluation:
    """Staff accept a submitted self-evaluation, or return it with a reason (晋江 四4)."""
    _require(perms.can_confirm_report.test(by, evaluation), _("只有本社区工作人员可以审核自评报告。"))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise ValidationError({"return_reason": _("请填写退回原因。")})
    with transaction.atomic():
        evaluation = (
            SelfEvaluation.objects.select_for_update(of=("self",))
            .select_related("partner__application")
            .get(pk=evaluation.pk)
        )
        if evaluation.status != SelfEvaluationStatus.SUBMITTED:
            raise ActionRefused(_("只有待审核的自评报告可以审核。"))
        evaluation.status = SelfEvaluationStatus.ACCEPTED if accept else SelfEvaluationStatus.RETURNED
        evaluation.return_reason = "" if accept else reason
        evaluation.decided_at = timezone.now()
        evaluation.decided_by = by
        evaluation.save(update_fields=["status", "return_reason", "decided_at", "decided_by"])
        audit_log(
            subject=evaluation,
            action=f"reports.self_evaluation.{evaluation.status}",
            actor=by,
            from_state=SelfEvaluationStatus.SUBMITTED,
            to_state=evaluation.status,
            note=reason,
            community=evaluation.partner.community,
        )
        if not accept:
            _tell_partner(
                evaluation.partner,
                "reports.self_evaluation_returned",
                {"kind": evaluation.get_kind_display()},
                evaluation,
                reason,
            )
    return evaluation


# --- Fund ledger (晋江 四3⑤, 五2) ------------------------------------------------------

FUND_FIELDS = ["date", "kind", "amount", "counterparty", "description"]


@dataclass(frozen=True)
class FundTotals:
    income: Decimal
    expense: Decimal

    @property
    def balance(self) -> Decimal:
        return self.income - self.expense


def fund_totals(partner: Partner | int) -> FundTotals:
    """Money received and spent by the partner's project, and the balance, in one query."""
    sums = FundEntry.objects.filter(partner_id=getattr(partner, "pk", partner)).aggregate(
        income=Sum("amount", filter=Q(kind__in=INCOME_KINDS)),
        expense=Sum("amount", filter=Q(kind=FundKind.EXPENSE)),
    )
    return FundTotals(income=sums["income"] or ZERO, expense=sums["expense"] or ZERO)


def fund_entry_record(
    *,
    partner: Partner,
    data: dict,
    receipt: UploadedFile | None = None,
    by: User,
    today: dt.date | None = None,
) -> FundEntry:
    """Record one line of the 项目资金使用明细表 with its receipt (晋江 四3⑤).

    An expense needs its receipt (票据) and cannot exceed the balance: a project spends
    only what it received (五2 资金到位). The receipt is checked by its real type.
    """
    _require(perms.can_write_for_partner.test(by, partner), _("您不能为该合伙人登记资金收支。"))
    _require_enabled(partner.community.street_id, funds=True)
    today = today or local_today()
    entry = FundEntry(partner=partner, community_id=partner.community_id, recorded_by=by)
    for key in FUND_FIELDS:
        setattr(entry, key, data.get(key))
    errors: dict[str, list] = {}
    if entry.amount is not None and entry.amount <= 0:
        errors.setdefault("amount", []).append(_("金额必须大于0。"))
    if entry.date and entry.date > today:
        errors.setdefault("date", []).append(
            _("日期不能晚于今天（%(today)s）。") % {"today": today.isoformat()}
        )
    if receipt is not None:
        try:
            validate_upload(receipt)
        except ValidationError as exc:
            errors.setdefault("receipt", []).extend(exc.messages)
    elif entry.kind == FundKind.EXPENSE:
        errors.setdefault("receipt", []).append(_("支出须上传票据。"))
    with transaction.atomic():
        Partner.objects.select_for_update().filter(pk=partner.pk).first()  # one entry at a time per partner
        if entry.kind == FundKind.EXPENSE and entry.amount and "amount" not in errors:
            balance = fund_totals(partner).balance
            if entry.amount > balance:
                errors.setdefault("amount", []).append(
                    _("支出 %(amount)s 元超过当前结余 %(balance)s 元。")
                    % {"amount": entry.amount, "balance": balance}
                )
        try:
            entry.full_clean(exclude=["receipt"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        if receipt is not None:
            entry.receipt = receipt
        entry.save()
        audit_log(
            subject=entry,
            action="reports.fund_entry.recorded",
            actor=by,
            to_state=entry.kind,
            community=partner.community,
            data={"amount": str(entry.amount)},
        )
    return entry


def fund_disclosed(partner: Partner) -> bool:
    """Whether the partner's street publishes its fund totals (晋江 五2: 及时向社区居民公布资金使用情况)."""
    row = ReportSettings.for_street(partner.community.street_id)
    return row.enabled and row.fund_ledger and row.fund_disclosure


# --- Archive checklist ①–⑧ (晋江 四3) -----------------------------------------------------


@dataclass
class ChecklistItem:
    number: str
    title: str
    present: bool
    detail: str
    url: str


def archive_checklist(partner: Partner) -> list[ChecklistItem]:
    """The eight items of 项目档案 (晋江 四3 ①–⑧), each present or missing, with where to find it.

    Mapped onto the dossier: ① the committee's decision and its minutes; ② the
    application and logs with photos; ③ observers' supervision records and the
    street's evaluations; ④ residents' part (the social panel's scores, approved
    suggestions); ⑤ the fund ledger; ⑥ the public notice; ⑦ the mid-term and
    final self-evaluations (accepted); ⑧ the community work method of the final one.
    """
    # deferred: the stage models are read only here, where the checklist maps onto them
    from notices.models import NoticeEntry
    from reviews.models import Decision, ScoreSheet
    from services.models import Evaluation, Feedback, FeedbackStatus, Observation

    dossier = f"/services/dossier/{partner.pk}/"
    admin = "/admin/reports/"
    decision = Decision.objects.filter(partner=partner).select_related("meeting").first()
    has_photos = ServiceLog.objects.filter(
        partner=partner, status=LogStatus.VERIFIED, files__isnull=False
    ).exists()
    application = getattr(partner, "application", None)
    supervised = (
        Observation.objects.filter(partner=partner).exists()
        or Evaluation.objects.filter(partner=partner).exists()
    )
    residents = (
        ScoreSheet.objects.filter(partner=partner, member__panel__kind="social").exists()
        or Feedback.objects.filter(partner=partner, status=FeedbackStatus.APPROVED).exists()
    )
    funds = FundEntry.objects.filter(partner=partner).count()
    noticed = NoticeEntry.objects.filter(partner=partner, notice__published_at__isnull=False).exists()
    accepted = dict(
        SelfEvaluation.objects.filter(partner=partner, status=SelfEvaluationStatus.ACCEPTED).values_list(
            "kind", "method"
        )
    )
    missing_kinds = [str(label) for value, label in SelfEvaluationKind.choices if value not in accepted]
    method = accepted.get(SelfEvaluationKind.FINAL, "")
    return [
        ChecklistItem(
            "①",
            _("会议记录、纪要"),
            bool(decision and decision.meeting.minutes),
            decision.meeting.title if decision else _("尚无党工委会议决定"),
            f"{dossier}#dossier-decision",
        ),
        ChecklistItem(
            "②",
            _("项目申报方案、实施图文资料"),
            application is not None and has_photos,
            _("申报方案已存档")
            if application is not None and has_photos
            else _("缺少附照片的已核实服务记录"),
            f"{dossier}#dossier-application",
        ),
        ChecklistItem(
            "③",
            _("指导督导佐证材料"),
            supervised,
            _("观察记录或评估") if supervised else _("尚无观察记录或评估"),
            f"{dossier}#dossier-observations_feedback",
        ),
        ChecklistItem(
            "④",
            _("居民自治和社会力量参与佐证"),
            residents,
            _("社会评审组评分或居民意见") if residents else _("尚无社会评审组评分或居民意见"),
            f"{dossier}#dossier-roadshow",
        ),
        ChecklistItem(
            "⑤",
            _("项目资金使用明细表"),
            funds > 0,
            _("%(count)d 条收支") % {"count": funds} if funds else _("尚无资金收支记录"),
            f"{admin}fundentry/?partner__id__exact={partner.pk}",
        ),
        ChecklistItem(
            "⑥",
            _("村（居）务公开及宣传佐证"),
            noticed,
            _("已公示") if noticed else _("尚无公示"),
            f"{dossier}#dossier-notice",
        ),
        ChecklistItem(
            "⑦",
            _("中期自评报告和结项自评报告"),
            not missing_kinds,
            _("缺少：%(kinds)s") % {"kinds": "、".join(missing_kinds)} if missing_kinds else _("均已通过"),
            f"{admin}selfevaluation/?partner__id__exact={partner.pk}",
        ),
        ChecklistItem(
            "⑧",
            _("社区工作法"),
            bool(method),
            method[:40] if method else _("结项自评尚未总结社区工作法"),
            f"{admin}selfevaluation/?partner__id__exact={partner.pk}",
        ),
    ]


def reports_enabled_for(partner: Partner) -> bool:
    return feature_enabled(ReportSettings, partner.community.street_id)
