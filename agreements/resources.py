"""Ledgers (台账) of agreements and their service targets: portal.ledgers, issue 16."""

from __future__ import annotations

from portal.ledgers import ledger_resource

from .models import Agreement, ServiceTarget

AgreementLedger = ledger_resource(
    Agreement,
    [
        "number",
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        "community",
        "kind",
        "start_date",
        "end_date",
        "status",
        "signed_at",
        "services_description",
        "created_by",
    ],
)

ServiceTargetLedger = ledger_resource(
    ServiceTarget,
    [
        ("agreement__number", "协议编号"),
        ("agreement__partner__application__applicant_name", "睦邻合伙人"),
        ("agreement__community", "社区"),
        "metric",
        "period",
        "value",
        "target_group",
    ],
)
