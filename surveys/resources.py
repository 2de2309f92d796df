"""Ledgers (台账, portal.ledgers) of the questionnaire answers, the shortlist and the satisfaction scores.

No ledger carries a device or phone hash: they identify nobody and serve only to count once.
"""

from portal.ledgers import ledger_resource

from .models import QuestionnaireAnswer, SatisfactionAnswer, ShortlistEntry

QuestionnaireAnswerLedger = ledger_resource(
    QuestionnaireAnswer,
    [
        "created_at",
        ("questionnaire__title", "问卷"),
        ("community__name", "所在社区"),
        ("get_categories_display", "选择的服务类别"),
        "other_needs",
    ],
)

ShortlistLedger = ledger_resource(
    ShortlistEntry,
    [
        ("questionnaire__title", "问卷"),
        ("community__name", "社区"),
        "category",
        "answers_count",
        ("need__title", "居民需求"),
        "confirmed_by",
        "confirmed_at",
    ],
)

SatisfactionAnswerLedger = ledger_resource(
    SatisfactionAnswer,
    [
        "created_at",
        ("survey__title", "测评"),
        ("partner__application__reference", "申请编号"),
        ("partner__application__applicant_name", "睦邻合伙人"),
        ("partner__community__name", "社区"),
        "rater",
        "evaluator",
        "score",
        "comment",
    ],
)
