from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .admin_scoping import (
    AppendOnlyAdminMixin,
    ScopedAdminMixin,
    ScopedCommunityFilter,
    ScopedStreetFilter,
    person_column,
)
from .domain import (
    level_policy_prepare,
    level_policy_set,
    records_below,
    street_create,
    street_policy_approvals,
    street_policy_check,
    street_policy_defaults,
    street_programmes_apply,
    street_update_policy,
    user_may_approve_for,
)
from .events import SYSTEM_ACTOR, event_choices
from .features import Programme, feature_models
from .forms import attach_domain_error
from .models import (
    AuditEvent,
    City,
    Community,
    District,
    Heartbeat,
    LevelPolicy,
    Profile,
    Role,
    Street,
    person_name,
)
from .refusals import refusals_as_messages
from .rules import (
    is_level_staff,
    is_street_staff,
    scope_queryset,
    street_scope_q,
    street_scope_queryset,
    user_profile,
)


class KeepRecordsBelowMixin:
    """A city, district, street or community with records below it is not deleted: the admin
    says which records hold it (portal.domain.records_below) instead of Django's page."""

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        below = records_below(obj) if obj is not None and request.user.is_superuser else {}
        if below:
            records = "、".join(f"{label}（{count}）" for label, count in below.items())
            messages.error(
                request,
                _("“%(name)s”下仍有记录：%(records)s，不能删除。请先移走或处理这些记录。")
                % {"name": obj, "records": records},
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        return super().delete_view(request, object_id, extra_context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, each with its reason
        return actions


POLICY_FIELDS = [
    "trial_min_months",
    "trial_max_months",
    "renewal_max_months",
    "renewal_special_max_months",
    "notice_min_days",
    "resident_rep_min_share",
    "renewal_notice_months",
    "trial_evaluation_window_months",
    "agreement_start_grace_days",
]
STREET_DETAIL_FIELDS = [
    "name",
    "kind",
    "district",
    "programme_name",
    "social_work_station",
    "address",
    "contact_phone",
]


class StreetForm(forms.ModelForm):
    class Meta:
        model = Street
        fields = [*STREET_DETAIL_FIELDS, *POLICY_FIELDS]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.pk:
            # A new street takes its district's (or city's) defaults for what is left blank.
            for name in POLICY_FIELDS:
                if name in self.fields:
                    self.fields[name].required = False
                    self.fields[name].initial = None
                    self.fields[name].help_text = _(
                        "留空则取所属区县（或市）的默认值，再取《管理办法》的规定。"
                    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        district = cleaned.get("district", self.instance.district if self.instance.pk else None)
        defaults = street_policy_defaults(district=district) if not self.instance.pk else {}
        values = {}
        for f in Street._meta.concrete_fields:
            if f.name == "id":
                continue
            value = cleaned.get(f.name, getattr(self.instance, f.name, None))
            if value is None and f.name in defaults:
                value = defaults[f.name]
                cleaned[f.name] = value
            values[f.attname if f.name == "district" else f.name] = value
        values.pop("district_id", None)
        proposed = Street(district=district, **values)
        proposed.pk = self.instance.pk
        looser = proposed.policy_deviations()
        if looser and not getattr(self.user, "is_superuser", False):
            for field, message in looser.items():
                self.add_error(field, message)
        refusals, _approvals = street_policy_check(street=proposed, by=self.user)
        for field, message in refusals.items():
            self.add_error(field, message)
        return cleaned


@admin.register(Street)
class StreetAdmin(KeepRecordsBelowMixin, admin.ModelAdmin):
    form = StreetForm
    list_display = [
        "name",
        "district",
        "programme_name",
        "notice_min_days",
        "trial_min_months",
        "trial_max_months",
        "renewal_max_months",
    ]
    list_select_related = ["district"]
    list_filter = ["district__city", "district"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": STREET_DETAIL_FIELDS}),
        (
            _("政策参数（默认取自上级设定或《管理办法》）"),
            {"fields": POLICY_FIELDS},
        ),
        (_("上级批准记录"), {"fields": ["policy_approvals"]}),
        (_("其他方案的功能"), {"fields": ["programme_features"]}),
    ]
    readonly_fields = ["policy_approvals", "programme_features"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.user.is_superuser or is_street_staff.test(request.user):
            for programme in Programme:
                name = f"apply_programme_{programme.value}"
                actions[name] = (
                    _programme_action(programme),
                    name,
                    _("采用方案预设：%(name)s") % {"name": programme.label},
                )
        return actions

    @admin.display(description=_("已启用"))
    def programme_features(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        on = [str(model.feature_label) for model in feature_models() if model.for_street(obj).enabled]
        return "、".join(on) if on else _("无（崇明方案）")

    @admin.display(description=_("宽于上级限值的批准"))
    def policy_approvals(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        rows = [
            format_html(
                "<li>{}：{} {} = {}（限值 {}，{} 批准）</li>",
                timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M"),
                event.data.get("level", ""),
                Street._meta.get_field(event.data.get("field")).verbose_name
                if event.data.get("field") in POLICY_FIELDS
                else event.data.get("field", ""),
                event.data.get("value", ""),
                event.data.get("bound", ""),
                person_name(event.actor),
            )
            for event in street_policy_approvals(obj)
        ]
        if not rows:
            return _("无")
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((row,) for row in rows)))

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            readonly.append("district")  # moving a street is the superuser's (portal.domain)
            if is_level_staff.test(request.user):
                readonly += [f for f in STREET_DETAIL_FIELDS if f != "district"]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class WithUser(form_class):
            def __init__(self, *args, **kw):
                kw["user"] = request.user
                super().__init__(*args, **kw)

        return WithUser

    def get_queryset(self, request):
        return street_scope_queryset(request.user, super().get_queryset(request), "")

    def has_change_permission(self, request, obj=None):
        if is_level_staff.test(request.user):
            # The levels above set a street's policy numbers (their approval); nothing else.
            return (
                obj is None
                or street_scope_queryset(request.user, Street.objects.filter(pk=obj.pk), "").exists()
            )
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            values = {f: form.cleaned_data.get(f) for f in form.fields if f not in ("district",)}
            created = street_create(by=request.user, district=form.cleaned_data.get("district"), **values)
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        values = {f: form.cleaned_data[f] for f in form.changed_data}
        fresh = Street.objects.get(pk=obj.pk)  # the form already wrote its values onto obj
        with refusals_as_messages(request, join="；"):
            street_update_policy(street=fresh, by=request.user, values=values)


def _programme_action(programme: Programme):
    """An admin action that sets the chosen streets' pieces as `programme` runs them (issue 20)."""

    def apply(modeladmin, request, queryset):
        programmes = [] if programme == Programme.CHONGMING else [programme.value]
        for street in queryset:
            with refusals_as_messages(request):
                enabled = street_programmes_apply(street=street, programmes=programmes, by=request.user)
                modeladmin.message_user(
                    request,
                    _("%(street)s已采用%(name)s，启用：%(on)s。")
                    % {"street": street, "name": programme.label, "on": "、".join(enabled) or _("无")},
                    messages.SUCCESS,
                )

    return apply


class LevelPolicyFormSet(forms.BaseInlineFormSet):
    """Each row checked by the domain (portal.domain.level_policy_prepare) before anything is saved."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if not form.has_changed() or form in self.deleted_forms or form.errors:
                continue
            data = form.cleaned_data
            try:
                level_policy_prepare(
                    level=self.instance,
                    name=data["name"],
                    default=data.get("default"),
                    bound=data.get("bound"),
                    by=self.request_user,
                )
            except ValidationError as error:
                attach_domain_error(form, error)


class LevelPolicyInline(admin.TabularInline):
    """A level's defaults and bounds: set by its own staff (the city's for a district) or a superuser."""

    model = LevelPolicy
    formset = LevelPolicyFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.request_user = request.user
        return formset

    extra = 0
    fields = ["name", "default", "bound"]

    def _may_set(self, request, obj):
        return obj is not None and user_may_approve_for(request.user, obj)

    def has_view_permission(self, request, obj=None):
        return True  # whoever sees the level (its admin's queryset) sees its policies

    def has_add_permission(self, request, obj=None):
        return self._may_set(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_set(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_set(request, obj)


class LevelAdminMixin:
    """Cities and districts: superusers keep them; their staff read them and set their policies."""

    inlines = [LevelPolicyInline]

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return obj is not None and user_may_approve_for(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [f.name for f in self.model._meta.concrete_fields if f.name != "id"]

    def save_formset(self, request, form, formset, change):
        # Each level policy goes through the domain (checked in LevelPolicyFormSet.clean, audited).
        if formset.model is not LevelPolicy:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.deleted_forms:
            if inline_form.instance.pk:
                inline_form.instance.delete()
                formset.deleted_objects.append(inline_form.instance)
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            data = inline_form.cleaned_data
            level_policy_set(
                level=form.instance,
                name=data["name"],
                default=data.get("default"),
                bound=data.get("bound"),
                by=request.user,
            )
        return None


@admin.register(City)
class CityAdmin(KeepRecordsBelowMixin, LevelAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        profile = user_profile(request.user)
        if profile is not None and profile.role == Role.CITY_STAFF:
            return qs.filter(pk=profile.city_id)
        return qs.none()


@admin.register(District)
class DistrictAdmin(KeepRecordsBelowMixin, LevelAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "city"]
    list_filter = ["kind", "city"]
    list_select_related = ["city"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        profile = user_profile(request.user)
        if profile is not None and profile.role == Role.DISTRICT_STAFF:
            return qs.filter(pk=profile.district_id)
        if profile is not None and profile.role == Role.CITY_STAFF:
            return qs.filter(city_id=profile.city_id)
        return qs.none()


@admin.register(Community)
class CommunityAdmin(KeepRecordsBelowMixin, ScopedAdminMixin, admin.ModelAdmin):
    community_path = ""
    list_display = ["name", "street", "contact_name", "contact_phone"]
    list_filter = [("street", ScopedStreetFilter)]
    search_fields = ["name"]

    def get_queryset(self, request):
        return scope_queryset(request.user, admin.ModelAdmin.get_queryset(self, request), "")

    def has_view_permission(self, request, obj=None):
        return admin.ModelAdmin.has_view_permission(self, request, obj)


@admin.register(Profile)
class ProfileAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "role", "city", "district", "street", "community", "department"]
    list_filter = ["role", ("street", ScopedStreetFilter), ("community", ScopedCommunityFilter)]
    search_fields = ["user__username", "user__first_name", "department"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        profile = getattr(request.user, "profile", None)
        if profile and profile.role in (Role.DISTRICT_STAFF, Role.CITY_STAFF):
            return qs.filter(street_scope_q(request.user, "street"))
        if profile and profile.street_id:
            return qs.filter(street_id=profile.street_id)
        return qs.none()


class ActionFilter(admin.SimpleListFilter):
    """Filter by action, offered in words."""

    title = _("动作")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return event_choices()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(action=self.value())
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(AppendOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "action_display",
        "actor_name",
        "from_state_display",
        "to_state_display",
        "community",
    ]
    # No date_hierarchy: its year/month links scan the whole log; a date filter instead.
    list_filter = [ActionFilter, "created_at"]
    list_select_related = ["actor", "community"]
    search_fields = ["action", "note"]
    fields = [
        "created_at",
        "action_display",
        "subject_display",
        "actor_name",
        "from_state_display",
        "to_state_display",
        "note",
        "data",
        "community",
    ]
    readonly_fields = fields

    actor_name = person_column(AuditEvent, "actor", nobody=SYSTEM_ACTOR)

    @admin.display(description=_("动作"), ordering="action")
    def action_display(self, obj):
        return obj.action_label

    @admin.display(description=_("原状态"), ordering="from_state")
    def from_state_display(self, obj):
        return obj.from_state_label

    @admin.display(description=_("新状态"), ordering="to_state")
    def to_state_display(self, obj):
        return obj.to_state_label

    @admin.display(description=_("对象"))
    def subject_display(self, obj):
        subject = obj.subject
        label = obj.content_type.model_class()._meta.verbose_name if obj.content_type.model_class() else ""
        return f"{label}:{subject}" if subject is not None else label

    def get_queryset(self, request):
        if request.user.is_superuser:
            return admin.ModelAdmin.get_queryset(self, request)
        return super().get_queryset(request)

    def has_view_permission(self, request, obj=None):
        return admin.ModelAdmin.has_view_permission(self, request, obj)


@admin.register(Heartbeat)
class HeartbeatAdmin(AppendOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name", "seen_at"]
