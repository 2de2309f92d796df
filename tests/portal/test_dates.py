import datetime as dt

import pytest

from portal.dates import add_months, term_end, term_months

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
