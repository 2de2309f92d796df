"""Tripartite agreements (三方协议), their terms and quantified targets — rulebook 四(二), 五(三), 六(一)2."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.choices import TargetGroup
from config.uploads import private_storage, private_upload_to


class AgreementKind(models.TextChoices):
    FIRST = "first", _("首次签约(试用期)")
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

    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT,
                                related_name="agreements", verbose_name=_("睦邻合伙人"))
    community = models.ForeignKey("portal.Community", on_delete=models.PROTECT,
                                  related_name="agreements", verbose_name=_("社区"))
    kind = models.CharField(_("类型"), max_length=20, choices=AgreementKind.choices,
                            default=AgreementKind.FIRST)
    number = models.CharField(_("协议编号"), max_length=40, unique=True)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=20, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT, db_index=True)
    timeslots = models.ManyToManyField("spaces.TimeSlot", blank=True, related_name="agreements",
                                       verbose_name=_("空间与时段"))
    services_description = models.TextField(_("公益服务内容"), blank=True)
    signed_at = models.DateTimeField(_("签署完成时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("三方协议")
        verbose_name_plural = _("三方协议")
        ordering = ["partner", "start_date", "id"]

    def __str__(self):
        return f"{self.number} {self.partner}"


class Party(models.TextChoices):
    STATION = "station", _("街道社工站")
    COMMUNITY = "community", _("社区")
    PARTNER = "partner", _("睦邻合伙人")


class AgreementSignature(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures",
                                  verbose_name=_("协议"))
    party = models.CharField(_("签约方"), max_length=20, choices=Party.choices)
    signatory = models.CharField(_("签字人"), max_length=50)
    signed_on = models.DateField(_("签署日期"))
    scan = models.FileField(_("签字页扫描件"), storage=private_storage, upload_to=private_upload_to,
                            blank=True)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("签署记录")
        verbose_name_plural = _("签署记录")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "party"], name="signature_once_per_party"),
        ]

    def __str__(self):
        return f"{self.get_party_display()} {self.signatory}"


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

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="targets",
                                  verbose_name=_("协议"))
    metric = models.CharField(_("指标"), max_length=20, choices=TargetMetric.choices)
    period = models.CharField(_("周期"), max_length=10, choices=TargetPeriod.choices,
                              default=TargetPeriod.MONTH)
    value = models.DecimalField(_("目标值"), max_digits=8, decimal_places=1,
                                validators=[MinValueValidator(0)])
    target_group = models.CharField(_("特定群体"), max_length=20, choices=TargetGroup.choices,
                                    blank=True)

    class Meta:
        verbose_name = _("公益服务量化指标")
        verbose_name_plural = _("公益服务量化指标")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "metric", "period", "target_group"],
                                    name="target_once_per_metric"),
        ]

    def __str__(self):
        return f"{self.get_period_display()}{self.get_metric_display()} {self.value}"
