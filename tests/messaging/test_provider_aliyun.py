"""Alibaba Cloud SMS: the real SDK against a local server that answers as the provider documents."""

import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from messaging.channels import OutgoingMessage, PermanentFailure, Sent, TemporaryFailure, channel_from_url
from messaging.channels.aliyun import AliyunSmsChannel
from tests.messaging.fakes import Answer, FakeAliyun, closed_port

PARAMS = {"name": "张三 & 李四", "ref": "SQ-2026-0042"}


def message(**changes):
    fields = {
        "address": "+86 138-0013-8000",
        "subject": "",
        "body": "",
        "short_body": "张三 & 李四，您的申请 SQ-2026-0042 已受理。",
        "template_code": "SMS_465890123",
        "template_params": PARAMS,
        "reference": "msg-7f3a",
    }
    return OutgoingMessage(**{**fields, **changes})


@pytest.fixture
def fake():
    with FakeAliyun() as server:
        yield server


def test_send_records_the_provider_id(fake):
    sent = channel_from_url(fake.url()).send(message())

    assert sent == Sent(provider_id="9006197469364984^1")


def test_send_carries_number_sign_template_params_and_reference(fake):
    channel_from_url(fake.url()).send(message())

    [request] = fake.requests
    assert request.method == "POST"
    assert request.headers["x-acs-action"] == "SendSms"
    assert request.headers["x-acs-version"] == "2017-05-25"
    assert re.fullmatch(
        r"ACS3-HMAC-SHA256 Credential=LTAI5tTESTKEY,SignedHeaders=[a-z0-9;\-]+,Signature=[0-9a-f]{64}",
        request.headers["authorization"],
    )
    assert {k: v for k, v in request.query.items() if k != "TemplateParam"} == {
        "PhoneNumbers": "13800138000",
        "SignName": "睦邻街道",
        "TemplateCode": "SMS_465890123",
        "OutId": "msg-7f3a",
    }
    assert json.loads(request.query["TemplateParam"]) == PARAMS


def test_invalid_template_is_permanent_with_the_reason(fake):
    fake.script(FakeAliyun.code("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法（不存在或被拉黑）"))

    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url()).send(message())

    assert failed.value.code == "isv.SMS_TEMPLATE_ILLEGAL"
    assert failed.value.reason == (
        "阿里云短信：短信模板未审核通过、不存在或与参数不符（isv.SMS_TEMPLATE_ILLEGAL：模板不合法（不存在或被拉黑））"
    )


def test_rate_limit_is_temporary(fake):
    fake.script(FakeAliyun.code("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5"))

    with pytest.raises(TemporaryFailure) as failed:
        channel_from_url(fake.url()).send(message())

    assert failed.value.code == "isv.BUSINESS_LIMIT_CONTROL"
    assert "服务商限流，稍后重试" in failed.value.reason


def test_api_throttling_answer_is_temporary(fake):
    fake.script(
        Answer(400, {"Code": "Throttling.User", "Message": "Request was denied due to user flow control."})
    )

    with pytest.raises(TemporaryFailure) as failed:
        channel_from_url(fake.url()).send(message())

    assert failed.value.code == "Throttling.User"


def test_wrong_secret_is_refused_by_the_signature_check_and_permanent(fake):
    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url(secret="not-the-secret")).send(message())

    assert failed.value.code == "SignatureDoesNotMatch"
    assert "短信服务密钥错误或已停用，请检查配置" in failed.value.reason


def test_unknown_access_key_is_permanent(fake):
    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url(key="LTAIunknown")).send(message())

    assert failed.value.code == "InvalidAccessKeyId.NotFound"


def test_illegal_sign_name_is_permanent(fake):
    fake.script(FakeAliyun.code("isv.SMS_SIGNATURE_ILLEGAL", "签名不合法（不存在或被拉黑）"))

    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url()).send(message())

    assert failed.value.code == "isv.SMS_SIGNATURE_ILLEGAL"
    assert "短信签名未审核通过或不可用" in failed.value.reason


def test_number_the_provider_refuses_is_permanent(fake):
    fake.script(FakeAliyun.code("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"))

    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url()).send(message())

    assert failed.value.code == "isv.MOBILE_NUMBER_ILLEGAL"


def test_number_that_fails_validation_is_never_sent(fake):
    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url()).send(message(address="12345"))

    assert failed.value.code == "invalid-number"
    assert fake.requests == []


def test_provider_5xx_is_temporary(fake):
    fake.script(
        Answer(
            503,
            {"Code": "ServiceUnavailable", "Message": "The request has failed due to a temporary failure."},
        )
    )

    with pytest.raises(TemporaryFailure) as failed:
        channel_from_url(fake.url()).send(message())

    assert failed.value.code == "ServiceUnavailable"


def test_unknown_business_code_is_permanent_with_its_code(fake):
    fake.script(FakeAliyun.code("isv.SOMETHING_NEW", "新的错误"))

    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url()).send(message())

    assert failed.value.reason == "阿里云短信：服务商拒绝发送（isv.SOMETHING_NEW：新的错误）"


def test_network_refused_is_temporary_and_the_reason_hides_the_number():
    url = f"aliyun-sms://KEY:SECRET@127.0.0.1:{closed_port()}?protocol=http&sign_name=x"

    with pytest.raises(TemporaryFailure) as failed:
        channel_from_url(url).send(message())

    assert failed.value.code == "network"
    assert "Connection refused" in failed.value.reason
    assert "13800138000" not in failed.value.reason


def test_message_one_character_over_a_segment_is_refused_before_sending(fake):
    channel = channel_from_url(fake.url())

    channel.send(message(short_body="字" * 64))  # 【睦邻街道】 + 64 = 70
    with pytest.raises(PermanentFailure) as failed:
        channel.send(message(short_body="字" * 65))  # 71

    assert failed.value.code == "too-long"
    assert len(fake.requests) == 1


def test_long_sms_allowed_by_max_segments(fake):
    channel = channel_from_url(fake.url(max_segments="2"))

    channel.send(message(short_body="字" * 128))  # 134 = 2 × 67
    with pytest.raises(PermanentFailure):
        channel.send(message(short_body="字" * 129))  # 135

    assert len(fake.requests) == 1


def test_template_parameter_over_the_variable_limit_is_refused_not_cut(fake):
    channel = channel_from_url(fake.url())

    channel.send(message(template_params={"name": "字" * 35}, short_body=""))
    with pytest.raises(PermanentFailure) as failed:
        channel.send(message(template_params={"name": "字" * 36}, short_body=""))

    assert failed.value.code == "param-too-long"
    assert [json.loads(r.query["TemplateParam"]) for r in fake.requests] == [{"name": "字" * 35}]


def test_url_parts_become_the_channel_settings():
    channel = channel_from_url(
        "aliyun-sms://LTAI5t:se%2Fcr%2Bet@dysmsapi.aliyuncs.com?sign_name=%E7%9D%A6%E9%82%BB"
        "&max_segments=3&param_max_chars=20"
    )

    assert isinstance(channel, AliyunSmsChannel)
    assert channel.kind == "sms"
    assert (channel.access_key_id, channel.access_key_secret) == ("LTAI5t", "se/cr+et")
    assert (channel.endpoint, channel.protocol, channel.sign_name) == (
        "dysmsapi.aliyuncs.com",
        "https",
        "睦邻",
    )
    assert (channel.max_segments, channel.param_max_chars) == (3, 20)


def test_secret_with_reserved_characters_still_signs(fake):
    fake.access_key_secret = "a/b+c=d&e"

    assert channel_from_url(fake.url()).send(message()).provider_id


@pytest.mark.parametrize(
    "url",
    [
        "aliyun-sms://KEY:SECRET@dysmsapi.aliyuncs.com",  # no sign_name
        "aliyun-sms://KEY@dysmsapi.aliyuncs.com?sign_name=x",  # no secret
        "aliyun-sms://KEY:SECRET@dysmsapi.aliyuncs.com?sign_name=x&protocol=ftp",
        "aliyun-sms://KEY:SECRET@dysmsapi.aliyuncs.com?sign_name=x&max_segments=0",
        "aliyun-sms://KEY:SECRET@dysmsapi.aliyuncs.com?sign_name=x&signature=v1",
    ],
)
def test_incomplete_url_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured):
        channel_from_url(url)


def test_unknown_scheme_names_the_known_ones():
    with pytest.raises(ImproperlyConfigured) as refused:
        channel_from_url("aliyun-mms://KEY:SECRET@dysmsapi.aliyuncs.com")

    assert "'aliyun-mms'" in str(refused.value)
    assert "aliyun-sms" in str(refused.value)


def test_rpc_signature_in_the_query_is_accepted(fake):
    sent = channel_from_url(fake.url(signature="rpc")).send(message())

    [request] = fake.requests
    assert sent.provider_id == "9006197469364984^1"
    assert "authorization" not in request.headers
    assert (request.query["Action"], request.query["Version"]) == ("SendSms", "2017-05-25")
    assert (request.query["AccessKeyId"], request.query["SignatureMethod"]) == ("LTAI5tTESTKEY", "HMAC-SHA1")
    assert request.query["PhoneNumbers"] == "13800138000"
    assert request.query["OutId"] == "msg-7f3a"


def test_rpc_signature_with_a_wrong_secret_is_permanent(fake):
    with pytest.raises(PermanentFailure) as failed:
        channel_from_url(fake.url(signature="rpc", secret="not-the-secret")).send(message())

    assert failed.value.code == "SignatureDoesNotMatch"
