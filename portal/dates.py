"""Calendar arithmetic the policy relies on, in the programme's time zone."""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Aug + 6 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_before(day: dt.date, months: int) -> dt.date:
    """The calendar date `months` before `day`, clamped to the month's last day.

    So 31 Aug − 2 → 30 Jun, 30 Apr − 2 → 28 Feb (29 in a leap year), 31 Mar − 2 → 31 Jan.
    """
    return add_months(day, -months)


def latest_months_after(day: dt.date, months: int) -> dt.date:
    """The latest date whose `months_before(·, months)` is on or before `day`.

    The inverse of `months_before`, for filtering in SQL: `months_before(end, m) <= day`
    exactly when `end <= latest_months_after(day, m)`. From a month's last day
    it reaches the last day of the target month (30 Jun + 2 → 31 Aug, since
    31 Aug − 2 is 30 Jun); from any other day it is `add_months(day, months)`.
    """
    if day == month_end(day):
        return month_end(add_months(day, months))
    return add_months(day, months)


def term_end(start: dt.date, months: int) -> dt.date:
    """The last day (inclusive) of a term of `months` that starts on `start`.

    A term ends the day before the corresponding day `months` later; where
    that month has no corresponding day, it ends on the month's last day
    (cf. 民法典 第二百零三条). So 1 Mar + 1 → 31 Mar, and 31 Aug + 6 → the
    last day of February.
    """
    target_month_index = start.month - 1 + months
    year = start.year + target_month_index // 12
    month = target_month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        return dt.date(year, month, last)
    return add_months(start, months) - dt.timedelta(days=1)


def term_months(start: dt.date, end: dt.date) -> int | None:
    """Whole months of a term from start to end inclusive, or None if not whole."""
    for months in range(1, 121):
        candidate = term_end(start, months)
        if candidate == end:
            return months
        if candidate > end:
            return None
    return None


def local_today() -> dt.date:
    """Today in the programme's time zone (Asia/Shanghai by default)."""
    return timezone.localdate()


def local_midnight(day: dt.date) -> dt.datetime:
    """00:00 of `day` in the programme's time zone, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def cn_date(day: dt.date | dt.datetime | None) -> str:
    """The one date format of the portal's documents: 2026年12月1日 (no leading zeros).

    Datetimes are read in the programme's time zone first. Templates write the same with
    `|date:"Y年n月j日"`.
    """
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day.year}年{day.month}月{day.day}日"
