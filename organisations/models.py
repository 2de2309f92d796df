"""The registry of community organisations (社区社会组织), in the three tiers of 长宁 seed 003.

Seed 003 四(一)2 (实施社区社会组织分级管理): by size and reach, community
organisations are 注册社会组织 (registered with the district's civil-affairs
bureau, with a unified social credit code), 群众活动团队 (filed — 备案 — by the
street) and 社区活动小组 (recorded and guided by the residents' committee).
A partner may point to its organisation's record (`partners.Partner.organisation`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.features import Programme, StreetFeature
from portal.masking import mask_mobile, mask_person_name


class OrganisationSettings(StreetFeature):
    """Whether a street keeps the community organisations registry (长宁社区组织)."""

    feature_label = _("社区组织名录")
    PRESETS = {Programme.CHANGNING: {"enabled": True}}

    class Meta:
        verbose_name = _("社区组织名录设置")
        verbose_name_plural = _("社区组织名录设置")


class Tier(models.TextChoices):
    """Seed 003 四(一)2: the three tiers of community organisations."""

    REGISTERED = "registered", _("注册社会组织")
    ACTIVITY_TEAM = "activity_team", _("群众活动团队")
    ACTIVITY_GROUP = "activity_group", _("社区活动小组")


class Sector(models.TextChoices):
    """Seed 003 四(一)3: the four fields the district fosters."""

    CHARITY = "charity", _("公益慈善类")
    LIVING = "living", _("生活服务类")
    COMMUNITY_AFFAIRS = "community_affairs", _("社区事务类")
    CULTURE_SPORTS = "culture_sports", _("文体活动类")


class LegalForm(models.TextChoices):
    """Seed 003 二(四): the three kinds of registered social organisations."""

    SOCIAL_GROUP = "social_group", _("社会团体")
    SOCIAL_SERVICE = "social_service", _("社会服务机构")
    FOUNDATION = "foundation", _("基金会")


class Rating(models.TextChoices):
    """Seed 003 四(六)15: the 规范化评估 grade of a registered organisation."""

    A1 = "1A", "1A"
    A2 = "2A", "2A"
    A3 = "3A", "3A"
    A4 = "4A", "4A"
    A5 = "5A", "5A"


class FilingStatus(models.TextChoices):
    """The street's filing (备案) of a 群众活动团队, seed 003 四(一)2–3."""

    NOT_FILED = "not_filed", _("未备案")
    FILED = "filed", _("已备案")
    REVOKED = "revoked", _("已撤销备案")


# 统一社会信用代码 (GB 32100-2015): 18 characters of digits and capitals without I, O, S, V, Z.
CREDIT_CODE = RegexValidator(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    _("统一社会信用代码应为18位数字或大写字母（不含I、O、S、V、Z）。"),
)


class Organisation(models.Model):
    """One community organisation of the registry.

    `community` is where it is based and active (the residents' committee that
    guides a 社区活动小组, the community a team or registered organisation
    mostly serves). Records are kept when the street turns the registry off.
    """

    community = models.ForeignKey(
        "portal.Community", on_delete=models.PROTECT, related_name="organisations", verbose_name=_("社区")
    )
    name = models.CharField(_("名称"), max_length=200)
    tier = models.CharField(_("层级"), max_length=20, choices=Tier.choices, db_index=True)
    sector = models.CharField(_("领域"), max_length=30, choices=Sector.choices, blank=True)
    legal_form = models.CharField(
        _("登记类型"),
        max_length=20,
        choices=LegalForm.choices,
        blank=True,
        help_text=_("仅注册社会组织填写。"),
    )
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        validators=[CREDIT_CODE],
        help_text=_("注册社会组织必填，其他层级不填。"),
    )
    rating = models.CharField(
        _("规范化评估等级"),
        max_length=2,
        choices=Rating.choices,
        blank=True,
        help_text=_("仅注册社会组织；未参加评估的留空。"),
    )
    activity_area = models.CharField(
        _("活动区域"), max_length=200, blank=True, help_text=_("例如：南门社区活动室、北山小区广场。")
    )
    members_count = models.PositiveIntegerField(_("成员人数"), default=0, validators=[MinValueValidator(0)])
    contact_name = models.CharField(_("负责人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    # The street's filing of a 群众活动团队 (organisations.domain.organisation_file).
    filing_status = models.CharField(
        _("备案状态"),
        max_length=20,
        choices=FilingStatus.choices,
        default=FilingStatus.NOT_FILED,
        editable=False,
    )
    filing_number = models.CharField(_("备案编号"), max_length=50, blank=True, editable=False)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True, editable=False)
    # The residents' committee's record of a 社区活动小组 (organisations.domain.organisation_register).
    recorded_on = models.DateField(_("社区登记日期"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("登记人"),
    )
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("社区组织")
        verbose_name_plural = _("社区组织名录")
        ordering = ["community", "tier", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "name"], name="organisation_unique_name_per_community"
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="organisation_unique_credit_code",
            ),
            models.CheckConstraint(
                condition=models.Q(tier="registered") | models.Q(credit_code="", legal_form="", rating=""),
                name="organisation_registration_only_when_registered",
            ),
            models.CheckConstraint(
                condition=models.Q(tier="activity_team") | models.Q(filing_status="not_filed"),
                name="organisation_filing_only_for_teams",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def public_contact_name(self) -> str:
        """The contact as residents may see it (PIPL minimum necessary): 张*丰."""
        return mask_person_name(self.contact_name)

    @property
    def public_contact_phone(self) -> str:
        """The phone as residents may see it: 138****1234 (empty when none is recorded)."""
        return mask_mobile(self.contact_phone) if self.contact_phone else ""
