"""The personal data of applications, erased when its retention period ends (portal/retention.py)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from partners.models import PartnerStatus
from portal.domain import audit_log
from portal.retention import retention_rule

from .domain import application_draft_delete, application_drafts_expired
from .models import Application

UNSUCCESSFUL = [PartnerStatus.REJECTED, PartnerStatus.NOT_SELECTED, PartnerStatus.WITHDRAWN]
CONTACT_FIELDS = ["id_number", "mobile", "email", "address"]


def _holding_contacts():
    return Q(*[~Q(**{field: ""}) for field in CONTACT_FIELDS], _connector=Q.OR)


def _erase(application: Application, *, delete_documents: bool, reason: str) -> None:
    """Delete the documents' files and rows (if asked) and blank the contact fields; one audit event."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        documents = list(application.documents.all()) if delete_documents else []
        for document in documents:
            document.file.delete(save=False)
            document.delete()
        blanked = [field for field in CONTACT_FIELDS if getattr(application, field)]
        Application.objects.filter(pk=application.pk).update(**{field: "" for field in CONTACT_FIELDS})
        audit_log(
            subject=application,
            action="calls.application.personal_data_erased",
            note=reason,
            data={"documents_deleted": len(documents), "fields_blanked": blanked},
        )


@retention_rule("unsuccessful_applications")
def erase_unsuccessful_applications(*, cutoff, dry_run: bool) -> int:
    """Applicants refused at vetting (五(一)3), not selected (五(二)2) or withdrawn: documents deleted and
    ID number and contact details blanked once the retention period after the decision has passed.

    The application row (name, project, decision) stays for the call's record.
    """
    due = (
        Application.objects.filter(partner__status__in=UNSUCCESSFUL, partner__status_changed_at__lt=cutoff)
        .filter(Q(documents__isnull=False) | _holding_contacts())
        .distinct()
        .order_by("pk")
    )
    if dry_run:
        return due.count()
    count = 0
    for application in due.iterator():
        _erase(application, delete_documents=True, reason="unsuccessful_applications")
        count += 1
    return count


@retention_rule("exited_partner_contacts")
def erase_exited_partner_contacts(*, cutoff, dry_run: bool) -> int:
    """Exited partners (六(二)3): ID number and contact details blanked after the retention period.

    The project archive (六(二)1: 申请、评估、签约、服务、考核、奖惩、退出) and its documents stay.
    """
    due = (
        Application.objects.filter(
            partner__status=PartnerStatus.EXITED, partner__status_changed_at__lt=cutoff
        )
        .filter(_holding_contacts())
        .order_by("pk")
    )
    if dry_run:
        return due.count()
    count = 0
    for application in due.iterator():
        _erase(application, delete_documents=False, reason="exited_partner_contacts")
        count += 1
    return count


@retention_rule("application_drafts")
def erase_expired_application_drafts(*, cutoff, dry_run: bool) -> int:
    """Application drafts never submitted (五(一)2 asks only for the submitted form): deleted with
    their attachments once expired (settings.APPLICATION_DRAFT_DAYS after the last change) and
    the retention period after that has passed. One audit event per draft, on its call.
    """
    due = application_drafts_expired(cutoff)
    if dry_run:
        return due.count()
    count = 0
    for draft in due.select_related("call").iterator():
        with transaction.atomic():
            files = application_draft_delete(draft=draft)
            audit_log(
                subject=draft.call,
                action="calls.application_draft.expired_deleted",
                data={"reference": draft.reference, "files_deleted": files},
            )
        count += 1
    return count
