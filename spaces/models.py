"""The space resource list (资源清单), resident needs and prospects — rulebook 四(一)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SpaceNature(models.TextChoices):
    SERVICE_CENTRE = "service_centre", _("党群服务中心内阵地")
    PUBLIC_SPACE = "public_space", _("辖区公共空间")
    OTHER = "other", _("其他")


class Occupancy(models.TextChoices):
    IDLE = "idle", _("闲置")
    SEMI_IDLE = "semi_idle", _("半闲置")
    IN_USE = "in_use", _("使用中")


class Space(models.Model):
    """An idle or semi-idle room or area a community offers to partners."""

    community = models.ForeignKey("portal.Community", on_delete=models.PROTECT,
                                  related_name="spaces", verbose_name=_("社区"))
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("楼栋/房间及地址"), max_length=200, blank=True)
    area_m2 = models.DecimalField(_("面积(㎡)"), max_digits=8, decimal_places=2,
                                  validators=[MinValueValidator(0)])
    nature = models.CharField(_("性质"), max_length=20, choices=SpaceNature.choices,
                              default=SpaceNature.SERVICE_CENTRE)
    occupancy = models.CharField(_("使用状态"), max_length=20, choices=Occupancy.choices,
                                 default=Occupancy.IDLE)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("空间")
        verbose_name_plural = _("空间资源清单")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="space_unique_name_per_community"),
        ]

    def __str__(self):
        return f"{self.community} · {self.name}"
