"""The progress page in steps (issue 19): one percentage per target, computed by one function;
future months "—"; one chart per period type."""

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse
from django.utils import timezone

from services.models import Evaluation
from services.progress import agreement_progress, completion_percent, progress_charts

from .factories import make_log, partner_user, serving_partner, target

pytestmark = pytest.mark.django_db
D = Decimal
# 2026-02-14 in Shanghai: January is over, February is under way, March to June are to come.
NOW = dt.datetime(2026, 2, 14, 4, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("share", "percent"),
    [(D("0.684"), 68), (D("0.685"), 69), (D("0.686"), 69), (D("1.335"), 134), (D("0"), 0), (None, None)],
)
def test_completion_percent_rounds_half_up_once(share, percent):
    assert completion_percent(share) == percent


def test_the_admin_shows_an_evaluation_share_as_the_progress_page_does():
    # 0.685 × 100 formatted with ".0f" rounds half to even (68 %); the progress page said 69 %.
    admin = site._registry[Evaluation]
    assert admin.fulfilment_percent(SimpleNamespace(fulfilment_share=D("0.685"))) == "69%"
    assert admin.fulfilment_percent(SimpleNamespace(fulfilment_share=None)) == "—"


@pytest.fixture
def two_kinds(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    partner, agreement, space = serving_partner("trial")
    target(agreement, "hours", 10)
    target(agreement, "events", 6, period="quarter")
    make_log(partner, agreement, space, date=dt.date(2026, 1, 5), start="09:00", end="17:00")
    make_log(partner, agreement, space, date=dt.date(2026, 2, 3), start="09:00", end="10:00")
    return partner, agreement


def test_one_chart_per_period_type_and_no_figure_for_periods_to_come(two_kinds):
    _partner, agreement = two_kinds

    month, quarter = progress_charts(agreement_progress(agreement))

    assert (month["kind"], month["labels"][0], len(month["labels"])) == ("month", "2026年1月", 6)
    assert [d["label"] for d in month["datasets"]] == ["每月免费公益服务时数"]
    assert month["datasets"][0]["actual"] == [8.0, 1.0, None, None, None, None]
    assert month["datasets"][0]["target"] == [10.0] * 6
    assert (quarter["kind"], quarter["labels"]) == ("quarter", ["2026年第1季度", "2026年第2季度"])
    assert quarter["datasets"][0]["actual"] == [2.0, None]


def _rows(html, heading):
    section = html.split(heading, 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>\s*(.*?)</tr>", section, re.S)[1:]  # after the header row
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]


def test_page_shows_future_months_as_a_dash_and_the_current_one_as_under_way(client, two_kinds):
    partner, agreement = two_kinds
    client.force_login(partner_user(partner))

    html = client.get(reverse("services:progress_detail", args=[agreement.pk])).content.decode()

    rows = _rows(html, "每月免费公益服务时数")
    assert rows[0] == ["2026年1月", "8.00", "10.0", "80%"]
    assert rows[1] == ["2026年2月", "1.00", "10.0", "本期进行中"]
    assert rows[2:] == [
        [label, "—", "10.0", "—"] for label in ["2026年3月", "2026年4月", "2026年5月", "2026年6月"]
    ]
    assert not re.search(r"(?<![\d.])0%", html)
    assert 'id="progress-chart-month"' in html and 'id="progress-chart-quarter"' in html


def test_a_single_target_above_its_pace_shows_one_percentage(client, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    partner, agreement, space = serving_partner("trial")
    target(agreement, "hours", 10)
    make_log(partner, agreement, space, date=dt.date(2026, 1, 5), start="08:00", end="18:00")
    make_log(partner, agreement, space, date=dt.date(2026, 1, 6), start="08:00", end="18:00")
    client.force_login(partner_user(partner))

    html = client.get(reverse("services:progress_detail", args=[agreement.pk])).content.decode()

    # 20 done against 15.0 expected by 14 February: 133 %, and nowhere a capped 100 % beside it.
    assert re.findall(r'<strong class="target-percent">(\d+)%</strong>', html) == ["133"]
    assert "100%" not in html and "综合完成率" not in html


def test_two_targets_show_the_combined_share_labelled_as_such(client, two_kinds):
    partner, agreement = two_kinds
    client.force_login(partner_user(partner))

    html = client.get(reverse("services:progress_detail", args=[agreement.pk])).content.decode()

    # Hours 9 of 15.0 (60 %), events 2 of 3.0 (67 %): behind the 80 % line, so the warning says so.
    assert re.findall(r'<strong class="target-percent">(\d+)%</strong>', html) == ["60", "67"]
    assert "截至今日指标完成率 63%" in html
