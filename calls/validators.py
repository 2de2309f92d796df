"""Checks for the numbers applicants type in: credit code, ID number, mobile.

Each validator normalises nothing itself (forms upper-case and strip first) and
raises ValidationError with a Chinese message that says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.dates import local_today

# GB 32100-2015: 统一社会信用代码. 18 characters from this 31-character
# alphabet (no I, O, S, V, Z); the last is a check character over the first 17.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
_CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

# GB 11643-1999: 公民身份号码. 17 digits and an ISO 7064 MOD 11-2 check (0-9 or X).
ID_NUMBER_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_NUMBER_CHECKS = "10X98765432"
_ID_NUMBER_SHAPE = re.compile(r"^\d{17}[0-9X]$")

_MOBILE_SHAPE = re.compile(r"^1[3-9]\d{9}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def id_number_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECKS[total % 11]


def validate_credit_code(value: str) -> None:
    """统一社会信用代码: shape and check character (GB 32100-2015)."""
    value = (value or "").strip().upper()
    if len(value) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，您填写了%(count)s位。"), code="length", params={"count": len(value)}
        )
    if not _CREDIT_CODE_SHAPE.match(value):
        raise ValidationError(
            _(
                "统一社会信用代码格式不正确：只能包含数字和大写字母（不含 I、O、S、V、Z），第3—8位为行政区划码。"
            ),
            code="shape",
        )
    if credit_code_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("统一社会信用代码校验位不正确，请核对营业执照或登记证书。"), code="check_digit"
        )


def id_number_birth_date(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None


def validate_id_number(value: str, *, today: dt.date | None = None) -> None:
    """18-digit 公民身份号码: shape, birth date and check digit (GB 11643-1999)."""
    value = (value or "").strip().upper()
    if len(value) != 18:
        raise ValidationError(
            _("身份证号应为18位，您填写了%(count)s位。"), code="length", params={"count": len(value)}
        )
    if not _ID_NUMBER_SHAPE.match(value):
        raise ValidationError(_("身份证号格式不正确：前17位为数字，最后一位为数字或 X。"), code="shape")
    birth = id_number_birth_date(value)
    if today is None:
        today = local_today()
    if birth is None or birth.year < 1900 or birth > today:
        raise ValidationError(_("身份证号中的出生日期（第7—14位）不是有效日期。"), code="birth_date")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对后重新填写。"), code="check_digit")


def validate_mobile(value: str) -> None:
    """A mainland mobile number: 11 digits starting 13–19."""
    value = (value or "").strip()
    if not _MOBILE_SHAPE.match(value):
        raise ValidationError(_("请填写11位手机号码，以13—19开头，例如 13812345678。"), code="mobile")
