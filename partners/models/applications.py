"""Recruitment calls (招募公告) and applications (项目申请表) — rulebook 五(一)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from config.choices import PartnerKind
from config.uploads import private_storage, private_upload_to


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已截止")
    ARCHIVED = "archived", _("已归档")


class RecruitmentCall(models.Model):
    """A public call for partners: requirements, spaces on offer, how and when to apply."""

    street = models.ForeignKey("portal.Street", on_delete=models.PROTECT,
                               related_name="recruitment_calls", verbose_name=_("街道"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True, help_text=_("支持 Markdown。"))
    spaces = models.ManyToManyField("spaces.Space", blank=True, related_name="recruitment_calls",
                                    verbose_name=_("提供的空间"))
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=CallStatus.choices,
                              default=CallStatus.DRAFT, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("招募公告")
        verbose_name_plural = _("招募公告")
        ordering = ["-opens_at", "-id"]

    def __str__(self):
        return self.title


class Application(models.Model):
    """What an applicant submitted: who they are, the project, the commitment."""

    call = models.ForeignKey(RecruitmentCall, on_delete=models.PROTECT,
                             related_name="applications", verbose_name=_("招募公告"))
    community = models.ForeignKey("portal.Community", on_delete=models.PROTECT,
                                  related_name="applications", verbose_name=_("申报社区"))
    reference = models.CharField(_("申请编号"), max_length=30, unique=True)
    kind = models.CharField(_("申请主体类型"), max_length=30, choices=PartnerKind.choices)
    applicant_name = models.CharField(_("申请主体名称/姓名"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50)
    mobile = models.CharField(_("手机号"), max_length=11)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    project_title = models.CharField(_("项目名称"), max_length=200)
    service_categories = models.JSONField(_("服务类别"), default=list, blank=True)
    target_groups = models.JSONField(_("服务对象"), default=list, blank=True)
    plan = models.TextField(_("项目计划"), blank=True)
    hours_per_month = models.PositiveIntegerField(_("每月免费服务时数"), default=0)
    residents_per_month = models.PositiveIntegerField(_("每月服务居民人次"), default=0)
    events_per_month = models.PositiveIntegerField(_("每月活动场次"), default=0)
    spaces = models.ManyToManyField("spaces.Space", blank=True, related_name="applications",
                                    verbose_name=_("意向空间"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目申请")
        verbose_name_plural = _("项目申请")
        ordering = ["-submitted_at", "-id"]

    def __str__(self):
        return f"{self.reference} {self.applicant_name}"


class DocumentKind(models.TextChoices):
    REGISTRATION = "registration", _("登记证书/营业执照/身份证")
    PROJECT_PLAN = "project_plan", _("项目计划书")
    TEAM = "team", _("团队简介")
    PAST_CASES = "past_cases", _("过往案例")
    OTHER = "other", _("其他")


class ApplicationDocument(models.Model):
    """A supporting document (证明材料), stored privately."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="documents", verbose_name=_("申请"))
    kind = models.CharField(_("材料类型"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=private_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小(字节)"), default=0)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["application", "kind", "id"]

    def __str__(self):
        return self.original_name

    def get_community(self):
        return self.application.community
