"""Forms for agreements; every rule check is the domain's, shown next to the field it concerns."""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from portal.forms import DomainCreateForm
from portal.rules import scope_queryset
from spaces.models import Space, TimeSlot

from .domain import agreement_create, special_approval_record
from .models import Agreement, AgreementKind, Party, SpecialApproval


class AgreementCreateForm(DomainCreateForm):
    months = forms.IntegerField(
        label=_("协议期限（月）"),
        min_value=1,
        max_value=60,
        help_text=_("首次签约（试用期）6–12个月；续签一般不超过24个月，特殊续签经审批不超过36个月。"),
    )

    class Meta:
        model = Agreement
        fields = [
            "partner",
            "kind",
            "start_date",
            "months",
            "special_approval",
            "services_description",
            "logo_licence",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["kind"].choices = [
            (k, label) for k, label in AgreementKind.choices if k != AgreementKind.SUPPLEMENTARY
        ]
        if "partner" in self.fields:
            self.fields["partner"].queryset = scope_queryset(
                user, Partner.objects.select_related("application"), "community"
            )
        if "special_approval" in self.fields:
            self.fields["special_approval"].queryset = scope_queryset(
                user, SpecialApproval.objects.filter(agreement__isnull=True), "partner__community"
            )

    def create(self, data):
        return agreement_create(
            partner=data["partner"],
            kind=data["kind"],
            start_date=data["start_date"],
            months=data["months"],
            special_approval=data.get("special_approval"),
            services_description=data.get("services_description", ""),
            clauses={},
            by=self.user,
            instance=Agreement(logo_licence=data["logo_licence"]),
        )


class SignatureForm(forms.Form):
    party = forms.ChoiceField(label=_("签约方"), choices=Party.choices)
    signatory = forms.CharField(label=_("签字人"), max_length=50)
    signed_on = forms.DateField(label=_("签署日期"), widget=forms.DateInput(attrs={"type": "date"}))
    scan = forms.FileField(label=_("签字页扫描件"), required=False, help_text=_("可选，PDF、JPEG 或 PNG。"))

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agreement is not None:
            signed = set(agreement.signatures.values_list("party", flat=True))
            self.fields["party"].choices = [(p, label) for p, label in Party.choices if p not in signed]


class TimeSlotForm(forms.Form):
    space = forms.ModelChoiceField(label=_("空间"), queryset=Space.objects.none())
    weekday = forms.TypedChoiceField(
        label=_("星期"), coerce=int, choices=TimeSlot._meta.get_field("weekday").choices
    )
    start_time = forms.TimeField(label=_("开始时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("结束时间"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agreement is not None:
            self.fields["space"].queryset = Space.objects.filter(community=agreement.community)

    def clean(self):
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["start_time"] >= data["end_time"]:
            self.add_error("end_time", _("结束时间必须晚于开始时间。"))
        return data


class SpecialApprovalForm(DomainCreateForm):
    class Meta:
        model = SpecialApproval
        fields = [
            "partner",
            "months",
            "committees_request_on",
            "committees_request_reference",
            "street_review_on",
            "street_review_reference",
            "note",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["partner"].queryset = scope_queryset(
            user, Partner.objects.select_related("application"), "community"
        )

    def create(self, data):
        return special_approval_record(by=self.user, **{f: data.get(f) for f in self.Meta.fields})


class SupplementForm(forms.Form):
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))
    services_description = forms.CharField(
        label=_("补充和变更的内容"), widget=forms.Textarea(attrs={"rows": 6})
    )
