from importlib import import_module

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    """The outbox: every message to a person or a group, its channels and its delivery log (issue 17)."""

    name = "messaging"
    verbose_name = _("消息发送")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Each channel module registers its URL schemes when imported (messaging.channels).
        for module in settings.PORTAL_MESSAGE_CHANNEL_MODULES:
            import_module(module)
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from . import dossier, events  # noqa: F401  (dossier section, audit actions)
        from .domain import configured_channels

        # An unknown channel URL stops start-up here, naming the scheme and the known ones.
        configured_channels()
