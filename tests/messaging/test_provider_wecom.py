"""WeCom group robot: the channel against a local server that answers as the webhook documents."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from messaging.channels import OutgoingMessage, PermanentFailure, Sent, TemporaryFailure, channel_from_url
from messaging.channels.wecom import WeComChannel, truncate_bytes
from tests.messaging.fakes import Answer, FakeWeCom, closed_port

DEFAULT = "693a91f6-7aaa-4bc4-97a0-0ec2a1fa5aaa"
JIEDAO = "5c0d1e2f-0000-4bc4-97a0-0ec2a1fa5bbb"
NOTE = "\n……（内容过长，已截断；全文请登录门户查看）"


def message(**changes):
    fields = {"address": "", "subject": "今日待办", "body": "- 3 份申请待初审\n- 1 份服务日志待退回"}
    return OutgoingMessage(**{**fields, **changes})


@pytest.fixture
def fake():
    with FakeWeCom(DEFAULT, JIEDAO) as server:
        yield server


@pytest.fixture
def channel(fake):
    return channel_from_url(fake.url(DEFAULT, **{"group.jiedao": JIEDAO}))


def test_send_posts_markdown_to_the_default_group(fake, channel):
    assert channel.send(message()) == Sent(provider_id="")

    [request] = fake.requests
    assert (request.method, request.path, request.query) == (
        "POST",
        "/cgi-bin/webhook/send",
        {"key": DEFAULT},
    )
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    assert request.json == {
        "msgtype": "markdown",
        "markdown": {"content": "**今日待办**\n\n- 3 份申请待初审\n- 1 份服务日志待退回"},
    }


def test_text_msgtype(fake):
    channel_from_url(fake.url(DEFAULT, msgtype="text")).send(message())

    assert fake.sent == [
        {"msgtype": "text", "text": {"content": "今日待办\n\n- 3 份申请待初审\n- 1 份服务日志待退回"}}
    ]


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("", DEFAULT),
        ("default", DEFAULT),
        ("jiedao", JIEDAO),
        (f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={JIEDAO}", JIEDAO),
        (JIEDAO, JIEDAO),
    ],
)
def test_address_maps_to_a_group_key(fake, channel, address, key):
    channel.send(message(address=address))

    assert fake.requests[-1].query == {"key": key}


def test_address_naming_no_group_is_refused_and_not_sent(fake, channel):
    with pytest.raises(PermanentFailure) as failed:
        channel.send(message(address="社区群"))

    assert failed.value.code == "unknown-group"
    assert failed.value.reason == "企业微信群“社区群”没有配置机器人地址，未发送。"
    assert fake.requests == []


def test_invalid_webhook_is_permanent(fake, channel):
    with pytest.raises(PermanentFailure) as failed:
        channel.send(message(address="0000aaaa-dead-beef-0000-000000000000"))

    assert failed.value.code == "93000"
    assert failed.value.reason.startswith(
        "企业微信：机器人地址无效，请检查群机器人配置（93000：invalid webhook url"
    )


def test_rate_limit_is_temporary(fake, channel):
    fake.script(FakeWeCom.errcode(45009, "api freq out of limit"))

    with pytest.raises(TemporaryFailure) as failed:
        channel.send(message())

    assert failed.value.code == "45009"
    assert failed.value.reason == "企业微信：机器人发送过于频繁，稍后重试（45009：api freq out of limit）"


def test_invalid_message_type_is_permanent(fake, channel):
    fake.script(FakeWeCom.errcode(40008, "invalid message type"))

    with pytest.raises(PermanentFailure) as failed:
        channel.send(message())

    assert failed.value.code == "40008"


def test_http_5xx_is_temporary(fake, channel):
    fake.script(Answer(502, {"message": "bad gateway"}))

    with pytest.raises(TemporaryFailure) as failed:
        channel.send(message())

    assert failed.value.code == "http-502"


def test_network_refused_is_temporary():
    channel = channel_from_url(f"wecom://{DEFAULT}@127.0.0.1:{closed_port()}?protocol=http")

    with pytest.raises(TemporaryFailure) as failed:
        channel.send(message())

    assert failed.value.code == "network"
    assert failed.value.reason == "企业微信：连接失败，稍后重试（[Errno 111] Connection refused）"


def test_markdown_of_exactly_4096_bytes_is_sent_whole(fake, channel):
    body = "一" * 1365 + "a"  # 4095 + 1 bytes
    channel.send(message(subject="", body=body))

    assert fake.sent[-1]["markdown"]["content"] == body


def test_markdown_of_4097_bytes_is_cut_with_a_note(fake, channel):
    body = "一" * 1365 + "ab"
    channel.send(message(subject="", body=body))

    content = fake.sent[-1]["markdown"]["content"]
    assert content.endswith(NOTE)
    assert len(content.encode()) <= 4096
    assert body.startswith(content.removesuffix(NOTE))


def test_text_limit_is_2048_bytes(fake):
    channel = channel_from_url(fake.url(DEFAULT, msgtype="text"))
    whole = "a" * 2048
    channel.send(message(subject="", body=whole))
    channel.send(message(subject="", body=whole + "b"))

    first, second = (sent["text"]["content"] for sent in fake.sent)
    assert first == whole
    assert second.endswith(NOTE) and len(second.encode()) <= 2048


def test_truncation_keeps_whole_lines_and_never_splits_a_character():
    lines = "\n".join(f"第{n}项待办：复核社区活动室使用申请" for n in range(300))

    cut = truncate_bytes(lines, 4096)

    head = cut.removesuffix(NOTE)
    assert len(cut.encode()) <= 4096
    assert lines.startswith(head + "\n")  # ends at a line end
    assert truncate_bytes("短", 4096) == "短"


def test_url_parts_become_the_channel_settings():
    channel = channel_from_url(f"wecom://{DEFAULT}@qyapi.weixin.qq.com?group.jiedao={JIEDAO}&timeout=4")

    assert isinstance(channel, WeComChannel)
    assert channel.kind == "wecom"
    assert (channel.base, channel.default_key, channel.msgtype) == (
        "https://qyapi.weixin.qq.com",
        DEFAULT,
        "markdown",
    )
    assert (channel.groups, channel.timeout) == ({"jiedao": JIEDAO}, 4)


@pytest.mark.parametrize(
    "url",
    [
        f"wecom://{DEFAULT}@qyapi.weixin.qq.com?protocol=ftp",
        f"wecom://{DEFAULT}@qyapi.weixin.qq.com?msgtype=news",
        f"wecom://{DEFAULT}@",
    ],
)
def test_bad_url_stops_start_up(url):
    with pytest.raises(ImproperlyConfigured):
        channel_from_url(url)


def test_unknown_scheme_is_improperly_configured():
    with pytest.raises(ImproperlyConfigured) as refused:
        channel_from_url(f"weixin://{DEFAULT}@qyapi.weixin.qq.com")

    assert "wecom" in str(refused.value)
