"""Residents' contacts in the suggestion box, erased when their retention period ends (portal/retention.py)."""

from __future__ import annotations

from portal.retention import fields_blank, retention_rule

from .models import Feedback


@retention_rule("feedback_contacts")
def erase_feedback_contacts(*, cutoff, dry_run: bool) -> int:
    """The suggestion box (六(二)2 居民意见箱): the resident's contact blanked after the retention
    period; the rating and comment stay for the partner's evaluation."""
    due = Feedback.objects.filter(created_at__lt=cutoff).exclude(contact="").order_by("pk")
    return fields_blank(
        due.select_related("partner__community"),
        kind="feedback_contacts",
        fields={"contact": ""},
        action="services.feedback.personal_data_erased",
        community=lambda feedback: feedback.partner.community,
        dry_run=dry_run,
    )
