"""Agreements in the admin: scoped, read-only once signed; buttons call the domain functions."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from partners.models import PartnerStatus
from portal.admin_scoping import (
    AppendOnlyAdminMixin,
    AppendOnlyInline,
    ScopedAdminMixin,
    form_for_user,
    person_column,
    scoped_community_filters,
)
from portal.forms import attach_domain_error
from portal.ledgers import LedgerExportMixin
from portal.refusals import refusals_as_messages
from spaces.domain import describe_slot

from .domain import (
    agreement_clauses_update,
    agreement_document_current,
    agreement_document_render,
    agreement_is_editable,
    agreement_sign,
    agreement_supplement_create,
    agreement_timeslot_add,
    agreement_void,
    renewal_reminders_due,
    renewal_reminders_send,
)
from .forms import (
    AgreementCreateForm,
    SignatureForm,
    SpecialApprovalForm,
    SupplementForm,
    TimeSlotForm,
)
from .models import (
    Agreement,
    AgreementSignature,
    AgreementStatus,
    RenewalReminder,
    ServiceTarget,
    SpecialApproval,
)
from .resources import AgreementLedger, ServiceTargetLedger
from .rules import can_decide_renewal, can_draft_agreement, can_record_signature


def _editable(agreement) -> bool:
    return agreement is None or agreement_is_editable(agreement)


class ServiceTargetInline(admin.TabularInline):
    model = ServiceTarget
    extra = 0
    fields = ["metric", "period", "value", "target_group"]

    def _open(self, request, obj):
        return _editable(obj) and request.user.has_perm("agreements.change_agreement", obj)

    def has_add_permission(self, request, obj=None):
        return obj is not None and self._open(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and self._open(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and self._open(request, obj)


class SignatureInline(AppendOnlyInline):
    model = AgreementSignature
    fields = ["party", "signatory", "signed_on", "has_scan", "recorded_by_name", "recorded_at"]
    readonly_fields = fields

    recorded_by_name = person_column(AgreementSignature, "recorded_by")

    @admin.display(description=_("扫描件"), boolean=True)
    def has_scan(self, obj):
        return bool(obj.scan)


@admin.register(Agreement)
class AgreementAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [AgreementLedger]
    ledger_date_field = "start_date"
    list_display = [
        "number",
        "partner_name",
        "community",
        "kind",
        "start_date",
        "end_date",
        "status",
        "signature_count",
    ]
    list_filter = ["status", "kind", *scoped_community_filters("community")]
    search_fields = ["number", "partner__application__applicant_name"]
    list_select_related = ["partner__application", "community"]
    date_hierarchy = "end_date"
    change_form_template = "admin/agreements/agreement/change_form.html"
    text_fields = [
        "services_description",
        "permitted_use",
        "partner_costs",
        "breach_terms",
        "exit_terms",
        "logo_licence",
    ]
    fixed_fields = [
        "number",
        "partner",
        "community",
        "kind",
        "status",
        "start_date",
        "end_date",
        "previous",
        "special_approval",
        "slots",
        "signed_at",
        "created_by_name",
        "created_at",
    ]

    created_by_name = person_column(Agreement, "created_by")

    def get_queryset(self, request):
        # A subquery run for the 50 agreements shown, rather than a join grouped over every
        # agreement of the street before the page is cut, which the paginator's count grouped
        # again (issue 14: the street list's SQL at city scale, 13.2 → 4.2 ms).
        signatures = (
            AgreementSignature.objects.filter(agreement=OuterRef("pk"))
            .order_by()
            .values("agreement")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(signature_total=Coalesce(Subquery(signatures), 0))

    @admin.display(description=_("睦邻合伙人"), ordering="partner__application__applicant_name")
    def partner_name(self, obj):
        return obj.partner.name

    @admin.display(description=_("已签署方"), ordering="signature_total")
    def signature_count(self, obj):
        return f"{obj.signature_total}/3"

    @admin.display(description=_("空间与时段"))
    def slots(self, obj):
        return format_html_join(
            "",
            "<div>{}</div>",
            ((describe_slot(s),) for s in obj.timeslots.select_related("space", "partner__application")),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = AgreementCreateForm
            return form_for_user(super().get_form(request, obj, change=change, **kwargs), request.user)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return [
                "partner",
                "kind",
                "start_date",
                "months",
                "special_approval",
                "services_description",
                "logo_licence",
            ]
        return self.fixed_fields + self.text_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.fixed_fields + ([] if _editable(obj) else self.text_fields)

    def get_inlines(self, request, obj):
        return [] if obj is None else [ServiceTargetInline, SignatureInline]

    def has_change_permission(self, request, obj=None):
        # A signed agreement is never edited; it stays viewable.
        return super().has_change_permission(request, obj) and (obj is None or _editable(obj))

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:  # the standard clauses of a draft nobody signed yet
            agreement_clauses_update(
                agreement=obj,
                by=request.user,
                values={f: form.cleaned_data[f] for f in self.text_fields if f in form.changed_data},
            )

    def get_urls(self):
        return [
            path(
                "<int:pk>/sign/", self.admin_site.admin_view(self.sign_view), name="agreements_agreement_sign"
            ),
            path(
                "<int:pk>/timeslot/",
                self.admin_site.admin_view(self.timeslot_view),
                name="agreements_agreement_timeslot",
            ),
            path(
                "<int:pk>/void/", self.admin_site.admin_view(self.void_view), name="agreements_agreement_void"
            ),
            path(
                "<int:pk>/render-pdf/",
                self.admin_site.admin_view(self.render_pdf_view),
                name="agreements_agreement_render_pdf",
            ),
            path(
                "<int:pk>/supplement/",
                self.admin_site.admin_view(self.supplement_view),
                name="agreements_agreement_supplement",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            extra_context.update(
                can_sign=obj.status == AgreementStatus.DRAFT and can_record_signature.test(request.user, obj),
                can_edit_draft=_editable(obj) and request.user.has_perm("agreements.change_agreement", obj),
                can_supplement=obj.is_term and obj.is_signed and can_draft_agreement.test(request.user, obj),
                pdf_url=reverse("agreements:agreement_pdf", args=[obj.pk]),
                pdf_ready=agreement_document_current(obj) is not None,
            )
            # The worker renders the PDF; when it is down, staff may render it here.
            extra_context["can_render_pdf"] = not extra_context["pdf_ready"] and can_draft_agreement.test(
                request.user, obj
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _action_page(self, request, agreement, title, form, multipart=False):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": agreement,
            "title": title,
            "form": form,
            "multipart": multipart,
            "change_url": reverse("admin:agreements_agreement_change", args=[agreement.pk]),
        }
        return TemplateResponse(request, "admin/action_form.html", context)

    def sign_view(self, request, pk):
        agreement = get_object_or_404(self.get_queryset(request), pk=pk)
        form = SignatureForm(request.POST or None, request.FILES or None, agreement=agreement)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                agreement_sign(
                    agreement=agreement,
                    party=data["party"],
                    signatory=data["signatory"],
                    signed_on=data["signed_on"],
                    scan=data.get("scan"),
                    by=request.user,
                )
            except ValidationError as error:
                attach_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("已登记签署。当前状态：%(status)s。") % {"status": agreement.get_status_display()},
                )
                return redirect("admin:agreements_agreement_change", agreement.pk)
        return self._action_page(request, agreement, _("登记签署"), form, multipart=True)

    def timeslot_view(self, request, pk):
        agreement = get_object_or_404(self.get_queryset(request), pk=pk)
        form = TimeSlotForm(request.POST or None, agreement=agreement)
        if request.method == "POST" and form.is_valid():
            try:
                agreement_timeslot_add(agreement=agreement, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                attach_domain_error(form, error)
            else:
                messages.success(request, _("已添加使用时段。"))
                return redirect("admin:agreements_agreement_change", agreement.pk)
        return self._action_page(request, agreement, _("添加空间与时段"), form)

    def supplement_view(self, request, pk):
        agreement = get_object_or_404(self.get_queryset(request), pk=pk)
        form = SupplementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                supplement = agreement_supplement_create(
                    agreement=agreement, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                attach_domain_error(form, error)
            else:
                messages.success(request, _("已起草补充协议，请登记三方签署。"))
                return redirect("admin:agreements_agreement_change", supplement.pk)
        return self._action_page(request, agreement, _("起草补充协议"), form)

    def render_pdf_view(self, request, pk):
        """立即生成 PDF: what the worker would do for this agreement, now, in this request."""
        agreement = get_object_or_404(
            Agreement.objects.select_related("partner__application", "community__street"), pk=pk
        )
        if not can_draft_agreement.test(request.user, agreement):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:agreements_agreement_change", agreement.pk)
        if agreement_document_current(agreement) is not None:
            messages.info(request, _("协议文本（PDF）已是最新版本，无需重新生成。"))
        else:
            with refusals_as_messages(request) as outcome:
                agreement_document_render(agreement=agreement)
            if not outcome.refused:
                messages.success(request, _("已生成协议文本（PDF）。"))
        return redirect("admin:agreements_agreement_change", agreement.pk)

    def void_view(self, request, pk):
        agreement = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            try:
                agreement_void(agreement=agreement, by=request.user, note=request.POST.get("note", ""))
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("协议已作废，所占时段已释放。"))
        return redirect("admin:agreements_agreement_change", agreement.pk)


@admin.register(SpecialApproval)
class SpecialApprovalAdmin(ScopedAdminMixin, admin.ModelAdmin):
    community_path = "partner__community"
    list_display = [
        "partner",
        "months",
        "committees_request_on",
        "street_review_on",
        "street_review_reference",
    ]
    list_select_related = ["partner__application"]
    search_fields = ["partner__application__applicant_name", "street_review_reference"]
    form = SpecialApprovalForm

    def get_form(self, request, obj=None, **kwargs):
        return form_for_user(super().get_form(request, obj, **kwargs), request.user)

    def has_change_permission(self, request, obj=None):
        return False  # recorded once; a new review is a new record

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # saved by special_approval_record in the form


class DecisionPendingFilter(admin.SimpleListFilter):
    title = _("续签决定")
    parameter_name = "pending"

    def lookups(self, request, model_admin):
        return [("yes", _("待决定")), ("no", _("已决定"))]

    def queryset(self, request, queryset):
        decided = Q(agreement__renewal_decision__isnull=False)  # services.RenewalDecision
        if self.value() == "yes":
            return queryset.exclude(decided)
        if self.value() == "no":
            return queryset.filter(decided)
        return queryset


@admin.register(RenewalReminder)
class RenewalReminderAdmin(AppendOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The to-do list: terms reminded about, and whether a decision is recorded."""

    community_path = "agreement__community"
    # The decision link first after the term: it stays on screen at 1366 px (issue 16).
    list_display = [
        "agreement",
        "decide_link",
        "partner_name",
        "community",
        "end_date",
        "kind",
        "partner_status_label",
        "decided",
        "created_at",
    ]
    list_filter = [DecisionPendingFilter, "kind"]
    list_select_related = ["agreement__partner__application", "agreement__community"]
    search_fields = ["agreement__number", "agreement__partner__application__applicant_name"]
    readonly_fields = ["agreement", "kind", "partner_status_label", "recipients", "created_at"]
    fields = readonly_fields
    change_list_template = "admin/agreements/renewalreminder/change_list.html"

    def get_urls(self):
        return [
            path(
                "run-now/",
                self.admin_site.admin_view(self.run_now_view),
                name="agreements_renewalreminder_run_now",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        if can_decide_renewal.test(request.user, None):
            extra_context["terms_due"] = renewal_reminders_due(by=request.user)
        return super().changelist_view(request, extra_context)

    def run_now_view(self, request):
        """立即检查到期: what the hourly task does, now, for the terms of this staff member's street."""
        if not can_decide_renewal.test(request.user, None):
            raise PermissionDenied
        changelist = reverse("admin:agreements_renewalreminder_changelist")
        if request.method != "POST":
            return redirect(changelist)
        with refusals_as_messages(request) as outcome:
            sent = renewal_reminders_send(by=request.user)
        if not outcome.refused:
            # Each reminder keeps the status the partner had when it was sent.
            marked = {
                r.agreement.partner_id
                for r in sent
                if r.partner_status == PartnerStatus.ACTIVE
                and r.agreement.partner.status == PartnerStatus.RENEWAL_DUE
            }
            if sent:
                messages.success(
                    request,
                    _("已发送 %(sent)s 条续签提醒，%(marked)s 名合伙人进入续签期。")
                    % {"sent": len(sent), "marked": len(marked)},
                )
            else:
                messages.info(request, _("没有到期需要提醒的协议。"))
        return redirect(changelist)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                is_decided=Exists(
                    Agreement.objects.filter(pk=OuterRef("agreement"), renewal_decision__isnull=False)
                )
            )
        )

    @admin.display(description=_("睦邻合伙人"))
    def partner_name(self, obj):
        return obj.agreement.partner.name

    @admin.display(description=_("社区"))
    def community(self, obj):
        return obj.agreement.community

    @admin.display(description=_("截止日期"), ordering="agreement__end_date")
    def end_date(self, obj):
        return obj.agreement.end_date

    @admin.display(description=_("提醒时合伙人状态"), ordering="partner_status")
    def partner_status_label(self, obj):
        """The status in words (the column stores the code, e.g. active → 正式运行)."""
        labels = dict(PartnerStatus.choices)
        return labels.get(obj.partner_status, obj.partner_status) or "—"

    @admin.display(description=_("已决定"), boolean=True, ordering="is_decided")
    def decided(self, obj):
        return obj.is_decided

    def get_list_display(self, request):
        # Only those who may record the decision (the street) get the link to its form.
        columns = super().get_list_display(request)
        if not request.user.has_perm("services.add_renewaldecision"):
            columns = [c for c in columns if c != "decide_link"]
        return columns

    @admin.display(description=_("操作"))
    def decide_link(self, obj):
        if obj.is_decided:
            return "—"
        url = reverse("admin:services_renewaldecision_add") + f"?agreement={obj.agreement_id}"
        return format_html('<a href="{}">{}</a>', url, _("登记续签决定"))


@admin.register(ServiceTarget)
class ServiceTargetAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The targets ledger (公益服务量化指标台账, rulebook 六(一)2): a read-only list to export.

    Targets are edited on their agreement's page, where the drafting rules apply.
    """

    resource_classes = [ServiceTargetLedger]
    ledger_date_field = ""
    community_path = "agreement__community"
    list_display = ["agreement", "partner_name", "metric", "period", "value", "target_group"]
    list_filter = [*scoped_community_filters("agreement__community"), "metric", "period"]
    list_select_related = ["agreement__partner__application"]
    search_fields = ["agreement__number", "agreement__partner__application__applicant_name"]

    @admin.display(description=_("睦邻合伙人"))
    def partner_name(self, obj):
        return obj.agreement.partner.name

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
