"""Tencent Cloud SMS (腾讯云短信) through the official SDK `tencentcloud-sdk-python-sms`.

Configured by URL (`SMS_URL`)::

    tencent-sms://SECRET_ID:SECRET_KEY@sms.tencentcloudapi.com?app_id=1400000000&sign_name=某某街道&region=ap-guangzhou

Options (query string): `app_id` (the SmsSdkAppId, required), `sign_name` (required, without
【】), `region` (default `ap-guangzhou`), `protocol` (`https`, or `http` for a local test
server), `max_segments` (default 1 = 70 characters with the signature), `param_max_chars`
(the provider's limit on one template variable; Tencent documents 6 characters by default
for accounts opened since 2024-01-25 and shows each account's own limit in its console:
set it to that), `timeout` (seconds, default 10).

One `SendSms` call (API 2021-01-11) per message: `SmsSdkAppId`, `SignName`, `TemplateId`,
`TemplateParamSet`, `PhoneNumberSet` (one number, E.164 `+86…`) and `SessionContext` = the
outbox reference, echoed in the provider's receipts. Tencent templates number their
variables {1}, {2}, …: `template_params` keys "1", "2", … are sent in numeric order (other
keys in the order given). The number's `SerialNo` is recorded as the provider id.

The answers, as the provider documents them: every answer is HTTP 200 JSON `{"Response":
…}`; a refused request has `Response.Error` (`AuthFailure.SignatureFailure`,
`RequestLimitExceeded`, `InternalError`, …), which the SDK raises as
`TencentCloudSDKException(code, message)`; an accepted request has one `SendStatusSet`
entry per number whose `Code` is "Ok" or the refusal (`FailedOperation.*`,
`LimitExceeded.*`, `InvalidParameterValue.*`). A non-200 answer is the SDK's
"ServerNetworkError", no answer its "ClientNetworkError".
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import SendSmsRequest
from tencentcloud.sms.v20210111.sms_client import SmsClient

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

PARAM_MAX_CHARS = 6  # 腾讯云: 单个模板变量默认最长 6 个字符（以控制台显示为准）

NETWORK = gettext_lazy("连接服务商失败，稍后重试")

TEMPORARY_CODES = {
    "ClientNetworkError": NETWORK,
    "ServerNetworkError": NETWORK,
    "RequestLimitExceeded": RATE_LIMITED,
    "LimitExceeded.PhoneNumberThirtySecondLimit": RATE_LIMITED,
    "LimitExceeded.PhoneNumberOneHourLimit": RATE_LIMITED,
    "LimitExceeded.PhoneNumberDailyLimit": RATE_LIMITED,
    "LimitExceeded.PhoneNumberSameContentDailyLimit": RATE_LIMITED,
    "LimitExceeded.DeliveryFrequencyLimit": RATE_LIMITED,
    "LimitExceeded.AppDailyLimit": RATE_LIMITED,
    "LimitExceeded.AppMainlandChinaDailyLimit": RATE_LIMITED,
    "LimitExceeded.DailyLimit": RATE_LIMITED,
    "InternalError": PROVIDER_ERROR,
    "InternalError.OtherError": PROVIDER_ERROR,
    "InternalError.SendAndRecvFail": PROVIDER_ERROR,
    "InternalError.Timeout": PROVIDER_ERROR,
    "InternalError.UnknownError": PROVIDER_ERROR,
    "InternalError.ParseBackendResponseFail": PROVIDER_ERROR,
    "ResourceUnavailable": PROVIDER_ERROR,
    "FailedOperation.InsufficientBalanceInSmsPackage": NOT_PAID,
    "UnauthorizedOperation.ServiceSuspendDueToArrears": NOT_PAID,
}
TEMPORARY_PREFIXES = ("RequestLimitExceeded.",)
PERMANENT_CODES = {
    "FailedOperation.TemplateIncorrectOrUnapproved": BAD_TEMPLATE,
    "FailedOperation.TemplateParamSetNotMatchApprovedTemplate": BAD_TEMPLATE,
    "FailedOperation.TemplateUnapprovedOrNotExist": BAD_TEMPLATE,
    "FailedOperation.MissingTemplateList": BAD_TEMPLATE,
    "InvalidParameterValue.TemplateParameterFormatError": BAD_TEMPLATE,
    "InvalidParameterValue.TemplateParameterLengthLimit": BAD_TEMPLATE,
    "InvalidParameterValue.ProhibitedUseUrlInTemplateParameter": BAD_TEMPLATE,
    "InvalidParameterValue.ContentLengthLimit": BAD_TEMPLATE,
    "FailedOperation.SignatureIncorrectOrUnapproved": BAD_SIGN,
    "FailedOperation.MissingSignatureList": BAD_SIGN,
    "InvalidParameterValue.IncorrectPhoneNumber": BAD_NUMBER,
    "FailedOperation.PhoneNumberParseFail": BAD_NUMBER,
    "FailedOperation.PhoneNumberInBlacklist": BAD_NUMBER,
    "UnsupportedOperation.ChineseMainlandTemplateToGlobalPhone": BAD_NUMBER,
    "AuthFailure.SignatureFailure": BAD_CREDENTIALS,
    "AuthFailure.SecretIdNotFound": BAD_CREDENTIALS,
    "AuthFailure.InvalidSecretId": BAD_CREDENTIALS,
    "AuthFailure.InvalidAuthorization": BAD_CREDENTIALS,
    "AuthFailure.UnauthorizedOperation": BAD_CREDENTIALS,
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": BAD_CREDENTIALS,
    "InvalidParameterValue.SdkAppIdNotExist": BAD_CREDENTIALS,
}


def tencent_failure(code: str, detail: str):
    """The `TemporaryFailure` or `PermanentFailure` for one of the provider's error codes."""
    if code in TEMPORARY_CODES:
        cls, what = TemporaryFailure, TEMPORARY_CODES[code]
    elif code.startswith(TEMPORARY_PREFIXES):
        cls, what = TemporaryFailure, RATE_LIMITED
    elif code in PERMANENT_CODES:
        cls, what = PermanentFailure, PERMANENT_CODES[code]
    else:
        cls, what = PermanentFailure, REFUSED
    reason = _("腾讯云短信：%(what)s（%(code)s：%(detail)s）") % {
        "what": what,
        "code": code,
        "detail": detail,
    }
    return cls(reason, code=code)


def ordered_params(params: dict[str, str]) -> list[str]:
    """Template variables in the order of the template's {1}, {2}, … placeholders."""
    if params and all(key.isdigit() for key in params):
        return [str(params[key]) for key in sorted(params, key=int)]
    return [str(value) for value in params.values()]


@channel_scheme("tencent-sms")
class TencentSmsChannel(Channel):
    kind = "sms"

    def __init__(self, url: str, *, options: dict[str, str]):
        super().__init__(url, options=options)
        self.secret_id = options["user"]
        self.secret_key = options["password"]
        self.endpoint = options["host"] + (f":{options['port']}" if options["port"] else "")
        self.app_id = options.get("app_id", "")
        self.sign_name = options.get("sign_name", "")
        self.region = options.get("region", "ap-guangzhou")
        self.protocol = options.get("protocol", "https").lower()
        if not (self.secret_id and self.secret_key and options["host"] and self.app_id and self.sign_name):
            raise ImproperlyConfigured(
                "tencent-sms URL needs SECRET_ID:SECRET_KEY@ENDPOINT, ?app_id=… and &sign_name=…, "
                "e.g. tencent-sms://ID:KEY@sms.tencentcloudapi.com?app_id=1400000000&sign_name=%E6%9F%90"
            )
        if self.protocol not in ("http", "https"):
            raise ImproperlyConfigured(f"tencent-sms protocol must be http or https, not {self.protocol!r}.")
        self.max_segments = positive_int_option(options, "max_segments", 1)
        self.param_max_chars = positive_int_option(options, "param_max_chars", PARAM_MAX_CHARS)
        self.timeout = positive_int_option(options, "timeout", 10)

    def client(self) -> SmsClient:
        http_profile = HttpProfile(protocol=self.protocol, endpoint=self.endpoint, reqTimeout=self.timeout)
        return SmsClient(
            Credential(self.secret_id, self.secret_key), self.region, ClientProfile(httpProfile=http_profile)
        )

    def send(self, message: OutgoingMessage) -> Sent:
        number = "+86" + mainland_mobile(message.address)
        check_sms_fits(
            message,
            sign_name=self.sign_name,
            max_segments=self.max_segments,
            param_max_chars=self.param_max_chars,
        )
        request = SendSmsRequest()
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = message.template_code
        request.TemplateParamSet = ordered_params(message.template_params)
        request.PhoneNumberSet = [number]
        request.SessionContext = message.reference
        try:
            response = self.client().SendSms(request)
        except TencentCloudSDKException as error:
            code = str(error.get_code() or "")
            detail = str(error.get_message() or "")
            if code in ("ClientNetworkError", "ServerNetworkError"):
                detail = network_error(detail) if code == "ClientNetworkError" else detail[:200]
            raise tencent_failure(code, detail)
        statuses = response.SendStatusSet or []
        if not statuses:
            raise TemporaryFailure(_("腾讯云短信：服务商没有返回发送状态，稍后重试"), code="no-status")
        status = statuses[0]
        if status.Code != "Ok":
            raise tencent_failure(str(status.Code), str(status.Message or ""))
        return Sent(provider_id=status.SerialNo or "")
