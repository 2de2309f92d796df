"""The outbox: one row per (cause, message, recipient address, channel) — issue 17.

The row is the truth; a Celery message is only a nudge sent on commit. A row is
written in the same transaction as the change that causes it
(`messaging.domain.message_queue`), so a message exists exactly when its cause
does, and its unique `key` makes a second write of the same message a no-op.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    WECOM = "wecom", _("企业微信群")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    HELD = "held", _("暂缓发送")  # quiet hours: SMS waits for the morning
    CANCELLED = "cancelled", _("已取消")


class OutboxMessage(models.Model):
    key = models.CharField(_("幂等键"), max_length=255, unique=True)
    code = models.CharField(_("消息类型"), max_length=60, db_index=True)
    channel = models.CharField(_("渠道"), max_length=10, choices=ChannelKind.choices)
    recipient = models.CharField(_("收件人"), max_length=254, db_index=True)
    recipient_name = models.CharField(_("收件人名称"), max_length=100, blank=True)
    subject = models.CharField(_("标题"), max_length=300, blank=True)
    body = models.TextField(_("正文"), blank=True)
    short_body = models.CharField(_("短信文本"), max_length=500, blank=True)
    template_code = models.CharField(_("短信模板编号"), max_length=60, blank=True)
    template_params = models.JSONField(_("短信模板参数"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    # A row in `sending` belongs to the worker that claimed it until then; after it, a
    # worker that died mid-send is presumed dead and the row is claimed again.
    lease_until = models.DateTimeField(_("发送租期至"), null=True, blank=True)
    last_error = models.TextField(_("原因"), blank=True)
    provider_id = models.CharField(_("服务商消息编号"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The partner the message concerns (for the dossier). A plain id, not a foreign key:
    # messaging sits below partners in the import order and must not depend on it.
    partner_id = models.BigIntegerField(_("合伙人"), null=True, blank=True)
    street = models.ForeignKey(
        "portal.Street", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("街道")
    )
    community = models.ForeignKey(
        "portal.Community", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("社区")
    )

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("投递记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["partner_id", "created_at"], name="outbox_partner"),
        ]

    def __str__(self):
        return f"{self.code} → {self.recipient}"


class OptOut(models.Model):
    """An address that asked for no more optional messages (reminders).

    Legally required notices (results, documents requested, objection outcomes,
    agreement terms) are sent regardless; see messaging.catalogue.
    """

    address = models.CharField(_("地址或手机号"), max_length=254, unique=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("退订时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("登记人")
    )

    class Meta:
        verbose_name = _("退订")
        verbose_name_plural = _("退订名单")

    def __str__(self):
        return self.address


class StaffGroup(models.Model):
    """A street's staff WeCom group: staff messages of the street go to its robot."""

    street = models.OneToOneField(
        "portal.Street", on_delete=models.CASCADE, related_name="staff_group", verbose_name=_("街道")
    )
    name = models.CharField(_("群名称"), max_length=100)
    webhook_key = models.CharField(
        _("群机器人 key"), max_length=200, help_text=_("企业微信群机器人 Webhook 地址中的 key。")
    )

    class Meta:
        verbose_name = _("工作群")
        verbose_name_plural = _("工作群（企业微信）")

    def __str__(self):
        return self.name
