"""Input of the two phone pages, the evaluators' page and the staff forms; the rules are in domain."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from calls.models import CallStatus, RecruitmentCall
from portal.choices import ServiceCategory
from portal.forms import DomainCreateForm
from portal.models import Community, Street
from portal.rules import scope_queryset, street_scope_queryset

from .domain import questionnaire_save, satisfaction_survey_save
from .models import Questionnaire, SatisfactionSurvey

PHONE_HELP = _("选填。留下手机号可避免重复计票；号码只以加密散列保存，不会公开，也不会用于联系您。")


class QuestionnaireAnswerForm(forms.Form):
    community = forms.ModelChoiceField(
        label=_("您所在的社区"),
        queryset=Community.objects.none(),
        empty_label=_("请选择"),
        error_messages={"required": _("请选择您所在的社区。"), "invalid_choice": _("请选择您所在的社区。")},
    )
    categories = forms.MultipleChoiceField(
        label=_("您最希望社区提供哪些服务？"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选服务类别不在本问卷中。")},
    )
    other_needs = forms.CharField(
        label=_("其他需求或建议"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("其他需求请控制在500字以内。")},
    )
    phone = forms.CharField(
        label=_("手机号"),
        required=False,
        max_length=20,
        help_text=PHONE_HELP,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    website = forms.CharField(required=False, label=_("网址（请留空）"))  # honeypot

    def __init__(self, *args, questionnaire: Questionnaire, communities, max_choices: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        if questionnaire.community_id:
            self.fields["community"].initial = questionnaire.community_id
            self.fields["community"].widget = forms.HiddenInput()
        labels = dict(ServiceCategory.choices)
        self.fields["categories"].choices = [(c, labels.get(c, c)) for c in questionnaire.categories or []]
        self.fields["categories"].help_text = _("最多选择%(max)s项。") % {"max": max_choices}
        if not questionnaire.asks_free_text:
            del self.fields["other_needs"]


class SatisfactionAnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("您对该项目服务的满意程度"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度评分。"), "invalid_choice": _("请选择满意度评分。")},
    )
    comment = forms.CharField(
        label=_("意见建议"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("意见建议请控制在500字以内。")},
    )
    phone = forms.CharField(
        label=_("手机号"),
        required=False,
        max_length=20,
        help_text=PHONE_HELP,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    website = forms.CharField(required=False, label=_("网址（请留空）"))  # honeypot

    def __init__(self, *args, scale_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = score_choices(scale_max)


def score_choices(scale_max: int) -> list[tuple[int, str]]:
    """Scores from the top down: '5分（非常满意）' … '1分（非常不满意）'."""
    choices = []
    for score in range(scale_max, 0, -1):
        if score == scale_max:
            label = _("%(n)s分（非常满意）") % {"n": score}
        elif score == 1:
            label = _("%(n)s分（非常不满意）") % {"n": score}
        else:
            label = _("%(n)s分") % {"n": score}
        choices.append((score, label))
    return choices


class EvaluatorScoreForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("满意度评分"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择满意度评分。"), "invalid_choice": _("请选择满意度评分。")},
    )
    comment = forms.CharField(
        label=_("评估意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("评估意见请控制在2000字以内。")},
    )

    def __init__(self, *args, scale_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = score_choices(scale_max)


# --- Staff (admin) ------------------------------------------------------------------------


class QuestionnaireForm(DomainCreateForm):
    """Create or change a questionnaire through `questionnaire_save` (checked before anything is saved)."""

    categories = forms.MultipleChoiceField(
        label=_("可选服务类别"),
        choices=ServiceCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(ServiceCategory.values),
        error_messages={"required": _("请至少选择一个服务类别。")},
    )

    class Meta:
        model = Questionnaire
        fields = [
            "street",
            "community",
            "year",
            "title",
            "intro",
            "categories",
            "asks_free_text",
            "opens_on",
            "closes_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is not None and "street" in self.fields:  # read-only for level staff: no field
            self.fields["street"].queryset = street_scope_queryset(self.user, Street.objects.all(), "")
        if self.user is not None and "community" in self.fields:
            self.fields["community"].queryset = scope_queryset(self.user, Community.objects.all(), "")

    def create(self, data):
        fields = {name: data.get(name) for name in self._meta.fields}
        questionnaire = self.instance if self.instance.pk else Questionnaire()
        return questionnaire_save(questionnaire=questionnaire, by=self.user, fields=fields)


class SatisfactionSurveyForm(DomainCreateForm):
    """Create or change an evaluation through `satisfaction_survey_save`."""

    class Meta:
        model = SatisfactionSurvey
        fields = ["street", "year", "title", "opens_on", "closes_on", "evaluator_organisation", "evaluators"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "street" not in self.fields:  # read-only (level staff): nothing to choose
            return
        if self.user is not None:
            self.fields["street"].queryset = street_scope_queryset(self.user, Street.objects.all(), "")
        # Evaluators are accounts without a programme role (third-party staff), or already assigned.
        users = get_user_model().objects.filter(is_active=True, is_superuser=False, profile__isnull=True)
        if self.instance.pk:
            users = users | self.instance.evaluators.all()
        self.fields["evaluators"].queryset = users.distinct().order_by("username")

    def create(self, data):
        fields = {name: data.get(name) for name in self._meta.fields if name != "evaluators"}
        survey = self.instance if self.instance.pk else SatisfactionSurvey()
        return satisfaction_survey_save(
            survey=survey, by=self.user, fields=fields, evaluators=list(data.get("evaluators") or [])
        )


class ConfirmShortlistForm(forms.Form):
    call = forms.ModelChoiceField(
        label=_("同时列入招募公告（选填）"),
        queryset=RecruitmentCall.objects.none(),
        required=False,
        empty_label=_("不列入"),
        help_text=_("只列出本街道草稿状态的招募公告。"),
    )

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = RecruitmentCall.objects.filter(
            street_id=questionnaire.street_id, status=CallStatus.DRAFT
        ).order_by("-opens_at")
