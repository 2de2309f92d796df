"""The notice section of the partner's dossier (项目档案): notices, objections, filing."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.dates import cn_date
from portal.dossier import DossierDocument, DossierEntry, DossierSection, dossier_section

from .domain import notice_entries_for, notice_filing_receipts
from .models import Objection


def _cn_datetime(when) -> str:
    """2026年4月1日 09:00: the documents' one date format, with the time."""
    return f"{cn_date(when)} {timezone.localtime(when):%H:%M}"


def _filing_statuses(notice) -> str:
    """Each recipient's answer to the filing: "市委组织部：已签收（2026-03-09）；…"."""
    parts = []
    for receipt in notice_filing_receipts(notice):
        when = receipt.answered_at
        text = f"{receipt.recipient.name}：{receipt.get_status_display()}"
        if when:
            text += f"（{cn_date(when)}）"
        if receipt.remark:
            text += _("，退回意见：%(remark)s") % {"remark": receipt.remark}
        parts.append(text)
    return "；".join(parts)


@dossier_section(order=50)
def notice_section(partner):
    """Notices listing the partner, objections against it and the filing."""
    entries = []
    for entry in notice_entries_for(partner).select_related("notice"):
        notice = entry.notice
        url = reverse("admin:notices_publicnotice_change", args=[notice.pk])
        entries.append(
            DossierEntry(
                when=notice.published_at,
                title=_("公示：%(title)s") % {"title": notice.title},
                detail=_("公示期 %(start)s 至 %(end)s；%(decision)s")
                % {
                    "start": _cn_datetime(notice.starts_at),
                    "end": _cn_datetime(notice.ends_at),
                    "decision": notice.decision_reference,
                },
                url=url,
                source=_("公示 %(title)s") % {"title": notice.title},
            )
        )
        if notice.filed_at:
            entries.append(
                DossierEntry(
                    when=notice.filed_at,
                    title=_("公示结果备案"),
                    detail=_filing_statuses(notice),
                    url=url,
                    source=_("公示 %(title)s") % {"title": notice.title},
                    documents=[DossierDocument(label=_("公示结果备案报告"), file=notice.filing_report)]
                    if notice.filing_report
                    else [],
                )
            )
    for objection in Objection.objects.filter(entry__partner=partner).order_by("created_at", "id"):
        entries.append(
            DossierEntry(
                when=objection.created_at,
                title=_("异议 %(ref)s：%(status)s")
                % {"ref": objection.reference, "status": objection.get_status_display()},
                detail=objection.conclusion or objection.grounds,
                url=reverse("admin:notices_objection_change", args=[objection.pk]),
                source=_("异议 %(ref)s") % {"ref": objection.reference},
                documents=[
                    DossierDocument(
                        label=_("异议证据-%(ref)s") % {"ref": objection.reference},
                        file=objection.evidence,
                        original_name=objection.evidence_name,
                    )
                ]
                if objection.evidence
                else [],
            )
        )
    if not entries:
        return None
    return DossierSection(key="notice", title=str(_("公示与异议")), entries=entries)
