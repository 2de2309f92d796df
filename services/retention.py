"""Residents' contacts in the suggestion box, erased when their retention period ends (portal/retention.py)."""

from __future__ import annotations

from django.db import transaction

from portal.domain import audit_log
from portal.retention import retention_rule

from .models import Feedback


@retention_rule("feedback_contacts")
def erase_feedback_contacts(*, cutoff, dry_run: bool) -> int:
    """The suggestion box (六(二)2 居民意见箱): the resident's contact blanked after the retention
    period; the rating and comment stay for the partner's evaluation."""
    due = Feedback.objects.filter(created_at__lt=cutoff).exclude(contact="").order_by("pk")
    if dry_run:
        return due.count()
    count = 0
    for feedback in due.select_related("partner__community").iterator():
        with transaction.atomic():
            Feedback.objects.filter(pk=feedback.pk).update(contact="")
            audit_log(
                subject=feedback,
                action="services.feedback.personal_data_erased",
                note="feedback_contacts",
                data={"fields_blanked": ["contact"]},
                community=feedback.partner.community,
            )
        count += 1
    return count
