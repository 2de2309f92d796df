"""Staff work in the time bank: volunteers and their hours, benefits, redemptions at the counter, ledgers.

Shown only to staff whose street runs the time bank (portal.features); records are
created through the domain functions, ledger lines are never edited.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin_scoping import (
    AppendOnlyAdminMixin,
    AppendOnlyInline,
    ScopedAdminMixin,
    form_for_user,
    person_column,
    scoped_community_filters,
)
from portal.features import streets_with
from portal.ledgers import LedgerExportMixin
from portal.rules import street_scope_queryset

from . import domain
from .forms import RedemptionForm, VolunteerCreditForm
from .models import Account, Benefit, Entry, Redemption, TimeBankSettings, Volunteer, VolunteerCredit
from .resources import AccountLedger, EntryLedger, RedemptionLedger


class TimeBankAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Scoped to the user's communities in streets that run the time bank (the rest: not found)."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(**{f"{self.community_path}__street__in": streets_with(TimeBankSettings)})
        )


class CreatedByDomainAdmin(TimeBankAdmin):
    """The add form's domain function creates the record; it is read-only afterwards."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return form_for_user(form, request.user) if obj is None else form

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_when_saved

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.readonly_when_saved

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        pass  # the form's domain function saved it

    def save_related(self, request, form, formsets, change):
        pass


@admin.register(Volunteer)
class VolunteerAdmin(TimeBankAdmin):
    list_display = ["name", "masked_mobile", "community", "active", "balance"]
    list_filter = [*scoped_community_filters("community"), "active"]
    list_select_related = ["community", "account"]
    search_fields = ["name", "mobile"]
    fields = ["community", "name", "mobile", "active"]

    @admin.display(description=_("手机号"))
    def masked_mobile(self, obj):
        return obj.masked_mobile

    @admin.display(description=_("积分余额"))
    def balance(self, obj):
        account = getattr(obj, "account", None)
        return account.balance if account is not None else 0

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        domain.volunteer_save(volunteer=obj, by=request.user)


@admin.register(VolunteerCredit)
class VolunteerCreditAdmin(CreatedByDomainAdmin):
    community_path = "volunteer__community"
    form = VolunteerCreditForm
    autocomplete_fields = ["log"]
    add_fields = ["log", "volunteer", "hours"]
    readonly_when_saved = ["log", "volunteer", "hours", "recorded_by_name", "created_at"]
    list_display = ["volunteer", "log", "hours", "recorded_by_name", "created_at"]
    list_filter = scoped_community_filters("volunteer__community")
    list_select_related = ["volunteer", "log", "recorded_by"]
    search_fields = ["volunteer__name", "log__title"]

    recorded_by_name = person_column(VolunteerCredit, "recorded_by")


@admin.register(Benefit)
class BenefitAdmin(TimeBankAdmin):
    list_display = ["name", "community", "points", "stock", "active"]
    list_filter = [*scoped_community_filters("community"), "active"]
    list_select_related = ["community"]
    search_fields = ["name"]
    fields = ["community", "name", "description", "points", "stock", "active"]

    def has_delete_permission(self, request, obj=None):
        return False  # redemptions point at it; take it off the list instead (上架)

    def save_model(self, request, obj, form, change):
        domain.benefit_save(benefit=obj, by=request.user)


@admin.register(Redemption)
class RedemptionAdmin(LedgerExportMixin, CreatedByDomainAdmin):
    resource_classes = [RedemptionLedger]
    ledger_date_field = "created_at"
    community_path = "account__community"
    form = RedemptionForm
    autocomplete_fields = ["account", "benefit"]
    add_fields = ["account", "benefit", "note"]
    readonly_when_saved = ["account", "benefit", "points", "note", "recorded_by_name", "created_at"]
    list_display = ["created_at", "account", "benefit_name", "points", "recorded_by_name"]
    list_filter = scoped_community_filters("account__community")
    list_select_related = ["account__partner__application", "account__volunteer", "benefit", "recorded_by"]
    search_fields = [
        "benefit__name",
        "account__volunteer__name",
        "account__partner__application__applicant_name",
    ]

    recorded_by_name = person_column(Redemption, "recorded_by")

    @admin.display(description=_("兑换项目"), ordering="benefit__name")
    def benefit_name(self, obj):
        return obj.benefit.name


class EntryInline(AppendOnlyInline):
    model = Entry
    fields = ["created_at", "kind", "points", "balance_after", "source_text", "note", "recorded_by"]
    readonly_fields = fields
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("log", "redemption__benefit", "recorded_by")

    @admin.display(description=_("来源"))
    def source_text(self, obj):
        return obj.source


@admin.register(Account)
class AccountAdmin(LedgerExportMixin, AppendOnlyAdminMixin, TimeBankAdmin):
    resource_classes = [AccountLedger]
    list_display = ["holder", "kind", "community", "balance"]
    list_filter = scoped_community_filters("community")
    list_select_related = ["partner__application", "volunteer", "community"]
    search_fields = ["partner__application__applicant_name", "volunteer__name", "volunteer__mobile"]
    fields = ["holder", "kind", "community", "balance", "created_at"]
    readonly_fields = fields
    inlines = [EntryInline]

    @admin.display(description=_("姓名/名称"))
    def holder(self, obj):
        return obj.holder_name

    @admin.display(description=_("类型"))
    def kind(self, obj):
        return obj.holder_kind


@admin.register(Entry)
class EntryAdmin(LedgerExportMixin, AppendOnlyAdminMixin, TimeBankAdmin):
    resource_classes = [EntryLedger]
    ledger_date_field = "created_at"
    community_path = "account__community"
    list_display = ["created_at", "account", "kind", "points", "balance_after", "source"]
    list_filter = ["kind", *scoped_community_filters("account__community"), "created_at"]
    list_select_related = [
        "account__partner__application",
        "account__volunteer",
        "log",
        "redemption__benefit",
    ]
    search_fields = ["account__volunteer__name", "account__partner__application__applicant_name"]

    @admin.display(description=_("来源"))
    def source(self, obj):
        return obj.source


@admin.register(TimeBankSettings)
class TimeBankSettingsAdmin(admin.ModelAdmin):
    """The street's rate and cap; switched on and off with the programme presets (the street list)."""

    list_display = ["street", "enabled", "points_per_hour", "yearly_cap", "updated_at"]
    list_select_related = ["street"]
    fields = ["street", "enabled", "points_per_hour", "yearly_cap"]
    readonly_fields = ["street", "enabled"]

    def get_queryset(self, request):
        return street_scope_queryset(request.user, super().get_queryset(request))

    def has_add_permission(self, request):
        return False  # rows come from the programme presets (portal.domain.street_programmes_apply)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        domain.timebank_settings_update(settings_row=obj, by=request.user)
