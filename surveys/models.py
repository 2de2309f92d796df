"""徐汇 邻里汇 (seed 002 六2, 六4): the annual needs questionnaire and the satisfaction evaluation.

Seed 002 六2 (社会化需求遴选机制): each year the street asks residents and
community units what services they need (需求问卷调查、需求征询) and forms a
需求遴选清单 from the answers; here the shortlist is confirmed into the 居民需求清单
(`spaces.ResidentNeed`, rulebook 四(一)2), which recruitment calls list.

Seed 002 六4 (规范化监督评估机制): each year residents' satisfaction
(居民满意度) is evaluated, by a third-party organisation (第三方专业机构) as
well; seed 003 17 (长宁) makes residents' satisfaction the yardstick
(基本准绳) of a service's results. Residents answer on a phone page per
partner; the evaluators, given accounts for one evaluation, score on a staff page.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.choices import ServiceCategory
from portal.features import Programme, StreetFeature


class NeedsSurveySettings(StreetFeature):
    """The needs questionnaire of seed 002 六2, for one street."""

    feature_label = _("需求征询问卷")
    PRESETS = {Programme.XUHUI: {"enabled": True}}

    min_answers = models.PositiveSmallIntegerField(
        _("列入遴选清单的最少选择人数"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("某服务类别被至少这么多份问卷选择，才列入需求遴选清单。"),
    )
    max_choices = models.PositiveSmallIntegerField(
        _("每份问卷最多可选类别"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(len(ServiceCategory.values))],
    )
    max_days_open = models.PositiveSmallIntegerField(
        _("问卷最长开放天数"),
        default=92,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("每年一次的征询，开放期不超过这么多天。"),
    )

    class Meta:
        verbose_name = _("需求征询问卷设置")
        verbose_name_plural = _("需求征询问卷设置")


class SatisfactionSettings(StreetFeature):
    """The satisfaction evaluation of seed 002 六4 (and seed 003 17), for one street."""

    feature_label = _("满意度测评")
    # 长宁 (seed 003 17) makes residents' satisfaction the yardstick of a service: on there too.
    PRESETS = {Programme.XUHUI: {"enabled": True}, Programme.CHANGNING: {"enabled": True}}

    scale_max = models.PositiveSmallIntegerField(
        _("满意度最高分"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(10)],
        help_text=_("居民和评估机构按 1 至此分打分；新建的测评采用此分值，已建的不变。"),
    )
    min_answers = models.PositiveSmallIntegerField(
        _("结果有效的最少居民答卷"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("居民答卷少于此数时，结果标注“样本不足”。"),
    )

    class Meta:
        verbose_name = _("满意度测评设置")
        verbose_name_plural = _("满意度测评设置")


def _all_categories():
    return list(ServiceCategory.values)


class Questionnaire(models.Model):
    """The annual needs questionnaire (需求征询问卷) of a street, or of one of its communities."""

    street = models.ForeignKey(
        "portal.Street", on_delete=models.PROTECT, related_name="questionnaires", verbose_name=_("街道")
    )
    community = models.ForeignKey(
        "portal.Community",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name=_("社区"),
        help_text=_("留空表示全街道征询，居民答卷时选择所在社区。"),
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("标题"), max_length=200)
    intro = models.TextField(_("说明"), blank=True, help_text=_("告诉居民问卷的用途和截止日期。"))
    categories = models.JSONField(
        _("可选服务类别"),
        default=_all_categories,
        help_text=_("居民可从中选择的服务类别（与居民需求清单的类别相同）。"),
    )
    asks_free_text = models.BooleanField(_("请居民写下其他需求"), default=True)
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("需求征询问卷")
        verbose_name_plural = _("需求征询问卷")
        ordering = ["-year", "street", "community", "-id"]
        constraints = [
            # Once a year (seed 002 六2 每年): per community, or once for the whole street.
            models.UniqueConstraint(
                fields=["street", "community", "year"],
                name="questionnaire_once_a_year",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")),
                name="questionnaire_opens_before_closes",
            ),
        ]

    def __str__(self):
        return self.title

    def get_community(self):
        """Street-wide questionnaires belong to no community: street staff only (community_of)."""
        return self.community

    def get_categories_display(self) -> str:
        labels = dict(ServiceCategory.choices)
        return "、".join(str(labels.get(c, c)) for c in self.categories or [])


class QuestionnaireAnswer(models.Model):
    """One resident's answer: the categories chosen and what else they need.

    No name, no phone: the device (a random token in a signed cookie) and the
    phone, when given, are kept only as keyed hashes, so that a second answer
    from the same device or phone is recognised and not counted.
    """

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="answers", verbose_name=_("问卷")
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在社区")
    )
    categories = models.JSONField(_("选择的服务类别"), default=list)
    other_needs = models.TextField(_("其他需求"), blank=True)
    device_hash = models.CharField(_("设备标识（散列）"), max_length=64, blank=True, editable=False)
    phone_hash = models.CharField(_("手机号（散列）"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("问卷答卷")
        verbose_name_plural = _("问卷答卷")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "device_hash"],
                condition=~models.Q(device_hash=""),  # blank once erased (surveys.retention)
                name="answer_once_per_device",
            ),
            models.UniqueConstraint(
                fields=["questionnaire", "phone_hash"],
                condition=~models.Q(phone_hash=""),
                name="answer_once_per_phone",
            ),
        ]

    def __str__(self):
        return f"{self.questionnaire} · {self.created_at:%Y-%m-%d %H:%M}"

    def get_categories_display(self) -> str:
        labels = dict(ServiceCategory.choices)
        return "、".join(str(labels.get(c, c)) for c in self.categories or [])


class ShortlistEntry(models.Model):
    """One row of the 需求遴选清单 that staff confirmed into the 居民需求清单 (seed 002 六2)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="shortlist", verbose_name=_("问卷")
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    category = models.CharField(_("服务类别"), max_length=30, choices=ServiceCategory.choices)
    answers_count = models.PositiveIntegerField(_("选择人数"))
    need = models.OneToOneField(
        "spaces.ResidentNeed",
        on_delete=models.PROTECT,
        related_name="shortlist_entry",
        verbose_name=_("居民需求"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人")
    )
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("需求遴选清单")
        verbose_name_plural = _("需求遴选清单")
        ordering = ["questionnaire", "community", "-answers_count"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "community", "category"], name="shortlist_once_per_category"
            ),
        ]

    def __str__(self):
        return f"{self.community} · {self.get_category_display()}（{self.answers_count}）"


class SatisfactionSurvey(models.Model):
    """A street's annual satisfaction evaluation (满意度测评) of its serving partners."""

    street = models.ForeignKey(
        "portal.Street", on_delete=models.PROTECT, related_name="satisfaction_surveys", verbose_name=_("街道")
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("标题"), max_length=200)
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    scale_max = models.PositiveSmallIntegerField(
        _("满意度最高分"), editable=False, validators=[MinValueValidator(3), MaxValueValidator(10)]
    )
    evaluator_organisation = models.CharField(
        _("第三方评估机构"), max_length=200, blank=True, help_text=_("受委托开展测评的专业机构名称。")
    )
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="satisfaction_surveys_to_score",
        verbose_name=_("评估人员账号"),
        help_text=_("第三方评估机构的人员；只能为本次测评打分，看不到其他内容。"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["-year", "street"]
        constraints = [
            models.UniqueConstraint(fields=["street", "year"], name="satisfaction_once_a_year"),
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")),
                name="satisfaction_opens_before_closes",
            ),
        ]

    def __str__(self):
        return self.title


class Rater(models.TextChoices):
    RESIDENT = "resident", _("居民")
    EVALUATOR = "evaluator", _("第三方评估机构")


class SatisfactionAnswer(models.Model):
    """One score of a partner's service: a resident's (anonymous) or an evaluator's."""

    survey = models.ForeignKey(
        SatisfactionSurvey, on_delete=models.PROTECT, related_name="answers", verbose_name=_("测评")
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="satisfaction_answers",
        verbose_name=_("合伙人"),
    )
    rater = models.CharField(_("评价人"), max_length=20, choices=Rater.choices, default=Rater.RESIDENT)
    score = models.PositiveSmallIntegerField(_("满意度评分"), validators=[MinValueValidator(1)])
    comment = models.TextField(_("意见建议"), blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评估人员"),
    )
    device_hash = models.CharField(_("设备标识（散列）"), max_length=64, blank=True, editable=False)
    phone_hash = models.CharField(_("手机号（散列）"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("满意度答卷")
        verbose_name_plural = _("满意度答卷")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "partner", "device_hash"],
                condition=models.Q(rater="resident") & ~models.Q(device_hash=""),
                name="satisfaction_once_per_device",
            ),
            models.UniqueConstraint(
                fields=["survey", "partner", "phone_hash"],
                condition=models.Q(rater="resident") & ~models.Q(phone_hash=""),
                name="satisfaction_once_per_phone",
            ),
            models.UniqueConstraint(
                fields=["survey", "partner", "evaluator"],
                condition=models.Q(rater="evaluator"),
                name="satisfaction_once_per_evaluator",
            ),
        ]

    def __str__(self):
        return f"{self.partner} · {self.get_rater_display()} · {self.score}"

    def get_community(self):
        return self.partner.community
