"""Ledgers (台账) of public notices and objections: portal.ledgers, issue 16."""

from __future__ import annotations

from portal.ledgers import ledger_resource

from .models import Objection, PublicNotice

PublicNoticeLedger = ledger_resource(
    PublicNotice,
    [
        "street",
        "title",
        "decision_reference",
        "status",
        "starts_at",
        "ends_at",
        "published_at",
        "ended_at",
        "filed_at",
        "filed_by",
        "created_by",
    ],
)

ObjectionLedger = ledger_resource(
    Objection,
    [
        "reference",
        ("notice__title", "公示"),
        ("entry__partner__application__applicant_name", "被异议的申请人"),
        "objector_name",
        "grounds",
        "status",
        "assigned_to",
        "investigation_note",
        "conclusion",
        "created_at",
        "concluded_at",
        "concluded_by",
    ],
)
