"""Partner pages (login) for reports, self-evaluations and funds (the disclosure is a panel: public.py).

Doors only: every rule is in reports.domain. A street that does not run the piece
answers 404 (portal.features.feature_required); its records are kept.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from partners.models import Partner
from portal.dates import add_months, local_today
from portal.exceptions import ActionRefused
from portal.features import feature_required
from portal.forms import attach_domain_error
from portal.refusals import refusals_as_messages
from services.models import PartnerAccount

from . import domain
from .forms import FundEntryForm, NarrativeForm, SelfEvaluationForm
from .models import FundEntry, MonthlyReport, ReportSettings, SelfEvaluation


def _partner(request) -> Partner:
    """The logged-in partner, its street running the piece (404 otherwise)."""
    try:
        account = request.user.partner_account
    except (PartnerAccount.DoesNotExist, AttributeError):
        raise PermissionDenied from None
    partner = account.partner
    feature_required(ReportSettings, partner.community.street_id)
    return partner


@login_required
@require_http_methods(["GET", "POST"])
def report_index(request):
    """The partner's monthly reports, self-evaluations and fund ledger; compile last month's report."""
    partner = _partner(request)
    if request.method == "POST":
        month = add_months(local_today().replace(day=1), -1)
        with refusals_as_messages(request, catch=(ActionRefused,)) as outcome:
            report = domain.monthly_report_compile(partner=partner, month=month, by=request.user)
        if outcome.refused:
            return redirect("reports:index")
        return redirect("reports:report_submit", pk=report.pk)
    settings_row = ReportSettings.for_street(partner.community.street_id)
    context = {
        "partner": partner,
        "reports": MonthlyReport.objects.filter(partner=partner),
        "evaluations": SelfEvaluation.objects.filter(partner=partner),
        "funds": FundEntry.objects.filter(partner=partner) if settings_row.fund_ledger else None,
        "totals": domain.fund_totals(partner),
        "today": local_today(),
    }
    return render(request, "reports/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def report_submit(request, pk):
    partner = _partner(request)
    report = get_object_or_404(MonthlyReport, pk=pk, partner=partner)
    form = NarrativeForm(request.POST or None, initial={"narrative": report.narrative})
    if request.method == "POST" and form.is_valid():
        with refusals_as_messages(request, catch=(ActionRefused,)) as outcome:
            try:
                domain.monthly_report_submit(
                    report=report, narrative=form.cleaned_data["narrative"], by=request.user
                )
            except ValidationError as exc:
                attach_domain_error(form, exc)
                outcome.refused = True
        if not outcome.refused:
            messages.success(request, _("月度报告已提交，等待社区确认。"))
            return redirect("reports:index")
    return render(
        request,
        "reports/report_form.html",
        {
            "partner": partner,
            "report": report,
            "form": form,
            "open_logs": domain.month_open_logs(partner, report.month),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_evaluation_new(request):
    partner = _partner(request)
    form = SelfEvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_as_messages(request, catch=(ActionRefused,)) as outcome:
            try:
                domain.self_evaluation_submit(partner=partner, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                attach_domain_error(form, exc)
                outcome.refused = True
        if not outcome.refused:
            messages.success(request, _("自评报告已提交，等待社区审核。"))
            return redirect("reports:index")
    return render(request, "reports/self_evaluation_form.html", {"partner": partner, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def fund_entry_new(request):
    partner = _partner(request)
    form = FundEntryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "receipt"}
        with refusals_as_messages(request, catch=(ActionRefused,)) as outcome:
            try:
                domain.fund_entry_record(
                    partner=partner, data=data, receipt=form.cleaned_data.get("receipt"), by=request.user
                )
            except ValidationError as exc:
                attach_domain_error(form, exc)
                outcome.refused = True
        if not outcome.refused:
            messages.success(request, _("资金收支已登记。"))
            return redirect("reports:index")
    return render(request, "reports/fund_form.html", {"partner": partner, "form": form})
