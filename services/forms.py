"""Forms of the partner, observer and resident pages; they only collect input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement
from partners.models import SERVING, Partner, PartnerStatus
from portal.choices import ServiceCategory, TargetGroup
from portal.forms import DomainCreateForm
from portal.listing import PublicFilterForm
from portal.rules import scope_queryset
from spaces.models import Space

from .domain import evaluation_schedule, renewal_decision_record
from .models import (
    RATING_VALIDATORS,
    Evaluation,
    EvaluationAppointment,
    LogFileKind,
    RenewalDecision,
    ServiceLog,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ServiceLogForm(forms.ModelForm):
    special_groups = forms.MultipleChoiceField(
        label=_("特定群体"),
        choices=[c for c in TargetGroup.choices if c[0] != TargetGroup.ALL],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    photos = MultipleFileField(label=_("活动照片（JPG/PNG，可多张）"), required=False)
    videos = MultipleFileField(label=_("短视频（MP4）"), required=False)
    attendance = forms.FileField(label=_("签到表扫描件（可选）"), required=False)

    class Meta:
        model = ServiceLog
        fields = [
            "date",
            "start_time",
            "end_time",
            "space",
            "category",
            "title",
            "description",
            "residents_served",
            "special_group_residents",
            "special_groups",
            "cost_basis",
            "volunteers",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = Space.objects.filter(community_id=partner.community_id)
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png"
        self.fields["videos"].widget.attrs["accept"] = "video/mp4"

    def files_by_kind(self) -> dict:
        data = self.cleaned_data
        return {
            LogFileKind.PHOTO: data.get("photos") or [],
            LogFileKind.VIDEO: data.get("videos") or [],
            LogFileKind.ATTENDANCE: [data["attendance"]] if data.get("attendance") else [],
        }

    def domain_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


RATING_CHOICES = [(i, str(i)) for i in range(5, 0, -1)]
# The suggestion box's radios say what each number means (issue 19): 5 非常满意 … 1 很不满意.
RATING_WORDS = [
    (5, _("5 非常满意")),
    (4, _("4 满意")),
    (3, _("3 一般")),
    (2, _("2 不满意")),
    (1, _("1 很不满意")),
]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度（1–5 分，5 分最满意）"),
        choices=RATING_WORDS,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("意见或建议"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact = forms.CharField(
        label=_("联系方式（选填，仅工作人员可见，不会公开）"), max_length=100, required=False
    )
    # Honeypot: people never see it; bots fill every field.
    website = forms.CharField(label=_("请勿填写此项"), required=False)


class ObservationForm(forms.Form):
    partner = forms.ModelChoiceField(label=_("睦邻合伙人"), queryset=None)
    date = forms.DateField(label=_("观察日期"), widget=forms.DateInput(attrs={"type": "date"}))
    seen = forms.CharField(label=_("观察情况"), widget=forms.Textarea(attrs={"rows": 4}))
    punctuality = forms.TypedChoiceField(label=_("守时"), choices=RATING_CHOICES, coerce=int)
    quality = forms.TypedChoiceField(label=_("服务质量"), choices=RATING_CHOICES, coerce=int)
    safety = forms.TypedChoiceField(label=_("安全"), choices=RATING_CHOICES, coerce=int)
    attitude = forms.TypedChoiceField(label=_("服务态度"), choices=RATING_CHOICES, coerce=int)
    photos = MultipleFileField(label=_("照片（JPG/PNG，可多张）"), required=False)

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.fields["partner"].label_from_instance = lambda p: p.name


class DashboardFilterForm(forms.Form):
    """The dashboard's scope and period: a street (for users above a street), a community, whole months.

    The community list holds the chosen street's communities only (a city has
    thousands): above a street, pick the street first or follow a row's link.
    """

    street = forms.ModelChoiceField(label=_("街道"), queryset=None, required=False, empty_label=_("全部街道"))
    community = forms.ModelChoiceField(
        label=_("社区"), queryset=None, required=False, empty_label=_("全部社区")
    )
    start = forms.DateField(
        label=_("起始月份"),
        required=False,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("按整月统计：所选日期所在的月份整月计入。"),
    )
    end = forms.DateField(
        label=_("截止月份"),
        required=False,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, streets, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        self.fields["community"].queryset = communities
        street_id = self.data.get("street") if self.is_bound else None
        if len(streets) <= 1:
            del self.fields["street"]
        elif str(street_id or "").isdigit():
            self.fields["community"].queryset = communities.filter(street_id=street_id)
        else:
            # Validated against the whole scope (a drill-down link), listed only once a street is chosen.
            self.fields["community"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if (
            data.get("start")
            and data.get("end")
            and data["start"].replace(day=1) > data["end"].replace(day=1)
        ):
            self.add_error("end", _("截止月份不能早于起始月份。"))
        return data


class ComparisonFilterForm(forms.Form):
    """The comparison's district (for city staff) and period in whole months."""

    district = forms.ModelChoiceField(
        label=_("区县"), queryset=None, required=False, empty_label=_("全部区县")
    )
    start = DashboardFilterForm.base_fields["start"]
    end = DashboardFilterForm.base_fields["end"]

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        if len(districts) <= 1:
            self.fields["district"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        if (
            data.get("start")
            and data.get("end")
            and data["start"].replace(day=1) > data["end"].replace(day=1)
        ):
            self.add_error("end", _("截止月份不能早于起始月份。"))
        return data


class InspectionPackForm(forms.Form):
    """The period of an inspection pack (检查台账): both dates required, the end not before the start."""

    start = forms.DateField(label=_("起始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data


__all__ = [
    "ComparisonFilterForm",
    "InspectionPackForm",
    "ServiceLogForm",
    "FeedbackForm",
    "ObservationForm",
    "DashboardFilterForm",
    "RATING_VALIDATORS",
]


class EvaluationAppointmentForm(DomainCreateForm):
    """Schedule an evaluation, or move one: evaluation_schedule saves it and tells the partner."""

    class Meta:
        model = EvaluationAppointment
        fields = ["partner", "kind", "scheduled_for", "place", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["partner"].queryset = scope_queryset(
            user, Partner.objects.filter(status__in=SERVING).select_related("application"), "community"
        )

    def create(self, data):
        return evaluation_schedule(
            partner=data["partner"],
            kind=data["kind"],
            scheduled_for=data["scheduled_for"],
            place=data.get("place", ""),
            note=data.get("note", ""),
            by=self.user,
            appointment=self.instance if self.instance.pk else None,
        )


class RenewalDecisionForm(DomainCreateForm):
    months = forms.IntegerField(
        label=_("下一期期限（月）"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("续签时填写；留空则沿用本期期限（不超过一般续签上限）。"),
    )

    class Meta:
        model = RenewalDecision
        fields = ["agreement", "outcome", "evaluation", "decided_on", "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["agreement"].queryset = scope_queryset(
            user,
            Agreement.objects.filter(
                status="signed", kind__in=["first", "renewal"], renewal_decision__isnull=True
            ).select_related("partner__application"),
            "community",
        )
        self.fields["evaluation"].queryset = scope_queryset(
            user, Evaluation.objects.select_related("partner__application"), "partner__community"
        )

    def create(self, data):
        return renewal_decision_record(
            agreement=data["agreement"],
            outcome=data["outcome"],
            evaluation=data["evaluation"],
            decided_on=data["decided_on"],
            note=data.get("note", ""),
            months=data.get("months"),
            by=self.user,
        )


class DirectoryFilterForm(PublicFilterForm):
    """The residents' filters on the directory of serving partners (rulebook 六(一)1: service types)."""

    category = forms.ChoiceField(
        label=_("服务类型"), required=False, choices=[("", _("全部")), *ServiceCategory.choices]
    )
    status = forms.ChoiceField(
        label=_("服务状态"),
        required=False,
        choices=[("", _("全部")), *((s.value, s.label) for s in PartnerStatus if s in SERVING)],
    )
