"""Staff work in the admin: verify logs, moderate feedback, record evaluations and exits.

Records are created through the domain functions (the add forms collect the
input and show the domain's refusals next to the fields); decisions on
existing records are admin actions calling the domain.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partners.models import EXITABLE, SERVING, Partner
from portal.admin_scoping import (
    ScopedAdminMixin,
    form_for_user,
    number_column,
    person_column,
    scoped_community_filters,
)
from portal.ledgers import LedgerExportMixin
from portal.refusals import refusals_as_messages
from portal.rules import scope_queryset, street_scope_queryset

from . import domain
from .forms import EvaluationAppointmentForm, MultipleFileField, RenewalDecisionForm, ServiceLogForm
from .models import (
    DisciplineSignoff,
    Evaluation,
    EvaluationAppointment,
    Feedback,
    FeedbackStatus,
    LogFileKind,
    LogoLicence,
    LogStatus,
    Observation,
    ObservationPhoto,
    Observer,
    PartnerAccount,
    PartnerExit,
    Recognition,
    RenewalDecision,
    ScoringCriterion,
    ServiceLog,
    ServiceLogFile,
)
from .progress import completion_percent
from .resources import (
    EvaluationLedger,
    FeedbackLedger,
    ObservationLedger,
    PartnerExitLedger,
    ServiceLogLedger,
)
from .rules import can_moderate_feedback, can_review_log


@admin.display(description=_("项目档案"))
def dossier_link(obj):
    return format_html('<a href="{}">{}</a>', reverse("services:dossier", args=[obj.partner_id]), _("查看"))


def _partner_choices(request, statuses):
    return scope_queryset(
        request.user, Partner.objects.filter(status__in=statuses), "community"
    ).select_related("application")


class DomainCreateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """New records come from a domain function; existing ones are read-only."""

    community_path = "partner__community"
    partner_statuses = SERVING

    def domain_create(self, request, form):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        statuses = self.partner_statuses

        class WithUser(form_class):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.user = request.user
                if "partner" in self.fields:
                    self.fields["partner"].queryset = _partner_choices(request, statuses)

        return WithUser

    def save_model(self, request, obj, form, change):
        created = self.domain_create(request, form)
        obj.__dict__.update(created.__dict__)

    def save_related(self, request, form, formsets, change):
        pass


def _add_domain_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Service logs -----------------------------------------------------------


class ReviewActionForm(ActionForm):
    note = forms.CharField(label=_("核实意见"), required=False, widget=forms.TextInput(attrs={"size": 40}))


class LogReviewForm(forms.Form):
    """The note typed on the log's page; the decision is the button pressed."""

    note = forms.CharField(
        label=_("核实意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回补正或不予认定时必须填写理由，合伙人会收到通知。"),
    )


class ServiceLogFileInline(admin.TabularInline):
    model = ServiceLogFile
    extra = 0
    can_delete = False
    fields = ["kind", "link", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("文件"))
    def link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("services:log_file", args=[obj.pk]), obj)


class ServiceLogAdminForm(forms.ModelForm):
    special_groups = ServiceLogForm.base_fields["special_groups"]
    photos = MultipleFileField(label=_("活动照片（JPG/PNG）"), required=False)
    videos = MultipleFileField(label=_("短视频（MP4）"), required=False)
    attendance = forms.FileField(label=_("签到表扫描件"), required=False)

    class Meta:
        model = ServiceLog
        fields = ["partner", *domain.LOG_FIELDS]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        log = ServiceLog(**{k: cleaned.get(k) for k in ["partner", *domain.LOG_FIELDS]})
        try:
            self.warnings = domain.servicelog_check(log)
            domain.servicelog_files_validate(self.files_by_kind())
        except ValidationError as exc:
            _add_domain_errors(self, exc)
        return cleaned

    def _post_clean(self):
        pass  # the domain function validates the instance

    def files_by_kind(self):
        data = self.cleaned_data
        return {
            LogFileKind.PHOTO: data.get("photos") or [],
            LogFileKind.VIDEO: data.get("videos") or [],
            LogFileKind.ATTENDANCE: [data["attendance"]] if data.get("attendance") else [],
        }


@admin.register(ServiceLog)
class ServiceLogAdmin(LedgerExportMixin, DomainCreateAdmin):
    resource_classes = [ServiceLogLedger]
    street_path = "street"  # the log's own street: a street's list reads servicelog_street_order
    ledger_date_field = "date"
    form = ServiceLogAdminForm
    action_form = ReviewActionForm
    list_display = [
        "date",
        "title",
        "partner_name",
        "space",
        "hours_plain",
        "residents_served",
        "status",
        "has_warnings",
    ]
    # No date_hierarchy: its year/month links scan every log (1M in a city); the
    # "date" filter offers today / past 7 days / this month / this year instead.
    list_filter = ["status", *scoped_community_filters("partner__community"), "category", "date"]
    search_fields = ["title", "description", "partner__application__applicant_name"]
    list_select_related = ["partner__application", "space__community"]
    inlines = [ServiceLogFileInline]
    actions = ["verify", "query", "reject", "withdraw_verification"]
    readonly_fields = [
        "partner",
        "agreement",
        "space",
        "date",
        "start_time",
        "end_time",
        "hours_plain",
        "category",
        "title",
        "description",
        "residents_served",
        "special_group_residents",
        "special_groups",
        "cost_basis",
        "volunteers",
        "status",
        "warnings",
        "review_note",
        "reviewed_by_name",
        "reviewed_at",
        "recorded_by_name",
        "created_at",
    ]

    reviewed_by_name = person_column(ServiceLog, "reviewed_by")
    hours_plain = number_column(ServiceLog, "hours")
    recorded_by_name = person_column(ServiceLog, "recorded_by")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["partner", *domain.LOG_FIELDS, "photos", "videos", "attendance"]
        return self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(description=_("睦邻合伙人"), ordering="partner__application__applicant_name")
    def partner_name(self, obj):
        return obj.partner.name

    @admin.display(description=_("提示"), boolean=True)
    def has_warnings(self, obj):
        return bool(obj.warnings)

    def domain_create(self, request, form):
        data = {k: form.cleaned_data[k] for k in domain.LOG_FIELDS}
        log = domain.servicelog_create(
            partner=form.cleaned_data["partner"], data=data, files=form.files_by_kind(), by=request.user
        )
        for warning in log.warnings:
            messages.warning(request, warning)
        return log

    change_form_template = "admin/services/servicelog/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="services_servicelog_review",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and obj.status == LogStatus.SUBMITTED and can_review_log.test(request.user, obj):
            extra_context.setdefault("review_form", LogReviewForm())
        return super().change_view(request, object_id, form_url, extra_context)

    def review_view(self, request, pk):
        """核实 / 退回补正 / 不予认定 from the log's own page (rulebook 六(一)3); a refusal keeps the note."""
        log = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:services_servicelog_change", args=[log.pk])
        if request.method != "POST":
            return redirect(change_url)
        form = LogReviewForm(request.POST)
        decision = request.POST.get("decision", "")
        note = request.POST.get("note", "")
        with refusals_as_messages(request) as outcome:
            domain.servicelog_review(log=log, decision=decision, note=note, by=request.user)
        if outcome.refused:
            request.method = "GET"  # show the page again with what was typed
            return self.change_view(request, str(log.pk), extra_context={"review_form": form})
        messages.success(
            request,
            _("已将“%(log)s”标记为“%(status)s”。") % {"log": log, "status": LogStatus(decision).label},
        )
        return redirect(change_url)

    def _review(self, request, queryset, decision):
        note = request.POST.get("note", "")
        with refusals_as_messages(request) as outcome:
            # The reason is asked once for the whole selection, not once per log.
            domain.servicelog_review_check(decision=decision, note=note)
        if outcome.refused:
            return
        done = 0
        for log in queryset:
            with refusals_as_messages(request, prefix=f"{log}：", join="；"):
                domain.servicelog_review(log=log, decision=decision, note=note, by=request.user)
                done += 1
        if done:
            messages.success(request, _("已处理 %(n)s 条记录。") % {"n": done})

    @admin.action(description=_("核实通过"), permissions=["view"])
    def verify(self, request, queryset):
        self._review(request, queryset, LogStatus.VERIFIED)

    @admin.action(description=_("退回补正（需填写理由）"), permissions=["view"])
    def query(self, request, queryset):
        self._review(request, queryset, LogStatus.QUERIED)

    @admin.action(description=_("不予认定（需填写理由）"), permissions=["view"])
    def reject(self, request, queryset):
        self._review(request, queryset, LogStatus.REJECTED)

    @admin.action(description=_("撤销核实（需填写意见）"), permissions=["view"])
    def withdraw_verification(self, request, queryset):
        note = request.POST.get("note", "")
        done = 0
        for log in queryset:
            with refusals_as_messages(request, prefix=f"{log}：", join="；"):
                domain.servicelog_verification_withdraw(log=log, note=note, by=request.user)
                done += 1
        if done:
            messages.success(request, _("已处理 %(n)s 条记录。") % {"n": done})


# --- Observers and the suggestion box ------------------------------------------


@admin.register(Observer)
class ObserverAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "community", "kind", "appointed_on", "active"]
    list_filter = [*scoped_community_filters("community"), "kind", "active"]
    search_fields = ["user__username", "user__first_name"]
    fields = ["user", "community", "kind", "appointed_on", "active"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "community"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = domain.observer_appoint(
            user=obj.user,
            community=obj.community,
            kind=obj.kind,
            appointed_on=obj.appointed_on,
            by=request.user,
        )
        obj.__dict__.update(created.__dict__)

    def has_delete_permission(self, request, obj=None):
        return False


class ObservationPhotoInline(admin.TabularInline):
    model = ObservationPhoto
    extra = 0
    can_delete = False
    fields = ["link"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("照片"))
    def link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("services:observation_photo", args=[obj.pk]),
            obj.original_name or obj.file.name,
        )


@admin.register(Observation)
class ObservationAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [ObservationLedger]
    ledger_date_field = "date"
    community_path = "partner__community"
    list_display = ["date", "partner", "observer", "punctuality", "quality", "safety", "attitude"]
    list_filter = [*scoped_community_filters("partner__community"), "date"]
    list_select_related = ["partner__application", "observer__user"]
    inlines = [ObservationPhotoInline]

    def has_add_permission(self, request):
        return False  # observers record on their own page

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RatingFilter(admin.SimpleListFilter):
    """The ratings 1–5 as fixed choices: the field's default filter reads every
    distinct rating of the user's scope (a street's ~2,000 entries) on each page."""

    title = Feedback._meta.get_field("rating").verbose_name
    parameter_name = "rating"

    def lookups(self, request, model_admin):
        return [(str(n), f"{n}★") for n in range(1, 6)]

    def queryset(self, request, queryset):
        if self.value() in {str(n) for n in range(1, 6)}:
            return queryset.filter(rating=int(self.value()))
        return queryset


@admin.register(Feedback)
class FeedbackAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [FeedbackLedger]
    ledger_date_field = "created_at"
    community_path = "partner__community"
    street_path = "street"  # the suggestion's own street: a street's list reads feedback_street_order
    list_display = ["created_at", "partner", "rating", "short_comment", "status"]
    list_filter = ["status", RatingFilter, *scoped_community_filters("partner__community")]
    search_fields = ["comment", "partner__application__applicant_name"]
    list_select_related = ["partner__application"]
    readonly_fields = [
        "partner",
        "rating",
        "comment",
        "contact",
        "status",
        "moderated_by_name",
        "moderated_at",
        "moderation_note",
        "created_at",
    ]

    moderated_by_name = person_column(Feedback, "moderated_by")
    actions = ["approve", "reject"]
    action_form = ReviewActionForm

    @admin.display(description=_("意见"))
    def short_comment(self, obj):
        return obj.comment[:40]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _moderate(self, request, queryset, approve):
        done = 0
        for feedback in queryset.filter(status=FeedbackStatus.PENDING):
            with refusals_as_messages(request):
                domain.feedback_moderate(
                    feedback=feedback, approve=approve, note=request.POST.get("note", ""), by=request.user
                )
                done += 1
        messages.success(request, _("已审核 %(n)s 条意见。") % {"n": done})

    change_form_template = "admin/services/feedback/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:pk>/moderate/",
                self.admin_site.admin_view(self.moderate_view),
                name="services_feedback_moderate",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if (
            obj is not None
            and obj.status == FeedbackStatus.PENDING
            and can_moderate_feedback.test(request.user, obj)
        ):
            extra_context["can_moderate"] = True
        return super().change_view(request, object_id, form_url, extra_context)

    def moderate_view(self, request, pk):
        """公开 / 不公开 a resident's suggestion from its own page (居民意见箱, rulebook 六(一)2)."""
        feedback = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:services_feedback_change", args=[feedback.pk])
        if request.method == "POST":
            approve = request.POST.get("decision") == "approve"
            with refusals_as_messages(request) as outcome:
                domain.feedback_moderate(
                    feedback=feedback, approve=approve, note=request.POST.get("note", ""), by=request.user
                )
            if not outcome.refused:
                messages.success(request, _("已公开该意见。") if approve else _("已隐藏该意见，不公开显示。"))
        return redirect(change_url)

    @admin.action(description=_("审核通过（公开显示）"), permissions=["view"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, True)

    @admin.action(description=_("审核不通过"), permissions=["view"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, False)


# --- Evaluations, commendations, warnings ----------------------------------------


@admin.register(ScoringCriterion)
class ScoringCriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "street", "max_score", "order", "active"]
    list_filter = ["street", "active"]
    list_editable = ["order", "active"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return street_scope_queryset(request.user, qs, "street")


class EvaluationAdminForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["partner", "kind", "evaluated_on", "incidents", "conclusion", "remarks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = []

    def add_criteria(self, criteria):
        self.criteria = criteria
        for c in criteria:
            self.fields[f"score_{c.pk}"] = forms.DecimalField(
                label=_("%(name)s（满分 %(max)s）") % {"name": c.name, "max": c.max_score},
                min_value=0,
                max_value=c.max_score,
                decimal_places=1,
            )

    def scores(self):
        return {str(c.pk): self.cleaned_data.get(f"score_{c.pk}") for c in self.criteria}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        problems = domain.evaluation_blockers(
            partner=cleaned["partner"],
            kind=cleaned["kind"],
            conclusion=cleaned["conclusion"],
            scores=self.scores(),
            by=self.user,
        )
        for message in domain.evaluation_date_problems(
            partner=cleaned["partner"],
            kind=cleaned["kind"],
            conclusion=cleaned["conclusion"],
            evaluated_on=cleaned.get("evaluated_on"),
        ):
            self.add_error("evaluated_on", message)
        if problems:
            raise ValidationError(problems)
        return cleaned

    def _post_clean(self):
        pass


@admin.register(Evaluation)
class EvaluationAdmin(LedgerExportMixin, DomainCreateAdmin):
    resource_classes = [EvaluationLedger]
    ledger_date_field = "evaluated_on"
    form = EvaluationAdminForm
    list_display = [
        "evaluated_on",
        "partner",
        "kind",
        "conclusion",
        "fulfilment_percent",
        "satisfaction_plain",
        "observer_rating_plain",
        "total_score_plain",
        dossier_link,
    ]
    list_filter = ["kind", "conclusion", *scoped_community_filters("partner__community")]
    list_select_related = ["partner__application"]
    readonly_fields = [
        "partner",
        "agreement",
        "kind",
        "evaluated_on",
        "conclusion",
        "remarks",
        "fulfilment_share_plain",
        "satisfaction_plain",
        "feedback_count",
        "observer_rating_plain",
        "observation_count",
        "incidents",
        "scores",
        "total_score_plain",
        "recorded_by_name",
        "created_at",
    ]

    recorded_by_name = person_column(Evaluation, "recorded_by")
    fulfilment_share_plain = number_column(Evaluation, "fulfilment_share")
    satisfaction_plain = number_column(Evaluation, "satisfaction")
    observer_rating_plain = number_column(Evaluation, "observer_rating")
    total_score_plain = number_column(Evaluation, "total_score")

    @admin.display(description=_("指标完成率"))
    def fulfilment_percent(self, obj):
        return "—" if obj.fulfilment_share is None else f"{completion_percent(obj.fulfilment_share)}%"

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is not None:
            return self.readonly_fields
        return None

    def _criteria(self, request):
        street_id = getattr(getattr(request.user, "profile", None), "street_id", None)
        return list(ScoringCriterion.objects.filter(street_id=street_id, active=True))

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, **kwargs)
        kwargs["fields"] = EvaluationAdminForm.Meta.fields
        base = super().get_form(request, obj, **kwargs)
        criteria = self._criteria(request)

        class WithCriteria(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                self.add_criteria(criteria)

        return WithCriteria

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return [(None, {"fields": self.readonly_fields})]
        return [
            (None, {"fields": ["partner", "kind", "evaluated_on", "incidents"]}),
            (_("评分表"), {"fields": [f"score_{c.pk}" for c in self._criteria(request)]}),
            (_("结论"), {"fields": ["conclusion", "remarks"]}),
        ]

    def domain_create(self, request, form):
        data = form.cleaned_data
        evaluation = domain.evaluation_record(
            partner=data["partner"],
            kind=data["kind"],
            evaluated_on=data["evaluated_on"],
            conclusion=data["conclusion"],
            remarks=data["remarks"],
            incidents=data["incidents"],
            scores=form.scores(),
            by=request.user,
        )
        if evaluation.conclusion == "fail":
            messages.warning(request, _("评估不合格：请在“退出记录”中办理“评估不合格退出”。"))
        return evaluation


class RecognitionForm(forms.ModelForm):
    class Meta:
        model = Recognition
        fields = ["partner", "kind", "date", "title", "detail", "evaluation"]

    def _post_clean(self):
        pass


@admin.register(Recognition)
class RecognitionAdmin(DomainCreateAdmin):
    form = RecognitionForm
    partner_statuses = [*SERVING, "exited"]
    list_display = ["date", "partner", "kind", "title"]
    list_filter = ["kind", *scoped_community_filters("partner__community")]
    list_select_related = ["partner__application"]

    def domain_create(self, request, form):
        data = form.cleaned_data
        return domain.recognition_record(
            partner=data["partner"],
            kind=data["kind"],
            date=data["date"],
            title=data["title"],
            detail=data["detail"],
            evaluation=data["evaluation"],
            by=request.user,
        )


# --- Exit -----------------------------------------------------------------------------


class DisciplineSignoffForm(forms.ModelForm):
    class Meta:
        model = DisciplineSignoff
        fields = ["partner", "finding", "signatory", "department", "signed_on"]

    def _post_clean(self):
        pass


@admin.register(DisciplineSignoff)
class DisciplineSignoffAdmin(DomainCreateAdmin):
    form = DisciplineSignoffForm
    partner_statuses = EXITABLE
    list_display = ["signed_on", "partner", "signatory", "department"]
    list_select_related = ["partner__application"]

    def domain_create(self, request, form):
        data = form.cleaned_data
        return domain.discipline_signoff_record(
            partner=data["partner"],
            finding=data["finding"],
            signatory=data["signatory"],
            signed_on=data["signed_on"],
            department=data["department"],
            by=request.user,
        )


class PartnerExitForm(forms.ModelForm):
    class Meta:
        model = PartnerExit
        fields = ["partner", "reason", "exit_date", "note", "handover_note", "discipline_signoff"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        problems = domain.exit_blockers(
            partner=cleaned["partner"],
            reason=cleaned["reason"],
            discipline_signoff=cleaned.get("discipline_signoff"),
            by=self.user,
        )
        if problems:
            raise ValidationError(problems)
        return cleaned

    def _post_clean(self):
        pass


@admin.register(PartnerExit)
class PartnerExitAdmin(LedgerExportMixin, DomainCreateAdmin):
    resource_classes = [PartnerExitLedger]
    ledger_date_field = "exit_date"
    form = PartnerExitForm
    partner_statuses = EXITABLE
    list_display = ["exit_date", "partner", "reason", "slots_released", "logs_closed", dossier_link]
    list_filter = ["reason", *scoped_community_filters("partner__community")]
    list_select_related = ["partner__application"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "discipline_signoff":
            kwargs["queryset"] = scope_queryset(
                request.user, DisciplineSignoff.objects.all(), "partner__community"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def domain_create(self, request, form):
        data = form.cleaned_data
        return domain.partner_exit(
            partner=data["partner"],
            reason=data["reason"],
            note=data["note"],
            handover_note=data["handover_note"],
            exit_date=data["exit_date"],
            discipline_signoff=data.get("discipline_signoff"),
            by=request.user,
        )


@admin.register(PartnerAccount)
class PartnerAccountAdmin(ScopedAdminMixin, admin.ModelAdmin):
    community_path = "partner__community"
    list_display = ["partner", "user", "read_only", "invited_at", dossier_link]
    list_filter = ["read_only"]
    readonly_fields = ["partner", "user", "read_only", "invited_at", "created_at"]
    actions = ["resend_invitation"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("重新发送账号邀请邮件"), permissions=["view"])
    def resend_invitation(self, request, queryset):
        for account in queryset.filter(read_only=False).select_related("user", "partner__application"):
            domain.partner_account_invite(account=account)
        messages.success(request, _("邀请邮件已排队发送。"))


@admin.register(LogoLicence)
class LogoLicenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    community_path = "partner__community"
    list_display = ["partner", "granted_on", "revoked_on", "revoked_note"]
    readonly_fields = ["partner", "granted_on", "revoked_on", "revoked_note"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationAppointment)
class EvaluationAppointmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """评估安排: staff schedule or move an evaluation; the partner is told each time (五(三)2)."""

    community_path = "partner__community"
    list_display = ["scheduled_for", "partner", "kind", "place", "created_by_name"]
    list_select_related = ["partner__application", "created_by"]
    list_filter = ["kind", *scoped_community_filters("partner__community")]
    fields = ["partner", "kind", "scheduled_for", "place", "note"]
    form = EvaluationAppointmentForm

    created_by_name = person_column(EvaluationAppointment, "created_by")

    def get_form(self, request, obj=None, **kwargs):
        return form_for_user(super().get_form(request, obj, **kwargs), request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # saved by evaluation_schedule in the form


@admin.register(RenewalDecision)
class RenewalDecisionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    community_path = "agreement__community"
    list_display = ["agreement", "outcome", "evaluation", "decided_on", "decided_by_name"]
    list_select_related = [
        "agreement__partner__application",
        "evaluation__partner__application",
        "decided_by",
    ]
    list_filter = ["outcome"]
    form = RenewalDecisionForm

    decided_by_name = person_column(RenewalDecision, "decided_by")

    def get_form(self, request, obj=None, **kwargs):
        return form_for_user(super().get_form(request, obj, **kwargs), request.user)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["agreement", "outcome", "evaluation", "decided_on", "months", "note"]
        return ["agreement", "outcome", "evaluation", "decided_on", "note", "decided_by_name", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # saved by renewal_decision_record in the form
