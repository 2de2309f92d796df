"""Test channels for the outbox: one that records, one that fails as told."""

import pytest

from messaging.channels import (
    Channel,
    OutgoingMessage,
    PermanentFailure,
    Sent,
    TemporaryFailure,
    channel_scheme,
)

SENT: list[OutgoingMessage] = []


@channel_scheme("test-record")
class RecordingChannel(Channel):
    """Records every message; `?fail=temporary|permanent|crash` fails instead."""

    kind = "test"

    def send(self, message):
        fail = self.options.get("fail", "")
        if fail == "temporary":
            raise TemporaryFailure("rate limited", code="isv.BUSINESS_LIMIT_CONTROL")
        if fail == "permanent":
            raise PermanentFailure("invalid template", code="isv.SMS_TEMPLATE_ILLEGAL")
        if fail == "crash":
            raise ConnectionError("provider unreachable")
        SENT.append(message)
        return Sent(provider_id=f"P{len(SENT)}")


@pytest.fixture
def sent(settings):
    """Every channel records into the returned list."""
    SENT.clear()
    settings.PORTAL_MESSAGE_CHANNELS = {kind: "test-record://" for kind in ("email", "sms", "wecom")}
    return SENT


@pytest.fixture
def daytime(monkeypatch):
    """10:00 in Shanghai, outside the SMS quiet hours."""
    import datetime as dt

    from django.utils import timezone

    instant = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant
