"""Organisations, people and the audit trail every other app builds on."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .events import SYSTEM_ACTOR, event_label, event_state_label

# The rulebook's numbers (句容市崇明街道《"睦邻合伙人"项目管理办法》2025).
# A street may be stricter; only a superuser may configure it looser.
RULEBOOK = {
    "trial_min_months": 6,  # 四(二)2 首次签约一般为6-12个月
    "trial_max_months": 12,
    "renewal_max_months": 24,  # 四(二)2 每次续签期限一般不超过2年
    "renewal_special_max_months": 36,  # 特殊优质项目 … 可延长至3年
    "notice_min_days": 5,  # 五(二)3 公示时间不少于5天
    "resident_rep_min_share": Decimal("0.30"),  # 五(二)1 群众代表(不少于30%)
    "renewal_notice_months": 2,  # 五(三)2 协议期满前2个月
    # 四(二)2 / 五(三) 试用期满经评估合格: the evaluation that concludes the trial is
    # made at its end, so it may be dated at most this long before the trial ends.
    "trial_evaluation_window_months": 1,
    # 五(三)1 协议 is signed after the notice: the rulebook sets no number; this
    # is the programme's default for how far in the past a first term may start.
    "agreement_start_grace_days": 30,
}


# Which way is "stricter" for each policy number: "min" numbers may only go up
# (a longer notice is stricter), "max" numbers may only go down.
POLICY_DIRECTION = {
    "trial_min_months": "min",
    "trial_max_months": "max",
    "renewal_max_months": "max",
    "renewal_special_max_months": "max",
    "notice_min_days": "min",
    "resident_rep_min_share": "min",
    "renewal_notice_months": "min",
    "trial_evaluation_window_months": "max",
    "agreement_start_grace_days": "max",
}


def policy_is_looser(name: str, value, bound) -> bool:
    """Whether `value` of policy number `name` is looser than `bound` (stricter is always allowed)."""
    if value is None or bound is None:
        return False
    if POLICY_DIRECTION[name] == "min":
        return value < bound
    return value > bound


class City(models.Model):
    """A city (市) that runs the programme over its districts' streets (issue 15)."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("代码"), max_length=20, unique=True, help_text=_("例如行政区划代码。"))

    class Meta:
        verbose_name = _("市")
        verbose_name_plural = _("市")
        ordering = ["name"]

    def __str__(self):
        return self.name


class DistrictKind(models.TextChoices):
    DISTRICT = "district", _("区")
    COUNTY = "county", _("县")
    COUNTY_CITY = "county_city", _("县级市")


class District(models.Model):
    """A district, county or county-level city (区 / 县 / 县级市) of a city."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("代码"), max_length=20, unique=True, help_text=_("例如行政区划代码。"))
    kind = models.CharField(
        _("类型"), max_length=20, choices=DistrictKind.choices, default=DistrictKind.DISTRICT
    )
    city = models.ForeignKey(City, on_delete=models.PROTECT, related_name="districts", verbose_name=_("市"))

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        ordering = ["city__name", "name"]

    def __str__(self):
        return self.name


class StreetKind(models.TextChoices):
    STREET = "street", _("街道")
    TOWN = "town", _("镇")


class CommunityKind(models.TextChoices):
    COMMUNITY = "community", _("社区")
    VILLAGE = "village", _("村")


class PolicyName(models.TextChoices):
    """The street policy numbers a district or city may give a default and a bound."""

    TRIAL_MIN_MONTHS = "trial_min_months", _("试用期最短（月）")
    TRIAL_MAX_MONTHS = "trial_max_months", _("试用期最长（月）")
    RENEWAL_MAX_MONTHS = "renewal_max_months", _("续签最长（月）")
    RENEWAL_SPECIAL_MAX_MONTHS = "renewal_special_max_months", _("特殊续签最长（月）")
    NOTICE_MIN_DAYS = "notice_min_days", _("公示最少天数")
    RESIDENT_REP_MIN_SHARE = "resident_rep_min_share", _("社会评审组群众代表最低比例")
    RENEWAL_NOTICE_MONTHS = "renewal_notice_months", _("期满前提醒（月）")
    TRIAL_EVALUATION_WINDOW_MONTHS = "trial_evaluation_window_months", _("试用期满评估提前（月）")
    AGREEMENT_START_GRACE_DAYS = "agreement_start_grace_days", _("协议起始日最多追溯（天）")


class LevelPolicy(models.Model):
    """A district's or city's default and bound for one street policy number.

    `default` is what a new street below the level starts with; `bound` is the
    loosest value a street below it may set without the level's recorded
    approval (stricter is always allowed). Exactly one of district / city is set.
    """

    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("区县"),
    )
    city = models.ForeignKey(
        City, on_delete=models.CASCADE, null=True, blank=True, related_name="policies", verbose_name=_("市")
    )
    name = models.CharField(_("政策参数"), max_length=40, choices=PolicyName.choices)
    default = models.DecimalField(_("默认值"), max_digits=6, decimal_places=2, null=True, blank=True)
    bound = models.DecimalField(
        _("最宽限值"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("下辖街道可设的最宽松取值；更宽松需本级批准并留痕。"),
    )

    class Meta:
        verbose_name = _("上级政策参数")
        verbose_name_plural = _("上级政策参数")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(district__isnull=False, city__isnull=True)
                    | Q(district__isnull=True, city__isnull=False)
                ),
                name="levelpolicy_one_level",
            ),
            models.UniqueConstraint(fields=["district", "name"], name="levelpolicy_unique_district_name"),
            models.UniqueConstraint(fields=["city", "name"], name="levelpolicy_unique_city_name"),
        ]

    def __str__(self):
        return f"{self.level} · {self.get_name_display()}"

    @property
    def level(self):
        return self.district if self.district_id else self.city

    def clean(self):
        if bool(self.district_id) == bool(self.city_id):
            raise ValidationError({"district": _("请在区县与市之中选择且只选择一个。")})
        if self.default is None and self.bound is None:
            raise ValidationError({"default": _("默认值与最宽限值至少填写一项。")})
        field = Street._meta.get_field(self.name) if self.name in POLICY_DIRECTION else None
        if field is not None:
            for attr in ("default", "bound"):
                value = getattr(self, attr)
                if value is None:
                    continue
                try:
                    field.run_validators(field.to_python(value))
                except ValidationError as exc:
                    raise ValidationError({attr: exc.messages}) from exc
                if not isinstance(field, models.DecimalField) and value != int(value):
                    raise ValidationError({attr: _("该参数须为整数。")})
        if (
            self.default is not None
            and self.bound is not None
            and policy_is_looser(self.name, self.default, self.bound)
        ):
            raise ValidationError({"default": _("默认值不能比最宽限值更宽松。")})


class Street(models.Model):
    """A sub-district office (街道) or town (镇) that runs the programme, with its policy numbers.

    A street may belong to a district (and so a city) or run alone (district
    empty): a portal deployed by one street needs no levels above it.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=StreetKind.choices, default=StreetKind.STREET)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="streets",
        verbose_name=_("区县"),
        help_text=_("留空表示独立运行的街道。"),
    )
    programme_name = models.CharField(
        _("项目品牌"),
        max_length=100,
        default="睦邻合伙人",
        help_text=_("例如“睦邻崇明”，用于标识使用权与页面标题。"),
    )
    social_work_station = models.CharField(
        _("街道社工站"),
        max_length=100,
        blank=True,
        help_text=_("三方协议的甲方之一。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)

    trial_min_months = models.PositiveSmallIntegerField(
        _("试用期最短（月）"),
        default=RULEBOOK["trial_min_months"],
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    trial_max_months = models.PositiveSmallIntegerField(
        _("试用期最长（月）"),
        default=RULEBOOK["trial_max_months"],
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    renewal_max_months = models.PositiveSmallIntegerField(
        _("续签最长（月）"),
        default=RULEBOOK["renewal_max_months"],
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    renewal_special_max_months = models.PositiveSmallIntegerField(
        _("特殊续签最长（月）"),
        default=RULEBOOK["renewal_special_max_months"],
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("经社区“两委”研究申请、街道党工委审核后可适用。"),
    )
    notice_min_days = models.PositiveSmallIntegerField(
        _("公示最少天数"),
        default=RULEBOOK["notice_min_days"],
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    resident_rep_min_share = models.DecimalField(
        _("社会评审组群众代表最低比例"),
        max_digits=3,
        decimal_places=2,
        default=RULEBOOK["resident_rep_min_share"],
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    renewal_notice_months = models.PositiveSmallIntegerField(
        _("期满前提醒（月）"),
        default=RULEBOOK["renewal_notice_months"],
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    trial_evaluation_window_months = models.PositiveSmallIntegerField(
        _("试用期满评估提前（月）"),
        default=RULEBOOK["trial_evaluation_window_months"],
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("试用期满评估最早可在试用期截止前多少个月进行。"),
    )
    agreement_start_grace_days = models.PositiveSmallIntegerField(
        _("协议起始日最多追溯（天）"),
        default=RULEBOOK["agreement_start_grace_days"],
        validators=[MinValueValidator(0), MaxValueValidator(180)],
        help_text=_("首次签约协议的起始日最早可早于起草当天多少天。"),
    )

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.trial_min_months > self.trial_max_months:
            raise ValidationError({"trial_min_months": _("试用期最短月数不能大于最长月数。")})
        if self.renewal_max_months > self.renewal_special_max_months:
            raise ValidationError({"renewal_special_max_months": _("特殊续签期限不能短于一般续签期限。")})

    def policy_deviations(self):
        """Fields configured looser than the rulebook, as {field: message}.

        Stricter values (a longer notice, a shorter renewal) are always allowed.
        """
        looser = {}
        r = RULEBOOK
        if self.trial_min_months < r["trial_min_months"]:
            looser["trial_min_months"] = _("办法规定首次签约一般不少于6个月。")
        if self.trial_max_months > r["trial_max_months"]:
            looser["trial_max_months"] = _("办法规定首次签约一般不超过12个月。")
        if self.renewal_max_months > r["renewal_max_months"]:
            looser["renewal_max_months"] = _("办法规定每次续签一般不超过2年。")
        if self.renewal_special_max_months > r["renewal_special_max_months"]:
            looser["renewal_special_max_months"] = _("办法规定特殊优质项目最长3年。")
        if self.notice_min_days < r["notice_min_days"]:
            looser["notice_min_days"] = _("办法规定公示时间不少于5天。")
        if self.resident_rep_min_share < r["resident_rep_min_share"]:
            looser["resident_rep_min_share"] = _("办法规定群众代表不少于30%。")
        if self.renewal_notice_months < r["renewal_notice_months"]:
            looser["renewal_notice_months"] = _("办法规定协议期满前2个月决定续签。")
        if self.trial_evaluation_window_months > r["trial_evaluation_window_months"]:
            looser["trial_evaluation_window_months"] = _(
                "办法规定试用期满经评估合格（四（二）2），评估最早在试用期截止前1个月进行。"
            )
        if self.agreement_start_grace_days > r["agreement_start_grace_days"]:
            looser["agreement_start_grace_days"] = _(
                "办法未规定追溯天数，项目默认协议起始日最多早于起草当天30天。"
            )
        return looser


class Community(models.Model):
    """A neighbourhood (社区) of a street; it owns spaces and receives applications."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("街道")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=20, choices=CommunityKind.choices, default=CommunityKind.COMMUNITY
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["street__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="community_unique_name_per_street"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if not adding and (update_fields is None or "street" in update_fields):
            # A profile with a community also carries that community's street (set by
            # portal.domain.user_assign_role; read by the scope rules, portal.rules): a
            # community moved to another street takes its staff, observers and partners along.
            Profile.objects.filter(community=self).exclude(street_id=self.street_id).update(
                street_id=self.street_id
            )


class Role(models.TextChoices):
    CITY_STAFF = "city_staff", _("市级工作人员")
    DISTRICT_STAFF = "district_staff", _("区级工作人员")
    STREET_STAFF = "street_staff", _("街道工作人员")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    REVIEWER = "reviewer", _("评审专家")
    OBSERVER = "observer", _("社区观察员")
    PARTNER = "partner", _("睦邻合伙人")


class Profile(models.Model):
    """Who a user is in the programme: the role and the scope it applies to.

    The role decides what a user may do; street and community decide where.
    Use `portal.domain.user_assign_role` to change it so groups stay in step.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    city = models.ForeignKey(
        City,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("市"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("区县"),
    )
    street = models.ForeignKey(
        Street,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("街道"),
    )
    community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("社区"),
    )
    department = models.CharField(
        _("部门/单位"),
        max_length=100,
        blank=True,
        help_text=_("例如：党建工作办公室、纪检室、市委组织部。"),
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("账号角色")
        verbose_name_plural = _("账号角色")

    def __str__(self):
        return f"{person_name(self.user)} · {self.get_role_display()}"

    def clean(self):
        if self.role == Role.COMMUNITY_STAFF and not self.community_id:
            raise ValidationError({"community": _("社区工作人员必须指定所属社区。")})
        if self.role == Role.STREET_STAFF and not self.street_id:
            raise ValidationError({"street": _("街道工作人员必须指定所属街道。")})
        if self.role == Role.DISTRICT_STAFF and not self.district_id:
            raise ValidationError({"district": _("区级工作人员必须指定所属区县。")})
        if self.role == Role.CITY_STAFF and not self.city_id:
            raise ValidationError({"city": _("市级工作人员必须指定所属市。")})
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError({"community": _("社区不属于所选街道。")})
        if self.street_id and self.district_id and self.street.district_id != self.district_id:
            raise ValidationError({"street": _("街道不属于所选区县。")})
        if self.district_id and self.city_id and self.district.city_id != self.city_id:
            raise ValidationError({"district": _("区县不属于所选市。")})


def person_name(user):
    """How the portal names a person: the full name, else the username; nobody is 系统."""
    if user is None:
        return SYSTEM_ACTOR
    return user.get_full_name().strip() or user.get_username()


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("This record is append-only.")

    def delete(self):
        raise TypeError("This record is append-only.")


class AppendOnlyModel(models.Model):
    """A record that is written once and never changed or removed."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("This record is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("This record is append-only.")


class AuditEvent(AppendOnlyModel):
    """One decision or state change on any record: who, when, what, from → to, note."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("动作"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    from_state = models.CharField(_("原状态"), max_length=40, blank=True)
    to_state = models.CharField(_("新状态"), max_length=40, blank=True)
    note = models.TextField(_("备注"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    community = models.ForeignKey(
        Community, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("社区")
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action_label}"

    @property
    def action_label(self):
        """The action in words (portal.events)."""
        return event_label(self.action)

    def get_action_display(self):
        return self.action_label

    @property
    def from_state_label(self):
        return event_state_label(self.action, self.from_state)

    @property
    def to_state_label(self):
        return event_state_label(self.action, self.to_state)

    @property
    def actor_name(self):
        return person_name(self.actor)


class Heartbeat(models.Model):
    """When a background process last proved it was alive (worker via beat)."""

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("后台心跳")
        verbose_name_plural = _("后台心跳")

    def __str__(self):
        return f"{self.name} {self.seen_at:%Y-%m-%d %H:%M:%S}"
