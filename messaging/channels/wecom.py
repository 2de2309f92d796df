"""WeCom (企业微信) group robot webhook, for the street office's staff groups.

Configured by URL (`WECOM_URL`)::

    wecom://KEY@qyapi.weixin.qq.com?protocol=https&group.shequ1=KEY2&group.jiedao=KEY3

where KEY is the default group's robot key (the `key=` of the webhook address the group's
robot shows). Options: `protocol` (`https`, or `http` for a local test server),
`msgtype` (`markdown`, the default, or `text`), `timeout` (seconds, default 10), and
`group.NAME=KEY` for each further group.

How a message's address maps to a group: an empty address or "default" → the URL's KEY;
a NAME listed as `group.NAME` → that group's key; a whole webhook address
(`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`) → its key; anything else that
looks like a robot key (8–64 letters, digits and hyphens) → used as the key itself. An
address that is none of these is refused (`PermanentFailure`), never guessed.

One POST of `{"msgtype": "markdown", "markdown": {"content": …}}` (or "text") per message
to /cgi-bin/webhook/send?key=KEY; the robot answers `{"errcode": 0, "errmsg": "ok"}`. The
robot takes at most 4096 bytes (UTF-8) of markdown or 2048 of text: a longer message is cut
at a line end and ends with a note saying so, rather than split into several posts (one
post per message keeps delivery once-only, and the robot allows 20 posts a minute).
errcode 45009 (over the rate limit) and -1 (system busy), HTTP 5xx/429 and network errors
are temporary; 93000 (invalid webhook), 40008 (bad message type), 40058 (too long) and any
other errcode are permanent.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from urllib.parse import parse_qs, quote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import Channel, OutgoingMessage, PermanentFailure, Sent, TemporaryFailure, channel_scheme
from .sms_common import network_error, positive_int_option

LIMITS = {"markdown": 4096, "text": 2048}  # bytes of UTF-8 content the robot accepts
TEMPORARY_ERRCODES = {-1, 45009, 45033}  # system busy, over the rate limit, too many concurrent calls
_KEY = re.compile(r"[A-Za-z0-9-]{8,64}")

WHAT = {
    -1: gettext_lazy("企业微信系统繁忙，稍后重试"),
    45009: gettext_lazy("机器人发送过于频繁，稍后重试"),
    45033: gettext_lazy("机器人发送过于频繁，稍后重试"),
    93000: gettext_lazy("机器人地址无效，请检查群机器人配置"),
    40008: gettext_lazy("消息类型不受支持"),
    40058: gettext_lazy("消息内容超过长度限制"),
}
TRUNCATED_NOTE = gettext_lazy("……（内容过长，已截断；全文请登录门户查看）")


def wecom_content(message: OutgoingMessage, *, msgtype: str) -> str:
    """The robot's content for `message`, cut to the robot's byte limit with a note."""
    if msgtype == "markdown":
        content = f"**{message.subject}**\n\n{message.body}" if message.subject else message.body
    else:
        content = f"{message.subject}\n\n{message.body}" if message.subject else message.body
    return truncate_bytes(content, LIMITS[msgtype])


def truncate_bytes(content: str, limit: int) -> str:
    """`content` if it fits in `limit` UTF-8 bytes, else its start (to a line end if one is
    near) followed by the truncation note, all within `limit` bytes."""
    if len(content.encode()) <= limit:
        return content
    note = "\n" + str(TRUNCATED_NOTE)
    room = limit - len(note.encode())
    head = content.encode()[:room].decode("utf-8", errors="ignore")
    line_end = head.rfind("\n")
    if line_end >= len(head) * 3 // 4:  # keep whole lines unless that throws away a quarter
        head = head[:line_end]
    return head.rstrip() + note


@channel_scheme("wecom")
class WeComChannel(Channel):
    kind = "wecom"

    def __init__(self, url: str, *, options: dict[str, str]):
        super().__init__(url, options=options)
        self.default_key = options["user"]
        self.protocol = options.get("protocol", "https").lower()
        self.msgtype = options.get("msgtype", "markdown")
        if not options["host"]:
            raise ImproperlyConfigured("wecom URL needs a host, e.g. wecom://KEY@qyapi.weixin.qq.com")
        if self.protocol not in ("http", "https"):
            raise ImproperlyConfigured(f"wecom protocol must be http or https, not {self.protocol!r}.")
        if self.msgtype not in LIMITS:
            raise ImproperlyConfigured(f"wecom msgtype must be markdown or text, not {self.msgtype!r}.")
        self.base = f"{self.protocol}://{options['host']}" + (
            f":{options['port']}" if options["port"] else ""
        )
        self.groups = {
            name[len("group.") :]: key for name, key in options.items() if name.startswith("group.")
        }
        self.timeout = positive_int_option(options, "timeout", 10)

    def key_for(self, address: str) -> str:
        """The robot key of the group `address` names (see the module's docstring)."""
        address = (address or "").strip()
        if address in ("", "default"):
            key = self.default_key
        elif address in self.groups:
            key = self.groups[address]
        elif "key=" in address:
            key = (parse_qs(urlsplit(address).query).get("key") or [""])[0]
        else:
            key = address
        if not _KEY.fullmatch(key or ""):
            raise PermanentFailure(
                _("企业微信群“%(address)s”没有配置机器人地址，未发送。") % {"address": address or "default"},
                code="unknown-group",
            )
        return key

    def send(self, message: OutgoingMessage) -> Sent:
        key = self.key_for(message.address)
        payload = {
            "msgtype": self.msgtype,
            self.msgtype: {"content": wecom_content(message, msgtype=self.msgtype)},
        }
        request = urllib.request.Request(
            f"{self.base}/cgi-bin/webhook/send?key={quote(key)}",
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            failure = TemporaryFailure if error.code >= 500 or error.code == 429 else PermanentFailure
            raise failure(
                _("企业微信：服务器返回 HTTP %(status)s") % {"status": error.code}, code=f"http-{error.code}"
            )
        except (OSError, ValueError) as error:  # refused, reset, timed out; an answer that is not JSON
            raise TemporaryFailure(
                _("企业微信：连接失败，稍后重试（%(error)s）") % {"error": network_error(error)},
                code="network",
            )
        errcode = answer.get("errcode")
        if errcode == 0:
            return Sent(provider_id="")
        reason = _("企业微信：%(what)s（%(code)s：%(detail)s）") % {
            "what": WHAT.get(errcode, _("发送失败")),
            "code": errcode,
            "detail": str(answer.get("errmsg", ""))[:200],
        }
        if errcode in TEMPORARY_ERRCODES:
            raise TemporaryFailure(reason, code=str(errcode))
        raise PermanentFailure(reason, code=str(errcode))
