"""The audit actions of monthly reports, self-evaluations and the fund ledger (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.events import register_events

from .models import FundKind, ReportStatus, SelfEvaluationStatus

register_events(
    {
        "reports.monthly.compiled": _("生成月度报告"),
        "reports.monthly.submitted": _("提交月度报告"),
        "reports.monthly.confirmed": _("确认月度报告"),
        "reports.monthly.returned": _("退回月度报告"),
    },
    states=ReportStatus,
)
register_events(
    {
        "reports.self_evaluation.submitted": _("提交自评报告"),
        # reports.domain writes f"reports.self_evaluation.{status}" for each decision.
        "reports.self_evaluation.accepted": _("通过自评报告"),
        "reports.self_evaluation.returned": _("退回自评报告"),
    },
    states=SelfEvaluationStatus,
)
register_events({"reports.fund_entry.recorded": _("登记资金收支")}, states=FundKind)
