"""The admin home warns when the background worker has not been seen (issue 13)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Heartbeat
from tests.factories import street_staff

pytestmark = pytest.mark.django_db


def _home(client):
    client.force_login(street_staff())
    return client.get(reverse("admin:index")).content.decode()


@pytest.fixture
def frozen_now(monkeypatch):
    """One instant for the whole test: the heartbeat's age is what the test says, however long
    the admin page takes to render (a 1.9 s first request under load turned 299 s into 300.9 s)."""
    instant = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


@pytest.mark.parametrize(("age", "warned"), [(299, False), (300, False), (301, True)])
def test_worker_warning_after_five_minutes(client, frozen_now, age, warned):
    Heartbeat.objects.create(name="worker", seen_at=frozen_now - dt.timedelta(seconds=age))

    page = _home(client)

    assert ("后台任务未运行" in page) is warned
    if warned:
        assert "起未再运行" in page
        assert "公示到期、协议到期提醒、招募截止、协议PDF" in page
        assert "立即结束公示" in page and "立即检查到期" in page and "立即截止" in page
        assert "立即生成 PDF" in page


def test_worker_warning_when_never_seen(client):
    page = _home(client)

    assert "后台任务从未运行过" in page
    assert "公示到期、协议到期提醒、招募截止、协议PDF" in page


def test_worker_stale_seconds_is_a_setting(client, settings, frozen_now):
    settings.PORTAL_WORKER_STALE_SECONDS = 60
    Heartbeat.objects.create(name="worker", seen_at=frozen_now - dt.timedelta(seconds=61))

    assert "后台任务未运行" in _home(client)
