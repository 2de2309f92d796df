"""The agreements section (60) of the partner's dossier (项目档案, rulebook 六(二)1)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierDocument, DossierEntry, DossierSection, dossier_section

from .domain import agreement_document_render
from .models import Agreement


def _agreement_text(agreement):
    """The agreement's text as it reads now: the stored PDF of this version, rendered if missing."""
    with agreement_document_render(agreement=agreement).file.open("rb") as handle:
        return handle.read()


@dossier_section(order=60)
def agreements_section(partner):
    agreements = (
        Agreement.objects.filter(partner=partner)
        .exclude(status="void")
        .prefetch_related("signatures", "targets", "reminders")
        .select_related("renewal_decision")
        .order_by("start_date", "id")
    )
    entries = []
    for agreement in agreements:
        targets = ";".join(str(t) for t in agreement.targets.all())
        detail = _("%(kind)s，%(start)s 至 %(end)s，%(status)s。量化指标：%(targets)s") % {
            "kind": agreement.get_kind_display(),
            "start": agreement.start_date,
            "end": agreement.end_date,
            "status": agreement.get_status_display(),
            "targets": targets or _("无"),
        }
        entries.append(
            DossierEntry(
                when=agreement.signed_at or agreement.created_at,
                title=_("三方协议 %(number)s") % {"number": agreement.number},
                detail=detail,
                url=reverse("admin:agreements_agreement_change", args=[agreement.pk]),
                source=_("协议 %(number)s") % {"number": agreement.number},
                documents=[
                    DossierDocument(
                        label=_("三方协议-%(number)s") % {"number": agreement.number},
                        render=lambda agreement=agreement: _agreement_text(agreement),
                    ),
                    *(
                        DossierDocument(
                            label=_("签字页扫描件-%(number)s-%(party)s")
                            % {"number": agreement.number, "party": s.get_party_display()},
                            file=s.scan,
                        )
                        for s in agreement.signatures.all()
                        if s.scan
                    ),
                ],
            )
        )
        for signature in agreement.signatures.all():
            entries.append(
                DossierEntry(
                    when=signature.signed_on,
                    title=_("签署：%(party)s") % {"party": signature.get_party_display()},
                    detail=signature.signatory,
                )
            )
        for reminder in agreement.reminders.all():
            entries.append(
                DossierEntry(
                    when=reminder.created_at, title=reminder.get_kind_display(), detail=agreement.number
                )
            )
        decision = getattr(agreement, "renewal_decision", None)
        if decision is not None:
            entries.append(
                DossierEntry(
                    when=decision.decided_on,
                    title=_("续签决定：%(outcome)s") % {"outcome": decision.get_outcome_display()},
                    detail=decision.note,
                )
            )
    if not entries:
        return None
    return DossierSection(key="agreements", title=_("协议签订与续签"), entries=entries)
