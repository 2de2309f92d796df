"""Admin for recruitment calls and applications (rulebook 五(一)).

Community staff see their community's applications, check the documents and
forward them to the street; street staff see every forwarded application,
filter it and export the summary list (汇总表). Every button calls a domain
function and shows its refusal as a message.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partners.models import PartnerStatus
from portal.admin_scoping import (
    AppendOnlyAdminMixin,
    ScopedAdminMixin,
    ScopedStreetFilter,
    person_column,
    scoped_community_filters,
    street_scoped_filter,
)
from portal.choices import ServiceCategory
from portal.ledgers import LedgerExportMixin
from portal.models import Role, Street
from portal.pdf import pdf_response
from portal.refusals import refusals_as_messages
from portal.rules import street_scope_queryset, user_role
from portal.xlsx import xlsx_response
from spaces.admin import ProspectAdmin
from spaces.models import ResidentNeed

from .domain import (
    application_forward,
    application_pdf,
    application_request_documents,
    applications_forward,
    applications_summary_xlsx,
    call_archive,
    call_close,
    call_poster_pdf,
    call_publish,
    calls_close_due,
    calls_due_to_close,
    document_request_accept,
    document_request_return,
    prospects_invite,
)
from .forms import DocumentRequestForm, RecruitmentCallAdminForm, ResidentNeedChoiceField
from .models import (
    Application,
    ApplicationDocument,
    CallStatus,
    DocumentRequest,
    ProspectInvitation,
    RecruitmentCall,
)
from .resources import ApplicationLedger, RecruitmentCallLedger
from .rules import can_handle_application, can_manage_calls


@admin.register(RecruitmentCall)
class RecruitmentCallAdmin(LedgerExportMixin, admin.ModelAdmin):
    resource_classes = [RecruitmentCallLedger]
    ledger_date_field = "opens_at"
    form = RecruitmentCallAdminForm
    list_display = ["title", "status", "opens_at", "closes_at", "application_count"]
    list_filter = ["status", ("street", ScopedStreetFilter)]
    search_fields = ["title", "body"]
    filter_horizontal = ["spaces", "needs"]
    readonly_fields = ["status", "published_at", "closed_at", "created_at"]
    actions = ["publish", "close", "archive"]
    fieldsets = [
        (None, {"fields": ["street", "title", "body", "contact", "status"]}),
        (_("时间"), {"fields": ["opens_at", "closes_at", "published_at", "closed_at"]}),
        (_("空间、需求与条件"), {"fields": ["spaces", "needs", "eligible_kinds", "documents_required"]}),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(n_applications=Count("applications"))
        return street_scope_queryset(request.user, qs, "street")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "street" and not request.user.is_superuser:
            profile = getattr(request.user, "profile", None)
            kwargs["queryset"] = Street.objects.filter(pk=getattr(profile, "street_id", None))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "needs":
            # The needs of the staff member's street only; the form narrows further to the
            # call's own street once it has one, and refuses needs of another street.
            needs = ResidentNeed.objects.select_related("community")
            if not request.user.is_superuser:
                profile = getattr(request.user, "profile", None)
                needs = needs.filter(community__street_id=getattr(profile, "street_id", None))
            kwargs["queryset"] = needs
            kwargs["form_class"] = ResidentNeedChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return can_manage_calls.test(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return bool(request.user.is_superuser and obj is not None and obj.status == CallStatus.DRAFT)

    @admin.display(description=_("申请数"), ordering="n_applications")
    def application_count(self, obj):
        return obj.n_applications

    def get_urls(self):
        return [
            path(
                "<int:pk>/close-now/",
                self.admin_site.admin_view(self.close_now_view),
                name="calls_recruitmentcall_close_now",
            ),
            path(
                "<int:pk>/poster/",
                self.admin_site.admin_view(self.poster_view),
                name="calls_recruitmentcall_poster",
            ),
            *super().get_urls(),
        ]

    def poster_view(self, request, pk):
        """The notice-board poster (A4 PDF with a QR code to the call's page)."""
        call = get_object_or_404(self.get_queryset(request), pk=pk)
        with refusals_as_messages(request) as outcome:
            data = call_poster_pdf(call)
        if outcome.refused:
            return redirect(reverse("admin:calls_recruitmentcall_change", args=[call.pk]))
        return pdf_response(data, f"招募公告海报-{call.pk}.pdf")

    def close_now_view(self, request, pk):
        """立即截止: what the beat task would do for this call, now, as this staff member."""
        call = get_object_or_404(RecruitmentCall, pk=pk)
        if not can_manage_calls.test(request.user, call):
            raise PermissionDenied
        change_url = reverse("admin:calls_recruitmentcall_change", args=[call.pk])
        if request.method != "POST":
            return redirect(change_url)
        with refusals_as_messages(request) as outcome:
            closed = calls_close_due(by=request.user, calls=RecruitmentCall.objects.filter(pk=call.pk))
        if not outcome.refused:
            if closed:
                messages.success(
                    request, _("已截止 %(count)s 个招募公告，不再接受申请。") % {"count": closed}
                )
            else:
                messages.info(request, _("没有需要截止的招募公告：该公告未到截止时间或已经截止。"))
        return redirect(change_url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["can_close_now"] = calls_due_to_close().filter(
                pk=obj.pk
            ).exists() and can_manage_calls.test(request.user, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def _change_all(self, request, queryset, func, done_message):
        done = 0
        for call in queryset:
            with refusals_as_messages(request, prefix=f"{call.title}：") as outcome:
                func(call=call, by=request.user)
            if not outcome.refused:
                done += 1
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("发布所选公告"), permissions=["change"])
    def publish(self, request, queryset):
        self._change_all(request, queryset, call_publish, _("已发布 %(count)s 个公告。"))

    @admin.action(description=_("截止所选公告"), permissions=["change"])
    def close(self, request, queryset):
        self._change_all(request, queryset, call_close, _("已截止 %(count)s 个公告。"))

    @admin.action(description=_("归档所选公告"), permissions=["change"])
    def archive(self, request, queryset):
        self._change_all(request, queryset, call_archive, _("已归档 %(count)s 个公告。"))


class ApplicationDocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    can_delete = False
    fields = ["kind", "download", "size", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("文件"))
    def download(self, obj):
        url = reverse("calls:application_document_download", args=[obj.pk])
        return format_html(
            '<a href="{}?inline=1" target="_blank" rel="noopener">{}</a>', url, obj.original_name
        )


class DocumentRequestInline(admin.TabularInline):
    model = DocumentRequest
    extra = 0
    can_delete = False
    fields = [
        "kind",
        "message",
        "requested_by_name",
        "requested_at",
        "fulfilled_at",
        "outcome",
        "checked_by_name",
        "check_note",
    ]
    readonly_fields = fields

    requested_by_name = person_column(DocumentRequest, "requested_by")
    checked_by_name = person_column(DocumentRequest, "checked_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceCategoryFilter(admin.SimpleListFilter):
    title = _("服务类别")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return ServiceCategory.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(service_categories__contains=[self.value()])
        return queryset


class StageFilter(admin.SimpleListFilter):
    title = _("阶段")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return PartnerStatus.choices

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(partner__status=self.value())
        return queryset


# Documents are asked for, and checked, while the application is being examined (五(一)3).
DOCUMENT_STAGES = [PartnerStatus.SUBMITTED, PartnerStatus.VETTING, PartnerStatus.SHORTLISTED]


class DocumentCheckForm(forms.Form):
    """The reason typed on the application's page when documents are returned; the button decides."""

    reason = forms.CharField(
        label=_("退回理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回重交时必填：申请人会收到这段说明和新的上传链接。"),
    )


class DocumentsFilter(admin.SimpleListFilter):
    """Applications whose requested documents are outstanding or came back (the desk links here)."""

    title = _("补充材料")
    parameter_name = "documents"

    def lookups(self, request, model_admin):
        return [("requested", _("已通知补充，待补交")), ("returned", _("已补交，待查看"))]

    def queryset(self, request, queryset):
        if self.value() == "requested":
            return queryset.filter(
                document_requests__fulfilled_at__isnull=True, partner__status__in=DOCUMENT_STAGES
            ).distinct()
        if self.value() == "returned":
            return queryset.filter(
                document_requests__fulfilled_at__isnull=False,
                document_requests__outcome="",
                partner__status__in=DOCUMENT_STAGES,
            ).distinct()
        return queryset


@admin.register(Application)
class ApplicationAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [ApplicationLedger]
    ledger_date_field = "submitted_at"
    community_path = "community"
    list_display = [
        "reference",
        "applicant_name",
        "kind",
        "community",
        "project_title",
        "stage",
        "document_count",
        "submitted_at",
    ]
    list_filter = [
        ("call", street_scoped_filter()),
        *scoped_community_filters("community"),
        "kind",
        ServiceCategoryFilter,
        StageFilter,
        DocumentsFilter,
        "submitted_at",
    ]
    search_fields = ["reference", "applicant_name", "project_title", "contact_name", "credit_code"]
    list_select_related = ["community", "partner", "call"]
    inlines = [ApplicationDocumentInline, DocumentRequestInline]
    actions = ["forward_to_street", "export_summary"]
    change_form_template = "admin/calls/application/change_form.html"
    fieldsets = [
        (
            _("申请主体"),
            {
                "fields": [
                    "reference",
                    "call",
                    "community",
                    "kind",
                    "applicant_name",
                    "credit_code",
                    "id_number",
                    "legal_representative",
                    "contact_name",
                    "mobile",
                    "email",
                    "address",
                ]
            },
        ),
        (
            _("项目"),
            {
                "fields": [
                    "project_title",
                    "categories_display",
                    "groups_display",
                    "plan",
                    "activities",
                    "schedule",
                    "spaces",
                    "preferred_times",
                    "team_intro",
                    "past_cases",
                ]
            },
        ),
        (
            _("公益服务承诺"),
            {
                "fields": [
                    "hours_per_month",
                    "residents_per_month",
                    "events_per_month",
                    "special_groups",
                    "free_services",
                    "low_cost_services",
                ]
            },
        ),
        (
            _("承诺与提交"),
            {"fields": ["declarations_display", "privacy_consent_at", "submitted_at", "submitted_ip"]},
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # What the applicant submitted is evidence: nobody edits it here.
        return [f for fs in self.fieldsets for f in fs[1]["fields"]]

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(n_documents=Count("documents", distinct=True))
        if user_role(request.user) == Role.STREET_STAFF:
            # The street sees what the communities forwarded (rulebook 五(一)2).
            qs = qs.exclude(partner__status=PartnerStatus.SUBMITTED)
        return qs

    def has_add_permission(self, request):
        return False  # applications come only through the public form

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return can_handle_application.test(request.user, obj)

    @admin.display(description=_("阶段"), ordering="partner__status")
    def stage(self, obj):
        return obj.partner.get_status_display()

    @admin.display(description=_("材料"), ordering="n_documents")
    def document_count(self, obj):
        return obj.n_documents

    @admin.display(description=_("服务类别"))
    def categories_display(self, obj):
        return "、".join(obj.get_service_categories_display())

    @admin.display(description=_("服务对象"))
    def groups_display(self, obj):
        return "、".join(obj.get_target_groups_display())

    @admin.display(description=_("已承诺的基本条件"))
    def declarations_display(self, obj):
        return "、".join(obj.get_declarations_display())

    @admin.action(description=_("报送街道（社区审核通过）"), permissions=["change"])
    def forward_to_street(self, request, queryset):
        done, refusals = applications_forward(
            applications=queryset.select_related("partner"), by=request.user
        )
        for refusal in refusals:
            self.message_user(request, refusal, messages.ERROR)
        if done:
            self.message_user(
                request, _("已报送街道 %(count)s 份申请。") % {"count": len(done)}, messages.SUCCESS
            )

    @admin.action(description=_("导出汇总表（XLSX）"), permissions=["view"])
    def export_summary(self, request, queryset):
        stamp = timezone.localtime().strftime("%Y%m%d")
        return xlsx_response(applications_summary_xlsx(queryset), f"睦邻合伙人申请汇总表-{stamp}.xlsx")

    def get_urls(self):
        return [
            path("<int:pk>/pdf/", self.admin_site.admin_view(self.pdf_view), name="calls_application_pdf"),
            path(
                "<int:pk>/forward/",
                self.admin_site.admin_view(self.forward_view),
                name="calls_application_forward",
            ),
            path(
                "<int:pk>/documents/<int:request_pk>/check/",
                self.admin_site.admin_view(self.document_check_view),
                name="calls_application_document_check",
            ),
            path(
                "<int:pk>/request-documents/",
                self.admin_site.admin_view(self.request_documents_view),
                name="calls_application_request_documents",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk):
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        return pdf_response(application_pdf(application), f"项目申请表-{application.reference}.pdf")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and can_handle_application.test(request.user, obj):
            # The page's primary actions: forward it (community staff), check returned documents.
            extra_context["can_forward"] = (
                obj.partner.status == PartnerStatus.SUBMITTED and user_role(request.user) != Role.STREET_STAFF
            )
            extra_context["documents_to_check"] = [
                r for r in obj.document_requests.select_related("requested_by") if r.awaits_check
            ]
            extra_context.setdefault("document_check_form", DocumentCheckForm())
        return super().change_view(request, object_id, form_url, extra_context)

    def forward_view(self, request, pk):
        """报送街道 from the application's own page (rulebook 五(一)2)."""
        application = get_object_or_404(self.get_queryset(request).select_related("partner"), pk=pk)
        change_url = reverse("admin:calls_application_change", args=[pk])
        if request.method != "POST":
            return redirect(change_url)
        with refusals_as_messages(request) as outcome:
            application_forward(application=application, by=request.user)
        if not outcome.refused:
            messages.success(request, _("已报送街道：%(ref)s。") % {"ref": application.reference})
            return redirect(reverse("admin:calls_application_changelist"))
        return redirect(change_url)

    def document_check_view(self, request, pk, request_pk):
        """材料合格 / 退回重交 (with a reason; the applicant is told) on the application's page."""
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        document_request = get_object_or_404(application.document_requests, pk=request_pk)
        change_url = reverse("admin:calls_application_change", args=[pk])
        if request.method != "POST":
            return redirect(change_url)
        form = DocumentCheckForm(request.POST)
        form.is_valid()
        returned = request.POST.get("decision") == "returned"
        with refusals_as_messages(request) as outcome:
            if returned:
                document_request_return(
                    document_request=document_request,
                    reason=form.cleaned_data.get("reason", ""),
                    by=request.user,
                )
            else:
                document_request_accept(document_request=document_request, by=request.user)
        if outcome.refused:
            request.method = "GET"  # the page again, with the reason as typed
            return self.change_view(request, str(pk), extra_context={"document_check_form": form})
        messages.success(
            request,
            _("已退回重交，并通知申请人：%(kind)s。") % {"kind": document_request.get_kind_display()}
            if returned
            else _("补交材料已确认合格：%(kind)s。") % {"kind": document_request.get_kind_display()},
        )
        return redirect(change_url)

    def request_documents_view(self, request, pk):
        application = get_object_or_404(self.get_queryset(request).select_related("partner"), pk=pk)
        change_url = reverse("admin:calls_application_change", args=[pk])
        form = DocumentRequestForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_as_messages(request) as outcome:
                application_request_documents(
                    application=application,
                    kind=form.cleaned_data["kind"],
                    message=form.cleaned_data["message"],
                    by=request.user,
                )
            if not outcome.refused:
                messages.success(
                    request,
                    _("已通知申请人补充材料。")
                    if application.email
                    else _("已记录补充材料通知。申请人未留电子邮箱，请电话告知其查询进度页面。"),
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": application,
            "form": form,
            "change_url": change_url,
            "title": _("通知申请人补充材料"),
        }
        return TemplateResponse(request, "admin/calls/application/request_documents.html", context)


# --- Inviting prospects to apply (目标清单 → 招募, rulebook 四(一)3) -------------------
# Inviting is a recruitment step, so it lives here; the prospect list in
# spaces/ gets the action and the invitations inline from this module.


class InviteForm(forms.Form):
    call = forms.ModelChoiceField(label=_("招募公告"), queryset=RecruitmentCall.objects.none())

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls


class ProspectInvitationInline(AppendOnlyAdminMixin, admin.TabularInline):
    model = ProspectInvitation
    extra = 0
    fields = ["call", "email", "invited_by_name", "invited_at"]
    readonly_fields = fields
    can_delete = False

    invited_by_name = person_column(ProspectInvitation, "invited_by")


def _published_calls(request):
    calls = RecruitmentCall.objects.filter(status=CallStatus.PUBLISHED)
    if request.user.is_superuser:
        return calls
    street_id = getattr(getattr(request.user, "profile", None), "street_id", None)
    return calls.filter(street_id=street_id)


@admin.action(description=_("邀请申报（发送招募公告链接）"), permissions=["invite"])
def invite_to_apply(modeladmin, request, queryset):
    """Rulebook 四(一)3: invite prospects to apply when a call opens (with a confirmation page)."""
    calls = _published_calls(request)
    if "confirm" in request.POST:
        form = InviteForm(request.POST, calls=calls)
        if form.is_valid():
            with refusals_as_messages(request, join="；") as outcome:
                invited, skipped = prospects_invite(
                    prospects=list(queryset.select_related("community")),
                    call=form.cleaned_data["call"],
                    by=request.user,
                )
            if outcome.refused:
                return None
            if invited:
                modeladmin.message_user(
                    request,
                    _("已向 %(count)d 个意向对象发送申报邀请。") % {"count": len(invited)},
                    messages.SUCCESS,
                )
            if skipped:
                modeladmin.message_user(
                    request,
                    _("以下意向对象没有电子邮箱，请电话联系：%(names)s")
                    % {"names": "、".join(p.name for p in skipped)},
                    messages.WARNING,
                )
            return None
    else:
        if not calls.exists():
            modeladmin.message_user(request, _("当前没有已发布的招募公告，无法邀请申报。"), messages.ERROR)
            return None
        form = InviteForm(calls=calls, initial={"call": calls.first()})
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.opts,
        "form": form,
        "prospects": queryset,
        "title": _("邀请申报"),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/spaces/prospect_invite.html", context)


@admin.register(ProspectInvitation)
class ProspectInvitationAdmin(AppendOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    community_path = "prospect__community"
    list_display = ["prospect", "call", "email", "invited_by_name", "invited_at"]
    date_hierarchy = "invited_at"
    list_select_related = ["prospect__community", "call", "invited_by"]

    invited_by_name = person_column(ProspectInvitation, "invited_by")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("spaces.view_prospectinvitation", obj)


ProspectAdmin.inlines = [*ProspectAdmin.inlines, ProspectInvitationInline]
ProspectAdmin.actions = [*ProspectAdmin.actions, invite_to_apply]
