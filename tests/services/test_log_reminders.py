"""Monthly service logs due (issue 17): on the 25th, partners with no log this month are reminded."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.domain import message_opt_out
from messaging.models import OutboxMessage
from services.domain import log_reminders_send

from .factories import make_log, serving_partner

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 25)


@pytest.mark.parametrize(
    ("today", "reminded"), [(DAY - dt.timedelta(days=1), 0), (DAY, 1), (DAY + dt.timedelta(days=1), 0)]
)
def test_reminder_goes_out_on_the_25th_only(today, reminded):
    serving_partner("active")

    assert log_reminders_send(today=today) == reminded


def test_partner_with_a_log_this_month_is_not_reminded_and_twice_sends_once():
    quiet, agreement, space = serving_partner("active")
    make_log(quiet, agreement, space, date=dt.date(2026, 3, 1))
    late, *_ = serving_partner("active")
    make_log(late, *_, date=dt.date(2026, 2, 27))  # last month's log does not count

    assert log_reminders_send(today=DAY) == 1
    assert log_reminders_send(today=DAY) == 1  # the same partner, but no second message

    rows = OutboxMessage.objects.filter(code="services.logs_due")
    assert {(r.partner_id, r.channel) for r in rows} == {(late.pk, "sms"), (late.pk, "email")}
    assert rows.get(channel="sms").short_body == "提醒：本月尚未提交公益服务记录，请在月底前登录填报。"


def test_opted_out_partner_is_not_reminded():
    partner, *_ = serving_partner("active")
    message_opt_out(address=partner.application.mobile)

    log_reminders_send(today=DAY)

    sms = OutboxMessage.objects.get(code="services.logs_due", channel="sms")
    assert (sms.status, sms.last_error) == ("cancelled", "收件人已退订此类提醒。")


def _queries(partners: int) -> int:
    for _ in range(partners):
        serving_partner("active")
    with CaptureQueriesContext(connection) as queries:
        assert log_reminders_send(today=DAY) == partners
    return len(queries)


@pytest.mark.parametrize("partners", [1, 6])
def test_reminders_cost_the_same_queries_whatever_the_number(partners):
    assert _queries(partners) == 4  # accounts, partners due, opt-outs, one outbox INSERT
