"""Contacts of organisations whose filing was revoked, erased when their period ends (portal/retention.py)."""

from __future__ import annotations

from django.db.models import Q

from portal.retention import fields_blank, retention_rule

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
    # fields_blank writes with update(), not save(): blanking is not a change that restarts the period.
    return fields_blank(
        due.select_related("community"),
        kind="organisation_contacts",
        fields={"contact_name": "", "contact_phone": ""},
        action="organisations.organisation.personal_data_erased",
        community=lambda organisation: organisation.community,
        dry_run=dry_run,
    )
