"""Volunteers' mobile numbers, erased when their retention period ends (portal/retention.py)."""

from __future__ import annotations

from django.db.models import Max
from django.db.models.functions import Coalesce, Greatest

from portal.retention import fields_blank, retention_rule

from .models import Volunteer


@retention_rule("volunteer_contacts")
def erase_volunteer_contacts(*, cutoff, dry_run: bool) -> int:
    """A volunteer's mobile is kept while they still help (PIPL art. 19: no longer than the purpose
    needs): it is blanked once neither a registration nor a credited hour is newer than the
    period. The name and the hours stay — they are the time bank's ledger (成都 seed 001)."""
    due = (
        Volunteer.objects.exclude(mobile="")
        .annotate(last_seen=Greatest("created_at", Coalesce(Max("credits__created_at"), "created_at")))
        .filter(last_seen__lt=cutoff)
        .order_by("pk")
    )
    return fields_blank(
        due.select_related("community"),
        kind="volunteer_contacts",
        fields={"mobile": ""},
        action="timebank.volunteer.personal_data_erased",
        community=lambda volunteer: volunteer.community,
        dry_run=dry_run,
    )
