"""Public forms of the recruitment stage: the application, the status lookup, uploads.

Forms check what a single field can check and keep what the user typed;
the rules (window, duplicates, documents per call) live in partners.domain.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from portal.choices import INDIVIDUAL_KINDS, PartnerKind, ServiceCategory, TargetGroup
from portal.forms import form_error_items
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
            "我已阅读并同意：街道和社区为办理本次申请收集、使用我填写的个人信息和上传的材料，"
            "仅用于招募、审核、评审、公示和协议管理，不用于其他目的。"
        ),
        error_messages={"required": _("请阅读并同意个人信息处理说明后再提交。")},
    )
    # Honeypot: hidden from people (CSS and aria-hidden); bots fill it in.
    website = forms.CharField(
        label=_("网址（请留空）"),
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
            "applicant_name": _("组织填写登记的全称；个人填写姓名。"),
            "credit_code": _("组织必填：18位，见营业执照或登记证书。"),
            "legal_representative": _("组织填写。"),
            "id_number": _("个人（自由职业者、创业团队、青年创客）必填：18位，末位可为 X。"),
            "email": _("填写后可收到申请回执和补充材料通知。"),
            "plan": _("项目要达成的目标。"),
            "activities": _("计划开展的主要活动及内容。"),
            "schedule": _("按月或按季度的实施安排。"),
            "special_groups": _("例如：独居老人、残疾人、困难家庭儿童。"),
            "preferred_times": _("例如：每周六上午9:00—11:30。"),
            "low_cost_services": _("如有微利服务，请写明内容和收费标准；没有可不填。"),
        }
        error_messages = {
            "applicant_name": {"required": _("请填写申请主体名称或姓名。")},
            "contact_name": {"required": _("请填写联系人。")},
            "mobile": {"required": _("请填写手机号码。")},
            "email": {"invalid": _("电子邮箱格式不正确，例如 name@example.com。")},
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
        self.fields["spaces"].label_from_instance = lambda s: (
            f"{s.community.name} · {s.name}（{s.area_m2}㎡）"
        )
        self.fields["community"].queryset = Community.objects.filter(street=call.street_id)
        for name in ("plan", "activities", "schedule", "address"):
            self.fields[name].required = True
        self.fields["plan"].error_messages["required"] = _("请填写项目目标。")
        self.fields["activities"].error_messages["required"] = _("请填写主要活动内容。")
        self.fields["schedule"].error_messages["required"] = _("请填写实施进度安排。")
        self.fields["address"].error_messages["required"] = _("请填写地址。")
        self.fields["hours_per_month"].min_value = 0
        # The error summary names a field by this, not by a label that is a whole paragraph.
        self.fields["privacy_consent"].short_label = _("个人信息处理同意")
        self.fields["declarations"].short_label = _("基本条件承诺")
        required_docs = set(call.documents_required or [])
        for kind, label in DocumentKind.choices:
            self.fields[document_field(kind)] = MultipleFileField(
                label=label,
                required=kind in required_docs,
                help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX，可多选。"),
                error_messages={"required": _("本次招募要求提交“%(kind)s”，请选择文件。") % {"kind": label}},
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
                _("请逐项确认全部基本条件（共%(count)s项）。"), params={"count": len(BasicCondition.values)}
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
        else:
            self._drop_number_errors()
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
        if not kind:
            self._drop_number_errors()

    def _drop_number_errors(self) -> None:
        """信用代码 belongs to the organisation kinds and 身份证号 to the individual ones: before a kind
        is chosen, only the kind's own error is shown (issue 19)."""
        self._errors.pop("credit_code", None)
        self._errors.pop("id_number", None)

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
        label=_("我确认撤回本次申请，撤回后不能恢复。"),
        error_messages={"required": _("请勾选确认后再撤回。")},
    )
    note = forms.CharField(
        label=_("撤回原因（可不填）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DocumentUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("选择文件"),
        help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX，可多选。"),
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


# --- The application in steps (issue 19) ------------------------------------------------


@dataclass(frozen=True)
class ApplicationStep:
    """One page of the application: the ApplicationForm's fields it asks for."""

    slug: str
    label: str
    fields: tuple[str, ...]


APPLICATION_STEPS = (
    ApplicationStep(
        "applicant",
        _("申请人"),
        (
            "kind",
            "applicant_name",
            "credit_code",
            "legal_representative",
            "id_number",
            "contact_name",
            "mobile",
            "email",
            "address",
        ),
    ),
    ApplicationStep(
        "project",
        _("项目"),
        (
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
            "free_services",
            "low_cost_services",
            "team_intro",
            "past_cases",
        ),
    ),
    ApplicationStep("place", _("场地与时间"), ("spaces", "community", "preferred_times")),
    ApplicationStep("documents", _("材料"), tuple(document_field(kind) for kind in DocumentKind.values)),
    ApplicationStep("confirm", _("确认提交"), ("declarations", "privacy_consent")),
)
STEPS_BY_SLUG = {step.slug: step for step in APPLICATION_STEPS}
DOCUMENT_FIELDS = STEPS_BY_SLUG["documents"].fields


def step_of_field(name: str) -> ApplicationStep | None:
    return next((step for step in APPLICATION_STEPS if name in step.fields), None)


def draft_value(value):
    """A cleaned value as JSON: model instances by pk, querysets as lists of pks."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple)) or hasattr(value, "model"):
        return [draft_value(v) for v in value]
    return value


def draft_form_data(values: dict) -> QueryDict:
    """The draft's JSON values as form data the ApplicationForm reads back."""
    data = QueryDict(mutable=True)
    for name, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            data.setlist(name, ["on"])
        elif isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        else:
            data.setlist(name, [str(value)])
    return data


class ApplicationStepForm(ApplicationForm):
    """The ApplicationForm bound to the draft's values plus one step's input.

    Every field and validator is the ApplicationForm's own (no rule is written twice); a step
    reports only the errors of its own fields, and the last step re-validates them all. Files are
    not part of it: the documents step keeps them as draft attachments, and the last step checks
    that each required kind has one. Shown without input (GET), a step reports nothing of its own.
    """

    def __init__(
        self, *, call: RecruitmentCall, step: ApplicationStep, saved: dict, posted=None, attachments=()
    ):
        data = draft_form_data(saved)
        if posted is not None:
            for name in step.fields:
                data.setlist(name, posted.getlist(name))
        super().__init__(data, call=call)
        if posted is None:
            # A step not filled in yet starts from the model's defaults (0 hours…), as a blank form would.
            for name in step.fields:
                initial = self.initial.get(name, self.fields[name].initial)
                if name not in saved and isinstance(initial, (int, str)) and initial != "":
                    data.setlist(name, [str(initial)])
        self.step = step
        self.posted = posted is not None
        for name in DOCUMENT_FIELDS:
            del self.fields[name]
        kept = {a.kind for a in attachments}
        self.missing_documents = [kind for kind in (call.documents_required or []) if kind not in kept]

    def full_clean(self):
        super().full_clean()
        confirm = self.step.slug == "confirm"
        for name in list(self._errors):
            own = name in self.step.fields
            if (not own and not confirm and name != NON_FIELD_ERRORS) or (own and not self.posted):
                del self._errors[name]
        if not confirm and NON_FIELD_ERRORS in self._errors:
            # Whole-form refusals (e.g. a duplicate) are the last step's business.
            del self._errors[NON_FIELD_ERRORS]

    def clean(self):
        cleaned = super().clean()
        if self.step.slug == "confirm":
            for kind in self.missing_documents:
                self.add_error(
                    None,
                    ValidationError(
                        _("本次招募要求提交“%(kind)s”，请在“材料”一步上传。")
                        % {"kind": DocumentKind(kind).label},
                        code="document_missing",
                    ),
                )
        return cleaned

    def step_values(self) -> dict:
        """The cleaned values of this step's fields, ready for the draft's JSON."""
        return {
            name: draft_value(self.cleaned_data.get(name)) for name in self.step.fields if name in self.fields
        }

    def valid_step_values(self) -> dict:
        """The values of this step's fields that passed their checks (call after is_valid()):
        what 上一步 keeps, so going back loses nothing typed correctly and saves nothing wrong."""
        return {
            name: draft_value(self.cleaned_data[name])
            for name in self.step.fields
            if name in self.fields and name in self.cleaned_data
        }

    def step_field_list(self):
        return [self[name] for name in self.step.fields if name in self.fields]

    def error_items(self, step_url) -> list[dict]:
        """The error summary's rows: a link to the field (on its own step's page), its short label,
        the message. `step_url(slug)` is the address of a step."""
        items = []
        for error in self.non_field_errors().as_data():
            href = step_url("documents") if error.code == "document_missing" else ""
            items.append({"href": href, "label": "", "message": error.messages[0]})
        for step in APPLICATION_STEPS:
            prefix = "" if step.slug == self.step.slug else step_url(step.slug)
            for name in step.fields:
                if name in self.fields and self.errors.get(name):
                    field = self.fields[name]
                    items.append(
                        {
                            "href": f"{prefix}#field-{name}",
                            "label": getattr(field, "short_label", field.label),
                            "message": self.errors[name][0],
                        }
                    )
        return items

    def summary(self):
        """(step, [(label, shown value)]) of what the draft holds, for the confirm page."""
        rows = []
        for step in APPLICATION_STEPS[:3]:
            items = []
            for name in step.fields:
                if name not in self.fields or (
                    name in ("credit_code", "id_number") and not self.data.get(name)
                ):
                    continue
                items.append(
                    (self.fields[name].label, _shown(self.fields[name], self.cleaned_data.get(name)))
                )
            rows.append((step, items))
        return rows


def _shown(field, value) -> str:
    if value in (None, "", [], ()):
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return "、".join(field.label_from_instance(v) for v in value)
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value)
    if isinstance(field, forms.ChoiceField):
        labels = {str(k): str(v) for k, v in field.choices}
        values = value if isinstance(value, (list, tuple)) else [value]
        return "、".join(labels.get(str(v), str(v)) for v in values)
    return str(value)


class DocumentsStepForm(forms.Form):
    """The documents step: new files per kind, each checked as the one-page form checks them."""

    def __init__(self, *args, call: RecruitmentCall, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        required = set(call.documents_required or [])
        for kind, label in DocumentKind.choices:
            self.fields[document_field(kind)] = MultipleFileField(
                label=label,
                required=False,
                help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX，可多选。"),
            )
            # Shown with the required mark; checked against the kept files (check_required).
            self.fields[document_field(kind)].document_required = kind in required
        self.keep(attachments)

    def keep(self, attachments) -> None:
        """The files the draft holds, listed under their kind's input with a 删除 button."""
        self.attachments = list(attachments)
        for kind in DocumentKind.values:
            self.fields[document_field(kind)].kept = [a for a in self.attachments if a.kind == kind]

    def document_fields(self):
        return [self[name] for name in DOCUMENT_FIELDS]

    def error_items(self, step_url) -> list[dict]:
        return form_error_items(self)

    def uploads(self) -> dict[str, list]:
        return {
            kind: self.cleaned_data.get(document_field(kind)) or []
            for kind in DocumentKind.values
            if document_field(kind) in self.cleaned_data
        }

    def check_required(self) -> None:
        """After the new files are kept: a required kind with no file at all is an error on its field."""
        kept = {a.kind for a in self.attachments}
        for kind in self.call.documents_required or []:
            if kind not in kept and document_field(kind) not in self.errors:
                label = DocumentKind(kind).label
                self.add_error(
                    document_field(kind), _("本次招募要求提交“%(kind)s”，请选择文件。") % {"kind": label}
                )


class DraftResumeForm(forms.Form):
    reference = forms.CharField(
        label=_("草稿编号"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        error_messages={"required": _("请填写草稿编号。")},
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=11,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
        error_messages={"required": _("请填写第一步填写的手机号。")},
    )
