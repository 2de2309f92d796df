"""The registry's ledger (台账): the admin's scoped, filtered list as XLSX or CSV (portal.ledgers)."""

from portal.ledgers import ledger_resource

from .models import Organisation

OrganisationLedger = ledger_resource(
    Organisation,
    [
        ("community__street__name", "街道"),
        ("community__name", "社区"),
        "name",
        "tier",
        "sector",
        "legal_form",
        "credit_code",
        "rating",
        "members_count",
        "activity_area",
        "contact_name",
        "contact_phone",
        "founded_on",
        "filing_status",
        "filing_number",
        "filed_on",
        "recorded_on",
        "recorded_by",
        "created_at",
    ],
)
