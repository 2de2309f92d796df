from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """The outbox: every message to a person or a group, its channels and its delivery log (issue 17)."""

    name = "messaging"
    verbose_name = _("消息发送")
    default_auto_field = "django.db.models.BigAutoField"
