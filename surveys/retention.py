"""The answers' device and phone hashes, erased when their retention period ends (portal/retention.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q

from portal.domain import audit_log
from portal.retention import retention_rule

from .models import Questionnaire, QuestionnaireAnswer, SatisfactionAnswer, SatisfactionSurvey

HASHED = ~Q(device_hash="") | ~Q(phone_hash="")


@retention_rule("survey_identifiers")
def erase_survey_identifiers(*, cutoff, dry_run: bool) -> int:
    """The keyed hashes of residents' devices and phones only stop a second answer counting while
    a questionnaire or an evaluation is open (PIPL art. 19: no longer than the purpose needs);
    after the period they are blanked. Choices, scores and comments stay: they are the results.
    One audit event per questionnaire or evaluation, with how many answers were blanked."""
    sources = [
        (QuestionnaireAnswer, "questionnaire", Questionnaire),
        (SatisfactionAnswer, "survey", SatisfactionSurvey),
    ]
    total = 0
    for model, parent_field, parent_model in sources:
        due = model.objects.filter(HASHED, created_at__lt=cutoff)
        if dry_run:
            total += due.count()
            continue
        groups = due.values(f"{parent_field}_id").annotate(n=Count("id")).order_by()
        for row in groups:
            parent = parent_model.objects.get(pk=row[f"{parent_field}_id"])
            with transaction.atomic():
                n = due.filter(**{f"{parent_field}_id": parent.pk}).update(device_hash="", phone_hash="")
                audit_log(
                    subject=parent,
                    action="surveys.answers.personal_data_erased",
                    note="survey_identifiers",
                    data={"fields_blanked": ["device_hash", "phone_hash"], "answers": n},
                    community=getattr(parent, "community", None),
                )
            total += n
    return total
