from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Organisations, people, roles, the audit trail and the shared plumbing."""

    name = "config"
    label = "portal"
    verbose_name = _("组织与账号")
    default_auto_field = "django.db.models.BigAutoField"
