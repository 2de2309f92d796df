"""Recruitment calls (招募公告) and applications (项目申请表) — rulebook 五(一)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import INDIVIDUAL_KINDS, PartnerKind, ServiceCategory, TargetGroup
from portal.models import AppendOnlyModel
from portal.uploads import private_storage, private_upload_to

from .validators import validate_credit_code, validate_id_number, validate_mobile


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已截止")
    ARCHIVED = "archived", _("已归档")


class DocumentKind(models.TextChoices):
    REGISTRATION = "registration", _("登记证书/营业执照/身份证")
    PROJECT_PLAN = "project_plan", _("项目计划书")
    TEAM = "team", _("团队简介")
    PAST_CASES = "past_cases", _("过往案例")
    OTHER = "other", _("其他")


class BasicCondition(models.TextChoices):
    """基本条件 — rulebook 三(二); applicants declare each one."""

    LAW_ABIDING = "law_abiding", _("遵守国家法律法规、街道和社区规章制度，认同本办法理念与规定")
    LIABILITY = "liability", _("具备独立承担民事责任的能力，对在社区空间组织开展活动全程的安全负责")
    CAPACITY = "capacity", _("具备实施项目所需的专业团队、技术或资源，能够按照三方协议内容执行")
    TRUTHFUL_RECORDS = (
        "truthful_records",
        _("承诺按要求提供约定的公益服务，真实、准确、及时地记录和报告服务情况，不弄虚作假"),
    )
    GOOD_CREDIT = "good_credit", _("无不良信用记录和违规违纪违法行为，自觉维护“睦邻合伙人”品牌形象")


def _all_kinds():
    return list(PartnerKind.values)


def _default_documents():
    return [DocumentKind.REGISTRATION.value, DocumentKind.PROJECT_PLAN.value]


class RecruitmentCall(models.Model):
    """A public call for partners: requirements, spaces on offer, how and when to apply.

    Change its status only through partners.domain (call_publish, call_close,
    call_archive); the beat task closes published calls at their closing time.
    """

    street = models.ForeignKey(
        "portal.Street", on_delete=models.PROTECT, related_name="recruitment_calls", verbose_name=_("街道")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(
        _("正文"), blank=True, help_text=_("支持 Markdown：标题用 #，列表用 -，链接用 [文字]（网址）。")
    )
    spaces = models.ManyToManyField(
        "spaces.Space", blank=True, related_name="recruitment_calls", verbose_name=_("提供的空间")
    )
    needs = models.ManyToManyField(
        "spaces.ResidentNeed",
        blank=True,
        related_name="recruitment_calls",
        verbose_name=_("拟满足的居民需求"),
        help_text=_("从本街道各社区的居民需求清单中选择（办法四（一）2、五（一）1）。"),
    )
    eligible_kinds = models.JSONField(
        _("适用对象"), default=_all_kinds, blank=True, help_text=_("可申请的主体类型（办法三（一）五类）。")
    )
    documents_required = models.JSONField(_("必须提交的材料"), default=_default_documents, blank=True)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=CallStatus.choices,
        default=CallStatus.DRAFT,
        db_index=True,
        editable=False,
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("截止处理时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("招募公告")
        verbose_name_plural = _("招募公告")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="call_opens_before_closes"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("截止时间必须晚于开始时间。")})
        bad = [k for k in self.eligible_kinds or [] if k not in PartnerKind.values]
        if bad or not self.eligible_kinds:
            raise ValidationError({"eligible_kinds": _("请至少选择一类适用对象。")})
        if any(k not in DocumentKind.values for k in self.documents_required or []):
            raise ValidationError({"documents_required": _("材料类型不正确。")})

    def is_open(self, now=None) -> bool:
        """Accepting applications right now: published and inside its window."""
        now = now or timezone.now()
        return self.status == CallStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    @property
    def is_public(self) -> bool:
        return self.status in (CallStatus.PUBLISHED, CallStatus.CLOSED)

    def get_eligible_kinds_display(self) -> list[str]:
        labels = dict(PartnerKind.choices)
        return [str(labels[k]) for k in self.eligible_kinds or [] if k in labels]

    def get_documents_required_display(self) -> list[str]:
        labels = dict(DocumentKind.choices)
        return [str(labels[k]) for k in self.documents_required or [] if k in labels]

    def needs_titles(self) -> list[str]:
        """The listed needs' titles, in the needs list's order (public page, API)."""
        return [need.title for need in self.needs.all()]


class ApplicationSequence(models.Model):
    """The last reference number given out per year (locked row: no gaps in a race, no repeats)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("申请编号计数")
        verbose_name_plural = _("申请编号计数")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Application(models.Model):
    """What an applicant submitted: who they are, the project, the commitment.

    Created only through `partners.domain.application_submit`.
    """

    partner = models.OneToOneField(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="application",
        verbose_name=_("睦邻合伙人"),
        help_text=_("申请提交时即建立的合伙人记录，此后的全部流程都记在它名下。"),
    )
    call = models.ForeignKey(
        RecruitmentCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("招募公告")
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="applications", verbose_name=_("申报社区")
    )
    reference = models.CharField(_("申请编号"), max_length=30, unique=True)
    kind = models.CharField(_("申请主体类型"), max_length=30, choices=PartnerKind.choices)
    applicant_name = models.CharField(_("申请主体名称/姓名"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, validators=[validate_id_number])
    legal_representative = models.CharField(_("法定代表人/负责人"), max_length=50, blank=True)
    # Credit code, ID number or name: what makes two applications to one call the same applicant.
    applicant_key = models.CharField(_("申请人识别码"), max_length=210, null=True, blank=True, editable=False)
    contact_name = models.CharField(_("联系人"), max_length=50)
    mobile = models.CharField(_("手机号"), max_length=11, validators=[validate_mobile])
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    project_title = models.CharField(_("项目名称"), max_length=200)
    service_categories = models.JSONField(_("服务类别"), default=list, blank=True)
    target_groups = models.JSONField(_("服务对象"), default=list, blank=True)
    plan = models.TextField(_("项目目标"), blank=True)
    activities = models.TextField(_("主要活动内容"), blank=True)
    schedule = models.TextField(_("实施进度安排"), blank=True)
    hours_per_month = models.PositiveIntegerField(_("每月免费服务时数"), default=0)
    residents_per_month = models.PositiveIntegerField(_("每月服务居民人次"), default=0)
    events_per_month = models.PositiveIntegerField(_("每月活动场次"), default=0)
    special_groups = models.CharField(_("覆盖的特殊群体"), max_length=300, blank=True)
    spaces = models.ManyToManyField(
        "spaces.Space", blank=True, related_name="applications", verbose_name=_("意向空间")
    )
    preferred_times = models.CharField(_("意向使用时段"), max_length=300, blank=True)
    team_intro = models.TextField(_("团队介绍"), blank=True)
    past_cases = models.TextField(_("过往案例"), blank=True)
    free_services = models.TextField(_("免费服务内容"), blank=True)
    low_cost_services = models.TextField(_("微利服务内容及收费"), blank=True)
    declarations = models.JSONField(_("已承诺的基本条件"), default=list, blank=True, editable=False)
    privacy_consent_at = models.DateTimeField(
        _("同意个人信息处理时间"), null=True, blank=True, editable=False
    )
    submitted_ip = models.GenericIPAddressField(_("提交IP"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目申请")
        verbose_name_plural = _("项目申请")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "applicant_key"],
                name="application_once_per_call",
                condition=models.Q(applicant_key__isnull=False),
            ),
        ]
        # A street's applications counted with their partners' states (admin and API lists)
        # from the index alone (issue 14).
        indexes = [
            models.Index(fields=["community", "partner", "id"], name="application_community_cover"),
        ]

    def __str__(self):
        return f"{self.reference} {self.applicant_name}"

    @property
    def is_individual(self) -> bool:
        return self.kind in INDIVIDUAL_KINDS

    def clean(self):
        """Organisations identify by credit code, individuals by resident ID number."""
        if self.is_individual:
            if not self.id_number:
                raise ValidationError({"id_number": _("个人申请请填写18位身份证号。")})
        elif not self.credit_code:
            raise ValidationError({"credit_code": _("组织申请请填写18位统一社会信用代码。")})

    def get_service_categories_display(self) -> list[str]:
        labels = dict(ServiceCategory.choices)
        return [str(labels.get(v, v)) for v in self.service_categories or []]

    def get_target_groups_display(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels.get(v, v)) for v in self.target_groups or []]

    def get_declarations_display(self) -> list[str]:
        labels = dict(BasicCondition.choices)
        return [str(labels.get(v, v)) for v in self.declarations or []]


class ApplicationDocument(models.Model):
    """A supporting document (证明材料), stored privately."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="documents", verbose_name=_("申请")
    )
    kind = models.CharField(_("材料类型"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=private_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["application", "kind", "id"]

    def __str__(self):
        return self.original_name

    def get_community(self):
        return self.application.community


class DocumentCheck(models.TextChoices):
    """What staff made of documents the applicant sent back (rulebook 五(一)3 资格审查)."""

    ACCEPTED = "accepted", _("材料合格")
    RETURNED = "returned", _("退回重交")


class DocumentRequest(models.Model):
    """Staff asked the applicant for a missing document; the applicant answers by a private link.

    Staff then check what came back: accepted, or returned with a reason (a new request
    for the same kind of document, so the applicant gets a fresh link).
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="document_requests", verbose_name=_("申请")
    )
    kind = models.CharField(_("材料类型"), max_length=20, choices=DocumentKind.choices)
    message = models.TextField(_("说明"), help_text=_("告诉申请人缺少什么、有什么要求。"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    requested_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    fulfilled_at = models.DateTimeField(_("补交时间"), null=True, blank=True)
    outcome = models.CharField(
        _("查看结果"), max_length=20, choices=DocumentCheck.choices, blank=True, editable=False
    )
    checked_at = models.DateTimeField(_("查看时间"), null=True, blank=True, editable=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("查看人"),
    )
    check_note = models.TextField(_("退回理由"), blank=True, editable=False)

    class Meta:
        verbose_name = _("补充材料通知")
        verbose_name_plural = _("补充材料通知")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.application.reference} · {self.get_kind_display()}"

    def get_community(self):
        return self.application.community

    @property
    def is_open(self) -> bool:
        return self.fulfilled_at is None

    @property
    def awaits_check(self) -> bool:
        """Sent back by the applicant and not yet accepted or returned by staff."""
        return self.fulfilled_at is not None and not self.outcome


class ProspectInvitation(AppendOnlyModel):
    """The record that a prospect was invited to apply to a recruitment call (rulebook 四(一)3)."""

    prospect = models.ForeignKey(
        "spaces.Prospect", on_delete=models.PROTECT, related_name="invitations", verbose_name=_("意向对象")
    )
    call = models.ForeignKey(
        RecruitmentCall,
        on_delete=models.PROTECT,
        related_name="prospect_invitations",
        verbose_name=_("招募公告"),
    )
    email = models.EmailField(_("发送至"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("邀请人"),
    )
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申报邀请")
        verbose_name_plural = _("申报邀请")
        ordering = ["-invited_at", "-id"]

    def __str__(self):
        return f"{self.prospect} → {self.call}"

    def get_community(self):
        return self.prospect.community


class ApplicationDraft(models.Model):
    """An application being filled in step by step (issue 19), kept on the server until submitted.

    Whoever holds the token (the link) or the reference with the mobile number can carry on;
    `data` holds the cleaned values of the steps passed so far (spaces and community by pk),
    the chosen files are `attachments`. Deleted on submission; purged once expired
    (calls.retention). Created and changed only through calls.domain (application_draft_*).
    """

    call = models.ForeignKey(
        RecruitmentCall, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("招募公告")
    )
    token = models.CharField(_("链接令牌"), max_length=64, unique=True, editable=False)
    reference = models.CharField(_("草稿编号"), max_length=8, unique=True, editable=False)
    data = models.JSONField(_("已填写内容"), default=dict, blank=True)
    step = models.CharField(_("已完成到"), max_length=20, blank=True)
    phone = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_mobile])
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    expires_at = models.DateTimeField(_("过期时间"), db_index=True)

    class Meta:
        verbose_name = _("申请草稿")
        verbose_name_plural = _("申请草稿")
        ordering = ["-updated_at", "-id"]

    def __str__(self):
        return self.reference

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())


class DraftAttachment(models.Model):
    """A file accepted in the documents step of a draft; becomes an ApplicationDocument on submission."""

    draft = models.ForeignKey(
        ApplicationDraft, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("申请草稿")
    )
    kind = models.CharField(_("材料类型"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=private_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("草稿材料")
        verbose_name_plural = _("草稿材料")
        ordering = ["draft", "kind", "id"]

    def __str__(self):
        return self.original_name
