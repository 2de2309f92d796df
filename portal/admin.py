from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .admin_scoping import (
    AppendOnlyAdminMixin,
    ScopedAdminMixin,
    ScopedCommunityFilter,
    ScopedStreetFilter,
    person_column,
)
from .domain import street_update_policy
from .events import SYSTEM_ACTOR, event_choices
from .models import AuditEvent, Community, Heartbeat, Profile, Street
from .rules import scope_queryset


class StreetForm(forms.ModelForm):
    class Meta:
        model = Street
        fields = [
            "name",
            "programme_name",
            "social_work_station",
            "address",
            "contact_phone",
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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        proposed = Street(
            **{
                f.name: cleaned.get(f.name, getattr(self.instance, f.name, None))
                for f in Street._meta.concrete_fields
                if f.name != "id"
            }
        )
        looser = proposed.policy_deviations()
        if looser and not getattr(self.user, "is_superuser", False):
            for field, message in looser.items():
                self.add_error(field, message)
        return cleaned


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    form = StreetForm
    list_display = [
        "name",
        "programme_name",
        "notice_min_days",
        "trial_min_months",
        "trial_max_months",
        "renewal_max_months",
    ]
    fieldsets = [
        (None, {"fields": ["name", "programme_name", "social_work_station", "address", "contact_phone"]}),
        (
            _("政策参数(默认取自《管理办法》)"),
            {
                "fields": [
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
            },
        ),
    ]

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class WithUser(form_class):
            def __init__(self, *args, **kw):
                kw["user"] = request.user
                super().__init__(*args, **kw)

        return WithUser

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        profile = getattr(request.user, "profile", None)
        return qs.filter(pk=getattr(profile, "street_id", None))

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        values = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            street_update_policy(street=obj, by=request.user, values=values)
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))


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
    list_display = ["user", "role", "street", "community", "department"]
    list_filter = ["role", ("street", ScopedStreetFilter), ("community", ScopedCommunityFilter)]
    search_fields = ["user__username", "user__first_name", "department"]
    autocomplete_fields = ["user"]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        profile = getattr(request.user, "profile", None)
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
