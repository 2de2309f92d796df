"""What every SMS provider channel checks before it spends a request (issue 17).

Mainland-China SMS providers (Alibaba Cloud, Tencent Cloud) count a message the same way:

- length = the signature as the handset shows it, 【签名】 brackets included, plus the
  rendered template text; every character (Chinese, letter, digit, full- or half-width
  punctuation, space) counts one; a character outside the Basic Multilingual Plane (an
  emoji) counts two, because the text travels as UCS-2/UTF-16;
- up to 70 characters is one segment; a longer message is a "long SMS" billed and split
  into 67-character segments (160 characters → 67 + 67 + 26 = 3 segments);
- a whole message may not exceed 500 characters.

Templates are rendered by the provider, so the channel cannot see the final text unless
the outbox passes it: `OutgoingMessage.short_body` is the outbox's own rendering of the
template with its parameters, and the channel refuses (`PermanentFailure`) a message whose
rendering would need more segments than the channel allows (`max_segments`, default 1)
instead of letting the provider split or reject it. Each template parameter is checked
against the provider's variable limit (`param_max_chars`) and for links, which both
providers reject in variables; a parameter is never cut short.
"""

from __future__ import annotations

import math
import re

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import OutgoingMessage, PermanentFailure

# Refusal reasons both SMS providers report (recorded on the outbox row).
RATE_LIMITED = gettext_lazy("服务商限流，稍后重试")
PROVIDER_ERROR = gettext_lazy("服务商系统错误，稍后重试")
NOT_PAID = gettext_lazy("短信账户欠费或额度不足，充值后重试")
BAD_TEMPLATE = gettext_lazy("短信模板未审核通过、不存在或与参数不符")
BAD_SIGN = gettext_lazy("短信签名未审核通过或不可用")
BAD_NUMBER = gettext_lazy("手机号码无效")
BAD_CREDENTIALS = gettext_lazy("短信服务密钥错误或已停用，请检查配置")
REFUSED = gettext_lazy("服务商拒绝发送")


SINGLE_SEGMENT = 70  # characters in a one-segment SMS, signature included
LONG_SEGMENT = 67  # characters per segment of a long SMS
MAX_LENGTH = 500  # characters in a whole message, signature included

_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")
_LINK = re.compile(r"(?:https?://|www\.)", re.IGNORECASE)


def sms_length(text: str, *, sign_name: str = "") -> int:
    """Characters as the providers count them: 【sign_name】 plus the text, UTF-16 units."""
    shown = f"【{sign_name}】{text}" if sign_name else text
    return len(shown.encode("utf-16-le")) // 2


def sms_segments(length: int) -> int:
    """Segments billed for a message of `length` characters: 70 in one, else 67 each."""
    if length <= 0:
        return 0
    if length <= SINGLE_SEGMENT:
        return 1
    return math.ceil(length / LONG_SEGMENT)


def segment_capacity(segments: int) -> int:
    """The longest message (signature included) that fits in `segments` segments."""
    if segments <= 1:
        return SINGLE_SEGMENT
    return min(segments * LONG_SEGMENT, MAX_LENGTH)


def mainland_mobile(address: str) -> str:
    """The 11-digit mainland mobile number in `address` (+86 / 86 / 0086 and separators allowed).

    A number that fails this check is never sent to: `PermanentFailure`.
    """
    digits = re.sub(r"[\s\-()（）]", "", address or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MAINLAND_MOBILE.fullmatch(digits):
        raise PermanentFailure(
            _("手机号码“%(number)s”不是有效的中国大陆手机号，未发送。") % {"number": address},
            code="invalid-number",
        )
    return digits


def network_error(error: object) -> str:
    """A short description of a network error, without the request URL (it holds the number)."""
    text = str(error)
    found = re.search(
        r"\[Errno -?\d+\][^\"')>]*|timed? ?out|Connection (?:refused|reset|aborted)", text, re.IGNORECASE
    )
    return found.group(0).strip() if found else type(error).__name__


def positive_int_option(options: dict[str, str], name: str, default: int) -> int:
    raw = options.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ImproperlyConfigured(f"SMS channel option {name}={raw!r} must be a positive whole number.")
    return value


def check_sms_fits(
    message: OutgoingMessage, *, sign_name: str, max_segments: int, param_max_chars: int
) -> int:
    """Refuse what the provider would reject or split beyond `max_segments`; return the length.

    The length is that of `short_body` (the rendered template) with the signature, or, when
    the outbox gave no rendering, a lower bound: the signature plus the parameters' values.
    """
    if not message.template_code:
        raise PermanentFailure(
            _("短信必须使用服务商审核通过的模板，这条消息没有模板编号，未发送。"), code="no-template"
        )
    for name, value in message.template_params.items():
        value = str(value)
        if sms_length(value) > param_max_chars:
            raise PermanentFailure(
                _("短信模板参数“%(name)s”有 %(length)s 个字，服务商限 %(limit)s 个字，未发送。")
                % {"name": name, "length": sms_length(value), "limit": param_max_chars},
                code="param-too-long",
            )
        if _LINK.search(value):
            raise PermanentFailure(
                _("短信模板参数“%(name)s”含有链接，服务商不允许，未发送。") % {"name": name},
                code="param-has-link",
            )
    if message.short_body:
        length = sms_length(message.short_body, sign_name=sign_name)
    else:
        length = sms_length("".join(str(v) for v in message.template_params.values()), sign_name=sign_name)
    limit = segment_capacity(max_segments)
    if length > limit:
        raise PermanentFailure(
            _("短信连签名共 %(length)s 个字，超过允许的 %(segments)s 条（%(limit)s 个字），未发送。")
            % {"length": length, "segments": max_segments, "limit": limit},
            code="too-long",
        )
    return length
