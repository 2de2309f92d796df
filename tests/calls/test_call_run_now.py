"""立即截止: closing a call past its deadline by hand when the worker is down (issue 13)."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from calls.models import CallStatus
from portal.domain import audit_events_for
from tests.factories import CommunityFactory, RecruitmentCallFactory, community_staff, street_staff

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def overdue():
    return RecruitmentCallFactory(closes_at=timezone.now() - dt.timedelta(seconds=1))


def test_close_now_closes_an_overdue_call_as_the_staff_member(client, overdue):
    staff = street_staff(street=overdue.street)
    client.force_login(staff)
    page = client.get(reverse("admin:calls_recruitmentcall_change", args=[overdue.pk])).content.decode()

    response = client.post(reverse("admin:calls_recruitmentcall_close_now", args=[overdue.pk]))

    assert "立即截止" in page
    assert _messages(response) == ["已截止 1 个招募公告，不再接受申请。"]
    overdue.refresh_from_db()
    assert overdue.status == CallStatus.CLOSED
    event = audit_events_for(overdue).get(action="calls.call.closed")
    assert (event.actor, event.note) == (staff, "到截止时间，工作人员立即截止")


def test_close_now_twice_changes_nothing_the_second_time(client, overdue):
    client.force_login(street_staff(street=overdue.street))
    url = reverse("admin:calls_recruitmentcall_close_now", args=[overdue.pk])
    client.post(url, follow=True)  # the first run's message is shown and consumed
    overdue.refresh_from_db()
    closed_at, events = overdue.closed_at, audit_events_for(overdue).count()

    response = client.post(url)

    overdue.refresh_from_db()
    assert _messages(response) == ["没有需要截止的招募公告：该公告未到截止时间或已经截止。"]
    assert (overdue.closed_at, audit_events_for(overdue).count()) == (closed_at, events)


def test_close_now_leaves_a_call_before_its_deadline(client):
    call = RecruitmentCallFactory(closes_at=timezone.now() + dt.timedelta(minutes=1))
    client.force_login(street_staff(street=call.street))

    page = client.get(reverse("admin:calls_recruitmentcall_change", args=[call.pk])).content.decode()
    response = client.post(reverse("admin:calls_recruitmentcall_close_now", args=[call.pk]))

    call.refresh_from_db()
    assert "立即截止" not in page
    assert _messages(response) == ["没有需要截止的招募公告：该公告未到截止时间或已经截止。"]
    assert call.status == CallStatus.PUBLISHED


@pytest.mark.parametrize("who", ["community_staff", "other_street"])
def test_close_now_forbidden_outside_the_street(client, overdue, who):
    if who == "community_staff":
        user = community_staff(community=CommunityFactory(street=overdue.street))
    else:
        user = street_staff()
    client.force_login(user)

    response = client.post(reverse("admin:calls_recruitmentcall_close_now", args=[overdue.pk]))

    overdue.refresh_from_db()
    assert response.status_code == 403
    assert overdue.status == CallStatus.PUBLISHED


@pytest.mark.parametrize(
    ("offset", "closes"), [(dt.timedelta(0), True), (dt.timedelta(microseconds=-1), False)]
)
def test_close_due_by_staff_at_the_deadline_boundary(offset, closes):
    from calls.domain import calls_close_due
    from calls.models import RecruitmentCall

    call = RecruitmentCallFactory()
    staff = street_staff(street=call.street)

    closed = calls_close_due(now=call.closes_at + offset, by=staff, calls=RecruitmentCall.objects.all())

    call.refresh_from_db()
    assert (closed, call.status) == ((1, CallStatus.CLOSED) if closes else (0, CallStatus.PUBLISHED))
