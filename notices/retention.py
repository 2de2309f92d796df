"""Objectors' phone numbers, erased when their retention period ends (portal/retention.py)."""

from __future__ import annotations

from portal.retention import fields_blank, retention_rule

from .models import Objection


@retention_rule("objector_phones")
def erase_objector_phones(*, cutoff, dry_run: bool) -> int:
    """Objections to a notice (五(二)3): the objector's phone blanked once the objection has been
    concluded for the retention period; the name, grounds and conclusion stay on the record."""
    due = Objection.objects.filter(concluded_at__lt=cutoff).exclude(objector_phone="").order_by("pk")
    return fields_blank(
        due,
        kind="objector_phones",
        fields={"objector_phone": ""},
        action="notices.objection.personal_data_erased",
        community=lambda objection: objection.get_community(),
        dry_run=dry_run,
    )
