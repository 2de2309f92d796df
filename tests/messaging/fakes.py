"""Local HTTP servers that answer as the SMS and WeCom providers document (issue 17).

Each fake listens on 127.0.0.1 on a free port, records every request, checks the
request's authentication the way the provider does, and answers with the next scripted
answer (or the provider's documented success answer when none is scripted):

- `FakeAliyun`: the Dysmsapi 2017-05-25 RPC API as the official SDK calls it — POST (or
  GET) / with the action's parameters in the query, signed either with ACS3-HMAC-SHA256 in
  the `Authorization` header (the SDK's default) or with the RPC signature (`AccessKeyId`,
  `SignatureMethod=HMAC-SHA1`, `SignatureNonce`, `Timestamp`, `Signature` in the query).
  The fake recomputes the signature with the secret it was given;
  a wrong secret gets HTTP 400 `SignatureDoesNotMatch`, an unknown key HTTP 404
  `InvalidAccessKeyId.NotFound`, as the provider answers. Business answers are HTTP 200
  with `Code` ("OK" or an `isv.*` code), `Message`, `BizId`, `RequestId`.
- `FakeTencent`: the SMS API 3.0 (2021-01-11) — POST / with a JSON body and a
  `TC3-HMAC-SHA256 Credential=ID/DATE/sms/tc3_request, SignedHeaders=content-type;host,
  Signature=HEX` header. A header that is missing or malformed gets
  `AuthFailure.InvalidAuthorization`, a wrong signature `AuthFailure.SignatureFailure`, an
  unknown id `AuthFailure.SecretIdNotFound`, each as `{"Response": {"Error": {...},
  "RequestId": ...}}` with HTTP 200, as the provider answers. A sent message gets
  `SendStatusSet` with one status per number (`Code` "Ok" or the refusal's code).
- `FakeWeCom`: the group robot webhook — POST /cgi-bin/webhook/send?key=KEY with a JSON
  body; `{"errcode": 0, "errmsg": "ok"}`, or `errcode` 93000 for an unknown key.

Use as a context manager: `with FakeAliyun() as fake: ... fake.url ... fake.requests`.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import re
import socket
import threading
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit


@dataclasses.dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def json(self):
        return json.loads(self.body or b"null")


@dataclasses.dataclass
class Answer:
    status: int
    body: dict
    headers: dict[str, str] = dataclasses.field(default_factory=dict)


class FakeProvider:
    content_type = "application/json"

    def __init__(self):
        self.requests: list[Recorded] = []
        self.answers: list[Answer] = []  # scripted, consumed in order
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                recorded = Recorded(
                    method=self.command,
                    path=parts.path,
                    query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                with fake._lock:
                    fake.requests.append(recorded)
                answer = fake.answer(recorded)
                payload = json.dumps(answer.body, ensure_ascii=False).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", fake.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def script(self, *answers: Answer) -> None:
        self.answers.extend(answers)

    def next_answer(self) -> Answer | None:
        with self._lock:
            return self.answers.pop(0) if self.answers else None

    def answer(self, request: Recorded) -> Answer:  # pragma: no cover - overridden
        raise NotImplementedError


def closed_port() -> int:
    """A loopback port with nothing listening: connecting to it is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_id() -> str:
    return str(uuid.uuid4()).upper()


# --- Alibaba Cloud ---------------------------------------------------------------

_ACS3 = re.compile(
    r"ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([a-z0-9;\-]+),Signature=([0-9a-f]{64})"
)


class FakeAliyun(FakeProvider):
    def __init__(self, access_key_id: str = "LTAI5tTESTKEY", access_key_secret: str = "test-secret"):
        super().__init__()
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret

    def url(self, *, secret: str | None = None, key: str | None = None, **options: str) -> str:
        query = "&".join(f"{k}={quote(str(v))}" for k, v in {"sign_name": "睦邻街道", **options}.items())
        return (
            f"aliyun-sms://{key or self.access_key_id}:{quote(secret or self.access_key_secret, safe='')}"
            f"@{self.endpoint}?protocol=http&{query}"
        )

    @staticmethod
    def code(code: str, message: str) -> Answer:
        """A business answer: HTTP 200 with the provider's `Code`."""
        return Answer(200, {"Code": code, "Message": message, "RequestId": request_id()})

    def _error(self, status: int, code: str, message: str) -> Answer:
        return Answer(
            status,
            {
                "RequestId": request_id(),
                "HostId": "dysmsapi.aliyuncs.com",
                "Code": code,
                "Message": message,
                "Recommend": f"https://api.aliyun.com/troubleshoot?q={code}",
            },
        )

    def signature_answer(self, request: Recorded) -> Answer | None:
        """The provider's refusal when the request's signature does not hold, else None."""
        if "Signature" in request.query:
            return self.rpc_signature_answer(request)
        match = _ACS3.fullmatch(request.headers.get("authorization", ""))
        if not match:
            return self._error(
                400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."
            )
        key, signed_headers, signature = match.groups()
        if key != self.access_key_id:
            return self._error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        payload_hash = hashlib.sha256(request.body).hexdigest()
        if request.headers.get("x-acs-content-sha256") != payload_hash:
            return self._error(400, "SignatureDoesNotMatch", "The payload hash does not match.")
        canonical_query = "&".join(
            f"{k}={quote(v, safe='~')}" for k, v in sorted(request.query.items(), key=lambda kv: kv[0])
        )
        names = signed_headers.split(";")
        canonical_headers = "".join(f"{name}:{request.headers.get(name, '').strip()}\n" for name in names)
        canonical = "\n".join(
            [
                request.method,
                request.path or "/",
                canonical_query,
                canonical_headers,
                signed_headers,
                payload_hash,
            ]
        )
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
        expected = hmac.new(self.access_key_secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return self._error(
                400,
                "SignatureDoesNotMatch",
                f"Specified signature is not matched with our calculation. server string to sign is:{to_sign}",
            )
        return None

    def rpc_signature_answer(self, request: Recorded) -> Answer | None:
        query = dict(request.query)
        signature = query.pop("Signature")
        if query.get("SignatureMethod") != "HMAC-SHA1" or not query.get("SignatureNonce"):
            return self._error(
                400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."
            )
        if query.get("AccessKeyId") != self.access_key_id:
            return self._error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
        canonical = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query.items()))
        to_sign = f"{request.method}&%2F&{quote(canonical, safe='~')}"
        digest = hmac.new(f"{self.access_key_secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        if not hmac.compare_digest(base64.b64encode(digest).decode(), signature):
            return self._error(
                400,
                "SignatureDoesNotMatch",
                f"Specified signature is not matched with our calculation. server string to sign is:{to_sign}",
            )
        return None

    def answer(self, request: Recorded) -> Answer:
        refused = self.signature_answer(request)
        if refused:
            return refused
        scripted = self.next_answer()
        if scripted:
            return scripted
        return Answer(
            200,
            {
                "Code": "OK",
                "Message": "OK",
                "BizId": f"9006197469364984^{len(self.requests)}",
                "RequestId": request_id(),
            },
        )

    @property
    def sent(self) -> list[dict[str, str]]:
        """The query parameters of each SendSms request received."""
        return [
            r.query
            for r in self.requests
            if "SendSms" in (r.headers.get("x-acs-action"), r.query.get("Action"))
        ]


# --- Tencent Cloud ---------------------------------------------------------------

_TC3 = re.compile(
    r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/([a-z]+)/tc3_request, "
    r"SignedHeaders=([a-z0-9;\-]+), Signature=([0-9a-f]{64})"
)


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


class FakeTencent(FakeProvider):
    def __init__(self, secret_id: str = "AKIDTESTSECRETID", secret_key: str = "test-key"):
        super().__init__()
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.status_codes: list[tuple[str, str]] = []  # scripted per-number (Code, Message)

    def url(self, *, secret: str | None = None, **options: str) -> str:
        query = "&".join(
            f"{k}={quote(str(v))}"
            for k, v in {"app_id": "1400006666", "sign_name": "睦邻街道", **options}.items()
        )
        return (
            f"tencent-sms://{self.secret_id}:{quote(secret or self.secret_key, safe='')}@{self.endpoint}"
            f"?protocol=http&region=ap-guangzhou&{query}"
        )

    @staticmethod
    def error(code: str, message: str) -> Answer:
        """A top-level error answer, as every API 3.0 error is shaped."""
        return Answer(
            200, {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id()}}
        )

    def status(self, code: str, message: str) -> None:
        """Script the per-number status of the next SendSms answer."""
        self.status_codes.append((code, message))

    def signature_answer(self, request: Recorded) -> Answer | None:
        match = _TC3.fullmatch(request.headers.get("authorization", ""))
        if not match:
            return self.error("AuthFailure.InvalidAuthorization", "Authorization 不符合腾讯云标准。")
        secret_id, date, service, signed_headers, signature = match.groups()
        if secret_id != self.secret_id:
            return self.error(
                "AuthFailure.SecretIdNotFound",
                "The SecretId is not found, please ensure that your SecretId is correct.",
            )
        if service != "sms" or signed_headers != "content-type;host":
            return self.error("AuthFailure.InvalidAuthorization", "Authorization 不符合腾讯云标准。")
        timestamp = request.headers.get("x-tc-timestamp", "")
        if (
            not timestamp.isdigit()
            or datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d") != date
        ):
            return self.error("AuthFailure.SignatureExpire", "Signature expired.")
        canonical = "\n".join(
            [
                request.method,
                request.path or "/",
                "",
                f"content-type:{request.headers.get('content-type', '')}\nhost:{request.headers.get('host', '')}\n",
                signed_headers,
                hashlib.sha256(request.body).hexdigest(),
            ]
        )
        to_sign = "\n".join(
            [
                "TC3-HMAC-SHA256",
                timestamp,
                f"{date}/{service}/tc3_request",
                hashlib.sha256(canonical.encode()).hexdigest(),
            ]
        )
        key = _hmac(_hmac(_hmac(("TC3" + self.secret_key).encode(), date), service), "tc3_request")
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return self.error(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature is correct.",
            )
        return None

    def answer(self, request: Recorded) -> Answer:
        refused = self.signature_answer(request)
        if refused:
            return refused
        scripted = self.next_answer()
        if scripted:
            return scripted
        body = request.json
        statuses = []
        for number in body.get("PhoneNumberSet", []):
            code, message = self.status_codes.pop(0) if self.status_codes else ("Ok", "send success")
            statuses.append(
                {
                    "SerialNo": f"2028:{len(self.requests)}{number[-4:]}" if code == "Ok" else "",
                    "PhoneNumber": number,
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": body.get("SessionContext", ""),
                    "Code": code,
                    "Message": message,
                    "IsoCode": "CN",
                }
            )
        return Answer(200, {"Response": {"SendStatusSet": statuses, "RequestId": request_id()}})

    @property
    def sent(self) -> list[dict]:
        return [r.json for r in self.requests if r.headers.get("x-tc-action") == "SendSms"]


# --- WeCom group robot -----------------------------------------------------------


class FakeWeCom(FakeProvider):
    def __init__(self, *keys: str):
        super().__init__()
        self.keys = set(keys or ("693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa",))

    def url(self, key: str | None = None, **options: str) -> str:
        query = "&".join(f"{k}={quote(str(v))}" for k, v in {"protocol": "http", **options}.items())
        return f"wecom://{key or sorted(self.keys)[0]}@{self.endpoint}?{query}"

    @staticmethod
    def errcode(code: int, message: str) -> Answer:
        return Answer(200, {"errcode": code, "errmsg": message})

    def answer(self, request: Recorded) -> Answer:
        if request.path != "/cgi-bin/webhook/send" or request.query.get("key") not in self.keys:
            return self.errcode(
                93000,
                "invalid webhook url, hint: [1700000000_1], more info at https://open.work.weixin.qq.com/devtool/query?e=93000",
            )
        scripted = self.next_answer()
        if scripted:
            return scripted
        try:
            body = request.json
        except ValueError:
            return self.errcode(40016, "invalid json format")
        msgtype = body.get("msgtype")
        if msgtype not in ("text", "markdown"):
            return self.errcode(40008, "invalid message type")
        content = body.get(msgtype, {}).get("content", "")
        limit = 2048 if msgtype == "text" else 4096
        if len(content.encode()) > limit:
            return self.errcode(
                40058, f"{msgtype}.content exceed max length {limit}. invalid Request Parameter"
            )
        return self.errcode(0, "ok")

    @property
    def sent(self) -> list[dict]:
        return [r.json for r in self.requests]
