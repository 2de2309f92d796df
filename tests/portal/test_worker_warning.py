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


@pytest.mark.parametrize(("age", "warned"), [(299, False), (301, True)])
def test_worker_warning_after_five_minutes(client, age, warned):
    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - dt.timedelta(seconds=age))

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


def test_worker_stale_seconds_is_a_setting(client, settings):
    settings.PORTAL_WORKER_STALE_SECONDS = 60
    Heartbeat.objects.create(name="worker", seen_at=timezone.now() - dt.timedelta(seconds=61))

    assert "后台任务未运行" in _home(client)
