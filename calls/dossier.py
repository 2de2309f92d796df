"""The application's section of the partner's dossier (项目档案, order 10)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.dossier import DossierDocument, DossierEntry, DossierSection, dossier_section

from .domain import application_pdf


@dossier_section(order=10)
def application_section(partner):
    application = partner.application
    source = _("申请 %(reference)s") % {"reference": application.reference}
    entries = [
        DossierEntry(
            when=application.submitted_at,
            title=_("项目申请表 %(reference)s：%(title)s")
            % {"reference": application.reference, "title": application.project_title},
            detail=_(
                "%(kind)s · 申报社区：%(community)s · 每月免费服务%(hours)s小时、服务%(residents)s人次、活动%(events)s场"
            )
            % {
                "kind": application.get_kind_display(),
                "community": application.community.name,
                "hours": application.hours_per_month,
                "residents": application.residents_per_month,
                "events": application.events_per_month,
            },
            url=reverse("admin:calls_application_change", args=[application.pk]),
            source=source,
            documents=[
                DossierDocument(
                    label=_("项目申请表-%(reference)s") % {"reference": application.reference},
                    render=lambda: application_pdf(application),
                )
            ],
        )
    ]
    for document in application.documents.all():
        entries.append(
            DossierEntry(
                when=document.uploaded_at,
                title=_("证明材料：%(kind)s") % {"kind": document.get_kind_display()},
                detail=document.original_name,
                url=reverse("calls:application_document_download", args=[document.pk]),
                source=source,
                documents=[
                    DossierDocument(
                        label=document.get_kind_display(),
                        file=document.file,
                        original_name=document.original_name,
                    )
                ],
            )
        )
    for request in application.document_requests.all():
        entries.append(
            DossierEntry(
                when=request.requested_at,
                title=_("补充材料通知：%(kind)s") % {"kind": request.get_kind_display()},
                detail=request.message + ("" if request.is_open else _("（已补交）")),
                source=source,
            )
        )
    return DossierSection(key="application", title=_("申请与证明材料"), entries=entries)
