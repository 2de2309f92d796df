"""The statistics dashboard in the admin's frame (issue 16): zero months, titled axes, XLSX."""

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from services.models import LogStatus
from tests.factories import CommunityFactory, street_staff
from tests.services.factories import make_log, serving_partner

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2026-01-01", "end": "2026-04-30"}


@pytest.fixture
def street_user():
    return street_staff(first_name="李")


@pytest.fixture
def logs(street_user):
    community = CommunityFactory(street=street_user.profile.street, name="东村社区")
    partner, agreement, space = serving_partner(community=community)
    make_log(partner, agreement, space, date=dt.date(2026, 1, 31), residents=10)
    make_log(partner, agreement, space, date=dt.date(2026, 3, 1), residents=7)
    make_log(partner, agreement, space, date=dt.date(2026, 3, 2), status=LogStatus.SUBMITTED)
    return community


def test_dashboard_is_in_the_admin_frame_with_a_way_back(client, street_user, logs):
    client.force_login(street_user)

    page = client.get(reverse("services:dashboard")).content.decode()

    assert '<div class="breadcrumbs">' in page
    assert f'<a href="{reverse("admin:index")}">首页</a>' in page
    assert "<h1>服务统计</h1>" in page
    assert reverse("services:dashboard_xlsx") in page
    assert reverse("services:inspection_pack") in page


def test_months_without_logs_show_zero_across_the_period(client, street_user, logs):
    client.force_login(street_user)

    response = client.get(reverse("services:dashboard"), PERIOD)

    assert response.context["months"] == [
        {"month": "2026-01", "hours": 2, "residents": 10, "events": 1},
        {"month": "2026-02", "hours": 0, "residents": 0, "events": 0},
        {"month": "2026-03", "hours": 2, "residents": 7, "events": 1},
        {"month": "2026-04", "hours": 0, "residents": 0, "events": 0},
    ]
    assert '<th scope="row">2026-02</th><td class="num">0</td>' in response.content.decode()


def test_period_of_one_month_without_logs_is_one_zero_month(client, street_user, logs):
    client.force_login(street_user)

    response = client.get(reverse("services:dashboard"), {"start": "2026-02-01", "end": "2026-02-28"})

    assert response.context["months"] == [{"month": "2026-02", "hours": 0, "residents": 0, "events": 0}]


def test_chart_axes_are_titled(client, street_user, logs):
    client.force_login(street_user)

    response = client.get(reverse("services:dashboard"), PERIOD)
    page = response.content.decode()
    data = json.loads(
        page.split('<script id="dashboard-data" type="application/json">')[1].split("</script>")[0]
    )

    assert (data["x_title"], data["hours_title"], data["residents_title"]) == (
        "月份",
        "服务时数（小时）",
        "服务人次",
    )
    assert data["labels"] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert data["hours"] == [2.0, 0.0, 2.0, 0.0]


def test_dashboard_xlsx_has_every_table_with_the_filters_in_the_title(client, street_user, logs):
    client.force_login(street_user)

    response = client.get(reverse("services:dashboard_xlsx"), {**PERIOD, "community": logs.pk})
    workbook = load_workbook(io.BytesIO(response.content))

    assert workbook.sheetnames == ["每月服务", "各阶段合伙人", "空间与满意度", "居民需求"]
    monthly = [list(r) for r in workbook["每月服务"].iter_rows(values_only=True)]
    assert monthly[0][0] == "服务统计·每月服务台账（筛选：社区：东村社区；日期：2026年1月1日至2026年4月30日）"
    assert monthly[1] == ["月份", "服务时数", "服务人次", "活动场次"]
    assert monthly[2:] == [
        ["2026-01", 2, 10, 1],
        ["2026-02", 0, 0, 0],
        ["2026-03", 2, 7, 1],
        ["2026-04", 0, 0, 0],
    ]
    stages = [list(r) for r in workbook["各阶段合伙人"].iter_rows(values_only=True)]
    assert stages[2] == ["东村社区", 1]


def test_dashboard_xlsx_of_another_street_has_none_of_these_figures(client, logs):
    client.force_login(street_staff())

    response = client.get(reverse("services:dashboard_xlsx"), PERIOD)
    monthly = [
        list(r) for r in load_workbook(io.BytesIO(response.content))["每月服务"].iter_rows(values_only=True)
    ]

    assert [row[1:] for row in monthly[2:]] == [[0, 0, 0]] * 4
