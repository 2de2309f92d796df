"""Staff side of reports: confirm or return monthly reports, the overdue list, self-evaluations, funds.

Hidden for staff whose street does not run the piece (ReportSettings off); records are kept.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.utils.translation import gettext_lazy as _

from portal.admin_scoping import ScopedAdminMixin, scoped_community_filters
from portal.dates import local_today
from portal.features import scope_runs, streets_with
from portal.ledgers import LedgerExportMixin
from portal.refusals import refusals_as_messages

from . import domain
from .models import FundEntry, MonthlyReport, ReportSettings, ReportStatus, SelfEvaluation
from .resources import FundEntryLedger, MonthlyReportLedger


def user_runs_reports(user) -> bool:
    """Whether a street in the user's scope runs the piece (superusers: always, to switch it on)."""
    return getattr(user, "is_superuser", False) or scope_runs(user, ReportSettings)


class FeatureScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Scoped to the user's communities and to streets that run the piece."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(community__street__in=streets_with(ReportSettings))

    def has_module_permission(self, request):
        return user_runs_reports(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return user_runs_reports(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    """逾期未确认: past the street's due day (the 20th of the next month) and not confirmed."""

    title = _("逾期")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("逾期未确认"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(due_on__lt=local_today()).exclude(status=ReportStatus.CONFIRMED)
        return queryset


class ReturnActionForm(ActionForm):
    reason = forms.CharField(label=_("退回原因"), required=False, widget=forms.TextInput(attrs={"size": 40}))


@admin.register(MonthlyReport)
class MonthlyReportAdmin(LedgerExportMixin, FeatureScopedAdmin):
    resource_classes = [MonthlyReportLedger]
    ledger_date_field = "month"
    action_form = ReturnActionForm
    list_display = ["month_text", "partner", "status", "due_on", "overdue", "hours", "sessions", "residents"]
    list_filter = ["status", OverdueFilter, *scoped_community_filters("community"), "month"]
    search_fields = ["partner__application__applicant_name", "partner__application__project_title"]
    list_select_related = ["partner__application", "community"]
    actions = ["confirm", "send_back"]
    readonly_fields = [
        "partner",
        "community",
        "month",
        "due_on",
        "status",
        "figures",
        "narrative",
        "submitted_at",
        "submitted_by",
        "confirmed_at",
        "confirmed_by",
        "return_reason",
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if user_runs_reports(request.user):
            count = domain.overdue_reports(request.user).count()
            if count:
                messages.warning(request, _("逾期未确认的月度报告：%(n)d 份。") % {"n": count})
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("月份"), ordering="month")
    def month_text(self, obj):
        return f"{obj.month:%Y-%m}"

    @admin.display(description=_("逾期"), boolean=True)
    def overdue(self, obj):
        return obj.is_overdue(local_today())

    @admin.display(description=_("服务时数"))
    def hours(self, obj):
        return (obj.figures or {}).get("hours", "")

    @admin.display(description=_("场次"))
    def sessions(self, obj):
        return (obj.figures or {}).get("sessions", "")

    @admin.display(description=_("服务人次"))
    def residents(self, obj):
        return (obj.figures or {}).get("residents", "")

    @admin.action(description=_("确认月度报告"), permissions=["view"])
    def confirm(self, request, queryset):
        done = 0
        for report in queryset:
            with refusals_as_messages(request, prefix=f"{report}：", join="；") as outcome:
                domain.monthly_report_confirm(report=report, by=request.user)
            done += not outcome.refused
        if done:
            messages.success(request, _("已确认 %(n)s 份报告。") % {"n": done})

    @admin.action(description=_("退回（需填写原因）"), permissions=["view"])
    def send_back(self, request, queryset):
        done = 0
        for report in queryset:
            with refusals_as_messages(request, prefix=f"{report}：", join="；") as outcome:
                domain.monthly_report_return(
                    report=report, reason=request.POST.get("reason", ""), by=request.user
                )
            done += not outcome.refused
        if done:
            messages.success(request, _("已退回 %(n)s 份报告。") % {"n": done})


@admin.register(SelfEvaluation)
class SelfEvaluationAdmin(FeatureScopedAdmin):
    action_form = ReturnActionForm
    list_display = ["partner", "kind", "status", "submitted_at", "decided_at"]
    list_filter = ["kind", "status", *scoped_community_filters("community")]
    search_fields = ["partner__application__applicant_name"]
    list_select_related = ["partner__application"]
    actions = ["accept", "send_back"]
    readonly_fields = [
        "partner",
        "agreement",
        "kind",
        "status",
        "figures",
        "content",
        "method",
        "submitted_at",
        "submitted_by",
        "decided_at",
        "decided_by",
        "return_reason",
    ]

    def has_change_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, accept):
        done = 0
        for evaluation in queryset:
            with refusals_as_messages(request, prefix=f"{evaluation}：", join="；") as outcome:
                domain.self_evaluation_decide(
                    evaluation=evaluation,
                    accept=accept,
                    reason=request.POST.get("reason", ""),
                    by=request.user,
                )
            done += not outcome.refused
        if done:
            messages.success(request, _("已处理 %(n)s 份自评报告。") % {"n": done})

    @admin.action(description=_("通过自评报告"), permissions=["view"])
    def accept(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("退回（需填写原因）"), permissions=["view"])
    def send_back(self, request, queryset):
        self._decide(request, queryset, False)


@admin.register(FundEntry)
class FundEntryAdmin(LedgerExportMixin, FeatureScopedAdmin):
    resource_classes = [FundEntryLedger]
    ledger_date_field = "date"
    list_display = ["date", "partner", "kind", "amount", "counterparty", "description", "has_receipt"]
    list_filter = ["kind", *scoped_community_filters("community"), "date"]
    search_fields = ["partner__application__applicant_name", "counterparty", "description"]
    list_select_related = ["partner__application"]
    readonly_fields = [
        "partner",
        "date",
        "kind",
        "amount",
        "counterparty",
        "description",
        "receipt",
        "recorded_by",
        "recorded_at",
    ]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("票据"), boolean=True)
    def has_receipt(self, obj):
        return bool(obj.receipt)


@admin.register(ReportSettings)
class ReportSettingsAdmin(admin.ModelAdmin):
    """The street's numbers (superusers; a street adopts the piece with its programme preset)."""

    list_display = ["street", "enabled", "confirm_by_day", "reminder_day", "fund_ledger", "fund_disclosure"]
    list_filter = ["enabled"]
    fields = ["street", "enabled", "confirm_by_day", "reminder_day", "fund_ledger", "fund_disclosure"]

    def get_readonly_fields(self, request, obj=None):
        return ["street"] if obj is not None else []
