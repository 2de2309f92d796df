"""The space resource list (资源清单), resident needs and prospects — rulebook 四(一)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.choices import PartnerKind, ServiceCategory, TargetGroup
from portal.uploads import private_storage, private_upload_to


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

    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="spaces", verbose_name=_("社区")
    )
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("楼栋/房间及地址"), max_length=200, blank=True)
    area_m2 = models.DecimalField(
        _("面积（㎡）"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    nature = models.CharField(
        _("性质"), max_length=20, choices=SpaceNature.choices, default=SpaceNature.SERVICE_CENTRE
    )
    occupancy = models.CharField(
        _("使用状态"),
        max_length=20,
        choices=Occupancy.choices,
        default=Occupancy.IDLE,
        help_text=_("合伙人入驻前的使用情况。"),
    )
    # Facilities (配套设施) as real columns so they can be filtered and counted.
    has_water = models.BooleanField(_("通水"), default=False)
    has_power = models.BooleanField(_("通电"), default=True)
    has_network = models.BooleanField(_("网络"), default=False)
    has_furniture = models.BooleanField(_("桌椅家具"), default=False)
    is_accessible = models.BooleanField(_("无障碍通行"), default=False)
    capacity = models.PositiveIntegerField(_("可容纳人数"), null=True, blank=True)
    opening_hours = models.CharField(
        _("开放时间"), max_length=200, blank=True, help_text=_("例如：周一至周五 8:30–17:30，周末预约开放。")
    )
    # Its place on the neighbourhood map (社区生活圈一张图, 成都 seed 001), in WGS-84 like the
    # national 天地图 and OpenStreetMap tiles; 高德/腾讯 (GCJ-02) and 百度 (BD-09) points are
    # offset by a few hundred metres and must be converted before they are entered.
    latitude = models.DecimalField(
        _("纬度"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_(
            "WGS-84 坐标（与天地图、卫星定位一致），例如 31.951234；"
            "从高德、腾讯（GCJ-02）或百度地图取的点有数百米偏差，须先转换。留空则不在地图上标注。"
        ),
    )
    longitude = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("WGS-84 坐标，东经为正，例如 119.171234。"),
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("空间")
        verbose_name_plural = _("空间资源清单")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="space_unique_name_per_community"),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="space_position_whole_and_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.community} · {self.name}"

    def clean(self):
        """A position is both coordinates or neither: half a point cannot be drawn."""
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            raise ValidationError({missing: _("经度和纬度须同时填写，或同时留空。")})

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def facilities(self) -> list[str]:
        """The facility labels that apply, in a fixed order (for lists and exports)."""
        flags = ["has_water", "has_power", "has_network", "has_furniture", "is_accessible"]
        return [str(self._meta.get_field(f).verbose_name) for f in flags if getattr(self, f)]


class SpacePhoto(models.Model):
    """A photo of a space.

    Kept in private storage and served only to staff in scope: photos of
    rooms in use can show residents, and the public pages do not need them.
    """

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="photos", verbose_name=_("空间"))
    file = models.FileField(_("照片"), storage=private_storage, upload_to=private_upload_to)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("空间照片")
        verbose_name_plural = _("空间照片")
        ordering = ["space", "id"]

    def __str__(self):
        return self.caption or self.original_name or f"#{self.pk}"

    def get_community(self):
        return self.space.community


class TimeSlot(models.Model):
    """A use of a space: weekly (weekday + times, within validity dates) or one-off (a date).

    Shared use (空间共享、错峰使用, rulebook 四(二)1): several partners in one
    space at non-overlapping times. Touching slots (10:00–11:00 and
    11:00–12:00) do not overlap. Create slots through
    `spaces.domain.timeslot_create`, which refuses conflicts.
    """

    space = models.ForeignKey(
        Space, on_delete=models.PROTECT, related_name="timeslots", verbose_name=_("空间")
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timeslots",
        verbose_name=_("睦邻合伙人"),
        help_text=_("留空表示社区自用活动。"),
    )
    title = models.CharField(_("用途"), max_length=100, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("星期"),
        null=True,
        blank=True,
        choices=[
            (0, _("周一")),
            (1, _("周二")),
            (2, _("周三")),
            (3, _("周四")),
            (4, _("周五")),
            (5, _("周六")),
            (6, _("周日")),
        ],
        help_text=_("每周固定时段填写星期；单次预约填写日期。"),
    )
    date = models.DateField(_("日期（单次）"), null=True, blank=True)
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
                condition=(
                    models.Q(weekday__isnull=False, date__isnull=True)
                    | models.Q(weekday__isnull=True, date__isnull=False)
                ),
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


class CollectionMethod(models.TextChoices):
    """How a need was collected — rulebook 四(一)2 (入户走访、邻里访谈、议事协商)."""

    DOOR_TO_DOOR = "door_to_door", _("入户走访")
    NEIGHBOUR_INTERVIEW = "neighbour_interview", _("邻里访谈")
    MEETING = "meeting", _("议事协商会")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    SUGGESTION_BOX = "suggestion_box", _("居民意见箱")


class ResidentNeed(models.Model):
    """One entry of the resident needs list (居民需求清单)."""

    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="resident_needs", verbose_name=_("社区")
    )
    title = models.CharField(_("需求"), max_length=200, help_text=_("居民提出的需求，一句话概括。"))
    description = models.TextField(_("详细说明"), blank=True)
    category = models.CharField(_("服务类别"), max_length=30, choices=ServiceCategory.choices, db_index=True)
    collection_method = models.CharField(_("收集方式"), max_length=30, choices=CollectionMethod.choices)
    collected_by = models.CharField(
        _("收集人"), max_length=50, blank=True, help_text=_("例如：睦邻长、网格员姓名。")
    )
    collected_on = models.DateField(_("收集日期"), null=True, blank=True)
    target_groups = models.JSONField(
        _("服务对象"), default=list, blank=True, help_text=_("取值见 TargetGroup，例如 elderly、children。")
    )
    residents_count = models.PositiveIntegerField(_("涉及居民人数"), default=0)
    space = models.ForeignKey(
        Space,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident_needs",
        verbose_name=_("相关空间"),
    )
    covered_by = models.ForeignKey(
        "partners.Partner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covered_needs",
        verbose_name=_("承接的合伙人"),
        help_text=_("仅登记未经招募公告、由合伙人另行承接的需求；应征列有该需求的招募公告的合伙人自动计入。"),
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("居民需求")
        verbose_name_plural = _("居民需求清单")
        ordering = ["community", "-residents_count", "id"]

    def __str__(self):
        return self.title

    def get_target_groups_display(self) -> str:
        labels = dict(TargetGroup.choices)
        return "、".join(str(labels.get(g, g)) for g in self.target_groups or [])


class ContactStatus(models.TextChoices):
    NOT_CONTACTED = "not_contacted", _("未联系")
    CONTACTED = "contacted", _("已联系")
    INTERESTED = "interested", _("有意向")
    INVITED = "invited", _("已邀请申报")
    APPLIED = "applied", _("已申报")
    DECLINED = "declined", _("暂无意向")


class Prospect(models.Model):
    """One entry of the prospect list (目标清单): someone who might become a partner."""

    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="prospects", verbose_name=_("社区")
    )
    name = models.CharField(_("名称/姓名"), max_length=200)
    kind = models.CharField(_("主体类型"), max_length=30, choices=PartnerKind.choices)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    offer = models.TextField(_("可提供的服务"), blank=True)
    categories = models.JSONField(
        _("服务类别"),
        default=list,
        blank=True,
        help_text=_("取值见 ServiceCategory，例如 elderly、legal_aid。"),
    )
    contact_status = models.CharField(
        _("联系状态"),
        max_length=20,
        choices=ContactStatus.choices,
        default=ContactStatus.NOT_CONTACTED,
        db_index=True,
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("意向对象")
        verbose_name_plural = _("目标清单")
        ordering = ["community", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="prospect_unique_name_per_community"),
        ]

    def __str__(self):
        return self.name

    def get_categories_display(self) -> str:
        labels = dict(ServiceCategory.choices)
        return "、".join(str(labels.get(c, c)) for c in self.categories or [])


class ImportKind(models.TextChoices):
    SPACES = "spaces", _("空间资源清单")
    NEEDS = "needs", _("居民需求清单")
    PROSPECTS = "prospects", _("目标清单")
    TIMESLOTS = "timeslots", _("使用时段")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    CHECKING = "checking", _("检查中")
    CHECKED = "checked", _("已检查，待确认")
    FAILED = "failed", _("有错误，未导入")
    CONFIRMED = "confirmed", _("已确认，排队导入")
    IMPORTING = "importing", _("导入中")
    DONE = "done", _("已导入")


class ImportJob(models.Model):
    """One uploaded list file: checked (dry run) by the worker, then imported on confirmation.

    Large files run in Celery so the request never waits; the status page
    polls `processed`/`total` (the worker also publishes live progress in the cache).
    """

    kind = models.CharField(_("清单"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("文件"), storage=private_storage, upload_to=private_upload_to)
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_format = models.CharField(_("格式"), max_length=10)
    status = models.CharField(
        _("状态"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total = models.PositiveIntegerField(_("总行数"), default=0)
    processed = models.PositiveIntegerField(_("已处理行数"), default=0)
    new_count = models.PositiveIntegerField(_("新增"), default=0)
    update_count = models.PositiveIntegerField(_("更新"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    preview = models.JSONField(_("预览"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def is_running(self) -> bool:
        return self.status in (
            ImportStatus.PENDING,
            ImportStatus.CHECKING,
            ImportStatus.CONFIRMED,
            ImportStatus.IMPORTING,
        )

    @property
    def progress_key(self) -> str:
        return f"spaces:import:{self.pk}:processed"
