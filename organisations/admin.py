"""The registry in the admin: scoped to the staff member's communities, exported as a ledger.

Adding and changing go through organisations.domain (OrganisationForm); the
street's filing (备案) of a 群众活动团队 and its revocation are pages of their own.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.admin_scoping import ScopedAdminMixin, form_for_user, person_column, scoped_community_filters
from portal.forms import attach_domain_error
from portal.ledgers import LedgerExportMixin
from portal.refusals import refusals_as_messages

from .domain import organisation_file, organisation_filing_revoke
from .forms import FilingForm, OrganisationForm, RevokeFilingForm
from .models import FilingStatus, Organisation, Tier
from .resources import OrganisationLedger
from .rules import can_file_team


@admin.register(Organisation)
class OrganisationAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [OrganisationLedger]
    ledger_date_field = "created_at"
    list_display = ["name", "community", "tier", "sector", "members_count", "filing_status", "rating"]
    list_filter = [*scoped_community_filters("community"), "tier", "sector", "filing_status", "rating"]
    search_fields = ["name", "credit_code", "filing_number"]
    list_select_related = ["community"]
    recorded_by_name = person_column(Organisation, "recorded_by")
    readonly_fields = [
        "filing_status",
        "filing_number",
        "filed_on",
        "filing_actions",
        "recorded_on",
        "recorded_by_name",
        "partner_links",
    ]
    fieldsets = [
        (None, {"fields": ["community", "name", "tier", "sector", "members_count", "activity_area"]}),
        (_("注册社会组织"), {"fields": ["legal_form", "credit_code", "rating"]}),
        (_("负责人"), {"fields": ["contact_name", "contact_phone", "founded_on", "notes"]}),
        (
            _("备案与登记"),
            {
                "fields": [
                    "filing_status",
                    "filing_number",
                    "filed_on",
                    "filing_actions",
                    "recorded_on",
                    "recorded_by_name",
                ]
            },
        ),
        (_("睦邻合伙人"), {"fields": ["partner_links"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = form_for_user(OrganisationForm, request.user)
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        pass  # OrganisationForm saved it through the domain during clean()

    def get_urls(self):
        return [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(self.file_view),
                name="organisations_organisation_file",
            ),
            path(
                "<int:pk>/revoke-filing/",
                self.admin_site.admin_view(self.revoke_view),
                name="organisations_organisation_revoke_filing",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("备案操作"))
    def filing_actions(self, obj):
        if obj is None or obj.pk is None or obj.tier != Tier.ACTIVITY_TEAM:
            return "-"
        if obj.filing_status == FilingStatus.FILED:
            url, label = (
                reverse("admin:organisations_organisation_revoke_filing", args=[obj.pk]),
                _("撤销备案"),
            )
        else:
            url, label = reverse("admin:organisations_organisation_file", args=[obj.pk]), _("登记街道备案")
        return format_html('<a class="button" href="{}">{}</a>', url, label)

    @admin.display(description=_("关联的睦邻合伙人"))
    def partner_links(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        partners = obj.partners.select_related("application").order_by("pk")
        if not partners:
            return _("无（在睦邻合伙人页面选择所属社区组织）")
        return format_html_join(
            "、",
            '<a href="{}">{}</a>',
            ((reverse("admin:partners_partner_change", args=[p.pk]), str(p)) for p in partners),
        )

    def _action_page(self, request, organisation, title, form):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": organisation,
            "title": title,
            "form": form,
            "change_url": reverse("admin:organisations_organisation_change", args=[organisation.pk]),
        }
        return TemplateResponse(request, "admin/action_form.html", context)

    def file_view(self, request, pk):
        organisation = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
        if not can_file_team.test(request.user, organisation):
            messages.error(request, _("群众活动团队由街道备案。"))
            return redirect(change_url)
        form = FilingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_as_messages(request) as outcome:
                try:
                    organisation_file(
                        organisation=organisation,
                        number=form.cleaned_data["number"],
                        filed_on=form.cleaned_data["filed_on"],
                        by=request.user,
                    )
                except ValidationError as error:
                    attach_domain_error(form, error)
                    return self._action_page(request, organisation, _("登记街道备案"), form)
            if not outcome.refused:
                messages.success(request, _("已登记备案。"))
            return redirect(change_url)
        return self._action_page(request, organisation, _("登记街道备案"), form)

    def revoke_view(self, request, pk):
        organisation = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:organisations_organisation_change", args=[organisation.pk])
        form = RevokeFilingForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with refusals_as_messages(request) as outcome:
                try:
                    organisation_filing_revoke(
                        organisation=organisation, note=form.cleaned_data["note"], by=request.user
                    )
                except ValidationError as error:
                    attach_domain_error(form, error)
                    return self._action_page(request, organisation, _("撤销备案"), form)
            if not outcome.refused:
                messages.success(request, _("已撤销备案。"))
            return redirect(change_url)
        return self._action_page(request, organisation, _("撤销备案"), form)
