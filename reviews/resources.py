"""Ledgers (台账) of joint vetting, score sheets and committee decisions: portal.ledgers, issue 16."""

from __future__ import annotations

from portal.ledgers import ledger_resource

from .models import Decision, ScoreSheet, VettingCheck

VettingCheckLedger = ledger_resource(
    VettingCheck,
    [
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        ("partner__community", "社区"),
        "department",
        "materials_complete",
        "plan_compliant",
        "violation_found",
        "source_consulted",
        "result",
        "note",
        "checked_by",
        "checked_at",
    ],
)

ScoreSheetLedger = ledger_resource(
    ScoreSheet,
    [
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        ("member__user", "评审人"),
        ("member__panel__kind", "评审组"),
        "status",
        "comment",
        "submitted_at",
    ],
)

DecisionLedger = ledger_resource(
    Decision,
    [
        ("meeting__date", "会议日期"),
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        "outcome",
        "community",
        "space",
        "note",
        "decided_by",
        "created_at",
    ],
)
