"""Login protection (issue 18): who counts as one client for lockouts, who may set up
two-factor, and the admin login that asks for the code once it is set up."""

from __future__ import annotations

import base64
import time

import segno
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .domain import audit_log

# Who sees applicants' ID numbers unmasked: whoever may open an application in the admin
# (its change form shows the number in full). The permission is the calls app's; the
# foundation names it without importing the app.
SEES_ID_NUMBERS = "calls.view_application"


def client_ip(request) -> str | None:
    """The address lockouts count by: the same one the rate limits use (RATELIMIT_IP_META_KEY)."""
    return request.META.get(settings.RATELIMIT_IP_META_KEY) or request.META.get("REMOTE_ADDR")


def may_use_two_factor(user) -> bool:
    """Staff who can see ID numbers may (and are advised to) protect their login with TOTP."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_perm(SEES_ID_NUMBERS)))


def needs_second_factor(user) -> bool:
    """The user has a confirmed TOTP device, so a password alone no longer logs them in."""
    return bool(user and user.is_authenticated and user_has_device(user, confirmed=True))


class TwoFactorAdminAuthenticationForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin login: user name and password, then the 6-digit code for users who set one up."""

    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("动态验证码"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("已开启双重验证的账号，请填写验证器应用中显示的 6 位数字。"),
    )
    otp_challenge = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_error_messages = OTPAuthenticationFormMixin.otp_error_messages | {
        "device_required": _("该账号已开启双重验证，请填写动态验证码。"),
        "token_required": _("该账号已开启双重验证，请填写动态验证码。"),
        "challenge_exception": _("无法发送验证码，请使用验证器应用。"),
        "not_interactive": _("无法发送验证码，请使用验证器应用。"),
        "challenge_message": _("请填写验证器应用中显示的动态验证码。"),
        "invalid_token": _("动态验证码不正确或已过期，请重新输入。"),
        "n_failed_attempts": _("动态验证码错误次数过多，请稍后再试。"),
        "verification_not_allowed": _("暂时不能验证，请稍后再试。"),
    }

    def clean(self):
        cleaned = super().clean()  # the password (and axes' lockout) first
        user = self.get_user()
        if needs_second_factor(user):
            self.clean_otp(user)
        return cleaned

    def _chosen_device(self, user):
        # One confirmed TOTP device per user: the code is checked against it, never a posted id.
        return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()

    def _update_form(self, user):
        # django-otp would turn otp_device into a select of the user's devices; one TOTP device is enough.
        pass


# --- Staff sessions end after STAFF_SESSION_IDLE_SECONDS idle -----------------------------

SEEN_KEY = "_staff_seen_at"


def _is_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and (user.is_staff or user.is_superuser))


def staff_session_touch(request, *, force: bool = False) -> None:
    """Move a staff session's expiry to STAFF_SESSION_IDLE_SECONDS from now (at most once a minute)."""
    now = int(time.time())
    seen = request.session.get(SEEN_KEY)
    if force or seen is None or now - seen >= settings.STAFF_SESSION_TOUCH_SECONDS:
        request.session[SEEN_KEY] = now
        request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)


def staff_session_start(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: a staff session is short from its first request on, and
    remembers whether the user needs the second factor (so the admin asks no query per page)."""
    if request is not None and hasattr(request, "session") and _is_staff(user):
        staff_session_touch(request, force=True)
        request.session[TWO_FACTOR_KEY] = needs_second_factor(user)


TWO_FACTOR_KEY = "_two_factor_required"


def session_needs_second_factor(request) -> bool:
    """needs_second_factor for the logged-in user, looked up once per session."""
    if TWO_FACTOR_KEY not in request.session:
        request.session[TWO_FACTOR_KEY] = needs_second_factor(request.user)
    return request.session[TWO_FACTOR_KEY]


# --- Setting up and turning off the second factor ----------------------------------------


def totp_device_for_setup(user) -> TOTPDevice:
    """The user's unconfirmed TOTP device (made on first visit), whose QR code the setup page shows."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=str(_("验证器")), confirmed=False)


def two_factor_enable(*, request, device: TOTPDevice, token: str) -> None:
    """Confirm the device with a first correct code; this session counts as verified."""
    if not device.verify_token(token):
        raise ValidationError({"token": _("动态验证码不正确或已过期，请重新输入。")})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit_log(subject=request.user, action="portal.two_factor.enabled", actor=request.user)


def two_factor_disable(*, user, token: str) -> None:
    """Turn the second factor off; it takes a correct code from the device being removed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(token):
        raise ValidationError({"token": _("动态验证码不正确或已过期，请重新输入。")})
    TOTPDevice.objects.filter(user=user).delete()
    audit_log(subject=user, action="portal.two_factor.disabled", actor=user)


def totp_secret(device: TOTPDevice) -> str:
    """The key in base 32, for typing into an app that cannot scan."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def totp_qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as an SVG QR code in a data: URI (the CSP allows data: images)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
