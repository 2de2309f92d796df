"""The review stage in the admin: vetting, rubric, roadshow and panels, sheets, decisions.

Every button calls a domain function; refusals come back as admin messages.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from partners.models import Partner, PartnerStatus
from portal.admin_scoping import (
    AppendOnlyAdminMixin,
    ScopedAdminMixin,
    person_column,
    read_only_actions,
    scoped_community_filters,
    street_scoped_filter,
)
from portal.domain import audit_log
from portal.ledgers import LedgerExportMixin
from portal.models import Role, Street, person_name
from portal.refusals import refusals_as_messages, report_refusal
from portal.rules import scope_queryset, street_scope_queryset, user_profile, user_role

from . import domain
from .domain.vetting import vetting_check_problems
from .models import (
    CommitteeMeeting,
    ConflictDeclaration,
    Criterion,
    Decision,
    Panel,
    PanelMember,
    ReviewPolicy,
    Roadshow,
    RoadshowEntry,
    RoadshowStatus,
    Rubric,
    ScoreSheet,
    SiteVisit,
    VettingCheck,
    VettingDepartment,
)
from .resources import DecisionLedger, ScoreSheetLedger, VettingCheckLedger
from .rules import can_record_vetting_for


class StreetScopedAdminMixin:
    """Street-level records: street staff see their street's, superusers all, others none."""

    street_path = "street"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return qs
        if user_role(user) not in (Role.STREET_STAFF, Role.DISTRICT_STAFF, Role.CITY_STAFF):
            return qs.none()
        return street_scope_queryset(user, qs, self.street_path)

    def get_actions(self, request):
        return read_only_actions(request, super().get_actions(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        profile = user_profile(request.user)
        if db_field.related_model is Street and not request.user.is_superuser and profile:
            kwargs["queryset"] = Street.objects.filter(pk=profile.street_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ReviewPolicy)
class ReviewPolicyAdmin(StreetScopedAdminMixin, admin.ModelAdmin):
    list_display = ["street", "expert_weight", "social_weight", "drop_extremes", "drop_extremes_min_members"]


class VettingDepartmentForm(forms.ModelForm):
    class Meta:
        model = VettingDepartment
        fields = ["street", "name", "position", "active", "members"]

    def clean(self):
        """A department's accounts are street staff of its own street (rulebook 五(一)3)."""
        data = super().clean()
        street = data.get("street")
        strangers = [
            user
            for user in data.get("members") or []
            if getattr(user_profile(user), "role", None) != Role.STREET_STAFF
            or user_profile(user).street_id != getattr(street, "pk", None)
        ]
        if street is not None and strangers:
            self.add_error(
                "members",
                _("部门账号必须是%(street)s的街道工作人员：%(names)s。")
                % {"street": street, "names": "、".join(person_name(u) for u in strangers)},
            )
        return data


@admin.register(VettingDepartment)
class VettingDepartmentAdmin(StreetScopedAdminMixin, admin.ModelAdmin):
    form = VettingDepartmentForm
    list_display = ["name", "street", "position", "active", "member_names"]
    list_editable = ["position", "active"]
    list_filter = ["street", "active"]
    filter_horizontal = ["members"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("members")

    @admin.display(description=_("部门账号"))
    def member_names(self, obj):
        return "、".join(person_name(u) for u in obj.members.all()) or "—"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            users = get_user_model().objects.filter(profile__role=Role.STREET_STAFF)
            if not request.user.is_superuser:
                users = users.filter(
                    profile__street_id=getattr(user_profile(request.user), "street_id", None)
                )
            kwargs["queryset"] = users.order_by("username")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- Vetting -----------------------------------------------------------------------


class VettingCheckForm(forms.ModelForm):
    class Meta:
        model = VettingCheck
        fields = [
            "partner",
            "department",
            "materials_complete",
            "plan_compliant",
            "violation_found",
            "source_consulted",
            "result",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        """The domain's consistency rules, shown next to the fields with the input kept."""
        data = super().clean()
        if data.get("result"):
            errors = vetting_check_problems(
                result=data["result"],
                materials_complete=data.get("materials_complete", False),
                plan_compliant=data.get("plan_compliant", False),
                violation_found=data.get("violation_found", False),
                source_consulted=data.get("source_consulted", ""),
                note=data.get("note", ""),
            )
            for field, message in errors.items():
                self.add_error(field, message)
        return data

    def validate_unique(self):
        """A second check by the same department revises the first (the domain does that)."""


@admin.register(VettingCheck)
class VettingCheckAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [VettingCheckLedger]
    ledger_date_field = "checked_at"
    community_path = "partner__community"
    form = VettingCheckForm
    list_display = [
        "partner",
        "partner_status",
        "department",
        "result",
        "materials_complete",
        "plan_compliant",
        "violation_found",
        "checked_by_name",
        "recorded_on_behalf",
        "checked_at",
    ]
    list_filter = [
        "result",
        ("department", street_scoped_filter()),
        "partner__status",
        *scoped_community_filters("partner__community"),
    ]
    search_fields = ["partner__application__applicant_name", "partner__application__reference"]
    list_select_related = ["partner__application", "partner__community", "department", "checked_by"]
    actions = ["shortlist_partners", "reject_partners"]
    change_list_template = "admin/reviews/vettingcheck/change_list.html"

    checked_by_name = person_column(VettingCheck, "checked_by")

    @admin.display(description=_("申请状态"), ordering="partner__status")
    def partner_status(self, obj):
        return obj.partner.get_status_display()

    def get_readonly_fields(self, request, obj=None):
        return ["partner", "department", "checked_by_name", "recorded_on_behalf"] if obj else []

    def has_change_permission(self, request, obj=None):
        """Only the department's own accounts (or a superuser, on its behalf) revise its conclusion."""
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return can_record_vetting_for.test(request.user, obj.department)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "partner":
            kwargs["queryset"] = scope_queryset(
                request.user,
                Partner.objects.filter(status=PartnerStatus.VETTING).select_related("application"),
                "community",
            )
        if db_field.name == "department":
            profile = user_profile(request.user)
            qs = VettingDepartment.objects.filter(active=True)
            if not request.user.is_superuser:
                # Only the departments the account belongs to: a conclusion is its department's.
                qs = qs.filter(street_id=getattr(profile, "street_id", None), members=request.user)
            kwargs["queryset"] = qs
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        profile = user_profile(request.user)
        if profile and profile.street_id:
            domain.vetting_departments(profile.street)  # the defaults exist before the first check
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            saved = domain.vetting_check_record(
                partner=obj.partner,
                department=obj.department,
                result=data["result"],
                by=request.user,
                materials_complete=data["materials_complete"],
                plan_compliant=data["plan_compliant"],
                violation_found=data["violation_found"],
                source_consulted=data["source_consulted"],
                note=data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            raise _AdminRefusal(error) from error
        obj.pk = saved.pk

    def add_view(self, request, form_url="", extra_context=None):
        return self._guarded(super().add_view, request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._guarded(super().change_view, request, object_id, form_url, extra_context)

    def _guarded(self, view, request, *args):
        try:
            return view(request, *args)
        except _AdminRefusal as refusal:
            report_refusal(request, refusal.error)
            return redirect(request.get_full_path())

    def get_urls(self):
        return [
            path("board/", self.admin_site.admin_view(self.board_view), name="reviews_vetting_board"),
            *super().get_urls(),
        ]

    def board_view(self, request):
        """联审进度: every application in vetting, one column per department, and the two buttons."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        partners = scope_queryset(
            request.user,
            Partner.objects.filter(status=PartnerStatus.VETTING).select_related(
                "application", "community__street"
            ),
            "community",
        )
        if request.method == "POST":
            partner = get_object_or_404(partners, pk=request.POST.get("partner"))
            action = {
                "shortlist": domain.partner_shortlist,
                "reject": domain.partner_reject_after_vetting,
            }.get(request.POST.get("action"))
            if action is None:
                raise PermissionDenied
            with refusals_as_messages(request, prefix=f"{partner}：") as outcome:
                action(partner=partner, by=request.user)
            if not outcome.refused:
                messages.success(
                    request,
                    _("%(name)s:%(status)s") % {"name": partner, "status": partner.get_status_display()},
                )
            return redirect("admin:reviews_vetting_board")
        profile = user_profile(request.user)
        street = getattr(profile, "street", None)
        if street is None and request.user.is_superuser:
            street = Street.objects.first()
        departments = domain.vetting_departments(street) if street else []
        checks = {
            (c.partner_id, c.department_id): c
            for c in VettingCheck.objects.filter(partner__in=partners, department__in=departments)
        }
        add_url = reverse("admin:reviews_vettingcheck_add")
        # The record button of a department only for its own accounts (superusers act on its behalf).
        mine = {d.pk for d in departments if can_record_vetting_for.test(request.user, d)}
        rows = []
        for partner in partners:
            cells = []
            for department in departments:
                check = checks.get((partner.pk, department.pk))
                if check:
                    url = reverse("admin:reviews_vettingcheck_change", args=[check.pk])
                elif department.pk in mine:
                    url = f"{add_url}?partner={partner.pk}&department={department.pk}"
                else:
                    url = ""
                cells.append({"check": check, "url": url, "mine": department.pk in mine})
            state = domain.VettingState(
                departments=departments,
                checks={
                    d.pk: checks[(partner.pk, d.pk)] for d in departments if (partner.pk, d.pk) in checks
                },
            )
            rows.append({"partner": partner, "cells": cells, "passed": state.passed, "failed": state.failed})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("联审进度"),
            "departments": departments,
            "rows": rows,
            "can_vet": request.user.has_perm("reviews.add_vettingcheck"),
            "my_departments": [d for d in departments if d.pk in mine and not request.user.is_superuser],
            "calls": domain.shortlist_calls(street) if street else [],
        }
        return TemplateResponse(request, "admin/reviews/vettingcheck/board.html", context)

    def _partners(self, queryset):
        return Partner.objects.filter(
            pk__in=queryset.values("partner_id"), status=PartnerStatus.VETTING
        ).select_related("application")

    @admin.action(description=_("所有部门均通过：列入入围名单"))
    def shortlist_partners(self, request, queryset):
        for partner in self._partners(queryset):
            with refusals_as_messages(request, prefix=f"{partner}：", join="；") as outcome:
                domain.partner_shortlist(partner=partner, by=request.user)
            if not outcome.refused:
                messages.success(request, _("%(name)s 已列入入围名单。") % {"name": partner})

    @admin.action(description=_("审核不通过：退回并通知申请人"))
    def reject_partners(self, request, queryset):
        for partner in self._partners(queryset):
            with refusals_as_messages(request, prefix=f"{partner}：", join="；") as outcome:
                domain.partner_reject_after_vetting(partner=partner, by=request.user)
            if not outcome.refused:
                messages.success(request, _("%(name)s 审核不通过，已通知申请人。") % {"name": partner})


class _AdminRefusal(Exception):
    def __init__(self, error):
        self.error = error
        super().__init__(str(error))


# --- Rubric ------------------------------------------------------------------------


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["position", "title", "description", "max_score", "weight"]

    def _frozen(self, obj):
        return obj is not None and obj.in_use

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(Rubric)
class RubricAdmin(StreetScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "version", "street", "criteria_count", "in_use_display", "created_at"]
    list_filter = ["street"]
    inlines = [CriterionInline]
    actions = ["copy_rubric"]

    def get_queryset(self, request):
        used = Roadshow.objects.filter(rubric=OuterRef("pk")).exclude(status=RoadshowStatus.DRAFT)
        return super().get_queryset(request).annotate(criteria_total=Count("criteria"), used=Exists(used))

    @admin.display(description=_("指标数"))
    def criteria_count(self, obj):
        return obj.criteria_total

    @admin.display(description=_("已使用"), boolean=True)
    def in_use_display(self, obj):
        return obj.used

    def get_readonly_fields(self, request, obj=None):
        return ["street", "name", "version"] if obj is not None and obj.in_use else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        for message in domain.rubric_change_problems(obj):
            messages.warning(request, message)
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("复制为新版本"))
    def copy_rubric(self, request, queryset):
        for rubric in queryset:
            with refusals_as_messages(request) as outcome:
                new = domain.rubric_copy(rubric=rubric, by=request.user)
            if not outcome.refused:
                messages.success(request, _("已创建 %(rubric)s。") % {"rubric": new})


# --- Roadshow and panels ------------------------------------------------------------


class RoadshowEntryInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            partner = form.cleaned_data.get("partner")
            if partner is not None:
                for problem in domain.scoring.roadshow_entry_problems(self.instance, partner):
                    form.add_error("partner", problem)


class RoadshowEntryInline(admin.TabularInline):
    model = RoadshowEntry
    formset = RoadshowEntryInlineFormSet
    extra = 0
    fields = ["position", "partner"]
    autocomplete_fields = []

    def _frozen(self, obj):
        return obj is not None and obj.status != RoadshowStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "partner":
            kwargs["queryset"] = scope_queryset(
                request.user,
                Partner.objects.filter(status=PartnerStatus.SHORTLISTED).select_related("application"),
                "community",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Roadshow)
class RoadshowAdmin(StreetScopedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "date", "place", "status", "scoring_deadline", "rubric", "links"]
    list_filter = ["status", "street"]
    readonly_fields = ["status", "opened_at", "closed_at"]
    inlines = [RoadshowEntryInline]
    actions = ["open_scoring", "close_scoring"]

    def get_readonly_fields(self, request, obj=None):
        frozen = ["street", "rubric"] if obj is not None and obj.status != RoadshowStatus.DRAFT else []
        if obj is not None and obj.is_closed:
            frozen.append("scoring_deadline")  # staff move the deadline until scoring closes
        return [*self.readonly_fields, *frozen]

    @admin.display(description=_("文件"))
    def links(self, obj):
        if not obj.is_closed:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:reviews_panel_changelist") + f"?roadshow__id__exact={obj.pk}",
                _("评审组"),
            )
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("reviews:results_pdf", args=[obj.pk]),
            _("评分结果 PDF"),
            reverse("reviews:results_xlsx", args=[obj.pk]),
            _("评分结果 Excel"),
        )

    @admin.action(description=_("开始评分（再次检查评审组组成）"))
    def open_scoring(self, request, queryset):
        for roadshow in queryset:
            with refusals_as_messages(request, prefix=f"{roadshow}：") as outcome:
                domain.roadshow_open_scoring(roadshow=roadshow, by=request.user)
            if not outcome.refused:
                messages.success(request, _("%(roadshow)s 已开始评分。") % {"roadshow": roadshow})

    @admin.action(description=_("结束评分并确认综合评分"))
    def close_scoring(self, request, queryset):
        for roadshow in queryset:
            with refusals_as_messages(request, prefix=f"{roadshow}：") as outcome:
                domain.roadshow_close_scoring(roadshow=roadshow, by=request.user)
            if not outcome.refused:
                messages.success(
                    request, _("%(roadshow)s 评分已结束，综合评分已确认。") % {"roadshow": roadshow}
                )


class PanelMemberInlineFormSet(forms.BaseInlineFormSet):
    """The composition rule (群众代表不少于30%) is checked on the whole set, when saved."""

    def clean(self):
        super().clean()
        members = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            if data.get("user") is not None and data.get("seat"):
                members.append((data["user"], data["seat"]))
        panel = self.instance
        if panel.roadshow_id is None:
            return
        if panel.roadshow.status != RoadshowStatus.DRAFT and self.has_changed():
            raise ValidationError(_("路演评分已开始，评审组成员不能再调整。"))
        problems = domain.panel_composition_problems(panel, members)
        if problems:
            raise ValidationError(problems)


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    formset = PanelMemberInlineFormSet
    extra = 0
    fields = ["user", "seat"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(profile__role=Role.REVIEWER)
                .order_by("first_name", "username")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and field is not None:
            field.label_from_instance = person_name
        return field


@admin.register(Panel)
class PanelAdmin(StreetScopedAdminMixin, admin.ModelAdmin):
    street_path = "roadshow__street"
    list_display = ["roadshow", "kind", "member_count"]
    list_filter = ["kind", "roadshow"]
    inlines = [PanelMemberInline]

    @admin.display(description=_("人数"))
    def member_count(self, obj):
        return obj.members.count()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "roadshow":
            kwargs["queryset"] = self._roadshows(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _roadshows(self, request):
        qs = Roadshow.objects.filter(status=RoadshowStatus.DRAFT)
        if request.user.is_superuser:
            return qs
        profile = user_profile(request.user)
        return qs.filter(street_id=getattr(profile, "street_id", None))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)

        panel = form.instance
        audit_log(
            subject=panel.roadshow,
            action="reviews.panel.members_set",
            actor=request.user,
            data={
                "panel": panel.kind,
                "members": [[m.user.get_username(), m.seat] for m in panel.members.select_related("user")],
            },
        )


# --- Score sheets and declarations ----------------------------------------------------


class UnlockForm(forms.Form):
    reason = forms.CharField(label=_("解锁原因"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(ScoreSheet)
class ScoreSheetAdmin(LedgerExportMixin, StreetScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [ScoreSheetLedger]
    ledger_date_field = "submitted_at"
    street_path = "member__panel__roadshow__street"
    list_display = ["partner", "member", "panel_kind", "status", "submitted_at", "unlock_link"]
    list_filter = ["status", "member__panel__kind", "member__panel__roadshow"]
    list_select_related = ["partner__application", "member__user", "member__panel"]
    search_fields = [
        "partner__application__applicant_name",
        "member__user__username",
        "member__user__first_name",
        "member__user__last_name",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("评审组"))
    def panel_kind(self, obj):
        return obj.member.panel.get_kind_display()

    @admin.display(description=_("操作"))
    def unlock_link(self, obj):
        if not obj.is_locked:
            return ""
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:reviews_scoresheet_unlock", args=[obj.pk]), _("解锁")
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/unlock/",
                self.admin_site.admin_view(self.unlock_view),
                name="reviews_scoresheet_unlock",
            ),
            *super().get_urls(),
        ]

    def unlock_view(self, request, pk):
        sheet = get_object_or_404(self.get_queryset(request), pk=pk)
        back = reverse("admin:reviews_scoresheet_changelist")
        form = UnlockForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_as_messages(request) as outcome:
                domain.score_sheet_unlock(sheet=sheet, reason=form.cleaned_data["reason"], by=request.user)
            if not outcome.refused:
                messages.success(request, _("评分表已解锁，评审人可以修改后重新提交。"))
                return redirect(back)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "original": sheet,
            "title": _("解锁评分表"),
            "back": back,
        }
        return TemplateResponse(request, "admin/reviews/scoresheet/unlock.html", context)


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(AppendOnlyAdminMixin, StreetScopedAdminMixin, admin.ModelAdmin):
    street_path = "member__panel__roadshow__street"
    list_display = ["member", "partner", "has_conflict", "note", "declared_at"]
    list_filter = ["has_conflict", "member__panel__roadshow"]


# --- Site visit and committee --------------------------------------------------------


@admin.register(SiteVisit)
class SiteVisitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    community_path = "partner__community"
    list_display = ["partner", "date", "visitors"]
    fields = ["partner", "date", "visitors", "findings"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = domain.site_visit_record(
            partner=obj.partner, date=obj.date, visitors=obj.visitors, findings=obj.findings, by=request.user
        )
        obj.pk = saved.pk


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["partner", "outcome", "community", "space", "note"]

    def clean(self):
        data = super().clean()
        meeting = data.get("meeting")  # the inline's parent, possibly being added with it
        if (
            meeting is not None
            and meeting.street_id is not None
            and data.get("partner")
            and data.get("outcome")
        ):
            errors = domain.decision_problems(
                meeting=meeting,
                partner=data["partner"],
                outcome=data["outcome"],
                community=data.get("community") or data["partner"].community,
                space=data.get("space"),
                note=data.get("note", ""),
            )
            for field, message in errors.items():
                self.add_error(field if field in self.fields else None, message)
        return data


class DecisionInline(admin.StackedInline):
    """Decisions are added here and then frozen: each one moved the partner on."""

    model = Decision
    form = DecisionForm
    extra = 0
    fields = ["partner", "outcome", "community", "space", "note"]

    def get_readonly_fields(self, request, obj=None):
        return []

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "partner":
            kwargs["queryset"] = scope_queryset(
                request.user,
                Partner.objects.filter(status=PartnerStatus.SCORED).select_related("application"),
                "community",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CommitteeMeeting)
class CommitteeMeetingAdmin(StreetScopedAdminMixin, admin.ModelAdmin):
    list_display = ["date", "title", "street", "decision_count"]
    list_filter = ["street"]
    inlines = [DecisionInline]

    @admin.display(description=_("决定数"))
    def decision_count(self, obj):
        return obj.decisions.count()

    def get_readonly_fields(self, request, obj=None):
        return ["street"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        domain.committee_meeting_save(meeting=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Decision:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            data = getattr(inline_form, "cleaned_data", None)
            if not data or inline_form.instance.pk or not inline_form.has_changed():
                continue
            with refusals_as_messages(request, prefix=f"{data['partner']}："):
                decision = domain.decision_record(
                    meeting=form.instance,
                    partner=data["partner"],
                    outcome=data["outcome"],
                    community=data.get("community"),
                    space=data.get("space"),
                    note=data.get("note", ""),
                    by=request.user,
                )
                formset.new_objects.append(decision)


@admin.register(Decision)
class DecisionAdmin(LedgerExportMixin, AppendOnlyAdminMixin, StreetScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [DecisionLedger]
    ledger_date_field = "created_at"
    street_path = "meeting__street"
    list_display = ["partner", "outcome", "community", "space", "meeting", "decided_by_name"]
    list_filter = ["outcome", "meeting"]
    fields = ["meeting", "partner", "outcome", "community", "space", "note", "decided_by_name", "created_at"]
    readonly_fields = fields

    decided_by_name = person_column(Decision, "decided_by")
    search_fields = ["partner__application__applicant_name"]
