"""Reporting of the 晋江 共建共享 programme (seed 004, issue 20 part 2).

Monthly progress reports (五(三)建立信息报告制度, 每月20日前), mid-term and final
self-evaluations (四3⑦), the fund ledger (资金使用明细, 四3⑤, 五(二)) and the
archive checklist ①–⑧ (四3) over the partner's dossier. The rulebook's sections
cited in this app are those of seed 004 (晋江), marked "晋江".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.features import Programme, StreetFeature
from portal.uploads import private_storage, private_upload_to


class ReportSettings(StreetFeature):
    """A street's switch and numbers for monthly reports and the fund ledger (晋江 五(三), 五(二))."""

    confirm_by_day = models.PositiveSmallIntegerField(
        _("次月确认截止日"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("月度报告须在次月该日（含）前由社区确认。"),
    )
    reminder_day = models.PositiveSmallIntegerField(
        _("次月提醒日"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("该日提醒合伙人提交上月报告。"),
    )
    fund_ledger = models.BooleanField(_("资金使用明细"), default=False)
    fund_disclosure = models.BooleanField(
        _("公开资金收支合计"), default=False, help_text=_("在合伙人公开页面公布资金收支合计。")
    )

    PRESETS = {
        Programme.JINJIANG: {
            "enabled": True,
            "confirm_by_day": 20,
            "reminder_day": 5,
            "fund_ledger": True,
            "fund_disclosure": True,
        }
    }
    feature_label = _("月度报告、自评与资金明细（晋江）")

    class Meta:
        verbose_name = _("报告设置")
        verbose_name_plural = _("报告设置")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("待提交")
    SUBMITTED = "submitted", _("待确认")
    RETURNED = "returned", _("已退回")
    CONFIRMED = "confirmed", _("已确认")


class MonthlyReport(models.Model):
    """One partner's progress report for one month, compiled from its verified logs (晋江 五(三))."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="monthly_reports",
        verbose_name=_("睦邻合伙人"),
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    month = models.DateField(_("月份"), help_text=_("该月1日。"))
    due_on = models.DateField(_("确认截止日"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    figures = models.JSONField(_("汇总数据"), default=dict, blank=True)
    narrative = models.TextField(_("工作进展与下月计划"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("月度进展报告")
        verbose_name_plural = _("月度进展报告")
        ordering = ["-month", "partner_id"]
        constraints = [models.UniqueConstraint(fields=["partner", "month"], name="monthly_report_once")]
        indexes = [models.Index(fields=["status", "due_on"], name="monthly_report_due")]

    def __str__(self):
        return f"{self.partner}·{self.month:%Y年%m月}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.status != ReportStatus.CONFIRMED and today > self.due_on


class SelfEvaluationKind(models.TextChoices):
    MIDTERM = "midterm", _("中期自评报告")
    FINAL = "final", _("结项自评报告")


class SelfEvaluationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


class SelfEvaluation(models.Model):
    """A mid-term or final self-evaluation against the agreement's own targets (晋江 四3⑦)."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="self_evaluations",
        verbose_name=_("睦邻合伙人"),
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="+", verbose_name=_("协议")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=SelfEvaluationKind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=SelfEvaluationStatus.choices, default=SelfEvaluationStatus.SUBMITTED
    )
    figures = models.JSONField(_("指标完成情况"), default=list, blank=True)
    content = models.TextField(_("自评内容"))
    method = models.TextField(_("社区工作法"), blank=True, help_text=_("结项时总结提炼的社区治理工作经验。"))
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    return_reason = models.TextField(_("退回原因"), blank=True)

    class Meta:
        verbose_name = _("自评报告")
        verbose_name_plural = _("自评报告")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind"], name="self_evaluation_once_per_term")
        ]

    def __str__(self):
        return f"{self.partner}·{self.get_kind_display()}"


class FundKind(models.TextChoices):
    SUBSIDY = "subsidy", _("补助资金收入")
    DONATION = "donation", _("捐赠收入")
    OTHER_INCOME = "other_income", _("其他收入")
    EXPENSE = "expense", _("支出")


INCOME_KINDS = (FundKind.SUBSIDY, FundKind.DONATION, FundKind.OTHER_INCOME)


class FundEntry(models.Model):
    """One line of the 项目资金使用明细表 (晋江 四3⑤, 五(二)): money received or spent, with its receipt."""

    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="fund_entries",
        verbose_name=_("睦邻合伙人"),
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("收支类型"), max_length=14, choices=FundKind.choices)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    counterparty = models.CharField(_("来源或收款方"), max_length=100)
    description = models.CharField(_("用途或说明"), max_length=200)
    receipt = models.FileField(_("票据"), storage=private_storage, upload_to=private_upload_to, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("资金收支明细")
        verbose_name_plural = _("资金收支明细")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.amount}"

    @property
    def is_income(self) -> bool:
        return self.kind in INCOME_KINDS
