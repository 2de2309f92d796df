"""This app's sections of the partner's dossier (项目档案, rulebook 六(二)1)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierDocument, DossierEntry, DossierSection, dossier_section

from .domain import satisfaction
from .models import (
    DisciplineSignoff,
    Evaluation,
    Feedback,
    FeedbackStatus,
    LogoLicence,
    LogStatus,
    Observation,
    PartnerExit,
    Recognition,
    ServiceLog,
)
from .stats import month_sheet_pdf

# Rejected and closed logs are left off the monthly sheet (stats.month_logs).
_OFF_SHEET = (LogStatus.REJECTED, LogStatus.CLOSED)


def _admin_url(obj) -> str:
    return reverse(f"admin:services_{obj._meta.model_name}_change", args=[obj.pk])


@dossier_section(order=70)
def service_logs_section(partner):
    logs = list(
        ServiceLog.objects.filter(partner=partner)
        .select_related("space")
        .prefetch_related("files")
        .order_by("date", "start_time", "id")
    )
    if not logs:
        return DossierSection(key="service_logs", title=_("公益服务记录"), entries=[])
    totals = ServiceLog.objects.filter(partner=partner, status=LogStatus.VERIFIED).aggregate(
        n=Count("id"), hours=Sum("hours"), residents=Sum("residents_served")
    )
    entries = [
        DossierEntry(
            when=None,
            title=_("汇总"),
            detail=_("共 %(all)s 条记录,其中已核实 %(n)s 条,服务 %(hours)s 小时、%(residents)s 人次。")
            % {
                "all": len(logs),
                "n": totals["n"],
                "hours": totals["hours"] or 0,
                "residents": totals["residents"] or 0,
            },
        )
    ]
    for log in logs:
        entries.append(
            DossierEntry(
                when=log.date,
                title=f"{log.title}({log.get_status_display()})",
                detail=_("%(space)s %(start)s–%(end)s,%(hours)s 小时,%(residents)s 人次")
                % {
                    "space": log.space.name,
                    "start": f"{log.start_time:%H:%M}",
                    "end": f"{log.end_time:%H:%M}",
                    "hours": log.hours,
                    "residents": log.residents_served,
                },
                url=_admin_url(log),
                documents=[
                    DossierDocument(
                        label=f"{log.date:%Y-%m-%d}-{f.get_kind_display()}",
                        file=f.file,
                        original_name=f.original_name,
                    )
                    for f in log.files.all()
                ],
            )
        )
    # The monthly sheets (公益服务记录表) as the partner hands them in, one per month with logs.
    months = sorted({(log.date.year, log.date.month) for log in logs if log.status not in _OFF_SHEET})
    for year, month in months:
        entries.append(
            DossierEntry(
                when=dt.date(year, month, 1),
                title=_("公益服务记录表 %(year)s年%(month)02d月") % {"year": year, "month": month},
                url=reverse("services:log_export", args=[partner.pk, year, month, "pdf"]),
                documents=[
                    DossierDocument(
                        label=_("公益服务记录表-%(year)s%(month)02d") % {"year": year, "month": month},
                        render=lambda year=year, month=month: month_sheet_pdf(partner, year, month),
                    )
                ],
            )
        )
    return DossierSection(key="service_logs", title=_("公益服务记录"), entries=entries)


@dossier_section(order=80)
def observations_feedback_section(partner):
    entries = []
    for obs in (
        Observation.objects.filter(partner=partner)
        .select_related("observer__user")
        .prefetch_related("photos")
        .order_by("date", "id")
    ):
        entries.append(
            DossierEntry(
                when=obs.date,
                title=_("观察员 %(name)s 的观察记录") % {"name": obs.observer},
                detail=_("守时 %(p)s、质量 %(q)s、安全 %(s)s、态度 %(a)s。%(seen)s")
                % {
                    "p": obs.punctuality,
                    "q": obs.quality,
                    "s": obs.safety,
                    "a": obs.attitude,
                    "seen": obs.seen,
                },
                url=_admin_url(obs),
                documents=[
                    DossierDocument(
                        label=_("观察照片-%(date)s") % {"date": f"{obs.date:%Y-%m-%d}"},
                        file=p.file,
                        original_name=p.original_name,
                    )
                    for p in obs.photos.all()
                ],
            )
        )
    counts = dict(Feedback.objects.filter(partner=partner).values_list("status").annotate(n=Count("id")))
    if counts:
        avg, n = satisfaction(partner)
        entries.append(
            DossierEntry(
                when=None,
                title=_("居民意见箱汇总"),
                detail=_("共 %(total)s 条意见,审核通过 %(n)s 条,平均满意度 %(avg)s 分。")
                % {
                    "total": sum(counts.values()),
                    "n": counts.get(FeedbackStatus.APPROVED, 0),
                    "avg": avg if avg is not None else "—",
                },
                url=reverse("admin:services_feedback_changelist") + f"?partner__id__exact={partner.pk}",
            )
        )
    return DossierSection(key="observations_feedback", title=_("观察员报告与居民意见"), entries=entries)


@dossier_section(order=90)
def evaluations_section(partner):
    entries = []
    for ev in Evaluation.objects.filter(partner=partner).order_by("evaluated_on", "id"):
        share = f"{ev.fulfilment_share * 100:.0f}%" if ev.fulfilment_share is not None else "—"
        entries.append(
            DossierEntry(
                when=ev.evaluated_on,
                title=f"{ev.get_kind_display()}:{ev.get_conclusion_display()}",
                detail=_(
                    "指标完成率 %(share)s,满意度 %(sat)s,观察员评分 %(obs)s,评分合计 %(total)s。%(remarks)s"
                )
                % {
                    "share": share,
                    "sat": ev.satisfaction if ev.satisfaction is not None else "—",
                    "obs": ev.observer_rating if ev.observer_rating is not None else "—",
                    "total": ev.total_score if ev.total_score is not None else "—",
                    "remarks": ev.remarks,
                },
                url=_admin_url(ev),
            )
        )
    for rec in Recognition.objects.filter(partner=partner).order_by("date", "id"):
        entries.append(
            DossierEntry(
                when=rec.date,
                title=f"{rec.get_kind_display()}:{rec.title}",
                detail=rec.detail,
                url=_admin_url(rec),
            )
        )
    return DossierSection(key="evaluations", title=_("评估、表扬与警告"), entries=entries)


@dossier_section(order=100)
def exit_section(partner):
    entries = []
    for licence in LogoLicence.objects.filter(partner=partner).order_by("granted_on", "id"):
        detail = (
            _("已于 %(date)s 撤销(%(why)s)。") % {"date": licence.revoked_on, "why": licence.revoked_note}
            if licence.revoked_on
            else _("有效。")
        )
        entries.append(
            DossierEntry(
                when=licence.granted_on, title=_("授予标识使用权"), detail=detail, url=_admin_url(licence)
            )
        )
    for signoff in DisciplineSignoff.objects.filter(partner=partner).order_by("signed_on", "id"):
        entries.append(
            DossierEntry(
                when=signoff.signed_on,
                title=_("%(dept)s签字确认(%(name)s)")
                % {"dept": signoff.department, "name": signoff.signatory},
                detail=signoff.finding,
                url=_admin_url(signoff),
            )
        )
    record = PartnerExit.objects.filter(partner=partner).first()
    if record:
        entries.append(
            DossierEntry(
                when=record.exit_date,
                title=_("退出:%(reason)s") % {"reason": record.get_reason_display()},
                detail=_("%(note)s 交接情况:%(handover)s")
                % {"note": record.note, "handover": record.handover_note},
                url=_admin_url(record),
            )
        )
    return DossierSection(key="exit", title=_("标识使用与退出"), entries=entries)
