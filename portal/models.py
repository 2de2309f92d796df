"""Organisations, people and the audit trail every other app builds on."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
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


class Street(models.Model):
    """A sub-district office (街道) that runs the programme, with its policy numbers."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    programme_name = models.CharField(
        _("项目品牌"),
        max_length=100,
        default="睦邻合伙人",
        help_text=_("例如“睦邻崇明”,用于标识使用权与页面标题。"),
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
        _("试用期最短(月)"),
        default=RULEBOOK["trial_min_months"],
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    trial_max_months = models.PositiveSmallIntegerField(
        _("试用期最长(月)"),
        default=RULEBOOK["trial_max_months"],
        validators=[MinValueValidator(1), MaxValueValidator(36)],
    )
    renewal_max_months = models.PositiveSmallIntegerField(
        _("续签最长(月)"),
        default=RULEBOOK["renewal_max_months"],
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    renewal_special_max_months = models.PositiveSmallIntegerField(
        _("特殊续签最长(月)"),
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
        _("期满前提醒(月)"),
        default=RULEBOOK["renewal_notice_months"],
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    trial_evaluation_window_months = models.PositiveSmallIntegerField(
        _("试用期满评估提前(月)"),
        default=RULEBOOK["trial_evaluation_window_months"],
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text=_("试用期满评估最早可在试用期截止前多少个月进行。"),
    )
    agreement_start_grace_days = models.PositiveSmallIntegerField(
        _("协议起始日最多追溯(天)"),
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
                "办法规定试用期满经评估合格(四(二)2),评估最早在试用期截止前1个月进行。"
            )
        if self.agreement_start_grace_days > r["agreement_start_grace_days"]:
            looser["agreement_start_grace_days"] = _(
                "办法未规定追溯天数,项目默认协议起始日最多早于起草当天30天。"
            )
        return looser


class Community(models.Model):
    """A neighbourhood (社区) of a street; it owns spaces and receives applications."""

    street = models.ForeignKey(
        Street, on_delete=models.PROTECT, related_name="communities", verbose_name=_("街道")
    )
    name = models.CharField(_("名称"), max_length=100)
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


class Role(models.TextChoices):
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
        help_text=_("例如:党建工作办公室、纪检室、市委组织部。"),
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
        if self.community_id and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError({"community": _("社区不属于所选街道。")})


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
