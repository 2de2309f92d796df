import datetime as dt

import pytest

from portal.dates import add_months, latest_months_after, month_end, months_before, term_end, term_months

D = dt.date


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2026, 8, 31), 6, D(2027, 2, 28)),  # no 31 Feb: the month's last day
        (D(2027, 8, 31), 6, D(2028, 2, 29)),  # leap year
        (D(2026, 3, 1), 1, D(2026, 3, 31)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 1, 15), 12, D(2027, 1, 14)),
        (D(2026, 9, 1), 6, D(2027, 2, 28)),
        (D(2026, 12, 1), 24, D(2028, 11, 30)),
    ],
)
def test_term_end_is_calendar_correct(start, months, end):
    assert term_end(start, months) == end


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2026, 8, 31), D(2027, 2, 28), 6),
        (D(2026, 1, 15), D(2027, 1, 14), 12),
        (D(2026, 1, 15), D(2027, 1, 15), None),
    ],
)
def test_term_months_inverts_term_end(start, end, months):
    assert term_months(start, end) == months


def test_add_months_clamps_to_month_end():
    assert add_months(D(2026, 12, 31), 2) == D(2027, 2, 28)
    assert add_months(D(2026, 5, 20), -2) == D(2026, 3, 20)


# Each month's last day as a term's end → the calendar date two months earlier, clamped
# to the month's last day (rulebook 五(三)2 协议期满前2个月).
MONTH_END_REMINDERS = [
    # 2027, a common year
    (D(2027, 1, 31), D(2026, 11, 30)),
    (D(2027, 2, 28), D(2026, 12, 28)),
    (D(2027, 3, 31), D(2027, 1, 31)),
    (D(2027, 4, 30), D(2027, 2, 28)),
    (D(2027, 5, 31), D(2027, 3, 31)),
    (D(2027, 6, 30), D(2027, 4, 30)),
    (D(2027, 7, 31), D(2027, 5, 31)),
    (D(2027, 8, 31), D(2027, 6, 30)),
    (D(2027, 9, 30), D(2027, 7, 30)),
    (D(2027, 10, 31), D(2027, 8, 31)),
    (D(2027, 11, 30), D(2027, 9, 30)),
    (D(2027, 12, 31), D(2027, 10, 31)),
    # 2028, a leap year
    (D(2028, 1, 31), D(2027, 11, 30)),
    (D(2028, 2, 29), D(2027, 12, 29)),
    (D(2028, 3, 31), D(2028, 1, 31)),
    (D(2028, 4, 30), D(2028, 2, 29)),
    (D(2028, 5, 31), D(2028, 3, 31)),
    (D(2028, 6, 30), D(2028, 4, 30)),
    (D(2028, 7, 31), D(2028, 5, 31)),
    (D(2028, 8, 31), D(2028, 6, 30)),
    (D(2028, 9, 30), D(2028, 7, 30)),
    (D(2028, 10, 31), D(2028, 8, 31)),
    (D(2028, 11, 30), D(2028, 9, 30)),
    (D(2028, 12, 31), D(2028, 10, 31)),
]


@pytest.mark.parametrize(("end", "reminder"), MONTH_END_REMINDERS)
def test_months_before_month_end_is_clamped_calendar_date(end, reminder):
    assert months_before(end, 2) == reminder


@pytest.mark.parametrize("months", [1, 2, 3, 6])
def test_latest_months_after_inverts_months_before(months):
    """For every day of 2027–2028: the ends reminded by that day are exactly those up to the bound."""
    day = D(2026, 12, 1)
    while day <= D(2029, 1, 31):
        bound = latest_months_after(day, months)
        assert months_before(bound, months) <= day, (day, bound)
        assert months_before(bound + dt.timedelta(days=1), months) > day, (day, bound)
        day += dt.timedelta(days=1)


def test_month_end():
    assert [month_end(D(2028, 2, 3)), month_end(D(2027, 2, 28)), month_end(D(2027, 12, 1))] == [
        D(2028, 2, 29),
        D(2027, 2, 28),
        D(2027, 12, 31),
    ]
