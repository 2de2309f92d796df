"""What the two public phone pages share: their cache scopes, the device token and the keyed hashes.

A resident answers without an account. To count one answer per device, the
first answer sets a random device token in a signed cookie (SURVEY_DEVICE_COOKIE,
one year); a phone number, when the resident gives one, identifies the
person across devices. Neither is stored as such: both are kept as HMAC-SHA256
under the site's secret key (`keyed_hash`), which recognises a repeat without
keeping the number (PIPL minimum necessary).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

SURVEY_DEVICE_COOKIE = "survey_device"
SURVEY_DEVICE_SALT = "surveys.device"
SURVEY_DEVICE_MAX_AGE = 366 * 24 * 3600

FEATURE_SCOPE = "surveys:feature"  # bumped when a street turns either piece on or off


def questionnaire_scope(questionnaire_id: int) -> str:
    return f"surveys:questionnaire:{questionnaire_id}"


def satisfaction_scope(street_id: int | None = None) -> str:
    """Every partner's satisfaction page (one scope: evaluations are created once a year)."""
    return "surveys:satisfaction"


def keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 of `value` under the secret key, separate per `kind` ("device", "phone")."""
    key = f"{settings.SECRET_KEY}:surveys:{kind}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def phone_digits(phone: str) -> str:
    """The phone number's digits ('' when none was given)."""
    return re.sub(r"\D", "", phone or "")


def device_token(request) -> tuple[str, bool]:
    """(the device's token, whether it is new): from the signed cookie, else a fresh random one."""
    token = request.get_signed_cookie(SURVEY_DEVICE_COOKIE, default="", salt=SURVEY_DEVICE_SALT)
    if token and re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token):
        return token, False
    return secrets.token_urlsafe(24), True


def remember_device(response, token: str) -> None:
    response.set_signed_cookie(
        SURVEY_DEVICE_COOKIE,
        token,
        salt=SURVEY_DEVICE_SALT,
        max_age=SURVEY_DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=not settings.DEBUG and getattr(settings, "SESSION_COOKIE_SECURE", False),
    )
