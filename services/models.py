"""Service logs, supervision, evaluation and exit — rulebook 六."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from portal.choices import ExitReason, ServiceCategory, TargetGroup
from portal.models import AppendOnlyModel
from portal.uploads import private_storage, private_upload_to

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


# --- The partner's account and logo licence (四(二)3, 六(二)) -----------------


class PartnerAccount(models.Model):
    """The login a partner receives when its first agreement is signed.

    At exit the account stays (the partner may still read its records) but
    loses write access.
    """

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.PROTECT, related_name="account", verbose_name=_("睦邻合伙人")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partner_account",
        verbose_name=_("用户"),
    )
    read_only = models.BooleanField(_("只读"), default=False, help_text=_("退出后账号只能查看，不能再填报。"))
    invited_at = models.DateTimeField(_("邀请时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合伙人账号")
        verbose_name_plural = _("合伙人账号")

    def __str__(self):
        return f"{self.partner} · {self.user}"

    def get_community(self):
        return self.partner.community


class LogoLicence(models.Model):
    """The right to use the programme's logo (标识使用权), granted at signing, revoked at exit."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="logo_licences",
        verbose_name=_("睦邻合伙人"),
    )
    granted_on = models.DateField(_("授予日期"))
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoked_note = models.CharField(_("撤销原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("标识使用权")
        verbose_name_plural = _("标识使用权")
        ordering = ["partner", "-granted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner"],
                condition=models.Q(revoked_on__isnull=True),
                name="one_live_logo_licence_per_partner",
            ),
        ]

    def __str__(self):
        return f"{self.partner} {self.granted_on}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_on is None

    def get_community(self):
        return self.partner.community


# --- Service logs (公益服务记录表, 六(一)) --------------------------------------


class LogStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待核实")
    VERIFIED = "verified", _("已核实")
    QUERIED = "queried", _("待补充")
    REJECTED = "rejected", _("不予认定")
    CLOSED = "closed", _("已关闭")


OPEN_LOG_STATUSES = [LogStatus.SUBMITTED, LogStatus.QUERIED]


class CostBasis(models.TextChoices):
    FREE = "free", _("免费")
    LOW_COST = "low_cost", _("低偿")


def partner_street_id(record) -> int:
    """The street of `record.partner` (its community's): through the loaded partner (its community
    then stays loaded for the caller), else one query."""
    if type(record)._meta.get_field("partner").is_cached(record):
        return record.partner.community.street_id
    return Partner.objects.filter(pk=record.partner_id).values_list("community__street_id", flat=True).get()


class ServiceLog(models.Model):
    """One public-benefit service a partner delivered; only verified logs count."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="service_logs",
        verbose_name=_("睦邻合伙人"),
    )
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="service_logs", verbose_name=_("协议")
    )
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.PROTECT, related_name="service_logs", verbose_name=_("空间")
    )
    # The partner's street, kept on the log (issue 14): a street's list reads its own index
    # (servicelog_street_order) instead of walking every street's logs by date. Set when the
    # log is saved; moved with its partner or community (services.summaries' receivers).
    street = models.ForeignKey(
        "portal.Street",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        blank=True,
        db_index=False,
        verbose_name=_("街道"),
    )
    date = models.DateField(_("服务日期"), db_index=True)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    hours = models.DecimalField(_("服务时数"), max_digits=5, decimal_places=2, editable=False)
    category = models.CharField(_("服务类别"), max_length=30, choices=ServiceCategory.choices)
    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("服务内容"))
    residents_served = models.PositiveIntegerField(_("服务居民人次"))
    special_group_residents = models.PositiveIntegerField(_("其中特定群体人次"), default=0)
    special_groups = models.JSONField(
        _("特定群体"), default=list, blank=True, help_text=_("老年人、儿童、残疾人等。")
    )
    cost_basis = models.CharField(
        _("收费方式"), max_length=10, choices=CostBasis.choices, default=CostBasis.FREE
    )
    volunteers = models.PositiveIntegerField(_("参与志愿者人数"), default=0)
    status = models.CharField(
        _("核实状态"), max_length=20, choices=LogStatus.choices, default=LogStatus.SUBMITTED, db_index=True
    )
    warnings = models.JSONField(_("提示"), default=list, blank=True, editable=False)
    review_note = models.TextField(_("核实意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("核实人"),
    )
    reviewed_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("填报人"),
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公益服务记录")
        verbose_name_plural = _("公益服务记录表")
        ordering = ["-date", "-start_time", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__lt=models.F("end_time")), name="servicelog_start_before_end"
            ),
            models.CheckConstraint(
                condition=models.Q(special_group_residents__lte=models.F("residents_served")),
                name="servicelog_special_within_residents",
            ),
        ]
        indexes = [
            models.Index(fields=["agreement", "status", "date"]),
            # The admin list at city scale (1M logs): a partner's logs by date, the
            # review queue by status and date, and the list's own order.
            models.Index(fields=["partner", "-date"], name="servicelog_partner_date"),
            models.Index(fields=["status", "-date"], name="servicelog_status_date"),
            models.Index(fields=["-date", "-start_time", "-id"], name="servicelog_list_order"),
            # A street's logs, and a street's logs in one state (the review queue, 待核实), in the
            # list's order: the street's lists read 50 entries (issue 14).
            models.Index(fields=["street", "-date", "-start_time", "-id"], name="servicelog_street_order"),
            models.Index(
                fields=["street", "status", "-date", "-start_time", "-id"], name="servicelog_street_status"
            ),
            # A community's logs in one state, partner by partner: its staff's desk count and
            # earliest date of logs to verify and their status-filtered list read only matching
            # entries (issue 14; with servicelog_partner_date they read all 50 logs of each
            # partner). A street's read servicelog_street_status.
            models.Index(fields=["partner", "status", "date"], name="servicelog_partner_status"),
        ]

    def __str__(self):
        return f"{self.date} {self.title}"

    def save(self, *args, **kwargs):
        if self.street_id is None:
            self.street_id = partner_street_id(self)
        super().save(*args, **kwargs)

    def get_community(self):
        return self.partner.community

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LOG_STATUSES

    def get_special_groups_display(self) -> str:
        labels = dict(TargetGroup.choices)
        return "、".join(str(labels.get(g, g)) for g in self.special_groups)


class LogFileKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    VIDEO = "video", _("短视频")
    ATTENDANCE = "attendance", _("签到表扫描件")


class ServiceLogFile(models.Model):
    log = models.ForeignKey(
        ServiceLog, on_delete=models.CASCADE, related_name="files", verbose_name=_("服务记录")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=LogFileKind.choices)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=private_upload_to)
    thumbnail = models.FileField(
        _("缩略图"), storage=private_storage, upload_to=private_upload_to, blank=True
    )
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务记录附件")
        verbose_name_plural = _("服务记录附件")
        ordering = ["log", "kind", "id"]

    def __str__(self):
        return self.original_name or self.file.name

    def get_community(self):
        return self.log.partner.community


# --- Observers and the suggestion box (六(一)3) ------------------------------


class ObserverKind(models.TextChoices):
    RESIDENT = "resident", _("居民代表")
    PARTY_MEMBER = "party_member", _("党员代表")


class Observer(models.Model):
    """A community observer (社区观察员) appointed by the community, with an account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observer", verbose_name=_("用户")
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="observers", verbose_name=_("社区")
    )
    kind = models.CharField(
        _("身份"), max_length=20, choices=ObserverKind.choices, default=ObserverKind.RESIDENT
    )
    appointed_on = models.DateField(_("聘任日期"))
    active = models.BooleanField(_("在任"), default=True)

    class Meta:
        verbose_name = _("社区观察员")
        verbose_name_plural = _("社区观察员")
        ordering = ["community", "user__username"]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class Observation(models.Model):
    """What an observer saw of one partner's service, rated on four fixed aspects."""

    observer = models.ForeignKey(
        Observer, on_delete=models.PROTECT, related_name="observations", verbose_name=_("观察员")
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="observations",
        verbose_name=_("睦邻合伙人"),
    )
    date = models.DateField(_("观察日期"))
    seen = models.TextField(_("观察情况"))
    punctuality = models.PositiveSmallIntegerField(_("守时"), validators=RATING_VALIDATORS)
    quality = models.PositiveSmallIntegerField(_("服务质量"), validators=RATING_VALIDATORS)
    safety = models.PositiveSmallIntegerField(_("安全"), validators=RATING_VALIDATORS)
    attitude = models.PositiveSmallIntegerField(_("服务态度"), validators=RATING_VALIDATORS)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("观察记录")
        verbose_name_plural = _("观察记录")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.partner}"

    def get_community(self):
        return self.partner.community

    @property
    def average(self):
        return (self.punctuality + self.quality + self.safety + self.attitude) / 4


class ObservationPhoto(models.Model):
    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="photos", verbose_name=_("观察记录")
    )
    file = models.FileField(_("照片"), storage=private_storage, upload_to=private_upload_to)
    thumbnail = models.FileField(
        _("缩略图"), storage=private_storage, upload_to=private_upload_to, blank=True
    )
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("观察照片")
        verbose_name_plural = _("观察照片")

    def __str__(self):
        return self.original_name or self.file.name

    def get_community(self):
        return self.observation.partner.community


class FeedbackStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("未通过")


class Feedback(models.Model):
    """A resident's note in the suggestion box (居民意见箱); shown only once approved."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="feedback", verbose_name=_("睦邻合伙人")
    )
    rating = models.PositiveSmallIntegerField(_("满意度评分"), validators=RATING_VALIDATORS)
    comment = models.TextField(_("意见或建议"), max_length=1000)
    contact = models.CharField(_("联系方式（不公开）"), max_length=100, blank=True)
    status = models.CharField(
        _("审核状态"),
        max_length=20,
        choices=FeedbackStatus.choices,
        default=FeedbackStatus.PENDING,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    moderated_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    moderation_note = models.CharField(_("审核说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    # The partner's street, kept on the suggestion like ServiceLog.street (issue 14): a street's
    # list read the city's suggestions newest first until it found 50 of its own (7,349 rows
    # for a street holding 2% of them; a street with few, the whole index). Set when saved;
    # moved with its partner or community (services.summaries' receivers).
    street = models.ForeignKey(
        "portal.Street",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        blank=True,
        db_index=False,
        verbose_name=_("街道"),
    )

    class Meta:
        verbose_name = _("居民意见")
        verbose_name_plural = _("居民意见箱")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A partner's suggestions by state (its dossier, its page's approved ones).
            models.Index(fields=["partner", "status", "created_at"], name="feedback_partner_status"),
            # A street's suggestions, and a street's in one state (the desk's count and oldest
            # date of those to moderate, the filtered list), in the list's order.
            models.Index(fields=["street", "-created_at", "-id"], name="feedback_street_order"),
            models.Index(fields=["street", "status", "-created_at", "-id"], name="feedback_street_status"),
        ]

    def __str__(self):
        return f"{self.partner} {self.rating}★"

    def save(self, *args, **kwargs):
        if self.street_id is None:
            self.street_id = partner_street_id(self)
        super().save(*args, **kwargs)

    def get_community(self):
        return self.partner.community


# --- Evaluation (评估, 六(二)2) ---------------------------------------------------


class EvaluationKind(models.TextChoices):
    TRIAL = "trial", _("试用期满评估")
    RENEWAL = "renewal", _("续签前评估")
    AD_HOC = "ad_hoc", _("专项评估")


class Conclusion(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class ScoringCriterion(models.Model):
    """One line of a street's evaluation scoring sheet (configurable)."""

    street = models.ForeignKey(
        "portal.Street", on_delete=models.PROTECT, related_name="scoring_criteria", verbose_name=_("街道")
    )
    name = models.CharField(_("评分项"), max_length=100)
    max_score = models.PositiveSmallIntegerField(_("满分"), validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("评估评分项")
        verbose_name_plural = _("评估评分表")
        ordering = ["street", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="scoring_criterion_unique_name"),
        ]

    def __str__(self):
        return f"{self.name}（{self.max_score}）"


class Evaluation(models.Model):
    """An assessment (评估) of a partner over one agreement term.

    Fulfilment, satisfaction and observer ratings are computed when the
    evaluation is recorded (`services.domain.evaluation_record`) and frozen here.
    """

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("睦邻合伙人")
    )
    agreement = models.ForeignKey(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("协议"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=EvaluationKind.choices)
    evaluated_on = models.DateField(_("评估日期"))
    conclusion = models.CharField(_("结论"), max_length=10, choices=Conclusion.choices)
    remarks = models.TextField(_("评语"), blank=True)
    fulfilment = models.JSONField(_("指标完成情况"), default=dict, blank=True, editable=False)
    fulfilment_share = models.DecimalField(
        _("指标完成率"), max_digits=6, decimal_places=3, null=True, blank=True, editable=False
    )
    satisfaction = models.DecimalField(
        _("居民满意度（平均分）"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    feedback_count = models.PositiveIntegerField(_("意见条数"), default=0, editable=False)
    observer_rating = models.DecimalField(
        _("观察员平均评分"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    observation_count = models.PositiveIntegerField(_("观察记录数"), default=0, editable=False)
    incidents = models.TextField(_("安全事故及投诉"), blank=True)
    scores = models.JSONField(_("评分表"), default=dict, blank=True)
    total_score = models.DecimalField(
        _("评分合计"), max_digits=6, decimal_places=1, null=True, blank=True, editable=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估")
        verbose_name_plural = _("评估")
        ordering = ["partner", "-evaluated_on", "-id"]

    def __str__(self):
        return f"{self.partner} {self.get_kind_display()} {self.get_conclusion_display()}"

    def get_community(self):
        return self.partner.community


class EvaluationAppointment(models.Model):
    """An evaluation staff have scheduled (评估安排): the partner is told when, to prepare — 五(三)2.

    The evaluation itself is recorded afterwards (`Evaluation`); moving the
    appointment tells the partner the new time.
    """

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="evaluation_appointments",
        verbose_name=_("睦邻合伙人"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=EvaluationKind.choices)
    scheduled_for = models.DateTimeField(_("评估时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("安排人"),
    )
    created_at = models.DateTimeField(_("安排时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估安排")
        verbose_name_plural = _("评估安排")
        ordering = ["-scheduled_for", "-id"]

    def __str__(self):
        return f"{self.partner} {self.get_kind_display()} {self.scheduled_for:%Y-%m-%d %H:%M}"

    def get_community(self):
        return self.partner.community


class RecognitionKind(models.TextChoices):
    COMMENDATION = "commendation", _("表扬宣传")
    WARNING = "warning", _("警告")


class Recognition(models.Model):
    """A commendation (shown publicly) or a warning (kept in the dossier)."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="recognitions",
        verbose_name=_("睦邻合伙人"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=RecognitionKind.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("标题"), max_length=100)
    detail = models.TextField(_("说明"), blank=True)
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognitions",
        verbose_name=_("依据评估"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("表扬与警告")
        verbose_name_plural = _("表扬与警告")
        ordering = ["partner", "-date", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.title}"

    def get_community(self):
        return self.partner.community


# --- Renewal decision (续签决定, 五(三)2) ----------------------------------------------


class RenewalOutcome(models.TextChoices):
    RENEW_SAME = "renew_same", _("按原条件续签")
    RENEW_ADJUSTED = "renew_adjusted", _("调整后续签")
    EXIT = "exit", _("不再续签，退出")


class RenewalDecision(AppendOnlyModel):
    """What happens when a term ends, and the evaluation it rests on — rulebook 五(三)2."""

    agreement = models.OneToOneField(
        "agreements.Agreement",
        on_delete=models.PROTECT,
        related_name="renewal_decision",
        verbose_name=_("到期协议"),
    )
    outcome = models.CharField(_("决定"), max_length=20, choices=RenewalOutcome.choices)
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="renewal_decisions", verbose_name=_("依据的评估")
    )
    decided_on = models.DateField(_("决定日期"))
    note = models.TextField(_("说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("续签决定")
        verbose_name_plural = _("续签决定")
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"{self.agreement.number} {self.get_outcome_display()}"

    def get_community(self):
        return self.agreement.community

    @property
    def renews(self) -> bool:
        return self.outcome in (RenewalOutcome.RENEW_SAME, RenewalOutcome.RENEW_ADJUSTED)


# --- Exit (退出, 六(二)3) -----------------------------------------------------------


class DisciplineSignoff(models.Model):
    """The discipline office's (纪检室) sign-off that a violation justifies a forced exit."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="discipline_signoffs",
        verbose_name=_("睦邻合伙人"),
    )
    finding = models.TextField(_("违规违纪违法事实"))
    signatory = models.CharField(_("签字人"), max_length=50)
    department = models.CharField(_("部门"), max_length=100, default="纪检室")
    signed_on = models.DateField(_("签字日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("纪检室签字确认")
        verbose_name_plural = _("纪检室签字确认")
        ordering = ["partner", "-signed_on"]

    def __str__(self):
        return f"{self.partner} {self.signatory} {self.signed_on}"

    def get_community(self):
        return self.partner.community


class PartnerExit(models.Model):
    """How a partner left: reason, date and the handover of the space."""

    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.PROTECT, related_name="exit_record", verbose_name=_("睦邻合伙人")
    )
    reason = models.CharField(_("退出情形"), max_length=30, choices=ExitReason.choices)
    exit_date = models.DateField(_("退出日期"))
    note = models.TextField(_("退出说明"))
    handover_note = models.TextField(_("交接情况"), help_text=_("空间是否完好归还、钥匙、设备设施等。"))
    discipline_signoff = models.ForeignKey(
        DisciplineSignoff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("纪检室签字确认"),
    )
    slots_released = models.PositiveIntegerField(_("释放时段数"), default=0)
    logs_closed = models.PositiveIntegerField(_("关闭的未核实记录数"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退出记录")
        verbose_name_plural = _("退出记录")
        ordering = ["-exit_date", "-id"]

    def __str__(self):
        return f"{self.partner} {self.get_reason_display()}"

    def get_community(self):
        return self.partner.community


# --- Summary figures for the statistics dashboard (kept by services.summaries) ----


class MonthFiguresBase(models.Model):
    """Verified service and approved feedback of one month: sums, so higher levels add them up."""

    month = models.DateField(_("月份"))  # the first day of the month
    hours = models.DecimalField(_("已核实服务时数"), max_digits=14, decimal_places=2, default=0)
    residents = models.PositiveBigIntegerField(_("服务人次"), default=0)
    events = models.PositiveIntegerField(_("活动场次"), default=0)
    feedback_count = models.PositiveIntegerField(_("审核通过的评价条数"), default=0)
    rating_sum = models.PositiveBigIntegerField(_("评分合计"), default=0)

    class Meta:
        abstract = True


class CommunityMonthFigures(MonthFiguresBase):
    """One community's month: verified logs of its partners (by log date), approved feedback (by date given).

    Derived data, never edited: `services.summaries` recomputes the row from
    the source records whenever one of them changes, and rebuilds all rows nightly.
    """

    community = models.ForeignKey(
        "portal.Community", on_delete=models.CASCADE, related_name="+", verbose_name=_("社区")
    )
    street = models.ForeignKey(
        "portal.Street", on_delete=models.CASCADE, related_name="+", verbose_name=_("街道")
    )

    class Meta:
        verbose_name = _("社区月度统计")
        verbose_name_plural = _("社区月度统计")
        constraints = [
            models.UniqueConstraint(fields=["community", "month"], name="community_month_figures_unique")
        ]

    def __str__(self):
        return f"{self.community_id} {self.month:%Y-%m}"


class StreetMonthFigures(MonthFiguresBase):
    """A street's month: the sum of its communities' rows (so a city's series reads streets × months rows)."""

    street = models.ForeignKey(
        "portal.Street", on_delete=models.CASCADE, related_name="+", verbose_name=_("街道")
    )

    class Meta:
        verbose_name = _("街道月度统计")
        verbose_name_plural = _("街道月度统计")
        constraints = [
            models.UniqueConstraint(fields=["street", "month"], name="street_month_figures_unique")
        ]

    def __str__(self):
        return f"{self.street_id} {self.month:%Y-%m}"


class CommunityFigures(models.Model):
    """One community's current figures: partners by stage, spaces in use today, needs covered.

    "In use" depends on the day (weekly slots), so the nightly rebuild
    recomputes every row; a change to a counted record recomputes its community's row.
    """

    community = models.OneToOneField(
        "portal.Community",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("社区"),
    )
    street = models.ForeignKey(
        "portal.Street", on_delete=models.CASCADE, related_name="+", verbose_name=_("街道")
    )
    partners_by_status = models.JSONField(_("各阶段合伙人数"), default=dict)
    spaces_total = models.PositiveIntegerField(_("空间总数"), default=0)
    spaces_in_use = models.PositiveIntegerField(_("今日使用中"), default=0)
    needs_total = models.PositiveIntegerField(_("居民需求数"), default=0)
    needs_covered = models.PositiveIntegerField(_("已覆盖需求数"), default=0)
    computed_on = models.DateField(_("计算日期"))

    class Meta:
        verbose_name = _("社区统计")
        verbose_name_plural = _("社区统计")
        indexes = [models.Index(fields=["street"], name="community_figures_street")]

    def __str__(self):
        return str(self.community_id)
