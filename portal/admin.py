from django import forms
from django.contrib import admin
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
    level_policy_set,
    street_create,
    street_policy_approvals,
    street_policy_check,
    street_policy_defaults,
    street_update_policy,
)
from .events import SYSTEM_ACTOR, event_choices
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
from .rules import is_level_staff, scope_queryset, street_scope_q, street_scope_queryset, user_profile

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
                    self.fields[name].help_text = _("留空则取所属区县(或市)的默认值,再取《管理办法》的规定。")

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
class StreetAdmin(admin.ModelAdmin):
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
            _("政策参数(默认取自上级设定或《管理办法》)"),
            {"fields": POLICY_FIELDS},
        ),
        (_("上级批准记录"), {"fields": ["policy_approvals"]}),
    ]
    readonly_fields = ["policy_approvals"]

    @admin.display(description=_("宽于上级限值的批准"))
    def policy_approvals(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        rows = [
            format_html(
                "<li>{}:{} {} = {}(限值 {},{} 批准)</li>",
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
        with refusals_as_messages(request, join="; "):
            street_update_policy(street=fresh, by=request.user, values=values)


class LevelPolicyInline(admin.TabularInline):
    model = LevelPolicy
    extra = 0
    fields = ["name", "default", "bound"]

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class LevelAdminMixin:
    """Cities and districts: superusers keep them; their staff read what lies in their scope."""

    inlines = [LevelPolicyInline]

    def save_formset(self, request, form, formset, change):
        # Each level policy goes through the domain (bounds checked against the city's, audited).
        if formset.model is not LevelPolicy:
            return super().save_formset(request, form, formset, change)
        level = form.instance
        for obj in formset.deleted_objects:
            obj.delete()
        for inline_form in formset.forms:
            if not inline_form.has_changed() or inline_form in formset.deleted_forms:
                continue
            data = inline_form.cleaned_data
            with refusals_as_messages(request, join="; "):
                level_policy_set(
                    level=level,
                    name=data["name"],
                    default=data.get("default"),
                    bound=data.get("bound"),
                    by=request.user,
                )
        return None


@admin.register(City)
class CityAdmin(LevelAdminMixin, admin.ModelAdmin):
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
class DistrictAdmin(LevelAdminMixin, admin.ModelAdmin):
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
class CommunityAdmin(ScopedAdminMixin, admin.ModelAdmin):
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
