"""Public forms of the recruitment stage: the application, the status lookup, uploads.

Forms check what a single field can check and keep what the user typed;
the rules (window, duplicates, documents per call) live in partners.domain.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from portal.choices import INDIVIDUAL_KINDS, PartnerKind, ServiceCategory, TargetGroup
from portal.listing import PublicFilterForm
from portal.models import Community
from portal.uploads import validate_upload

from .domain import call_needs_check, document_field
from .models import Application, BasicCondition, DocumentKind, DocumentRequest, RecruitmentCall

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is sniffed and size-checked on its own."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        uploads = [d for d in data if d] if isinstance(data, (list, tuple)) else ([data] if data else [])
        if not uploads:
            single(None, initial)  # raises "required" when required
            return []
        cleaned, errors = [], []
        for upload in uploads:
            upload = single(upload, initial)
            try:
                validate_upload(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
            cleaned.append(upload)
        if errors:
            raise ValidationError(errors)
        return cleaned


def _textarea(rows=4):
    return forms.Textarea(attrs={"rows": rows})


class ApplicationForm(forms.ModelForm):
    """项目申请表 for one call. Works without JavaScript; errors sit next to their fields."""

    kind = forms.ChoiceField(
        label=_("申请主体类型"),
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择申请主体类型。")},
    )
    service_categories = forms.MultipleChoiceField(
        label=_("服务类别"),
        choices=ServiceCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项服务类别。")},
    )
    target_groups = forms.MultipleChoiceField(
        label=_("服务对象"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一类服务对象。")},
    )
    spaces = forms.ModelMultipleChoiceField(
        label=_("意向空间"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("申请将提交给所选空间所属的社区。"),
    )
    community = forms.ModelChoiceField(
        label=_("申报社区"),
        queryset=None,
        required=False,
        help_text=_("未选择意向空间时必填。"),
        empty_label=_("请选择"),
    )
    declarations = forms.MultipleChoiceField(
        label=_("基本条件承诺"),
        choices=BasicCondition.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请逐项确认全部基本条件。")},
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "我已阅读并同意:街道和社区为办理本次申请收集、使用我填写的个人信息和上传的材料,"
            "仅用于招募、审核、评审、公示和协议管理,不用于其他目的。"
        ),
        error_messages={"required": _("请阅读并同意个人信息处理说明后再提交。")},
    )
    # Honeypot: hidden from people (CSS and aria-hidden); bots fill it in.
    website = forms.CharField(
        label=_("网址(请留空)"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Application
        fields = [
            "kind",
            "applicant_name",
            "credit_code",
            "legal_representative",
            "id_number",
            "contact_name",
            "mobile",
            "email",
            "address",
            "project_title",
            "service_categories",
            "target_groups",
            "plan",
            "activities",
            "schedule",
            "hours_per_month",
            "residents_per_month",
            "events_per_month",
            "special_groups",
            "spaces",
            "community",
            "preferred_times",
            "team_intro",
            "past_cases",
            "free_services",
            "low_cost_services",
        ]
        widgets = {
            "mobile": forms.TextInput(
                attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "maxlength": "11"}
            ),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "credit_code": forms.TextInput(attrs={"maxlength": "18", "autocapitalize": "characters"}),
            "id_number": forms.TextInput(attrs={"maxlength": "18", "autocapitalize": "characters"}),
            "plan": _textarea(),
            "activities": _textarea(),
            "schedule": _textarea(),
            "team_intro": _textarea(),
            "past_cases": _textarea(),
            "free_services": _textarea(3),
            "low_cost_services": _textarea(3),
            "hours_per_month": forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
            "residents_per_month": forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
            "events_per_month": forms.NumberInput(attrs={"min": "0", "inputmode": "numeric"}),
        }
        help_texts = {
            "applicant_name": _("组织填写登记的全称;个人填写姓名。"),
            "credit_code": _("组织必填:18位,见营业执照或登记证书。"),
            "legal_representative": _("组织填写。"),
            "id_number": _("个人(自由职业者、创业团队、青年创客)必填:18位,末位可为 X。"),
            "email": _("填写后可收到申请回执和补充材料通知。"),
            "plan": _("项目要达成的目标。"),
            "activities": _("计划开展的主要活动及内容。"),
            "schedule": _("按月或按季度的实施安排。"),
            "special_groups": _("例如:独居老人、残疾人、困难家庭儿童。"),
            "preferred_times": _("例如:每周六上午9:00—11:30。"),
            "low_cost_services": _("如有微利服务,请写明内容和收费标准;没有可不填。"),
        }
        error_messages = {
            "applicant_name": {"required": _("请填写申请主体名称或姓名。")},
            "contact_name": {"required": _("请填写联系人。")},
            "mobile": {"required": _("请填写手机号码。")},
            "email": {"invalid": _("电子邮箱格式不正确,例如 name@example.com。")},
            "project_title": {"required": _("请填写项目名称。")},
            "hours_per_month": {"invalid": _("请填写整数。"), "min_value": _("不能小于0。")},
            "residents_per_month": {"invalid": _("请填写整数。"), "min_value": _("不能小于0。")},
            "events_per_month": {"invalid": _("请填写整数。"), "min_value": _("不能小于0。")},
        }

    def __init__(self, *args, call: RecruitmentCall, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        labels = dict(PartnerKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in call.eligible_kinds if k in labels]
        self.fields["spaces"].queryset = call.spaces.select_related("community").order_by(
            "community__name", "name"
        )
        self.fields["spaces"].label_from_instance = lambda s: f"{s.community.name} · {s.name}({s.area_m2}㎡)"
        self.fields["community"].queryset = Community.objects.filter(street=call.street_id)
        for name in ("plan", "activities", "schedule", "address"):
            self.fields[name].required = True
        self.fields["plan"].error_messages["required"] = _("请填写项目目标。")
        self.fields["activities"].error_messages["required"] = _("请填写主要活动内容。")
        self.fields["schedule"].error_messages["required"] = _("请填写实施进度安排。")
        self.fields["address"].error_messages["required"] = _("请填写地址。")
        self.fields["hours_per_month"].min_value = 0
        required_docs = set(call.documents_required or [])
        for kind, label in DocumentKind.choices:
            self.fields[document_field(kind)] = MultipleFileField(
                label=label,
                required=kind in required_docs,
                help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX,可多选。"),
                error_messages={"required": _("本次招募要求提交“%(kind)s”,请选择文件。") % {"kind": label}},
            )

    def document_fields(self):
        return [self[document_field(kind)] for kind in DocumentKind.values]

    def declaration_fields(self):
        return [self["declarations"], self["privacy_consent"]]

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()

    def clean_id_number(self):
        return (self.cleaned_data.get("id_number") or "").strip().upper()

    def clean_mobile(self):
        return (self.cleaned_data.get("mobile") or "").strip()

    def clean_declarations(self):
        value = self.cleaned_data.get("declarations") or []
        if set(value) != set(BasicCondition.values):
            raise ValidationError(
                _("请逐项确认全部基本条件(共%(count)s项)。"), params={"count": len(BasicCondition.values)}
            )
        return value

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        # Only the number that identifies this kind of applicant matters.
        ignore = "credit_code" if kind in INDIVIDUAL_KINDS else "id_number"
        if kind:
            self._errors.pop(ignore, None)
            cleaned[ignore] = ""
        if not cleaned.get("spaces") and not cleaned.get("community") and "spaces" not in self._errors:
            self.add_error("community", _("请选择意向空间或申报社区。"))
        return cleaned

    def _post_clean(self):
        # The model's own checks (per-kind number) run here; keep the ignored field blank first.
        kind = self.cleaned_data.get("kind")
        if kind in INDIVIDUAL_KINDS:
            self.instance.credit_code = ""
        elif kind:
            self.instance.id_number = ""
        super()._post_clean()

    def submission_data(self) -> dict:
        return {**self.cleaned_data}

    def submission_files(self) -> dict:
        return {kind: self.cleaned_data.get(document_field(kind)) or [] for kind in DocumentKind.values}

    def add_domain_errors(self, error: ValidationError) -> None:
        """Put the domain's refusals next to the fields they concern."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in self.fields else None
                if field == NON_FIELD_ERRORS:
                    target = None
                for e in errors:
                    self.add_error(target, e)
        else:
            self.add_error(None, error)


class StatusLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("申请编号"),
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "MLHH-2026-000123", "autocapitalize": "characters"}),
        error_messages={"required": _("请填写申请编号。")},
    )
    mobile_last4 = forms.RegexField(
        label=_("手机号后4位"),
        regex=r"^\d{4}$",
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4", "autocomplete": "off"}),
        error_messages={"required": _("请填写手机号后4位。"), "invalid": _("请填写4位数字。")},
    )


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("我确认撤回本次申请,撤回后不能恢复。"), error_messages={"required": _("请勾选确认后再撤回。")}
    )
    note = forms.CharField(
        label=_("撤回原因(可不填)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class DocumentUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("选择文件"),
        help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX,可多选。"),
        error_messages={"required": _("请选择要上传的文件。")},
    )


class DocumentRequestForm(forms.ModelForm):
    class Meta:
        model = DocumentRequest
        fields = ["kind", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}


class ResidentNeedChoiceField(forms.ModelMultipleChoiceField):
    """Needs labelled with their community: two communities may list the same need."""

    def label_from_instance(self, obj):
        return f"{obj.community.name} · {obj.title}"


class RecruitmentCallAdminForm(forms.ModelForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=_("适用对象"), choices=PartnerKind.choices, widget=forms.CheckboxSelectMultiple
    )
    documents_required = forms.MultipleChoiceField(
        label=_("必须提交的材料"),
        choices=DocumentKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = RecruitmentCall
        fields = [
            "street",
            "title",
            "body",
            "spaces",
            "needs",
            "eligible_kinds",
            "documents_required",
            "opens_at",
            "closes_at",
            "contact",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.street_id and "needs" in self.fields:
            self.fields["needs"].queryset = self.fields["needs"].queryset.filter(
                community__street_id=self.instance.street_id
            )

    def clean(self):
        cleaned = super().clean()
        street, needs = cleaned.get("street"), cleaned.get("needs")
        if street is not None and needs:
            try:
                call_needs_check(street=street, needs=needs)
            except ValidationError as error:
                self.add_error("needs", error)
        return cleaned


class CallFilterForm(PublicFilterForm):
    """The residents' filters on the list of calls."""

    status = forms.ChoiceField(
        label=_("招募状态"),
        required=False,
        choices=[("", _("全部")), ("open", _("正在招募")), ("closed", _("已截止"))],
    )
