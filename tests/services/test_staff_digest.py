"""The staff's daily digest to the street's WeCom group (issue 17)."""

import datetime as dt

import pytest

from messaging.models import OutboxMessage, StaffGroup
from services.domain import staff_digest_send
from tests.factories import partner_in_state

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


def test_digest_goes_to_the_streets_wecom_group_once_a_day():
    partner = partner_in_state("vetting")
    partner_in_state("submitted", community=partner.community)
    street = partner.community.street
    StaffGroup.objects.create(street=street, name="华阳街道工作群", webhook_key="KEY-1")

    assert staff_digest_send(today=TODAY) == 1
    assert staff_digest_send(today=TODAY) == 1  # the same digest again: no second row

    row = OutboxMessage.objects.get(code="messaging.staff_digest")
    assert (row.channel, row.recipient, row.street_id) == ("wecom", "KEY-1", street.pk)
    assert row.body == f"{street.name}今日待办：待审核申请 2 件；待调查异议 0 件；待核实服务记录 0 条"


def test_no_digest_without_a_group_or_without_todos():
    partner_in_state("vetting")  # its street has no WeCom group
    quiet = partner_in_state("trial")
    StaffGroup.objects.create(street=quiet.community.street, name="空闲街道群", webhook_key="KEY-2")

    assert staff_digest_send(today=TODAY) == 0
    assert OutboxMessage.objects.filter(code="messaging.staff_digest").count() == 0
