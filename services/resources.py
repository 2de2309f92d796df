"""Ledgers (台账) of service logs, observations, suggestions, evaluations and exits (issue 16)."""

from __future__ import annotations

from portal.ledgers import ledger_resource

from .models import Evaluation, Feedback, Observation, PartnerExit, ServiceLog

ServiceLogLedger = ledger_resource(
    ServiceLog,
    [
        "date",
        "start_time",
        "end_time",
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        "space",
        "category",
        "title",
        "hours",
        "residents_served",
        "special_group_residents",
        "special_groups",
        "volunteers",
        "status",
        "review_note",
        "reviewed_by",
        "reviewed_at",
        "recorded_by",
    ],
)

ObservationLedger = ledger_resource(
    Observation,
    [
        "date",
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        ("observer__user", "观察员"),
        "punctuality",
        "quality",
        "safety",
        "attitude",
        "seen",
    ],
)

FeedbackLedger = ledger_resource(
    Feedback,
    [
        "created_at",
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        "rating",
        "comment",
        "status",
        "moderated_by",
        "moderated_at",
        "moderation_note",
    ],
)

EvaluationLedger = ledger_resource(
    Evaluation,
    [
        "evaluated_on",
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        "kind",
        "conclusion",
        "fulfilment",
        "satisfaction",
        "observer_rating",
        "incidents",
        "total_score",
        "remarks",
        "recorded_by",
    ],
)

PartnerExitLedger = ledger_resource(
    PartnerExit,
    [
        "exit_date",
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        "reason",
        "note",
        "handover_note",
        "slots_released",
        "logs_closed",
        "recorded_by",
    ],
)
