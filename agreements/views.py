"""Staff pages of agreements: the PDF (generated in Celery, cached per version) and signature scans."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from portal.domain import require
from portal.rules import scope_queryset
from portal.uploads import serve_private_file

from .domain import agreement_pdf_request
from .models import Agreement, AgreementSignature
from .rules import can_view_agreement


@login_required
def agreement_pdf(request, pk):
    """Download the agreement's current text; if it is still being generated, say so and refresh."""
    agreement = get_object_or_404(
        scope_queryset(
            request.user, Agreement.objects.select_related("partner__application", "community__street")
        ),
        pk=pk,
    )
    require(can_view_agreement.test(request.user, agreement), "")
    document = agreement_pdf_request(agreement=agreement)
    if document is None:
        return TemplateResponse(request, "agreements/pdf_pending.html", {"agreement": agreement}, status=202)
    return serve_private_file(document.file, filename=f"{agreement.number}.pdf", inline=True)


@login_required
def signature_scan(request, pk):
    signature = get_object_or_404(
        scope_queryset(
            request.user,
            AgreementSignature.objects.select_related("agreement__community"),
            "agreement__community",
        ).exclude(scan=""),
        pk=pk,
    )
    require(can_view_agreement.test(request.user, signature.agreement), "")
    return serve_private_file(signature.scan)
