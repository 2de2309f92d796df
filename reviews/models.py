"""Joint vetting, roadshow scoring and the committee decision — rulebook 五(一)3, 五(二)1–2.

Models hold fields, constraints and cheap properties. The rules (who may
record what, when a panel is valid, how scores aggregate) live in
`reviews.domain`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# 五(一)3 党建工作办公室会同党政和人大办公室、政法和社会事业办公室、纪检室、社工站
DEFAULT_VETTING_DEPARTMENTS = [
    "党建工作办公室",
    "党政和人大办公室",
    "政法和社会事业办公室",
    "纪检室",
    "社工站",
]


class ReviewPolicy(models.Model):
    """A street's review configuration: panel weights and the trimmed mean.

    The resident-representative share of the social panel is the street's own
    policy number (`Street.resident_rep_min_share`), not repeated here.
    """

    street = models.OneToOneField(
        "portal.Street", on_delete=models.CASCADE, related_name="review_policy", verbose_name=_("街道")
    )
    expert_weight = models.DecimalField(
        _("专家评审组权重"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    social_weight = models.DecimalField(
        _("社会评审组权重"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.40"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    drop_extremes = models.BooleanField(
        _("去掉最高分和最低分"),
        default=True,
        help_text=_("评审组人数达到下方人数时，去掉一个最高分和一个最低分后取平均。"),
    )
    drop_extremes_min_members = models.PositiveSmallIntegerField(
        _("去极值的最少人数"), default=5, validators=[MinValueValidator(3)]
    )

    class Meta:
        verbose_name = _("评审规则")
        verbose_name_plural = _("评审规则")

    def __str__(self):
        return f"{self.street} · {self._meta.verbose_name}"

    def clean(self):
        if (self.expert_weight or 0) + (self.social_weight or 0) != Decimal("1"):
            raise ValidationError({"social_weight": _("两个评审组的权重之和必须为 1（100%）。")})


class VettingDepartment(models.Model):
    """One office taking part in a street's joint vetting (联审联查)."""

    street = models.ForeignKey(
        "portal.Street", on_delete=models.CASCADE, related_name="vetting_departments", verbose_name=_("街道")
    )
    name = models.CharField(_("部门"), max_length=100)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("参与联审"), default=True)
    # A real link, not the free-text Profile.department: the name there is a
    # description ("街道社工站" vs "社工站"), and a conclusion must be traceable
    # to an account the department itself answers for (rulebook 五(一)3).
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="vetting_departments",
        verbose_name=_("部门账号"),
        help_text=_("只有这些街道工作人员账号可以录入本部门的联审联查结论。"),
    )

    class Meta:
        verbose_name = _("联审部门")
        verbose_name_plural = _("联审部门")
        ordering = ["street_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="vetting_department_unique_name"),
        ]

    def __str__(self):
        return self.name


class VettingResult(models.TextChoices):
    PASS = "pass", _("通过")
    FAIL = "fail", _("不通过")
    NEEDS_DOCUMENTS = "needs_documents", _("需补充材料")


class VettingCheck(models.Model):
    """One department's conclusion on one application (completeness, compliance, credit)."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="vetting_checks", verbose_name=_("申请人")
    )
    department = models.ForeignKey(
        VettingDepartment, on_delete=models.PROTECT, related_name="checks", verbose_name=_("联审部门")
    )
    materials_complete = models.BooleanField(_("材料完整"), default=False)
    plan_compliant = models.BooleanField(_("计划合规"), default=False)
    violation_found = models.BooleanField(_("发现违规违纪违法或失信行为"), default=False)
    source_consulted = models.CharField(
        _("查询渠道"),
        max_length=200,
        blank=True,
        help_text=_("例如：信用中国、国家企业信用信息公示系统、纪检监察记录。"),
    )
    note = models.TextField(_("审核意见"), blank=True)
    result = models.CharField(_("结论"), max_length=20, choices=VettingResult.choices)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("审核人")
    )
    checked_at = models.DateTimeField(_("审核时间"), auto_now=True)
    recorded_on_behalf = models.BooleanField(
        _("代为登记"),
        default=False,
        help_text=_("审核人不是该部门账号，由超级管理员代该部门登记。"),
    )

    class Meta:
        verbose_name = _("联审联查记录")
        verbose_name_plural = _("联审联查记录")
        ordering = ["partner_id", "department__position", "department_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "department"], name="vetting_check_once_per_department"
            ),
        ]

    def __str__(self):
        return f"{self.partner} · {self.department} · {self.get_result_display()}"

    def get_community(self):
        return self.partner.community


class Rubric(models.Model):
    """The 综合评估细则: versioned criteria. A rubric in use is frozen; copy it to change."""

    street = models.ForeignKey(
        "portal.Street", on_delete=models.PROTECT, related_name="rubrics", verbose_name=_("街道")
    )
    name = models.CharField(_("名称"), max_length=100, default="综合评估细则")
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("综合评估细则")
        verbose_name_plural = _("综合评估细则")
        ordering = ["street_id", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name", "version"], name="rubric_unique_version"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def in_use(self) -> bool:
        """Used by a roadshow whose scoring has opened (or any score was recorded)."""
        return (
            self.roadshows.exclude(status=RoadshowStatus.DRAFT).exists()
            or Score.objects.filter(criterion__rubric=self).exists()
        )

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_score * c.weight for c in self.criteria.all()), Decimal("0"))


class Criterion(models.Model):
    """One line of the rubric: what is judged, its maximum and its weight."""

    rubric = models.ForeignKey(
        Rubric, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("评估细则")
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    title = models.CharField(_("指标"), max_length=100)
    description = models.TextField(_("评分说明"), blank=True)
    max_score = models.DecimalField(
        _("满分"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    weight = models.DecimalField(
        _("权重"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("加权总分 = Σ（得分 × 权重）。"),
    )

    class Meta:
        verbose_name = _("评分指标")
        verbose_name_plural = _("评分指标")
        ordering = ["rubric_id", "position", "id"]

    def __str__(self):
        return f"{self.title}（{self.max_score}）"

    def clean(self):
        if self.rubric_id and self.rubric.in_use:
            raise ValidationError(_("该评估细则已在路演中使用，不能修改；请复制为新版本后修改。"))


class RoadshowStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("评分中")
    CLOSED = "closed", _("评分已结束")


class Roadshow(models.Model):
    """A 路演: the shortlisted applicants present in order to two panels."""

    street = models.ForeignKey(
        "portal.Street", on_delete=models.PROTECT, related_name="roadshows", verbose_name=_("街道")
    )
    title = models.CharField(_("名称"), max_length=200)
    date = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    rubric = models.ForeignKey(
        Rubric, on_delete=models.PROTECT, related_name="roadshows", verbose_name=_("综合评估细则")
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=RoadshowStatus.choices,
        default=RoadshowStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    opened_at = models.DateTimeField(_("开始评分时间"), null=True, blank=True, editable=False)
    scoring_deadline = models.DateField(
        _("评分截止日期"),
        null=True,
        blank=True,
        help_text=_("评审人在这一天结束前提交评分表；前一天提醒尚未提交的评审人。留空则开始评分时自动设定。"),
    )
    closed_at = models.DateTimeField(_("结束评分时间"), null=True, blank=True, editable=False)
    # The street's review policy as it stood when scoring opened: results never shift afterwards.
    expert_weight = models.DecimalField(
        _("专家评审组权重"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    social_weight = models.DecimalField(
        _("社会评审组权重"), max_digits=3, decimal_places=2, null=True, blank=True, editable=False
    )
    drop_extremes = models.BooleanField(_("去掉最高分和最低分"), null=True, blank=True, editable=False)
    drop_extremes_min_members = models.PositiveSmallIntegerField(
        _("去极值的最少人数"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("路演")
        verbose_name_plural = _("路演")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.status == RoadshowStatus.CLOSED

    def clean(self):
        if self.scoring_deadline and self.date and self.scoring_deadline < self.date:
            raise ValidationError({"scoring_deadline": _("评分截止日期不能早于路演日期。")})


class RoadshowEntry(models.Model):
    """A shortlisted applicant on a roadshow, in presentation order."""

    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="entries", verbose_name=_("路演")
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="roadshow_entries",
        verbose_name=_("入围对象"),
    )
    position = models.PositiveSmallIntegerField(_("出场顺序"))

    class Meta:
        verbose_name = _("路演出场")
        verbose_name_plural = _("路演出场顺序")
        ordering = ["roadshow_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["roadshow", "partner"], name="roadshow_entry_once"),
            models.UniqueConstraint(fields=["roadshow", "position"], name="roadshow_entry_position"),
        ]

    def __str__(self):
        return f"{self.position}. {self.partner}"


class PanelKind(models.TextChoices):
    EXPERT = "expert", _("专家评审组")
    SOCIAL = "social", _("社会评审组")


class Seat(models.TextChoices):
    # 五(二)1 专家评审组
    CITY_ORGANISATION = "city_organisation", _("市委组织部")
    DISCIPLINE = "discipline", _("市纪委监委")
    SOCIAL_WORK = "social_work", _("市委社会工作部")
    MEDIA = "media", _("融媒体")
    DOMAIN_EXPERT = "domain_expert", _("相关领域专家")
    # 社会评审组
    COMMUNITY_PARTY = "community_party", _("社区党组织代表")
    RESIDENTS_COMMITTEE = "residents_committee", _("居委会代表")
    RESIDENT = "resident", _("群众代表")


SEATS_BY_KIND = {
    PanelKind.EXPERT: {
        Seat.CITY_ORGANISATION,
        Seat.DISCIPLINE,
        Seat.SOCIAL_WORK,
        Seat.MEDIA,
        Seat.DOMAIN_EXPERT,
    },
    PanelKind.SOCIAL: {Seat.COMMUNITY_PARTY, Seat.RESIDENTS_COMMITTEE, Seat.RESIDENT},
}


class Panel(models.Model):
    """One of a roadshow's two panels (Panel.kind: expert or social)."""

    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="panels", verbose_name=_("路演")
    )
    kind = models.CharField(_("评审组"), max_length=10, choices=PanelKind.choices)

    class Meta:
        verbose_name = _("评审组")
        verbose_name_plural = _("评审组")
        ordering = ["roadshow_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["roadshow", "kind"], name="panel_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.roadshow} · {self.get_kind_display()}"


class PanelMember(models.Model):
    """A reviewer's seat on a panel."""

    panel = models.ForeignKey(
        Panel, on_delete=models.CASCADE, related_name="members", verbose_name=_("评审组")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="panel_seats",
        verbose_name=_("评审人"),
    )
    seat = models.CharField(_("席位"), max_length=30, choices=Seat.choices)

    class Meta:
        verbose_name = _("评审组成员")
        verbose_name_plural = _("评审组成员")
        ordering = ["panel_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "user"], name="panel_member_once"),
        ]

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name}（{self.get_seat_display()}）"


class ConflictDeclaration(models.Model):
    """A member's declaration, before scoring, of any conflict of interest with an applicant."""

    member = models.ForeignKey(
        PanelMember, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("评审组成员")
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="conflict_declarations",
        verbose_name=_("申请人"),
    )
    has_conflict = models.BooleanField(_("存在利益冲突"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    declared_at = models.DateTimeField(_("声明时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("利益冲突声明")
        verbose_name_plural = _("利益冲突声明")
        ordering = ["member_id", "partner_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "partner"], name="conflict_declared_once"),
        ]

    def __str__(self):
        return f"{self.member} · {self.partner}"


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class ScoreSheet(models.Model):
    """One member's scores for one applicant; locked once submitted."""

    member = models.ForeignKey(
        PanelMember, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("评审组成员")
    )
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="score_sheets", verbose_name=_("申请人")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT, editable=False
    )
    comment = models.TextField(_("评语"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        ordering = ["member_id", "partner_id"]
        constraints = [
            models.UniqueConstraint(fields=["member", "partner"], name="score_sheet_once"),
        ]

    def __str__(self):
        return f"{self.member} · {self.partner}"

    @property
    def is_locked(self) -> bool:
        return self.status == SheetStatus.SUBMITTED

    def get_community(self):
        return self.partner.community


class Score(models.Model):
    """One criterion's score on a sheet: a real column, so totals aggregate in SQL."""

    sheet = models.ForeignKey(
        ScoreSheet, on_delete=models.CASCADE, related_name="scores", verbose_name=_("评分表")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("评分指标")
    )
    value = models.DecimalField(
        _("得分"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("得分")
        verbose_name_plural = _("得分")
        ordering = ["sheet_id", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion}：{self.value}"


class SiteVisit(models.Model):
    """An optional site visit (实地考察) before the committee decides."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="site_visits", verbose_name=_("申请人")
    )
    date = models.DateField(_("考察日期"))
    visitors = models.CharField(_("考察人员"), max_length=300)
    findings = models.TextField(_("考察情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("记录人"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("实地考察")
        verbose_name_plural = _("实地考察")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.partner}"

    def get_community(self):
        return self.partner.community


class CommitteeMeeting(models.Model):
    """A street committee meeting (党工委会议) that decides on scored applicants."""

    street = models.ForeignKey(
        "portal.Street", on_delete=models.PROTECT, related_name="committee_meetings", verbose_name=_("街道")
    )
    date = models.DateField(_("会议日期"))
    title = models.CharField(_("会议名称"), max_length=200, default="街道党工委会议")
    attendees = models.TextField(_("参会人员"))
    minutes = models.TextField(_("会议纪要"), blank=True)

    class Meta:
        verbose_name = _("党工委会议")
        verbose_name_plural = _("党工委会议")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", _("通过，确定为睦邻合伙人")
    NOT_SELECT = "not_select", _("不予入选")


class Decision(models.Model):
    """The committee's decision on one applicant, with the community and space assigned."""

    meeting = models.ForeignKey(
        CommitteeMeeting, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("党工委会议")
    )
    partner = models.OneToOneField(
        "partners.Partner", on_delete=models.PROTECT, related_name="decision", verbose_name=_("申请人")
    )
    outcome = models.CharField(_("决定"), max_length=20, choices=DecisionOutcome.choices)
    community = models.ForeignKey(
        "portal.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("入驻社区"),
    )
    space = models.ForeignKey(
        "spaces.Space",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("分配空间"),
    )
    note = models.TextField(_("理由/说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党工委决定")
        verbose_name_plural = _("党工委决定")
        ordering = ["meeting_id", "id"]

    def __str__(self):
        return f"{self.partner} · {self.get_outcome_display()}"

    def get_community(self):
        return self.partner.community
