"""Tripartite agreements (三方协议), their terms and quantified targets — rulebook 四(二), 五(三), 六(一)2."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.choices import TargetGroup
from portal.dates import term_months
from portal.models import AppendOnlyModel
from portal.uploads import private_storage, private_upload_to


class AgreementKind(models.TextChoices):
    FIRST = "first", _("首次签约（试用期）")
    RENEWAL = "renewal", _("续签")
    SUPPLEMENTARY = "supplementary", _("补充协议")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("草拟中")
    SIGNED = "signed", _("已签署")
    VOID = "void", _("已作废")


class Agreement(models.Model):
    """One term of a partner's agreement with the social-work station and the community.

    Never edited after signing: changes are a supplementary agreement or the next term.
    """

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="agreements", verbose_name=_("睦邻合伙人")
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="agreements", verbose_name=_("社区")
    )
    kind = models.CharField(
        _("类型"), max_length=20, choices=AgreementKind.choices, default=AgreementKind.FIRST
    )
    number = models.CharField(_("协议编号"), max_length=40, unique=True)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        db_index=True,
    )
    timeslots = models.ManyToManyField(
        "spaces.TimeSlot", blank=True, related_name="agreements", verbose_name=_("空间与时段")
    )
    services_description = models.TextField(_("公益服务内容"), blank=True)
    signed_at = models.DateTimeField(_("签署完成时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("上一期协议"),
        help_text=_("续签时为上一期协议；补充协议时为被补充的协议。"),
    )
    special_approval = models.OneToOneField(
        "agreements.SpecialApproval",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement",
        verbose_name=_("特殊续签审批"),
    )
    permitted_use = models.TextField(_("空间使用范围"), blank=True)
    partner_costs = models.TextField(_("合伙人自行承担的费用"), blank=True)
    breach_terms = models.TextField(_("违约责任"), blank=True)
    exit_terms = models.TextField(_("退出条款"), blank=True)
    logo_licence = models.BooleanField(
        _("授予标识使用权"),
        default=True,
        help_text=_("仅限面向社区居民开展公益服务时使用（办法六（一）4）。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("起草人"),
    )

    class Meta:
        verbose_name = _("三方协议")
        verbose_name_plural = _("三方协议")
        ordering = ["partner", "start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__lte=models.F("end_date")), name="agreement_start_before_end"
            ),
            # One first (trial) agreement per partner, and one successor per term.
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(kind="first") & ~models.Q(status="void"),
                name="agreement_one_first_per_partner",
            ),
            models.UniqueConstraint(
                fields=["previous"],
                condition=models.Q(kind="renewal") & ~models.Q(status="void"),
                name="agreement_one_renewal_per_term",
            ),
        ]
        # A street's agreements by state and end date (the desk's renewal and trial counts, the
        # admin list's count and date bar), read from the index alone (issue 14): the trailing
        # columns are what those aggregates read (key columns, not INCLUDE, so SQLite builds
        # the same index without a warning).
        indexes = [
            models.Index(
                fields=["community", "status", "end_date", "kind", "partner", "id"],
                name="agreement_community_status_end",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.partner}"

    @property
    def months(self) -> int | None:
        """Whole months of the term, or None if it is not a whole number of months."""
        return term_months(self.start_date, self.end_date)

    @property
    def is_term(self) -> bool:
        """A term of its own (first or renewal), not a supplement to one."""
        return self.kind in (AgreementKind.FIRST, AgreementKind.RENEWAL)

    @property
    def is_signed(self) -> bool:
        return self.status == AgreementStatus.SIGNED


class SpecialApproval(models.Model):
    """The special extension of a renewal up to 3 years — rulebook 四(二)2.

    特殊优质项目经社区“两委”研究申请、街道党工委审核可延长至3年: both steps are
    recorded with their date and document reference.
    """

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="special_approvals",
        verbose_name=_("睦邻合伙人"),
    )
    months = models.PositiveSmallIntegerField(
        _("批准的续签期限（月）"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    committees_request_on = models.DateField(_("社区“两委”研究申请日期"))
    committees_request_reference = models.CharField(_("社区“两委”申请文号/会议纪要"), max_length=100)
    street_review_on = models.DateField(_("街道党工委审核日期"))
    street_review_reference = models.CharField(_("街道党工委审核文号/会议纪要"), max_length=100)
    note = models.TextField(_("说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("特殊续签审批")
        verbose_name_plural = _("特殊续签审批")
        ordering = ["-street_review_on", "-id"]

    def __str__(self):
        return f"{self.partner} {self.months}个月 {self.street_review_reference}"

    def get_community(self):
        return self.partner.community

    def clean(self):
        if (
            self.committees_request_on
            and self.street_review_on
            and self.street_review_on < self.committees_request_on
        ):
            raise ValidationError({"street_review_on": _("街道党工委审核不能早于社区“两委”研究申请。")})


class Party(models.TextChoices):
    STATION = "station", _("街道社工站")
    COMMUNITY = "community", _("社区")
    PARTNER = "partner", _("睦邻合伙人")


class AgreementSignature(models.Model):
    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="signatures", verbose_name=_("协议")
    )
    party = models.CharField(_("签约方"), max_length=20, choices=Party.choices)
    signatory = models.CharField(_("签字人"), max_length=50)
    signed_on = models.DateField(_("签署日期"))
    scan = models.FileField(
        _("签字页扫描件"), storage=private_storage, upload_to=private_upload_to, blank=True
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("签署记录")
        verbose_name_plural = _("签署记录")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "party"], name="signature_once_per_party"),
        ]

    def __str__(self):
        return f"{self.get_party_display()} {self.signatory}"

    def get_community(self):
        return self.agreement.community


class TargetMetric(models.TextChoices):
    HOURS = "hours", _("免费公益服务时数")
    RESIDENTS = "residents", _("服务居民人次")
    EVENTS = "events", _("举办活动场次")
    SPECIAL_GROUPS = "special_groups", _("覆盖特定群体人数")


class TargetPeriod(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")


class ServiceTarget(models.Model):
    """A quantified public-benefit target (服务量化指标) of one agreement — rulebook 六(一)2."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="targets", verbose_name=_("协议")
    )
    metric = models.CharField(_("指标"), max_length=20, choices=TargetMetric.choices)
    period = models.CharField(
        _("周期"), max_length=10, choices=TargetPeriod.choices, default=TargetPeriod.MONTH
    )
    value = models.DecimalField(
        _("目标值"), max_digits=8, decimal_places=1, validators=[MinValueValidator(0)]
    )
    target_group = models.CharField(_("特定群体"), max_length=20, choices=TargetGroup.choices, blank=True)

    class Meta:
        verbose_name = _("公益服务量化指标")
        verbose_name_plural = _("公益服务量化指标")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "metric", "period", "target_group"], name="target_once_per_metric"
            ),
        ]

    def __str__(self):
        return f"{self.get_period_display()}{self.get_metric_display()} {self.value}"

    def get_community(self):
        return self.agreement.community


class AgreementDocument(models.Model):
    """A rendered PDF of one version of an agreement, cached by the hash of its content."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="documents", verbose_name=_("协议")
    )
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    file = models.FileField(_("PDF 文件"), storage=private_storage, upload_to=private_upload_to)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("协议文本（PDF）")
        verbose_name_plural = _("协议文本（PDF）")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "content_hash"], name="agreement_document_once"),
        ]

    def __str__(self):
        return f"{self.agreement.number} {self.content_hash[:8]}"


class ReminderKind(models.TextChoices):
    WINDOW = "window", _("期满前提醒")
    TWO_WEEKS = "two_weeks", _("期满前两周再次提醒")
    END_DATE = "end_date", _("期满当日未决定提醒")


class RenewalReminder(AppendOnlyModel):
    """One renewal reminder sent for one term — rulebook 五(三)2 协议期满前2个月.

    The unique constraint, not a check in Python, makes the beat task send each
    reminder once per term even when two instances run at the same time.
    """

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("协议")
    )
    kind = models.CharField(_("提醒类型"), max_length=20, choices=ReminderKind.choices)
    recipients = models.JSONField(_("收件人"), default=list, blank=True)
    partner_status = models.CharField(_("提醒时合伙人状态"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("提醒时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("续签提醒")
        verbose_name_plural = _("续签待办")
        ordering = ["agreement__end_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind"], name="reminder_once_per_term_and_kind"),
        ]

    def __str__(self):
        return f"{self.agreement.number} {self.get_kind_display()}"

    def get_community(self):
        return self.agreement.community
