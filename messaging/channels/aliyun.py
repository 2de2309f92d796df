"""Alibaba Cloud SMS (阿里云短信服务) through the official SDK `alibabacloud-dysmsapi20170525`.

Configured by URL (`SMS_URL`)::

    aliyun-sms://ACCESS_KEY_ID:ACCESS_KEY_SECRET@dysmsapi.aliyuncs.com?sign_name=某某街道

Options (query string): `sign_name` (required, without 【】), `protocol` (`https`, or `http`
for a local test server), `signature` (`v3`, the default: ACS3-HMAC-SHA256
in the Authorization header; `rpc`: the older RPC signature, HMAC-SHA1 in the query's
`Signature` parameter, for gateways that only take that), `max_segments` (segments a message may take, default 1 = 70
characters with the signature), `param_max_chars` (the provider's limit on one template
variable, default 35), `connect_timeout` / `read_timeout` (milliseconds, default 5000 /
10000). Credentials and sign name with non-ASCII characters are percent-encoded in the URL.

One `SendSms` call per message: `PhoneNumbers` (one 11-digit mainland number),
`SignName`, `TemplateCode`, `TemplateParam` (the parameters as a JSON object) and
`OutId` = the outbox reference, which the provider echoes in its delivery receipts. The
answer's `BizId` is recorded as the provider id. The SDK tries once (no retry options):
the outbox owns retries.

The answers, as the provider documents them (API 错误码): business refusals come back as
HTTP 200 with `Code` other than "OK" (`isv.*`, `isp.*`); refusals of the request itself as
HTTP 4xx with a JSON `Code` (`SignatureDoesNotMatch`, `InvalidAccessKeyId.NotFound`,
`Throttling.User`, …), which the SDK raises as `ClientException` / `ThrottlingException`;
5xx as `ServerException`; no answer at all as `UnretryableException` wrapping the network
error.
"""

from __future__ import annotations

import json

from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_dysmsapi20170525.models import SendSmsRequest
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import DaraException, UnretryableException
from darabonba.runtime import RuntimeOptions
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from . import Channel, OutgoingMessage, PermanentFailure, Sent, TemporaryFailure, channel_scheme
from .sms_common import (
    BAD_CREDENTIALS,
    BAD_NUMBER,
    BAD_SIGN,
    BAD_TEMPLATE,
    NOT_PAID,
    PROVIDER_ERROR,
    RATE_LIMITED,
    REFUSED,
    check_sms_fits,
    mainland_mobile,
    network_error,
    positive_int_option,
)

PARAM_MAX_CHARS = 35  # 阿里云: 模板变量（非验证码）每个变量不超过 35 个字符


# Codes whose failure clears by itself (or once the street pays): retried with backoff.
TEMPORARY_CODES = {
    "isv.BUSINESS_LIMIT_CONTROL": RATE_LIMITED,
    "isv.DAY_LIMIT_CONTROL": RATE_LIMITED,
    "isv.MONTH_LIMIT_CONTROL": RATE_LIMITED,
    "Throttling": RATE_LIMITED,
    "Throttling.User": RATE_LIMITED,
    "Throttling.Api": RATE_LIMITED,
    "SignatureNonceUsed": PROVIDER_ERROR,
    "isp.SYSTEM_ERROR": PROVIDER_ERROR,
    "isv.SYSTEM_ERROR": PROVIDER_ERROR,
    "InternalError": PROVIDER_ERROR,
    "ServiceUnavailable": PROVIDER_ERROR,
    "isv.OUT_OF_SERVICE": NOT_PAID,
    "isv.AMOUNT_NOT_ENOUGH": NOT_PAID,
}
# Codes that retrying cannot fix; anything not listed in either table is permanent too.
PERMANENT_CODES = {
    "isv.SMS_TEMPLATE_ILLEGAL": BAD_TEMPLATE,
    "isv.TEMPLATE_MISSING_PARAMETERS": BAD_TEMPLATE,
    "isv.TEMPLATE_PARAMS_ILLEGAL": BAD_TEMPLATE,
    "isv.INVALID_JSON_PARAM": BAD_TEMPLATE,
    "isv.PARAM_LENGTH_LIMIT": BAD_TEMPLATE,
    "isv.PARAM_NOT_SUPPORT_URL": BAD_TEMPLATE,
    "isv.SMS_SIGNATURE_ILLEGAL": BAD_SIGN,
    "isv.SMS_SIGN_ILLEGAL": BAD_SIGN,
    "isv.SIGN_STATE_ILLEGAL": BAD_SIGN,
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": BAD_SIGN,
    "isv.MOBILE_NUMBER_ILLEGAL": BAD_NUMBER,
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": BAD_NUMBER,
    "isv.BLACK_KEY_CONTROL_LIMIT": BAD_NUMBER,
    "SignatureDoesNotMatch": BAD_CREDENTIALS,
    "IncompleteSignature": BAD_CREDENTIALS,
    "InvalidAccessKeyId.NotFound": BAD_CREDENTIALS,
    "InvalidAccessKeyId.Inactive": BAD_CREDENTIALS,
    "isp.RAM_PERMISSION_DENY": BAD_CREDENTIALS,
    "isv.ACCOUNT_NOT_EXISTS": BAD_CREDENTIALS,
}


def aliyun_failure(code: str, detail: str, *, status: int | None = None):
    """The `TemporaryFailure` or `PermanentFailure` for one of the provider's error codes."""
    if code in TEMPORARY_CODES:
        cls, what = TemporaryFailure, TEMPORARY_CODES[code]
    elif code in PERMANENT_CODES:
        cls, what = PermanentFailure, PERMANENT_CODES[code]
    elif status is not None and status >= 500:
        cls, what = TemporaryFailure, PROVIDER_ERROR
    else:
        cls, what = PermanentFailure, REFUSED
    reason = _("阿里云短信：%(what)s（%(code)s：%(detail)s）") % {
        "what": what,
        "code": code,
        "detail": detail,
    }
    return cls(reason, code=code)


@channel_scheme("aliyun-sms")
class AliyunSmsChannel(Channel):
    kind = "sms"

    def __init__(self, url: str, *, options: dict[str, str]):
        super().__init__(url, options=options)
        self.access_key_id = options["user"]
        self.access_key_secret = options["password"]
        self.endpoint = options["host"] + (f":{options['port']}" if options["port"] else "")
        self.sign_name = options.get("sign_name", "")
        self.protocol = options.get("protocol", "https").lower()
        if not (self.access_key_id and self.access_key_secret and options["host"] and self.sign_name):
            raise ImproperlyConfigured(
                "aliyun-sms URL needs ACCESS_KEY_ID:ACCESS_KEY_SECRET@ENDPOINT and ?sign_name=…, "
                "e.g. aliyun-sms://KEY:SECRET@dysmsapi.aliyuncs.com?sign_name=%E6%9F%90%E8%A1%97%E9%81%93"
            )
        if self.protocol not in ("http", "https"):
            raise ImproperlyConfigured(f"aliyun-sms protocol must be http or https, not {self.protocol!r}.")
        self.signature = options.get("signature", "v3").lower()
        if self.signature not in ("v3", "rpc"):
            raise ImproperlyConfigured(f"aliyun-sms signature must be v3 or rpc, not {self.signature!r}.")
        self.max_segments = positive_int_option(options, "max_segments", 1)
        self.param_max_chars = positive_int_option(options, "param_max_chars", PARAM_MAX_CHARS)
        self.connect_timeout = positive_int_option(options, "connect_timeout", 5000)
        self.read_timeout = positive_int_option(options, "read_timeout", 10000)

    def client(self) -> Client:
        return Client(
            Config(
                access_key_id=self.access_key_id,
                access_key_secret=self.access_key_secret,
                endpoint=self.endpoint,
                protocol=self.protocol,
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                signature_algorithm="v2" if self.signature == "rpc" else None,  # the SDK's name for RPC
            )
        )

    def send(self, message: OutgoingMessage) -> Sent:
        number = mainland_mobile(message.address)
        check_sms_fits(
            message,
            sign_name=self.sign_name,
            max_segments=self.max_segments,
            param_max_chars=self.param_max_chars,
        )
        request = SendSmsRequest(
            phone_numbers=number,
            sign_name=self.sign_name,
            template_code=message.template_code,
            template_param=(
                json.dumps({k: str(v) for k, v in message.template_params.items()}, ensure_ascii=False)
                if message.template_params
                else None
            ),
            out_id=message.reference or None,
        )
        try:
            response = self.client().send_sms_with_options(request, RuntimeOptions())
        except UnretryableException as error:  # no HTTP answer: refused, reset, timed out
            raise TemporaryFailure(
                _("阿里云短信：连接服务商失败，稍后重试（%(error)s）")
                % {"error": network_error(error.inner_exception)},
                code="network",
            )
        except DaraException as error:  # an HTTP 4xx/5xx answer with the provider's Code
            status = getattr(error, "status_code", None)
            raise aliyun_failure(str(error.code), str(error.message), status=status)
        body = response.body
        if body.code != "OK":
            raise aliyun_failure(str(body.code), str(body.message or ""))
        return Sent(provider_id=body.biz_id or "")
