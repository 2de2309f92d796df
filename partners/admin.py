"""The partner in the admin: its state, the buttons it may take now, its history."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from portal.admin_scoping import AppendOnlyInline, ScopedAdminMixin, number_column, scoped_community_filters
from portal.choices import ExitReason
from portal.forms import attach_domain_error
from portal.refusals import refusals_as_messages

from . import workflow
from .domain import available_transitions, blocked_transitions, partner_organisation_link, partner_transition
from .models import Partner, PartnerTransition
from .rules import can_handle_partner


class PartnerTransitionInline(AppendOnlyInline):
    model = PartnerTransition
    fields = ["created_at", "transition_display", "from_state", "to_state", "actor_display", "note"]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("操作"))
    def transition_display(self, obj):
        return obj.transition_label

    @admin.display(description=_("操作人"))
    def actor_display(self, obj):
        return obj.actor_name


class OrganisationLinkForm(forms.Form):
    """Choose the registry record of the partner's organisation (its street's only), or none."""

    organisation = forms.ModelChoiceField(
        label=_("所属社区组织"),
        queryset=None,
        required=False,
        empty_label=_("（不关联）"),
        error_messages={"invalid_choice": _("只能关联本街道社区组织名录中的组织。")},
    )

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            community__street_id=partner.community.street_id
        ).order_by("community__name", "name")


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reason = forms.ChoiceField(
        label=_("退出情形"), choices=[("", "---------"), *ExitReason.choices], required=False
    )
    expected_status = forms.CharField(widget=forms.HiddenInput, required=False)


@admin.register(Partner)
class PartnerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    composite_score_plain = number_column(Partner, "composite_score")
    list_display = [
        "reference",
        "name_display",
        "kind_display",
        "community",
        "status",
        "composite_score_plain",
        "status_changed_at",
    ]
    list_filter = ["status", *scoped_community_filters("community"), "application__kind"]
    search_fields = ["application__applicant_name", "application__reference", "application__project_title"]
    list_select_related = ["application", "community"]
    readonly_fields = [
        "application",
        "organisation_display",
        "status",
        "composite_score_plain",
        "exit_reason",
        "created_at",
        "status_changed_at",
    ]
    fields = [
        "application",
        "community",
        "organisation_display",
        "status",
        "composite_score_plain",
        "exit_reason",
        "created_at",
        "status_changed_at",
    ]
    inlines = [PartnerTransitionInline]
    change_form_template = "admin/partners/partner/change_form.html"

    @admin.display(description=_("申请主体名称/姓名"), ordering="application__applicant_name")
    def name_display(self, obj):
        return obj.application.applicant_name

    @admin.display(description=_("类型"), ordering="application__kind")
    def kind_display(self, obj):
        return obj.application.get_kind_display()

    @admin.display(description=_("申请编号"), ordering="application__reference")
    def reference(self, obj):
        return obj.application.reference

    @admin.display(description=_("所属社区组织"))
    def organisation_display(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        link = reverse("admin:partners_partner_organisation", args=[obj.pk])
        name = str(obj.organisation) if obj.organisation_id else _("未关联")
        return format_html('{} <a class="button" href="{}">{}</a>', name, link, _("选择"))

    def has_add_permission(self, request):
        # Partners come into being only through an application.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/organisation/",
                self.admin_site.admin_view(self.organisation_view),
                name="partners_partner_organisation",
            ),
            path(
                "<int:pk>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="partners_partner_transition",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["available_transitions"] = [
                (t, self._procedure_url(t.procedure_admin_url, obj))
                for t in available_transitions(obj, request.user)
            ]
            extra_context["blocked_transitions"] = blocked_transitions(obj, request.user)
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _procedure_url(url_name, partner):
        """The admin page of the procedure that performs a transition (add forms get the partner)."""
        if not url_name:
            return ""
        url = reverse(url_name)
        return f"{url}?partner={partner.pk}" if url_name.endswith("_add") else url

    def organisation_view(self, request, pk):
        """Point the partner to its organisation's registry record (长宁 seed 003), through the domain."""
        partner = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse("admin:partners_partner_change", args=[partner.pk])
        if not can_handle_partner.test(request.user, partner):
            raise PermissionDenied
        form = OrganisationLinkForm(
            request.POST or None, partner=partner, initial={"organisation": partner.organisation_id}
        )
        if request.method == "POST" and form.is_valid():
            try:
                partner_organisation_link(
                    partner=partner, organisation=form.cleaned_data["organisation"], by=request.user
                )
            except ValidationError as error:
                attach_domain_error(form, error)
            else:
                messages.success(request, _("已保存所属社区组织。"))
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": partner,
            "title": _("所属社区组织"),
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/action_form.html", context)

    def transition_view(self, request, pk, name):
        partner = get_object_or_404(self.get_queryset(request), pk=pk)
        spec = workflow.get(name)
        change_url = reverse("admin:partners_partner_change", args=[partner.pk])
        # A transition with effects beyond the status is done on its procedure's page;
        # a POST here is refused by partner_transition with the declaration's message.
        procedure_url = self._procedure_url(spec.procedure_admin_url, partner) if spec else ""
        if procedure_url and request.method != "POST":
            messages.info(request, spec.procedure_message)
            return redirect(procedure_url)
        options = {t.name: t for t in available_transitions(partner, request.user)}
        option = options.get(name)
        if request.method == "POST":
            form = TransitionForm(request.POST)
            if form.is_valid():
                needs_reason = spec is not None and spec.needs_reason
                kwargs = {"reason": form.cleaned_data["reason"]} if needs_reason else {}
                with refusals_as_messages(request) as outcome:
                    partner_transition(
                        partner=partner,
                        transition=name,
                        by=request.user,
                        note=form.cleaned_data["note"],
                        expected_status=form.cleaned_data["expected_status"] or None,
                        **kwargs,
                    )
                if outcome.refused:
                    if option is None or procedure_url:
                        return redirect(change_url)
                else:
                    messages.success(
                        request,
                        _("已执行“%(action)s”，当前状态：%(status)s。")
                        % {"action": workflow.label(name), "status": partner.get_status_display()},
                    )
                    return redirect(change_url)
        else:
            if option is None:
                messages.error(request, _("当前不能执行该操作。"))
                return redirect(change_url)
            form = TransitionForm(initial={"expected_status": partner.status})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": partner,
            "title": workflow.label(name),
            "form": form,
            "transition": option,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/partners/partner/transition.html", context)
