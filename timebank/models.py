"""The time bank (时间银行积分, 成都 programme, seed 001): verified service hours become points.

“服务换积分，积分存银行，累积兑权益”: an individual partner's verified service
logs, and the hours staff credit to volunteers who helped at a logged service,
earn points at the street's rate; the community lists benefits (兑换项目) that
staff redeem at the counter. Each person has one account whose balance is never
negative (a CHECK constraint below the domain's locked check); every ledger
entry points at the log (and volunteer credit) or the redemption it comes from.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.features import Programme, StreetFeature
from portal.masking import mask_mobile, mask_person_name
from portal.models import AppendOnlyModel

POINTS = {"max_digits": 12, "decimal_places": 2}


class TimeBankSettings(StreetFeature):
    """Whether a street runs the time bank, and its numbers."""

    feature_label = _("时间银行积分")
    PRESETS = {Programme.CHENGDU: {"enabled": True, "points_per_hour": Decimal("1.00")}}

    points_per_hour = models.DecimalField(
        _("每核实服务小时积分"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("100"))],
    )
    yearly_cap = models.DecimalField(
        _("每人每年积分上限"),
        **POINTS,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("按服务日期所在年度计；留空表示不设上限。"),
    )

    class Meta:
        verbose_name = _("时间银行设置")
        verbose_name_plural = _("时间银行设置")


class Volunteer(models.Model):
    """A resident who is not a partner but helped at a logged service; staff register them."""

    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("社区")
    )
    name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True)
    active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["community", "name", "id"]

    def __str__(self):
        return f"{self.name}（{self.masked_mobile}）" if self.mobile else self.name

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile) if self.mobile else ""

    @property
    def public_name(self) -> str:
        return mask_person_name(self.name)


class Account(models.Model):
    """One person's points: an individual partner's or a volunteer's, never both."""

    partner = models.OneToOneField(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timebank_account",
        verbose_name=_("睦邻合伙人"),
    )
    volunteer = models.OneToOneField(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("志愿者"),
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="timebank_accounts", verbose_name=_("社区")
    )
    balance = models.DecimalField(_("积分余额"), **POINTS, default=Decimal("0"), editable=False)
    created_at = models.DateTimeField(_("开户时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        ordering = ["community", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="timebank_balance_never_negative"),
            models.CheckConstraint(
                condition=Q(partner__isnull=False, volunteer__isnull=True)
                | Q(partner__isnull=True, volunteer__isnull=False),
                name="timebank_account_one_holder",
            ),
        ]

    def __str__(self):
        return self.holder_name

    @property
    def holder_name(self) -> str:
        return self.partner.name if self.partner_id else self.volunteer.name

    @property
    def holder_kind(self) -> str:
        return str(_("个人合伙人")) if self.partner_id else str(_("志愿者"))


class VolunteerCredit(models.Model):
    """Hours a volunteer gave at one logged service, entered by staff."""

    log = models.ForeignKey(
        "services.ServiceLog",
        on_delete=models.PROTECT,
        related_name="volunteer_credits",
        verbose_name=_("公益服务记录"),
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="credits", verbose_name=_("志愿者")
    )
    hours = models.DecimalField(
        _("服务时数"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿服务时数")
        verbose_name_plural = _("志愿服务时数")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["log", "volunteer"], name="timebank_one_credit_per_log_volunteer"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="timebank_credit_hours_positive"),
        ]

    def __str__(self):
        return f"{self.volunteer.name} · {self.log} · {self.hours}"

    def get_community(self):
        return self.volunteer.community


class Benefit(models.Model):
    """One thing the community offers for points (兑换项目)."""

    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="benefits", verbose_name=_("社区")
    )
    name = models.CharField(_("兑换项目"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    points = models.DecimalField(_("所需积分"), **POINTS, validators=[MinValueValidator(Decimal("0.01"))])
    stock = models.PositiveIntegerField(_("库存"), null=True, blank=True, help_text=_("留空表示不限数量。"))
    active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("兑换项目")
        verbose_name_plural = _("兑换项目")
        ordering = ["community", "points", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="timebank_benefit_points_positive"),
        ]
        indexes = [models.Index(fields=["community", "active"], name="benefit_community_active")]

    def __str__(self):
        return f"{self.name}（{self.points}分）"

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0


class Redemption(AppendOnlyModel):
    """Staff handed a benefit to a person at the counter for points."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("积分账户")
    )
    benefit = models.ForeignKey(
        Benefit, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("兑换项目")
    )
    points = models.DecimalField(_("扣减积分"), **POINTS, editable=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    created_at = models.DateTimeField(_("兑换时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分兑换")
        verbose_name_plural = _("积分兑换")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.account} · {self.benefit.name}"

    def get_community(self):
        return self.account.community


class EntryKind(models.TextChoices):
    EARNED = "earned", _("服务积分")
    REVERSED = "reversed", _("撤销核实冲回")
    REDEEMED = "redeemed", _("兑换扣减")


class Entry(AppendOnlyModel):
    """One line of a person's ledger; never changed: a mistake is answered by a reversing line."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="entries", verbose_name=_("积分账户")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=EntryKind.choices)
    points = models.DecimalField(_("积分变动"), **POINTS)
    balance_after = models.DecimalField(_("变动后余额"), **POINTS)
    log = models.ForeignKey(
        "services.ServiceLog",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="timebank_entries",
        verbose_name=_("公益服务记录"),
    )
    credit = models.ForeignKey(
        VolunteerCredit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
        verbose_name=_("志愿服务时数"),
    )
    redemption = models.OneToOneField(
        Redemption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry",
        verbose_name=_("积分兑换"),
    )
    hours = models.DecimalField(_("折算时数"), max_digits=5, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("折算标准"), max_digits=6, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分明细")
        verbose_name_plural = _("积分明细")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at", "-id"], name="entry_account_order")]
        constraints = [
            # Every line is traceable: points from a log (and, for a volunteer, the credit), or a redemption.
            models.CheckConstraint(
                condition=Q(kind=EntryKind.EARNED, points__gt=0, log__isnull=False, redemption__isnull=True)
                | Q(kind=EntryKind.REVERSED, points__lt=0, log__isnull=False, redemption__isnull=True)
                | Q(kind=EntryKind.REDEEMED, points__lt=0, log__isnull=True, redemption__isnull=False),
                name="timebank_entry_traceable",
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="timebank_entry_balance_never_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.points:+}"

    def get_community(self):
        return self.account.community

    @property
    def source(self) -> str:
        """The record the line comes from, in words."""
        if self.redemption_id:
            return str(_("兑换“%(name)s”") % {"name": self.redemption.benefit.name})
        return f"{self.log.date.isoformat()} {self.log.title}"
