"""Service logs, supervision and evaluation — rulebook 六."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationKind(models.TextChoices):
    TRIAL = "trial", _("试用期满评估")
    RENEWAL = "renewal", _("续签前评估")
    AD_HOC = "ad_hoc", _("专项评估")


class Conclusion(models.TextChoices):
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Evaluation(models.Model):
    """An assessment (评估) of a partner over one agreement term."""

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT,
                                related_name="evaluations", verbose_name=_("睦邻合伙人"))
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="evaluations", verbose_name=_("协议"))
    kind = models.CharField(_("类型"), max_length=20, choices=EvaluationKind.choices)
    evaluated_on = models.DateField(_("评估日期"))
    conclusion = models.CharField(_("结论"), max_length=10, choices=Conclusion.choices)
    remarks = models.TextField(_("评语"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="+", verbose_name=_("记录人"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评估")
        verbose_name_plural = _("评估")
        ordering = ["partner", "-evaluated_on", "-id"]

    def __str__(self):
        return f"{self.partner} {self.get_kind_display()} {self.get_conclusion_display()}"

    def get_community(self):
        return self.partner.community
