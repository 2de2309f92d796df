from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Organisations, people, roles, the audit trail and the shared plumbing."""

    name = "portal"
    label = "portal"
    verbose_name = _("组织与账号")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # deferred: ready() runs once the app registry is populated; models/receivers load here
        from .admin_menu import connect_signals as connect_admin_menu_signals
        from .db import install_append_only_triggers
        from .events import register_portal_events
        from .security import staff_session_start
        from .uploads import configure_pillow

        register_portal_events()
        configure_pillow()
        connect_admin_menu_signals()

        user_logged_in.connect(staff_session_start, dispatch_uid="portal-staff-session")
        post_migrate.connect(install_append_only_triggers, sender=self, dispatch_uid="portal-append-only")


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site: the TOTP code is asked of users who set it up,
    the desk is its home and the menu follows the flow."""

    default_site = "portal.admin_site.PortalAdminSite"
