"""Calendar helpers for OKR periods. Periods are ``(first day, last day)``, both inclusive."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def quarters(start: date, end: date) -> list[tuple[date, date]]:
    """Split ``start..end`` into consecutive 3-month quarters counted from ``start``.

    Quarter boundaries are computed from ``start`` itself (not chained), so a year starting on the
    31st keeps returning to the 31st where the month has one. The last quarter is cut at ``end``.
    """
    result: list[tuple[date, date]] = []
    n = 0
    q_start = start
    while q_start <= end:
        next_start = _add_months(start, 3 * (n + 1))
        result.append((q_start, min(end, next_start - timedelta(days=1))))
        n += 1
        q_start = next_start
    return result


def period_contains(outer: tuple[date, date], inner: tuple[date, date]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def shift_date(d: date, days: int) -> date:
    return d + timedelta(days=days)
