"""Staff pages of the needs questionnaire and the satisfaction evaluation (scoped like every list)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from portal.admin_scoping import (
    ScopedAdminMixin,
    form_for_user,
    person_column,
    read_only_actions,
    scoped_community_filters,
)
from portal.features import feature_required
from portal.ledgers import LedgerExportMixin
from portal.pdf import pdf_response
from portal.refusals import refusals_as_messages
from portal.rules import street_scope_q

from .domain import (
    questionnaire_confirm,
    questionnaire_tally,
    satisfaction_partners,
    satisfaction_results,
    survey_settings_save,
)
from .forms import ConfirmShortlistForm, QuestionnaireForm, SatisfactionSurveyForm
from .models import (
    NeedsSurveySettings,
    Questionnaire,
    QuestionnaireAnswer,
    Rater,
    SatisfactionAnswer,
    SatisfactionSettings,
    SatisfactionSurvey,
    ShortlistEntry,
)
from .posters import questionnaire_poster_pdf, satisfaction_poster_pdf
from .resources import QuestionnaireAnswerLedger, SatisfactionAnswerLedger, ShortlistLedger


class StreetScopedAdmin(admin.ModelAdmin):
    """Records of a street: the street's staff (and its communities' staff) and the levels above."""

    street_path = "street"
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).filter(street_scope_q(request.user, self.street_path))

    def get_actions(self, request):
        return read_only_actions(request, super().get_actions(request))

    def get_form(self, request, obj=None, change=False, **kwargs):
        return form_for_user(super().get_form(request, obj, change=change, **kwargs), request.user)

    def _perm(self, request, action: str, obj) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.{action}_{self.opts.model_name}", obj)

    def has_view_permission(self, request, obj=None):
        return self._perm(request, "view", obj) or self._perm(request, "change", obj)

    def has_change_permission(self, request, obj=None):
        return self._perm(request, "change", obj)


@admin.register(NeedsSurveySettings, SatisfactionSettings)
class SurveySettingsAdmin(StreetScopedAdmin):
    list_display = ["street", "enabled", "updated_at"]
    readonly_fields = ["street", "enabled", "updated_at"]

    def has_add_permission(self, request):
        return False  # rows come from the programme presets (portal.domain.street_programmes_apply)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        return admin.ModelAdmin.get_form(self, request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        survey_settings_save(settings=obj, by=request.user)


@admin.register(Questionnaire)
class QuestionnaireAdmin(StreetScopedAdmin):
    form = QuestionnaireForm
    list_display = ["title", "street", "community", "year", "opens_on", "closes_on", "answers_link"]
    list_filter = ["year", *scoped_community_filters("community")]
    search_fields = ["title"]
    list_select_related = ["street", "community"]
    readonly_fields = ["links", "shortlist_table"]

    def get_fieldsets(self, request, obj=None):
        fields = QuestionnaireForm.Meta.fields
        sets = [(None, {"fields": fields})]
        if obj is not None:
            sets.append((_("需求遴选清单"), {"fields": ["links", "shortlist_table"]}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    @admin.display(description=_("答卷"))
    def answers_link(self, obj):
        url = reverse("admin:surveys_questionnaireanswer_changelist") + f"?questionnaire__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("查看答卷"))

    @admin.display(description=_("二维码与确认"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("surveys:questionnaire_public", args=[obj.pk]),
            _("问卷页面"),
            reverse("admin:surveys_questionnaire_poster", args=[obj.pk]),
            _("二维码海报（PDF）"),
            reverse("admin:surveys_questionnaire_confirm", args=[obj.pk]),
            _("确认需求遴选清单"),
        )

    @admin.display(description=_("需求遴选清单"))
    def shortlist_table(self, obj):
        tally = questionnaire_tally(obj)
        if not tally.rows:
            return _("暂无答卷。")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    row.community.name,
                    row.category_label,
                    row.count,
                    row.entry.need.title if row.entry else (_("入选") if row.shortlisted else "—"),
                )
                for row in tally.rows
            ),
        )
        return format_html(
            "<p>{}</p><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>",
            _("共 %(n)s 份答卷；被至少 %(min)s 份答卷选择的类别入选。")
            % {"n": tally.answers, "min": tally.min_answers},
            _("社区"),
            _("服务类别"),
            _("选择人数"),
            _("居民需求清单"),
            rows,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/poster.pdf",
                self.admin_site.admin_view(self.poster_view),
                name="surveys_questionnaire_poster",
            ),
            path(
                "<int:pk>/confirm/",
                self.admin_site.admin_view(self.confirm_view),
                name="surveys_questionnaire_confirm",
            ),
        ] + super().get_urls()

    def _get(self, request, pk) -> Questionnaire:
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def poster_view(self, request, pk):
        questionnaire = self._get(request, pk)
        return pdf_response(
            questionnaire_poster_pdf(questionnaire), f"需求征询问卷-{questionnaire.title}.pdf"
        )

    def confirm_view(self, request, pk):
        """The 需求遴选清单 with its counts; confirming lists it in the needs list (and a draft call)."""
        questionnaire = self._get(request, pk)
        feature_required(NeedsSurveySettings, questionnaire.street_id)
        if not request.user.has_perm("surveys.confirm_questionnaire", questionnaire):
            raise PermissionDenied
        form = ConfirmShortlistForm(request.POST or None, questionnaire=questionnaire)
        if request.method == "POST" and form.is_valid():
            with refusals_as_messages(request) as outcome:
                created = questionnaire_confirm(
                    questionnaire=questionnaire, by=request.user, call=form.cleaned_data["call"]
                )
            if not outcome.refused:
                messages.success(request, _("已列入居民需求清单 %(n)s 条。") % {"n": len(created)})
                return redirect(reverse("admin:surveys_questionnaire_change", args=[questionnaire.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("确认需求遴选清单"),
            "opts": self.model._meta,
            "questionnaire": questionnaire,
            "tally": questionnaire_tally(questionnaire),
            "form": form,
        }
        return TemplateResponse(request, "admin/surveys/confirm_shortlist.html", context)


@admin.register(QuestionnaireAnswer)
class QuestionnaireAnswerAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [QuestionnaireAnswerLedger]
    ledger_date_field = "created_at"
    list_display = ["created_at", "questionnaire", "community", "get_categories_display", "short_other_needs"]
    list_filter = ["questionnaire__year", *scoped_community_filters("community")]
    list_select_related = ["questionnaire", "community"]
    readonly_fields = ["questionnaire", "community", "get_categories_display", "other_needs", "created_at"]
    fields = readonly_fields

    @admin.display(description=_("其他需求"))
    def short_other_needs(self, obj):
        return obj.other_needs[:40]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


QuestionnaireAnswer.get_categories_display.short_description = _("选择的服务类别")


@admin.register(ShortlistEntry)
class ShortlistEntryAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [ShortlistLedger]
    list_display = [
        "questionnaire",
        "community",
        "category",
        "answers_count",
        "need",
        "confirmed_by_name",
        "confirmed_at",
    ]
    list_filter = ["category", *scoped_community_filters("community")]
    list_select_related = ["questionnaire", "community", "need", "confirmed_by"]
    confirmed_by_name = person_column(ShortlistEntry, "confirmed_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(StreetScopedAdmin):
    form = SatisfactionSurveyForm
    list_display = ["title", "street", "year", "opens_on", "closes_on", "evaluator_organisation"]
    list_filter = ["year"]
    list_select_related = ["street"]
    filter_horizontal = ["evaluators"]
    readonly_fields = ["scale_max", "results_table"]

    def get_fieldsets(self, request, obj=None):
        sets = [(None, {"fields": SatisfactionSurveyForm.Meta.fields})]
        if obj is not None:
            sets.append((_("测评结果"), {"fields": ["scale_max", "results_table"]}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    @admin.display(description=_("各合伙人结果"))
    def results_table(self, obj):
        results = satisfaction_results(SatisfactionAnswer.objects.filter(survey=obj))
        rows = []
        for partner in satisfaction_partners(obj):
            resident = results.get((obj.pk, partner.pk, Rater.RESIDENT))
            evaluator = results.get((obj.pk, partner.pk, Rater.EVALUATOR))
            rows.append(
                (
                    partner.name,
                    partner.community.name,
                    resident.average if resident else "—",
                    resident.count if resident else 0,
                    resident.distribution_text() if resident else "—",
                    evaluator.average if evaluator else "—",
                    reverse("admin:surveys_satisfaction_poster", args=[obj.pk, partner.pk]),
                    _("二维码（PDF）"),
                )
            )
        if not rows:
            return _("本街道暂无服务期内的合伙人。")
        body = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><a href="{}">{}</a></td></tr>',
            rows,
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            _("合伙人"),
            _("社区"),
            _("居民平均分"),
            _("居民答卷"),
            _("分布"),
            _("评估机构平均分"),
            _("二维码"),
            body,
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/partners/<int:partner_pk>/poster.pdf",
                self.admin_site.admin_view(self.poster_view),
                name="surveys_satisfaction_poster",
            ),
        ] + super().get_urls()

    def poster_view(self, request, pk, partner_pk):
        survey = get_object_or_404(self.get_queryset(request), pk=pk)
        partner = get_object_or_404(satisfaction_partners(survey), pk=partner_pk)
        return pdf_response(satisfaction_poster_pdf(survey, partner), f"满意度测评二维码-{partner.name}.pdf")


@admin.register(SatisfactionAnswer)
class SatisfactionAnswerAdmin(LedgerExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    resource_classes = [SatisfactionAnswerLedger]
    ledger_date_field = "created_at"
    community_path = "partner__community"
    list_display = ["created_at", "survey", "partner", "rater", "score", "evaluator_name"]
    list_filter = ["rater", "score", "survey__year", *scoped_community_filters("partner__community")]
    list_select_related = ["survey", "partner__application", "evaluator"]
    readonly_fields = ["survey", "partner", "rater", "score", "comment", "evaluator_name", "created_at"]
    fields = readonly_fields
    evaluator_name = person_column(SatisfactionAnswer, "evaluator", nobody="—")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
