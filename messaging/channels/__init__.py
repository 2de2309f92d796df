"""Delivery channels behind one interface (issue 17).

A channel delivers one rendered message to one recipient address and either
returns a `Sent` (with the provider's message id, if any) or raises:

- `TemporaryFailure` — worth retrying later (network error, rate limit,
  provider 5xx, quiet hours); the outbox retries with backoff;
- `PermanentFailure` — retrying cannot help (invalid template, bad
  signature, invalid number, unknown recipient); the outbox marks the
  message failed with `reason`.

Channels are configured by URL in the environment, like `EMAIL_URL`
(e.g. `SMS_URL=aliyun-sms://KEY:SECRET@dysmsapi.aliyuncs.com?sign_name=…`).
Each module registers its URL schemes with `@channel_scheme("…")`;
`channel_from_url(url)` builds the channel or raises `ImproperlyConfigured`
with a message naming the unknown scheme and the known ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


@dataclasses.dataclass(frozen=True)
class OutgoingMessage:
    """What a channel needs to deliver one message to one address."""

    address: str  # e-mail address, mobile number (+86…/11 digits), WeCom webhook key or group name, file name
    subject: str  # e-mail subject / WeCom title; SMS ignores it
    body: str  # full text (e-mail, WeCom, file)
    short_body: str = ""  # SMS text when no template is used (≤ 70 characters a segment)
    template_code: str = ""  # SMS provider template code (e.g. "SMS_123456789"), "" for none
    template_params: dict[str, str] = dataclasses.field(default_factory=dict)  # SMS template variables
    reference: str = ""  # the outbox message's idempotency key, passed to providers that take one


@dataclasses.dataclass(frozen=True)
class Sent:
    provider_id: str = ""  # the provider's message / request id, recorded in the delivery log


class DeliveryFailure(Exception):
    def __init__(self, reason: str, *, code: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.code = code  # the provider's error code, e.g. "isv.SMS_TEMPLATE_ILLEGAL"


class TemporaryFailure(DeliveryFailure):
    """Retry later with backoff."""


class PermanentFailure(DeliveryFailure):
    """Do not retry; record the reason."""


class Channel:
    """One configured delivery channel. Subclasses set `kind` and implement `send`."""

    kind: str = ""  # "email", "sms", "wecom", "file"

    def __init__(self, url: str, *, options: dict[str, str]):
        self.url = url
        self.options = options

    def send(self, message: OutgoingMessage) -> Sent:  # pragma: no cover - interface
        raise NotImplementedError


_SCHEMES: dict[str, Callable[..., Channel]] = {}


def channel_scheme(*schemes: str):
    """Class decorator: `channel_from_url` builds this class for URLs with these schemes."""

    def register(cls):
        for scheme in schemes:
            _SCHEMES[scheme] = cls
        return cls

    return register


def url_parts(url: str) -> dict[str, str]:
    """scheme, user, password, host, port, path and the query options of a channel URL, unquoted."""
    parts = urlsplit(url)
    return {
        "scheme": parts.scheme,
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "host": parts.hostname or "",
        "port": str(parts.port or ""),
        "path": unquote(parts.path or ""),
        **dict(parse_qsl(parts.query)),
    }


def masked_url(url: str) -> str:
    """The URL as it may be shown in an error or a log: its password (an API secret) replaced."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def channel_from_url(url: str) -> Channel:
    """Build the channel a URL names; anything wrong with the URL is ImproperlyConfigured.

    The error names the scheme (and the known ones) and shows the URL without its secret.
    """
    scheme = urlsplit(url).scheme
    if scheme not in _SCHEMES:
        known = ", ".join(sorted(_SCHEMES)) or "none loaded"
        raise ImproperlyConfigured(
            f"Unknown message channel URL scheme {scheme!r} in {masked_url(url)!r}; known: {known}."
        )
    try:
        return _SCHEMES[scheme](url, options=url_parts(url))
    except ValueError as exc:  # a port or a number option that is not a number
        raise ImproperlyConfigured(f"Malformed message channel URL {masked_url(url)!r}: {exc}") from None
