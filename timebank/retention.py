"""Volunteers' mobile numbers, erased when their retention period ends (portal/retention.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, Greatest

from portal.domain import audit_log
from portal.retention import retention_rule

from .models import Volunteer


@retention_rule("volunteer_contacts")
def erase_volunteer_contacts(*, cutoff, dry_run: bool) -> int:
    """A volunteer's mobile is kept while they still help (PIPL art. 19: no longer than the purpose
    needs): it is blanked once neither a registration nor a credited hour is newer than the
    period. The name and the hours stay — they are the time bank's ledger (成都 seed 001)."""
    due = (
        Volunteer.objects.exclude(mobile="")
        .annotate(last_seen=Greatest("created_at", Coalesce(Max("credits__created_at"), "created_at")))
        .filter(Q(last_seen__lt=cutoff))
        .order_by("pk")
    )
    if dry_run:
        return due.count()
    count = 0
    for volunteer in due.select_related("community"):
        with transaction.atomic():
            Volunteer.objects.filter(pk=volunteer.pk).update(mobile="")
            audit_log(
                subject=volunteer,
                action="timebank.volunteer.personal_data_erased",
                note="volunteer_contacts",
                data={"fields_blanked": ["mobile"]},
                community=volunteer.community,
            )
        count += 1
    return count
