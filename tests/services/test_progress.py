"""Target fulfilment arithmetic, hand-computed (rulebook 六(一)2)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.models import Agreement
from services.models import LogStatus
from services.progress import agreement_progress, progress_ranking, term_periods

from .factories import make_log, serving_partner, target

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def setup():
    partner, agreement, space = serving_partner("trial")
    target(agreement, "hours", 10)
    target(agreement, "residents", 50)
    target(agreement, "events", 6, period="quarter")
    target(agreement, "special_groups", 20, group="elderly")
    make_log(
        partner,
        agreement,
        space,
        date=dt.date(2026, 1, 5),
        start="09:00",
        end="11:00",
        residents=20,
        special=15,
        groups=["elderly"],
    )
    make_log(
        partner,
        agreement,
        space,
        date=dt.date(2026, 1, 31),
        start="14:00",
        end="17:00",
        residents=30,
        special=10,
        groups=["children"],
    )
    make_log(partner, agreement, space, date=dt.date(2026, 2, 1), start="09:00", end="10:00", residents=10)
    # Not verified: never counted.
    make_log(partner, agreement, space, date=dt.date(2026, 1, 20), residents=100, status=LogStatus.QUERIED)
    make_log(partner, agreement, space, date=dt.date(2026, 1, 21), residents=100, status=LogStatus.SUBMITTED)
    make_log(partner, agreement, space, date=dt.date(2026, 1, 22), residents=100, status=LogStatus.REJECTED)
    return agreement


def by_metric(progress):
    return {(t.target.metric, t.target.period): t for t in progress.targets}


def test_progress_counts_only_verified_logs_per_month(setup):
    progress = agreement_progress(setup, today=dt.date(2026, 2, 14))
    t = by_metric(progress)

    hours = t[("hours", "month")]
    assert [(p.label, c.actual, c.target) for p, c in hours.rows[:2]] == [
        ("2026年1月", D("5"), D("10.0")),
        ("2026年2月", D("1"), D("10.0")),
    ]
    assert len(hours.rows) == 6
    residents = t[("residents", "month")]
    assert [(c.actual, c.target) for _p, c in residents.rows[:2]] == [
        (D("50"), D("50.0")),
        (D("10"), D("50.0")),
    ]
    special = t[("special_groups", "month")]
    assert [c.actual for _p, c in special.rows[:2]] == [D("15"), D("0")]  # children do not count
    events = t[("events", "quarter")]
    assert [(p.label, c.actual, c.target) for p, c in events.rows] == [
        ("2026年第1季度", D("3"), D("6.0")),
        ("2026年第2季度", D("0"), D("6.0")),
    ]


def test_progress_pace_to_date_is_hand_computed(setup):
    progress = agreement_progress(setup, today=dt.date(2026, 2, 14))
    t = by_metric(progress)

    # Expected so far: all of January plus 14/28 of February (quarter: 45/90 days).
    assert (t[("hours", "month")].to_date.actual, t[("hours", "month")].to_date.target) == (D("6"), D("15.0"))
    assert t[("hours", "month")].to_date.ratio == D("0.400")
    assert t[("residents", "month")].to_date.ratio == D("0.800")
    assert t[("special_groups", "month")].to_date.ratio == D("0.500")
    assert (t[("events", "quarter")].to_date.actual, t[("events", "quarter")].to_date.target) == (
        D("3"),
        D("3.0"),
    )
    # Mean of 0.4, 0.8, 0.5 and 1.0.
    assert progress.fulfilment == D("0.675")
    assert progress.behind_pace is True


def test_progress_warning_share_is_configurable(setup, settings):
    settings.SERVICES_PACE_WARNING_SHARE = "0.6"
    progress = agreement_progress(setup, today=dt.date(2026, 2, 14))
    assert (progress.fulfilment, progress.behind_pace) == (D("0.675"), False)
    assert [t.behind_pace for t in progress.targets] == [True, False, False, True]


def test_progress_month_boundary_is_shanghai_midnight(setup, monkeypatch):
    # 16:30 UTC on 31 Jan is 00:30 on 1 Feb in Shanghai: February has begun.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 1, 31, 16, 30, tzinfo=dt.UTC))
    hours = by_metric(agreement_progress(setup))[("hours", "month")]
    # January in full (10) plus 1/28 of February's 10 = 10.357 → 10.4; the 1 Feb log counts.
    assert (hours.to_date.actual, hours.to_date.target) == (D("6"), D("10.4"))

    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 1, 31, 15, 30, tzinfo=dt.UTC))
    hours = by_metric(agreement_progress(setup))[("hours", "month")]
    assert (hours.to_date.actual, hours.to_date.target) == (D("5"), D("10.0"))


def test_term_periods_prorate_a_partial_first_month():
    periods = term_periods(dt.date(2026, 1, 15), dt.date(2026, 3, 14), "month")
    assert [(p.start, p.end) for p in periods] == [
        (dt.date(2026, 1, 15), dt.date(2026, 1, 31)),
        (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
        (dt.date(2026, 3, 1), dt.date(2026, 3, 14)),
    ]
    assert [round(p.share_in_term, 3) for p in periods] == [D("0.548"), D("1.000"), D("0.452")]


def test_progress_ranking_orders_by_fulfilment_in_fixed_queries(django_assert_num_queries):
    def partner_with(hours):
        partner, agreement, space = serving_partner("active")
        target(agreement, "hours", 10)
        if hours:
            make_log(
                partner, agreement, space, date=dt.date(2026, 1, 5), start="08:00", end=f"{8 + hours:02d}:00"
            )
        return agreement

    low, high = partner_with(2), partner_with(9)
    qs = Agreement.objects.filter(pk__in=[low.pk, high.pk])
    with django_assert_num_queries(3):
        ranking = progress_ranking(qs, today=dt.date(2026, 1, 31))
    assert [(p.agreement, p.fulfilment) for p in ranking] == [(high, D("0.900")), (low, D("0.200"))]

    more = [partner_with(5) for _ in range(3)]
    qs = Agreement.objects.filter(pk__in=[low.pk, high.pk, *(a.pk for a in more)])
    with django_assert_num_queries(3):
        ranking = progress_ranking(qs, today=dt.date(2026, 1, 31))
    assert len(ranking) == 5


def test_pace_warnings_sent_once_a_week_to_community_and_partner(
    mailoutbox, django_capture_on_commit_callbacks
):
    from services.tasks import send_pace_warnings
    from tests.factories import community_staff

    from .factories import partner_user

    today = dt.date(2026, 2, 14)
    behind, behind_agreement, space = serving_partner(
        "active", start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30)
    )
    target(behind_agreement, "hours", 10)
    ahead, ahead_agreement, ahead_space = serving_partner("active")
    target(ahead_agreement, "hours", 2)
    make_log(ahead, ahead_agreement, ahead_space, date=dt.date(2026, 1, 5), start="08:00", end="12:00")
    community_staff(community=behind.community, email="shequ@example.cn")
    user = partner_user(behind)
    user.email = "partner@example.cn"
    user.save()

    from services.domain import pace_warnings_send

    with django_capture_on_commit_callbacks(execute=True):
        assert pace_warnings_send(today=today) == 1
        assert pace_warnings_send(today=today) == 0  # same week: nothing twice
    # One outbox message per address (issue 17): staff and partner each get their own e-mail.
    assert sorted((m.to, m.subject) for m in mailoutbox) == [
        (["partner@example.cn"], f"进度滞后预警：{behind.name}"),
        (["shequ@example.cn"], f"进度滞后预警：{behind.name}"),
    ]
    assert "已完成 0，按进度应完成 15.0" in mailoutbox[0].body
    assert "已完成 0，按进度应完成 15.0" in mailoutbox[1].body
    assert send_pace_warnings.name == "services.tasks.send_pace_warnings"
