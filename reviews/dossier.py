"""The review stage's sections of the partner's dossier (项目档案)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierEntry, DossierSection, dossier_section
from portal.models import person_name

from .models import ConflictDeclaration, Decision, ScoreSheet, SheetStatus, SiteVisit, VettingCheck


@dossier_section(order=20)
def vetting_section(partner):
    checks = VettingCheck.objects.filter(partner=partner).select_related("department", "checked_by")
    entries = [
        DossierEntry(
            when=c.checked_at,
            title=f"{c.department.name}：{c.get_result_display()}",
            detail="\n".join(
                filter(
                    None,
                    [
                        _("材料完整：%s") % (_("是") if c.materials_complete else _("否")),
                        _("计划合规：%s") % (_("是") if c.plan_compliant else _("否")),
                        _("违规违纪违法或失信：%s") % (_("发现") if c.violation_found else _("未发现")),
                        _("查询渠道：%s") % c.source_consulted if c.source_consulted else "",
                        c.note,
                        _("审核人：%(name)s（代为登记，代表%(department)s）")
                        % {"name": person_name(c.checked_by), "department": c.department.name}
                        if c.recorded_on_behalf
                        else _("审核人：%s") % person_name(c.checked_by),
                    ],
                )
            ),
            url=reverse("admin:reviews_vettingcheck_change", args=[c.pk]),
        )
        for c in checks
    ]
    if not entries:
        return None
    return DossierSection(key="vetting", title=_("联审联查"), entries=entries)


@dossier_section(order=30)
def roadshow_section(partner):
    sheets = (
        ScoreSheet.objects.filter(partner=partner, status=SheetStatus.SUBMITTED)
        .select_related("member__panel__roadshow", "member__user")
        .prefetch_related("scores__criterion")
    )
    entries = []
    for sheet in sheets:
        roadshow = sheet.member.panel.roadshow
        if not roadshow.is_closed:
            continue  # scores stay private until scoring closes
        total = sum((s.value * s.criterion.weight for s in sheet.scores.all()), 0)
        entries.append(
            DossierEntry(
                when=sheet.submitted_at,
                title=f"{roadshow} · {sheet.member.panel.get_kind_display()} · {sheet.member}：{total}",
                detail="；".join(f"{s.criterion.title} {s.value}" for s in sheet.scores.all())
                + (f"\n{sheet.comment}" if sheet.comment else ""),
            )
        )
    for declaration in ConflictDeclaration.objects.filter(partner=partner, has_conflict=True).select_related(
        "member__user", "member__panel__roadshow"
    ):
        entries.append(
            DossierEntry(
                when=declaration.declared_at,
                title=_("%(member)s 声明利益冲突，回避评分") % {"member": declaration.member},
                detail=declaration.note,
            )
        )
    if partner.composite_score is not None:
        entries.append(
            DossierEntry(when=partner.status_changed_at, title=_("综合评分：%s") % partner.composite_score)
        )
    for visit in SiteVisit.objects.filter(partner=partner):
        entries.append(
            DossierEntry(when=visit.date, title=_("实地考察（%s）") % visit.visitors, detail=visit.findings)
        )
    if not entries:
        return None
    return DossierSection(key="roadshow", title=_("路演评分与实地考察"), entries=entries)


@dossier_section(order=40)
def decision_section(partner):
    decision = (
        Decision.objects.filter(partner=partner).select_related("meeting", "community", "space").first()
    )
    if decision is None:
        return None
    detail = [decision.note]
    if decision.community:
        detail.append(_("入驻社区：%s") % decision.community)
    if decision.space:
        detail.append(_("分配空间：%s") % decision.space.name)
    return DossierSection(
        key="decision",
        title=_("党工委决定"),
        entries=[
            DossierEntry(
                when=decision.meeting.date,
                title=f"{decision.meeting}：{decision.get_outcome_display()}",
                detail="\n".join(filter(None, detail)),
                url=reverse("admin:reviews_decision_change", args=[decision.pk]),
            )
        ],
    )
