"""Ledgers (台账) of the time bank: the lines, the accounts, the redemptions (portal.ledgers)."""

from __future__ import annotations

from portal.ledgers import ledger_resource

from .models import Account, Entry, Redemption

EntryLedger = ledger_resource(
    Entry,
    [
        "created_at",
        ("account__community", "社区"),
        ("account__partner__application__applicant_name", "个人合伙人"),
        ("account__volunteer__name", "志愿者"),
        "kind",
        "points",
        "balance_after",
        ("log__date", "服务日期"),
        ("log__title", "活动名称"),
        "hours",
        "rate",
        ("redemption__benefit__name", "兑换项目"),
        "note",
        "recorded_by",
    ],
)

AccountLedger = ledger_resource(
    Account,
    [
        "community",
        ("partner__application__applicant_name", "个人合伙人"),
        ("volunteer__name", "志愿者"),
        "balance",
        "created_at",
    ],
)

RedemptionLedger = ledger_resource(
    Redemption,
    [
        "created_at",
        ("account__community", "社区"),
        ("account__partner__application__applicant_name", "个人合伙人"),
        ("account__volunteer__name", "志愿者"),
        ("benefit__name", "兑换项目"),
        "points",
        "note",
        "recorded_by",
    ],
)
