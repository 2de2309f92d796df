"""Ledgers (台账) of recruitment calls and applications: portal.ledgers, issue 16."""

from __future__ import annotations

from portal.ledgers import ledger_resource

from .models import Application, RecruitmentCall

RecruitmentCallLedger = ledger_resource(
    RecruitmentCall,
    ["street", "title", "status", "opens_at", "closes_at", "published_at", "closed_at", "contact"],
)

ApplicationLedger = ledger_resource(
    Application,
    [
        "reference",
        "applicant_name",
        "kind",
        "community",
        "call",
        "project_title",
        "service_categories",
        "target_groups",
        "contact_name",
        "mobile",
        "hours_per_month",
        "residents_per_month",
        "events_per_month",
        ("partner__status", "状态"),
        "submitted_at",
    ],
)
