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


class TimeSlot(models.Model):
    """A use of a space: weekly (weekday + times, within validity dates) or one-off (a date).

    Shared use (空间共享、错峰使用, rulebook 四(二)1): several partners in one
    space at non-overlapping times. Touching slots (10:00–11:00 and
    11:00–12:00) do not overlap. Create slots through
    `spaces.domain.timeslot_create`, which refuses conflicts.
    """

    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="timeslots",
                              verbose_name=_("空间"))
    partner = models.ForeignKey("partners.Partner", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="timeslots", verbose_name=_("睦邻合伙人"),
                                help_text=_("留空表示社区自用活动。"))
    title = models.CharField(_("用途"), max_length=100, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("星期"), null=True, blank=True,
        choices=[(0, _("周一")), (1, _("周二")), (2, _("周三")), (3, _("周四")), (4, _("周五")),
                 (5, _("周六")), (6, _("周日"))],
        help_text=_("每周固定时段填写星期;单次预约填写日期。"),
    )
    date = models.DateField(_("日期(单次)"), null=True, blank=True)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("使用时段")
        verbose_name_plural = _("使用时段")
        ordering = ["space", "weekday", "date", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__lt=models.F("end_time")),
                name="timeslot_start_before_end",
            ),
            models.CheckConstraint(
                condition=(models.Q(weekday__isnull=False, date__isnull=True)
                           | models.Q(weekday__isnull=True, date__isnull=False)),
                name="timeslot_weekly_xor_once",
            ),
        ]

    def __str__(self):
        when = self.get_weekday_display() if self.weekday is not None else self.date
        return f"{self.space.name} {when} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def get_community(self):
        return self.space.community

    @property
    def is_weekly(self) -> bool:
        return self.weekday is not None
