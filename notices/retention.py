"""Objectors' phone numbers, erased when their retention period ends (portal/retention.py)."""

from __future__ import annotations

from django.db import transaction

from portal.domain import audit_log
from portal.retention import retention_rule

from .models import Objection


@retention_rule("objector_phones")
def erase_objector_phones(*, cutoff, dry_run: bool) -> int:
    """Objections to a notice (五(二)3): the objector's phone blanked once the objection has been
    concluded for the retention period; the name, grounds and conclusion stay on the record."""
    due = Objection.objects.filter(concluded_at__lt=cutoff).exclude(objector_phone="").order_by("pk")
    if dry_run:
        return due.count()
    count = 0
    for objection in due.iterator():
        with transaction.atomic():
            Objection.objects.filter(pk=objection.pk).update(objector_phone="")
            audit_log(
                subject=objection,
                action="notices.objection.personal_data_erased",
                note="objector_phones",
                data={"fields_blanked": ["objector_phone"]},
                community=objection.get_community(),
            )
        count += 1
    return count
