"""This app's sections of the partner's dossier: reports, fund ledger, the archive checklist (晋江 四3).

Shown only for a street that runs the piece; a street that turned it off keeps the
records, and the dossier shows them again when it is turned back on.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierDocument, DossierEntry, DossierSection, dossier_section

from .domain import archive_checklist, fund_totals, reports_enabled_for
from .models import FundEntry, MonthlyReport, SelfEvaluation


@dossier_section(order=95)
def reports_section(partner):
    """Monthly progress reports and self-evaluations (晋江 五3, 四3⑦)."""
    if not reports_enabled_for(partner):
        return None
    entries = []
    for report in MonthlyReport.objects.filter(partner=partner).order_by("month"):
        figures = report.figures or {}
        entries.append(
            DossierEntry(
                when=report.month,
                title=_("%(month)s月度进展报告（%(status)s）")
                % {"month": f"{report.month:%Y年%m月}", "status": report.get_status_display()},
                detail=_("服务时数 %(hours)s，场次 %(sessions)s，服务人次 %(residents)s")
                % {
                    "hours": figures.get("hours", 0),
                    "sessions": figures.get("sessions", 0),
                    "residents": figures.get("residents", 0),
                },
                url=reverse("admin:reports_monthlyreport_change", args=[report.pk]),
                source=_("月度报告 %(pk)s") % {"pk": report.pk},
            )
        )
    for evaluation in SelfEvaluation.objects.filter(partner=partner).order_by("submitted_at", "pk"):
        entries.append(
            DossierEntry(
                when=evaluation.submitted_at,
                title=f"{evaluation.get_kind_display()}（{evaluation.get_status_display()}）",
                detail=evaluation.content[:200],
                url=reverse("admin:reports_selfevaluation_change", args=[evaluation.pk]),
                source=_("自评报告 %(pk)s") % {"pk": evaluation.pk},
            )
        )
    return DossierSection(key="reports", title=_("月度报告与自评报告"), entries=entries)


@dossier_section(order=96)
def funds_section(partner):
    """The 项目资金使用明细表 with its receipts, and the totals (晋江 四3⑤)."""
    if not reports_enabled_for(partner):
        return None
    entries = []
    for entry in FundEntry.objects.filter(partner=partner).order_by("date", "pk"):
        entries.append(
            DossierEntry(
                when=entry.date,
                title=f"{entry.get_kind_display()} {entry.amount} 元",
                detail=f"{entry.counterparty}：{entry.description}",
                url=reverse("admin:reports_fundentry_change", args=[entry.pk]),
                documents=[DossierDocument(label=_("票据-%(pk)s") % {"pk": entry.pk}, file=entry.receipt)]
                if entry.receipt
                else [],
                source=_("资金收支 %(pk)s") % {"pk": entry.pk},
            )
        )
    if entries:
        totals = fund_totals(partner)
        entries.append(
            DossierEntry(
                when=None,
                title=_("合计"),
                detail=_("收入 %(income)s 元，支出 %(expense)s 元，结余 %(balance)s 元")
                % {"income": totals.income, "expense": totals.expense, "balance": totals.balance},
            )
        )
    return DossierSection(key="funds", title=_("资金使用明细"), entries=entries)


@dossier_section(order=110)
def archive_checklist_section(partner):
    """The archive checklist ①–⑧ (晋江 四3): what the dossier holds and what is missing."""
    if not reports_enabled_for(partner):
        return None
    return DossierSection(
        key="archive_checklist",
        title=_("项目档案清单（①—⑧）"),
        entries=[
            DossierEntry(
                when=None,
                title=f"{item.number} {item.title}",
                detail=(_("已具备：%(detail)s") if item.present else _("缺少：%(detail)s"))
                % {"detail": item.detail},
                url=item.url,
            )
            for item in archive_checklist(partner)
        ],
    )
