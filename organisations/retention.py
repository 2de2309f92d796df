"""Contacts of organisations whose filing was revoked, erased when their period ends (portal/retention.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from portal.domain import audit_log
from portal.retention import retention_rule

from .models import FilingStatus, Organisation


@retention_rule("organisation_contacts")
def erase_organisation_contacts(*, cutoff, dry_run: bool) -> int:
    """A team whose filing the street revoked (seed 003 四（六）16) no longer acts in the community:
    its contact person and phone are blanked once the record has not changed for the period (its
    last change is the revocation or later, so the period never ends early). The name, tier,
    filing number and dates stay in the registry and the trail."""
    due = (
        Organisation.objects.filter(filing_status=FilingStatus.REVOKED, updated_at__lt=cutoff)
        .filter(~Q(contact_name="") | ~Q(contact_phone=""))
        .order_by("pk")
    )
    if dry_run:
        return due.count()
    count = 0
    for organisation in due.select_related("community"):
        with transaction.atomic():
            # update(), not save(): blanking the contact is not a change that restarts the period.
            Organisation.objects.filter(pk=organisation.pk).update(contact_name="", contact_phone="")
            audit_log(
                subject=organisation,
                action="organisations.organisation.personal_data_erased",
                note="organisation_contacts",
                data={"fields_blanked": ["contact_name", "contact_phone"]},
                community=organisation.community,
            )
        count += 1
    return count
