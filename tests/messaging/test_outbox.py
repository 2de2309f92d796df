"""The outbox (issue 17): rows with their cause, delivery, retries, quiet hours, opt-out."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from messaging.catalogue import MESSAGES, SMS_SEGMENT, MessageType, sms_text
from messaging.channels import channel_from_url
from messaging.domain import (
    Recipient,
    configured_channels,
    in_quiet_hours,
    message_opt_out,
    message_queue,
    mobile_number,
    outbox_deliver_due,
    person_recipients,
    quiet_hours_end,
    staff_recipients,
)
from messaging.models import OutboxMessage, StaffGroup
from tests.factories import StreetFactory

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _queue(code="calls.application_received", **kwargs):
    kwargs.setdefault("to", person_recipients(email="a@example.cn", mobile="13812345678"))
    kwargs.setdefault("params", {"reference": "MLHH-2026-000001"})
    kwargs.setdefault("context", {"application": None, "call": None, "status_url": "http://x/"})
    kwargs.setdefault("cause", "calls.application:1")
    return message_queue(code=code, **kwargs)


def test_message_writes_one_row_per_address_and_channel(sent, daytime):
    _queue()

    rows = OutboxMessage.objects.order_by("channel")
    assert [(r.channel, r.recipient, r.status) for r in rows] == [
        ("email", "a@example.cn", "pending"),
        ("sms", "13812345678", "pending"),
    ]
    sms = rows.get(channel="sms")
    assert sms.short_body == "您的睦邻合伙人申请已收到，编号MLHH-2026-000001，可凭编号和手机号查询进度。"
    assert sms.template_params == {"reference": "MLHH-2026-000001"}


def test_same_message_twice_writes_no_second_row(sent, daytime):
    _queue()
    _queue()

    assert OutboxMessage.objects.count() == 2


def test_rolled_back_change_leaves_no_message(sent, daytime):
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the change failed")

    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("13812345678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("19912345678", "19912345678"),
        ("12812345678", None),  # 12… is not a mobile prefix
        ("1381234567", None),  # 10 digits
        ("138123456789", None),  # 12 digits
        ("025-87654321", None),  # a landline
    ],
)
def test_mobile_number_validation(number, valid):
    assert mobile_number(number) == valid


def test_invalid_number_is_never_sent_to(sent, daytime):
    _queue(to=person_recipients(mobile="1381234567"))

    row = OutboxMessage.objects.get()
    outbox_deliver_due()
    row.refresh_from_db()
    assert (row.status, row.last_error, row.attempts) == ("failed", "手机号码无效，未发送：1381234567", 0)
    assert sent == []


@pytest.mark.parametrize(
    ("hour", "minute", "quiet"),
    [(20, 59, False), (21, 0, True), (23, 30, True), (7, 59, True), (8, 0, False), (12, 0, False)],
)
def test_quiet_hours_boundaries(hour, minute, quiet):
    assert in_quiet_hours(dt.datetime(2026, 6, 1, hour, minute, tzinfo=SHANGHAI)) is quiet


def test_sms_at_night_is_held_until_eight_and_email_goes_now(sent, monkeypatch):
    night = dt.datetime(2026, 6, 1, 21, 0, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: night)
    _queue()
    outbox_deliver_due()

    sms = OutboxMessage.objects.get(channel="sms")
    assert (sms.status, sms.next_attempt_at) == ("held", dt.datetime(2026, 6, 2, 8, 0, tzinfo=SHANGHAI))
    assert [m.address for m in sent] == ["a@example.cn"]

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 6, 2, 7, 59, tzinfo=SHANGHAI))
    outbox_deliver_due()
    assert len(sent) == 1
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 6, 2, 8, 0, tzinfo=SHANGHAI))
    outbox_deliver_due()
    sms.refresh_from_db()
    assert (sms.status, [m.address for m in sent]) == ("sent", ["a@example.cn", "13812345678"])


def test_quiet_hours_end_is_the_next_morning():
    assert quiet_hours_end(dt.datetime(2026, 6, 1, 21, 0, tzinfo=SHANGHAI)) == dt.datetime(
        2026, 6, 2, 8, 0, tzinfo=SHANGHAI
    )
    assert quiet_hours_end(dt.datetime(2026, 6, 2, 3, 0, tzinfo=SHANGHAI)) == dt.datetime(
        2026, 6, 2, 8, 0, tzinfo=SHANGHAI
    )


def test_opt_out_stops_optional_reminders_not_required_notices(sent, daytime):
    message_opt_out(address="+86 138 1234 5678")
    to = person_recipients(mobile="13812345678")
    _queue(code="services.logs_due", to=to, params={"partner": "银龄学堂"})  # optional reminder
    _queue(code="calls.application_received", to=to)  # required: the applicant must know

    statuses = dict(OutboxMessage.objects.values_list("code", "status"))
    assert statuses == {"services.logs_due": "cancelled", "calls.application_received": "pending"}
    assert MESSAGES["services.logs_due"].optional is True
    assert MESSAGES["calls.application_received"].optional is False


def test_delivery_records_provider_id_and_sent_time(sent, daytime):
    _queue(to=[Recipient("email", "a@example.cn")])

    assert outbox_deliver_due() == 1
    row = OutboxMessage.objects.get()
    assert (row.status, row.provider_id, row.sent_at, row.attempts) == ("sent", "P1", daytime, 1)
    assert sent[0].reference == row.key
    assert outbox_deliver_due() == 0  # nothing sent twice


def test_temporary_failure_retries_with_backoff_then_fails(settings, daytime, monkeypatch):
    settings.PORTAL_MESSAGE_CHANNELS = {"email": "test-record://?fail=temporary"}
    settings.PORTAL_OUTBOX_MAX_ATTEMPTS = 3
    settings.PORTAL_OUTBOX_RETRY_SECONDS = 60
    _queue(to=[Recipient("email", "a@example.cn")])

    outbox_deliver_due()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.next_attempt_at - daytime) == (
        "pending",
        1,
        dt.timedelta(seconds=60),
    )
    assert row.last_error == "[isv.BUSINESS_LIMIT_CONTROL] rate limited"
    assert outbox_deliver_due() == 0  # not due before the backoff ends

    later = daytime + dt.timedelta(seconds=60)
    monkeypatch.setattr(timezone, "now", lambda: later)
    outbox_deliver_due()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at - later) == (
        "pending",
        2,
        dt.timedelta(seconds=120),
    )

    monkeypatch.setattr(timezone, "now", lambda: later + dt.timedelta(seconds=120))
    outbox_deliver_due()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)


def test_unexpected_error_is_retried_like_a_temporary_one(settings, daytime):
    settings.PORTAL_MESSAGE_CHANNELS = {"email": "test-record://?fail=crash"}
    _queue(to=[Recipient("email", "a@example.cn")])

    outbox_deliver_due()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "provider unreachable")


def test_permanent_failure_fails_at_once_with_reason(settings, daytime):
    settings.PORTAL_MESSAGE_CHANNELS = {"sms": "test-record://?fail=permanent"}
    _queue(to=person_recipients(mobile="13812345678"))

    outbox_deliver_due()
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == (
        "failed",
        1,
        "[isv.SMS_TEMPLATE_ILLEGAL] invalid template",
    )


def test_row_of_a_dead_worker_is_claimed_again_only_after_its_lease(sent, settings, daytime, monkeypatch):
    settings.PORTAL_OUTBOX_LEASE_SECONDS = 300
    _queue(to=[Recipient("email", "a@example.cn")])
    # A worker claimed it and died before recording the outcome.
    OutboxMessage.objects.update(
        status="sending", attempts=1, lease_until=daytime + dt.timedelta(seconds=300)
    )

    monkeypatch.setattr(timezone, "now", lambda: daytime + dt.timedelta(seconds=299))
    assert outbox_deliver_due() == 0
    monkeypatch.setattr(timezone, "now", lambda: daytime + dt.timedelta(seconds=300))
    assert outbox_deliver_due() == 1
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts, len(sent)) == ("sent", 2, 1)


def test_outcome_of_a_worker_whose_lease_was_taken_over_is_not_recorded(sent, daytime):
    from messaging.domain import _claim_next, outbox_deliver

    _queue(to=[Recipient("email", "a@example.cn")])
    slow = _claim_next()
    OutboxMessage.objects.update(attempts=2)  # another worker took it over after the lease

    outbox_deliver(slow)

    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == ("sending", 2)


def test_staff_of_a_street_with_a_wecom_group_get_one_group_message(sent, daytime):
    street = StreetFactory()
    StaffGroup.objects.create(street=street, name="华阳街道工作群", webhook_key="KEY-1")

    assert staff_recipients(street_id=street.pk, emails=["a@x.cn", "b@x.cn"]) == [
        Recipient("wecom", "KEY-1", "华阳街道工作群")
    ]
    assert staff_recipients(street_id=StreetFactory().pk, emails=["a@x.cn", "b@x.cn", "a@x.cn"]) == [
        Recipient("email", "a@x.cn"),
        Recipient("email", "b@x.cn"),
    ]


def _sms_type(text):
    return MessageType("t", "t", "applicant", sms=text)


def test_sms_text_fits_one_segment_at_the_boundary():
    exactly = "字" * (SMS_SEGMENT - 4) + "%(x)s"
    assert len(sms_text(_sms_type(exactly), {"x": "1234"})) == SMS_SEGMENT
    assert sms_text(_sms_type(exactly), {"x": "1234"}).endswith("1234")
    # One character more: the variable is cut, the text stays in one segment.
    longer = sms_text(_sms_type(exactly), {"x": "12345"})
    assert len(longer) <= SMS_SEGMENT and longer.endswith("…")


def test_every_catalogue_sms_fits_one_segment_with_typical_values():
    values = {
        "reference": "MLHH-2026-000123",
        "kind": "营业执照",
        "when": "2026-06-01 14:00",
        "place": "华阳街道党群服务中心三楼会议室",
        "result": "拟入驻",
        "title": "华阳街道第一批睦邻合伙人拟入驻名单公示",
        "end": "2026-06-08",
        "number": "HY-2026-001",
        "partner": "句容市邻里互助服务中心",
        "date": "2026-05-20",
        "reason": "协议期满自愿退出",
        "call": "华阳街道第一批睦邻合伙人招募",
        "outcome": "异议不成立",
        "month": "2026年05月",  # the monthly reports (reports.catalogue, issue 20)
        "due": "06月20日",
    }
    for code, message in MESSAGES.items():
        if message.sms:
            assert len(sms_text(message, values)) <= SMS_SEGMENT, code


def test_unknown_channel_url_stops_start_up_with_a_clear_message():
    with override_settings(PORTAL_MESSAGE_CHANNELS={"sms": "alyun-sms://KEY:SECRET@dysmsapi.aliyuncs.com"}):
        with pytest.raises(ImproperlyConfigured) as refused:
            configured_channels()
    assert "Unknown message channel URL scheme 'alyun-sms'" in str(refused.value)
    assert "known: " in str(refused.value) and "smtp" in str(refused.value)


def test_unknown_channel_url_stops_django_setup(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "SMS_URL": "smsx://nowhere", "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    env["PORTAL_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "Unknown message channel URL scheme 'smsx'" in result.stderr


def test_email_and_file_channel_urls_build():
    assert channel_from_url("smtp://user:pw@mail.example.cn:587").kind == "email"
    assert channel_from_url("consolemail://").kind == "email"
    assert channel_from_url("django://").kind == "email"
    assert channel_from_url("file:///tmp/outbox").folder.as_posix() == "/tmp/outbox"


def test_every_catalogue_message_has_a_sender():
    """Each code is written by some app's code outside the catalogue (issue 17: none defined but unsent)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    apps = [
        "agreements",
        "calls",
        "messaging",
        "notices",
        "partners",
        "portal",
        "reviews",
        "services",
        "spaces",
        # the programme pieces (issue 20)
        "lifecircle",
        "organisations",
        "reports",
        "surveys",
        "timebank",
    ]
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for app in apps
        for path in (root / app).rglob("*.py")
        if path.name != "catalogue.py" and "migrations" not in path.parts
    )

    assert [code for code in MESSAGES if f'"{code}"' not in source] == []


@pytest.mark.parametrize(
    ("kind", "url", "expected"),
    [
        (
            "sms",
            "alyun-sms://KEY:SECRET@dysmsapi.aliyuncs.com",
            "SMS_URL (sms channel): Unknown message channel",
        ),
        (
            "email",
            "smtp://user:SECRET@mail.example.cn:notaport",
            "MESSAGE_EMAIL_URL (email channel): Malformed",
        ),
        ("wecom", "file://", "WECOM_URL (wecom channel): file URL needs a folder"),
        ("sms", "file:///tmp/outbox?delay=soon", "SMS_URL (sms channel): Malformed message channel URL"),
    ],
)
def test_bad_channel_url_stops_start_up_naming_its_variable_and_never_its_secret(kind, url, expected):
    with override_settings(PORTAL_MESSAGE_CHANNELS={kind: url}):
        with pytest.raises(ImproperlyConfigured) as refused:
            configured_channels()

    assert str(refused.value).startswith(expected)
    assert "SECRET" not in str(refused.value)


def test_file_url_written_as_in_the_readme_is_a_folder_relative_to_the_working_directory():
    assert channel_from_url("file://var/outbox/sms").folder.as_posix() == "var/outbox/sms"


def test_invalid_number_retried_by_staff_is_still_never_sent_to(sent, daytime):
    from messaging.domain import outbox_retry
    from tests.factories import street_staff

    _queue(to=person_recipients(mobile="1381234567"))
    OutboxMessage.objects.update(street=StreetFactory())
    row = OutboxMessage.objects.get()
    staff = street_staff(street=row.street)

    assert outbox_retry(messages=OutboxMessage.objects.all(), by=staff) == 1
    outbox_deliver_due()

    row.refresh_from_db()
    assert (row.status, row.last_error, row.attempts) == ("failed", "手机号码无效，未发送。", 1)
    assert sent == []
