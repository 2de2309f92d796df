"""The audit actions of the outbox (portal.events)."""

from django.utils.translation import gettext_lazy as _

from portal.events import register_events

from .models import MessageStatus

register_events(
    {
        "messaging.message.retried": _("重新发送消息"),
        "messaging.message.cancelled": _("取消发送消息"),
    },
    states=MessageStatus,
)
