"""Tencent Cloud SMS: the real SDK against a local server that answers as the provider documents."""

import json
import re
import urllib.request

import pytest
from django.core.exceptions import ImproperlyConfigured

from messaging.channels import OutgoingMessage, PermanentFailure, Sent, TemporaryFailure, channel_from_url
from messaging.channels.tencent import TencentSmsChannel, ordered_params
from tests.messaging.fakes import Answer, FakeTencent, closed_port


def message(**changes):
    fields = {
        "address": "13800138000",
        "subject": "",
        "body": "",
        "short_body": "您的路演定于周三下午，地点社区活动室。",
        "template_code": "2214567",
        "template_params": {"2": "社区活动室", "1": "周三下午"},
        "reference": "msg-91c2",
    }
    return OutgoingMessage(**{**fields, **changes})


@pytest.fixture
def fake():
    with FakeTencent() as server:
        yield server


def test_send_records_the_serial_number(fake):
    sent = channel_from_url(fake.url(param_max_chars="12")).send(message())

    assert sent == Sent(provider_id="2028:18000")


def test_send_carries_app_sign_template_params_number_and_reference(fake):
    channel_from_url(fake.url(param_max_chars="12")).send(message())

    [request] = fake.requests
    assert request.headers["x-tc-action"] == "SendSms"
    assert request.headers["x-tc-version"] == "2021-01-11"
    assert request.headers["x-tc-region"] == "ap-guangzhou"
    assert re.fullmatch(
        r"TC3-HMAC-SHA256 Credential=AKIDTESTSECRETID/\d{4}-\d{2}-\d{2}/sms/tc3_request, "
        r"SignedHeaders=content-type;host, Signature=[0-9a-f]{64}",
        request.headers["authorization"],
    )
    assert request.json == {
        "SmsSdkAppId": "1400006666",
        "SignName": "睦邻街道",
        "TemplateId": "2214567",
        "TemplateParamSet": ["周三下午", "社区活动室"],
        "PhoneNumberSet": ["+8613800138000"],
        "SessionContext": "msg-91c2",
    }


def test_invalid_template_is_permanent_with_the_reason(fake):
    fake.status("FailedOperation.TemplateIncorrectOrUnapproved", "template is not approved or not exist")

    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url(param_max_chars="12")).send(message())

    assert failed.value.code == "FailedOperation.TemplateIncorrectOrUnapproved"
    assert failed.value.reason == (
        "腾讯云短信：短信模板未审核通过、不存在或与参数不符"
        "（FailedOperation.TemplateIncorrectOrUnapproved：template is not approved or not exist）"
    )


@pytest.mark.parametrize(
    "code", ["LimitExceeded.PhoneNumberThirtySecondLimit", "LimitExceeded.PhoneNumberDailyLimit"]
)
def test_number_rate_limit_is_temporary(fake, code):
    fake.status(code, "limit exceeded")

    with pytest.raises(TemporaryFailure) as failed:
        channel_from_url(fake.url(param_max_chars="12")).send(message())

    assert failed.value.code == code
    assert "服务商限流，稍后重试" in failed.value.reason


def test_request_rate_limit_error_is_temporary(fake):
    fake.script(FakeTencent.error("RequestLimitExceeded", "Your current request times exceeds the limit."))

    with pytest.raises(TemporaryFailure) as failed:
        channel_from_url(fake.url(param_max_chars="12")).send(message())

    assert failed.value.code == "RequestLimitExceeded"


def test_wrong_secret_key_fails_the_signature_check_and_is_permanent(fake):
    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url(secret="not-the-key", param_max_chars="12")).send(message())

    assert failed.value.code == "AuthFailure.SignatureFailure"
    assert "短信服务密钥错误或已停用，请检查配置" in failed.value.reason


def test_fake_answers_a_malformed_authorization_as_the_provider_does(fake):
    request = urllib.request.Request(
        f"http://{fake.endpoint}/",
        data=b"{}",
        headers={"Content-Type": "application/json", "Authorization": "TC3-HMAC-SHA256 nonsense"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        answer = json.loads(response.read())

    assert answer["Response"]["Error"]["Code"] == "AuthFailure.InvalidAuthorization"


def test_incorrect_phone_number_from_the_provider_is_permanent(fake):
    fake.status("InvalidParameterValue.IncorrectPhoneNumber", "incorrect phone number")

    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url(param_max_chars="12")).send(message())

    assert failed.value.code == "InvalidParameterValue.IncorrectPhoneNumber"
    assert "手机号码无效" in failed.value.reason


def test_number_that_fails_validation_is_never_sent(fake):
    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url(param_max_chars="12")).send(message(address="+1 415 555 0100"))

    assert failed.value.code == "invalid-number"
    assert fake.requests == []


def test_unapproved_sign_name_is_permanent(fake):
    fake.status("FailedOperation.SignatureIncorrectOrUnapproved", "signature is not approved")

    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url(param_max_chars="12")).send(message())

    assert "短信签名未审核通过或不可用" in failed.value.reason


def test_internal_error_is_temporary(fake):
    fake.script(FakeTencent.error("InternalError", "内部错误。"))

    with pytest.raises(TemporaryFailure):
        channel_from_url(fake.url(param_max_chars="12")).send(message())


def test_http_5xx_is_temporary(fake):
    fake.script(Answer(502, {"message": "bad gateway"}))

    with pytest.raises(TemporaryFailure) as failed:
        channel_from_url(fake.url(param_max_chars="12")).send(message())

    assert failed.value.code == "ServerNetworkError"


def test_network_refused_is_temporary():
    url = f"tencent-sms://ID:KEY@127.0.0.1:{closed_port()}?protocol=http&app_id=1400006666&sign_name=x"

    with pytest.raises(TemporaryFailure) as failed:
        channel_from_url(url).send(message(template_params={"1": "周三"}, short_body=""))

    assert failed.value.code == "ClientNetworkError"
    assert (
        failed.value.reason
        == "腾讯云短信：连接服务商失败，稍后重试（ClientNetworkError：[Errno 111] Connection refused）"
    )


def test_parameter_at_the_default_six_character_limit_is_sent_one_over_refused(fake):
    channel = channel_from_url(fake.url())

    channel.send(message(template_params={"1": "字" * 6}, short_body=""))
    with pytest.raises(PermanentFailure) as failed:
        channel.send(message(template_params={"1": "字" * 7}, short_body=""))

    assert failed.value.code == "param-too-long"
    assert [r.json["TemplateParamSet"] for r in fake.requests] == [["字" * 6]]


def test_rendered_message_over_one_segment_is_refused_before_sending(fake):
    channel = channel_from_url(fake.url(param_max_chars="12"))

    channel.send(message(short_body="字" * 64))
    with pytest.raises(PermanentFailure) as failed:
        channel.send(message(short_body="字" * 65))

    assert failed.value.code == "too-long"
    assert len(fake.requests) == 1


def test_ordered_params_follow_the_template_numbers():
    assert ordered_params({"10": "j", "2": "b", "1": "a"}) == ["a", "b", "j"]
    assert ordered_params({"name": "张三", "time": "周三"}) == ["张三", "周三"]
    assert ordered_params({}) == []


def test_url_parts_become_the_channel_settings():
    channel = channel_from_url(
        "tencent-sms://AKIDx:k%2Fy@sms.tencentcloudapi.com?app_id=1400000001"
        "&sign_name=%E7%9D%A6%E9%82%BB&region=ap-beijing&max_segments=2&timeout=3"
    )

    assert isinstance(channel, TencentSmsChannel)
    assert channel.kind == "sms"
    assert (channel.secret_id, channel.secret_key, channel.endpoint) == (
        "AKIDx",
        "k/y",
        "sms.tencentcloudapi.com",
    )
    assert (channel.app_id, channel.sign_name, channel.region) == ("1400000001", "睦邻", "ap-beijing")
    assert (channel.protocol, channel.max_segments, channel.param_max_chars, channel.timeout) == (
        "https",
        2,
        6,
        3,
    )


@pytest.mark.parametrize(
    "url",
    [
        "tencent-sms://ID:KEY@sms.tencentcloudapi.com?sign_name=x",  # no app_id
        "tencent-sms://ID:KEY@sms.tencentcloudapi.com?app_id=1",  # no sign_name
        "tencent-sms://ID@sms.tencentcloudapi.com?app_id=1&sign_name=x",  # no key
        "tencent-sms://ID:KEY@sms.tencentcloudapi.com?app_id=1&sign_name=x&protocol=gopher",
        "tencent-sms://ID:KEY@sms.tencentcloudapi.com?app_id=1&sign_name=x&param_max_chars=many",
    ],
)
def test_incomplete_url_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured):
        channel_from_url(url)


def test_unknown_scheme_is_improperly_configured():
    with pytest.raises(ImproperlyConfigured) as refused:
        channel_from_url("tencent://ID:KEY@sms.tencentcloudapi.com")

    assert "tencent-sms" in str(refused.value)
