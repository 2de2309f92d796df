"""The admin site: Django's, plus the second factor for staff who set one up (issue 18)."""

from django.contrib import admin

from .security import TwoFactorAdminAuthenticationForm, session_needs_second_factor


class PortalAdminSite(admin.AdminSite):
    login_form = TwoFactorAdminAuthenticationForm
    login_template = "admin/login_two_factor.html"

    def has_permission(self, request):
        """A user with a TOTP device is staff here only once the code was given (not after
        a password-only login elsewhere, e.g. /accounts/login/). Whether the user has a
        device is looked up at login, once per session."""
        if not super().has_permission(request):
            return False
        user = request.user
        return user.is_verified() or not session_needs_second_factor(request)
