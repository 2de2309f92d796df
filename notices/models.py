"""Public notices (公示), their lists and objections (异议) — rulebook 五(二)3.

A notice publishes a committee decision's list of partners to be admitted
for at least the street's minimum days. The list is a snapshot taken when
the notice is drafted, so the notice stays a faithful record even if the
application is later corrected. Objections are private: only staff see who
filed them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.choices import INDIVIDUAL_KINDS, PartnerKind
from portal.masking import mask_person_name
from portal.uploads import private_storage, private_upload_to


def _minute_at_or_after(moment: dt.datetime) -> dt.datetime:
    """`moment` in local time, rounded up to a whole minute (so the end shown is one that is accepted)."""
    local = timezone.localtime(moment)
    whole = local.replace(second=0, microsecond=0)
    return whole if whole == local else whole + dt.timedelta(minutes=1)


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("公示中")
    ENDED = "ended", _("公示期满")


class PublicNotice(models.Model):
    """The public notice of a committee decision and its list of partners."""

    street = models.ForeignKey(
        "portal.Street", on_delete=models.PROTECT, related_name="public_notices", verbose_name=_("街道")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    decision_reference = models.CharField(
        _("党工委会议决定"), max_length=200, help_text=_("例如“崇明街道党工委2026年第3次会议”。")
    )
    # The period starts when the notice is published, at the time the system records
    # (rulebook 五(二)3): nobody types a start, so no notice can be backdated.
    starts_at = models.DateTimeField(_("公示开始时间"), null=True, blank=True, editable=False)
    ends_at = models.DateTimeField(
        _("公示结束时间"),
        null=True,
        blank=True,
        help_text=_(
            "公示期自发布时起算，发布时间由系统记录。留空则自发布时起满街道规定的最少天数（默认 5 天）结束；"
            "如填写，须不早于发布时间加上最少天数。"
        ),
    )
    objection_contact = models.CharField(
        _("异议受理联系方式"),
        max_length=200,
        help_text=_("受理单位及电话，例如“崇明街道纪检室 0511-87260000”。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=NoticeStatus.choices,
        default=NoticeStatus.DRAFT,
        editable=False,
        db_index=True,
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    filed_at = models.DateTimeField(_("备案时间"), null=True, blank=True, editable=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("备案人"),
    )
    filing_report = models.FileField(
        _("备案报告"), storage=private_storage, upload_to=private_upload_to, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="notice_ends_after_start"
            ),
            # Once published, the period is fixed and starts at the recorded publication.
            models.CheckConstraint(
                condition=models.Q(status=NoticeStatus.DRAFT)
                | models.Q(
                    published_at__isnull=False,
                    starts_at=models.F("published_at"),
                    ends_at__isnull=False,
                ),
                name="notice_period_starts_at_publication",
            ),
        ]

    def __str__(self):
        return self.title

    def earliest_end(self, start: dt.datetime) -> dt.datetime:
        """The earliest end of a period starting at `start` (rulebook 五(二)3)."""
        return start + dt.timedelta(days=self.street.notice_min_days)

    def clean(self):
        """Rulebook 五(二)3: 公示时间不少于5天 (or the street's stricter minimum).

        The period runs from the publication: a published notice is checked
        against its recorded start, a draft against now (the earliest it
        could be published).
        """
        if self.ends_at and self.street_id:
            start = self.starts_at or timezone.now()
            earliest = self.earliest_end(start)
            if self.ends_at < earliest:
                raise ValidationError(
                    {
                        "ends_at": _("公示期不得少于 %(days)s 天：结束时间最早为 %(earliest)s。")
                        % {
                            "days": self.street.notice_min_days,
                            "earliest": _minute_at_or_after(earliest).strftime("%Y-%m-%d %H:%M"),
                        }
                    }
                )

    @property
    def is_published(self) -> bool:
        return self.status != NoticeStatus.DRAFT

    def period_over(self, now: dt.datetime | None = None) -> bool:
        """Published, ran at least the street's minimum, and its end has passed."""
        now = now or timezone.now()
        return (
            self.is_published
            and self.ends_at <= now
            and self.ends_at - self.starts_at >= dt.timedelta(days=self.street.notice_min_days)
        )

    def in_period(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == NoticeStatus.PUBLISHED and self.starts_at <= now < self.ends_at

    def days_left(self, now: dt.datetime | None = None) -> int:
        """Whole days remaining, rounded up (a notice ending in 3 h has 1 day left)."""
        now = now or timezone.now()
        if now >= self.ends_at:
            return 0
        seconds = (self.ends_at - now).total_seconds()
        return int(-(-seconds // 86400))


class NoticeEntry(models.Model):
    """One partner on a notice's list, as it was published."""

    notice = models.ForeignKey(
        PublicNotice, on_delete=models.CASCADE, related_name="entries", verbose_name=_("公示")
    )
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        related_name="notice_entries",
        verbose_name=_("睦邻合伙人"),
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    applicant_name = models.CharField(_("申请主体名称/姓名"), max_length=200)
    kind = models.CharField(_("申请主体类型"), max_length=30, choices=PartnerKind.choices)
    project_title = models.CharField(_("项目名称"), max_length=200)
    community_name = models.CharField(_("社区"), max_length=100)
    space_names = models.CharField(_("空间"), max_length=300, blank=True)
    composite_score = models.DecimalField(
        _("综合评分"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("公示名单")
        verbose_name_plural = _("公示名单")
        ordering = ["notice", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "partner"], name="notice_entry_unique_partner"),
        ]

    def __str__(self):
        return f"{self.position}. {self.public_name}"

    @property
    def is_individual(self) -> bool:
        return self.kind in INDIVIDUAL_KINDS

    @property
    def public_name(self) -> str:
        """The name residents may see: organisations whole, individuals masked."""
        return mask_person_name(self.applicant_name) if self.is_individual else self.applicant_name

    def get_community(self):
        return self.partner.community


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("调查中")
    DISMISSED = "dismissed", _("异议不成立")
    UPHELD = "upheld", _("异议成立")


class Objection(models.Model):
    """An objection a resident (or anyone) filed against one listed applicant."""

    notice = models.ForeignKey(
        PublicNotice, on_delete=models.PROTECT, related_name="objections", verbose_name=_("公示")
    )
    entry = models.ForeignKey(
        NoticeEntry, on_delete=models.PROTECT, related_name="objections", verbose_name=_("被异议对象")
    )
    reference = models.CharField(_("受理编号"), max_length=30, unique=True, editable=False)
    grounds = models.TextField(_("异议事实与理由"))
    evidence = models.FileField(
        _("证明材料"), storage=private_storage, upload_to=private_upload_to, blank=True, editable=False
    )
    evidence_name = models.CharField(_("材料原文件名"), max_length=255, blank=True, editable=False)
    objector_name = models.CharField(_("异议人姓名"), max_length=50, editable=False)
    objector_phone = models.CharField(_("异议人电话"), max_length=20, editable=False)
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.OPEN,
        editable=False,
        db_index=True,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )
    investigation_note = models.TextField(_("调查记录"), blank=True)
    conclusion = models.TextField(
        _("调查结论"), blank=True, editable=False, help_text=_("异议人凭受理编号可查看。")
    )
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("办结人"),
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.reference

    def get_community(self):
        return self.entry.partner.community

    @property
    def is_open(self) -> bool:
        return self.status == ObjectionStatus.OPEN


DEFAULT_FILING_RECIPIENTS = ["市委组织部", "市纪委监委", "市委社会工作部"]


class FilingRecipient(models.Model):
    """An organisation the street files its notice results with (rulebook 五(二)3 备案).

    By default the three the rulebook names; the members are the recipient's
    own accounts (its office clerks), who acknowledge or return a filing.
    """

    street = models.ForeignKey(
        "portal.Street", on_delete=models.CASCADE, related_name="filing_recipients", verbose_name=_("街道")
    )
    name = models.CharField(_("接收单位"), max_length=100)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("报送"), default=True, help_text=_("取消勾选后，新的备案不再报送该单位。"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="filing_recipients",
        verbose_name=_("单位账号"),
        help_text=_("接收单位的经办人账号：可查看报送本单位的备案并签收或退回。"),
    )

    class Meta:
        verbose_name = _("备案接收单位")
        verbose_name_plural = _("备案接收单位")
        ordering = ["street_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="filing_recipient_unique_name"),
        ]

    def __str__(self):
        return self.name


class FilingReceiptStatus(models.TextChoices):
    SENT = "sent", _("已报送")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    RETURNED = "returned", _("已退回")


class FilingReceipt(models.Model):
    """One filing of a notice's result as one recipient received it (rulebook 五(二)3 备案).

    Sending the filing creates one row per recipient; the recipient acknowledges
    it (the date is recorded by the system) or returns it with a remark, once.
    A returned filing may be sent again: that is a new row, the old one stays.
    """

    notice = models.ForeignKey(
        PublicNotice, on_delete=models.PROTECT, related_name="filing_receipts", verbose_name=_("公示")
    )
    recipient = models.ForeignKey(
        FilingRecipient, on_delete=models.PROTECT, related_name="receipts", verbose_name=_("接收单位")
    )
    # The report exactly as this recipient received it (a later re-send stores a new file).
    report = models.FileField(
        _("备案报告"), storage=private_storage, upload_to=private_upload_to, editable=False
    )
    status = models.CharField(
        _("状态"),
        max_length=20,
        choices=FilingReceiptStatus.choices,
        default=FilingReceiptStatus.SENT,
        editable=False,
        db_index=True,
    )
    sent_at = models.DateTimeField(_("报送时间"), editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
        verbose_name=_("报送人"),
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True, editable=False)
    remark = models.TextField(_("退回意见"), blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("签收/退回人"),
    )

    class Meta:
        verbose_name = _("备案签收")
        verbose_name_plural = _("备案签收")
        ordering = ["-sent_at", "recipient__position", "id"]
        constraints = [
            # At most one filing a recipient has not returned, per notice.
            models.UniqueConstraint(
                fields=["notice", "recipient"],
                condition=~models.Q(status="returned"),
                name="filing_receipt_one_open_per_recipient",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(remark=""),
                name="filing_receipt_returned_has_remark",
            ),
        ]

    def __str__(self):
        return f"{self.notice} · {self.recipient}"

    @property
    def is_open(self) -> bool:
        """Waiting for the recipient to acknowledge or return it."""
        return self.status == FilingReceiptStatus.SENT

    @property
    def answered_at(self):
        return self.acknowledged_at or self.returned_at
