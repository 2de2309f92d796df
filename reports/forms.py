from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FundEntry, FundKind, SelfEvaluationKind


class NarrativeForm(forms.Form):
    narrative = forms.CharField(label=_("本月工作进展与下月计划"), widget=forms.Textarea(attrs={"rows": 6}))


class SelfEvaluationForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SelfEvaluationKind.choices)
    content = forms.CharField(
        label=_("自评内容"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("对照协议约定的量化指标，说明完成情况、成效与不足。"),
    )
    method = forms.CharField(
        label=_("社区工作法"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("结项自评必填：总结提炼的社区治理工作经验。"),
    )


class FundEntryForm(forms.ModelForm):
    receipt = forms.FileField(label=_("票据（PDF、JPG、PNG）"), required=False)

    class Meta:
        model = FundEntry
        fields = ["date", "kind", "amount", "counterparty", "description"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = FundKind.choices

    def _post_clean(self):
        pass  # the domain function validates the entry
