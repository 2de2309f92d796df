"""Ledgers (台账) of monthly reports and the fund ledger (portal.ledgers, issue 16)."""

from __future__ import annotations

from portal.ledgers import ledger_resource

from .models import FundEntry, MonthlyReport

MonthlyReportLedger = ledger_resource(
    MonthlyReport,
    [
        "month",
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        "community",
        "status",
        "due_on",
        "submitted_at",
        "confirmed_at",
        "confirmed_by",
        "narrative",
    ],
)

FundEntryLedger = ledger_resource(
    FundEntry,
    [
        "date",
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        "kind",
        "amount",
        "counterparty",
        "description",
        "recorded_by",
        "recorded_at",
    ],
)
