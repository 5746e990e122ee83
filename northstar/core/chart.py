"""Geometry for the server-rendered SVG chart of a key result's progress over time.

Everything is in SVG user units: x grows to the right with time, y grows downward, so higher values
get smaller y. The plot area is the box ``padding..width-padding`` by ``padding..height-padding``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

_NICE_STEPS = (1.0, 2.0, 2.5, 5.0)
_MAX_X_TICKS = 12


@dataclass(frozen=True)
class Point:
    when: date
    value: float


@dataclass(frozen=True)
class ChartGeometry:
    width: int
    height: int
    points: tuple[tuple[float, float], ...]
    polyline: str
    target_y: float | None
    band: tuple[float, float] | None
    pace_line: tuple[tuple[float, float], tuple[float, float]] | None
    today_x: float | None
    y_ticks: tuple[tuple[float, float], ...]
    x_ticks: tuple[tuple[float, date], ...]
    forecast_polygon: str | None = None  # the fan from today's value to the end's interval
    forecast_line: tuple[tuple[float, float], tuple[float, float]] | None = None  # to the expected end value
    deliveries: tuple[tuple[float, date], ...] = ()  # x of each delivery of linked work on the time axis


@dataclass(frozen=True)
class ForecastBand:
    """Drawn from (``since``, ``value``) to the end of the period, fanning out to ``low``..``high``."""

    since: date
    value: float
    expected: float
    low: float
    high: float


def _value_range(values: Sequence[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    vmin, vmax = min(values), max(values)
    span = vmax - vmin
    magnitude = max(abs(vmin), abs(vmax))
    # A span lost in float noise next to the magnitude is treated as constant data.
    pad = max(magnitude * 0.1, 1.0) if span <= magnitude * 1e-9 else span * 0.05
    lo, hi = vmin - pad, vmax + pad
    if vmin >= 0 > lo:  # don't invent negative territory for a metric that never goes below zero
        lo = 0.0
    return lo, hi


def _nice_ticks(lo: float, hi: float) -> tuple[float, float, list[float]]:
    """Pick a 1/2/2.5/5 x 10^k step giving 4-6 ticks; widen lo/hi to the next tick if too few fit."""
    length = hi - lo
    exponent = math.floor(math.log10(length / 5)) - 1
    step, decimals = 1.0, 0
    k_lo = k_hi = 0
    for e in range(exponent, exponent + 4):
        for mantissa in _NICE_STEPS:
            step = mantissa * 10.0**e
            k_lo, k_hi = math.ceil(lo / step), math.floor(hi / step)
            if k_hi - k_lo + 1 <= 6:
                decimals = max(0, -e + (1 if mantissa == 2.5 else 0))
                break
        else:
            continue
        break
    # Widen upwards first: most metrics start at zero and a negative tick would look odd.
    widen_high = True
    while k_hi - k_lo + 1 < 4:
        if widen_high:
            k_hi += 1
        else:
            k_lo -= 1
        widen_high = not widen_high
    ticks = [round(k * step, decimals) for k in range(k_lo, k_hi + 1)]
    return min(lo, ticks[0]), max(hi, ticks[-1]), ticks


def _month_starts(first: date, last: date) -> list[date]:
    month = date(first.year, first.month, 1)
    if month < first:
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    starts: list[date] = []
    while month <= last:
        starts.append(month)
        if month.year == 9999 and month.month == 12:
            break
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    stride = math.ceil(len(starts) / _MAX_X_TICKS) if starts else 1
    return starts[::stride]


def chart_geometry(
    points: Sequence[Point],
    *,
    start_date: date,
    end_date: date,
    start: float | None,
    target: float | None,
    low: float | None = None,
    high: float | None = None,
    today: date | None = None,
    band_ahead: ForecastBand | None = None,
    deliveries: Sequence[date] = (),
    width: int = 640,
    height: int = 220,
    padding: int = 36,
) -> ChartGeometry:
    """Lay out check-ins (sorted by date) against the period, target or band, and straight-line pace.

    The time axis runs from the earlier of ``start_date`` and the first check-in to the later of
    ``end_date`` and the last one; ``today_x`` is None when today falls outside it. For a range key
    result (``low`` and ``high`` both set) there is a band instead of a target line and no pace line.
    ``band_ahead`` adds the forecast: a fan from its value at ``since`` to its interval at ``end_date``, with a
    line to the expected value; ``deliveries`` inside the time axis get a marker each.
    """
    if width <= 2 * padding or height <= 2 * padding or padding < 0:
        raise ValueError("the chart must be larger than twice its padding")
    ordered = sorted(points, key=lambda p: p.when)
    is_range = low is not None and high is not None

    left, right = float(padding), float(width - padding)
    top, bottom = float(padding), float(height - padding)

    first = min([start_date, *(p.when for p in ordered)])
    last = max([end_date, *(p.when for p in ordered)])
    days = (last - first).days

    def x_of(d: date) -> float:
        if days == 0:
            return (left + right) / 2
        return left + (d - first).days / days * (right - left)

    values = [p.value for p in ordered] + [v for v in (start, target, low, high) if v is not None]
    if band_ahead is not None:
        values += [band_ahead.low, band_ahead.high, band_ahead.value]
    lo, hi, tick_values = _nice_ticks(*_value_range(values))

    def y_of(v: float) -> float:
        return top + (hi - v) / (hi - lo) * (bottom - top)

    xy = tuple((x_of(p.when), y_of(p.value)) for p in ordered)
    target_y = y_of(target) if target is not None and not is_range else None
    band = (y_of(high), y_of(low)) if low is not None and high is not None else None
    pace_line = None
    if start is not None and target is not None and not is_range:
        pace_line = ((x_of(start_date), y_of(start)), (x_of(end_date), y_of(target)))
    today_x = x_of(today) if today is not None and first <= today <= last else None
    polygon = line = None
    if band_ahead is not None and band_ahead.since <= end_date:
        x0, x1 = x_of(max(first, band_ahead.since)), x_of(end_date)
        y0 = y_of(band_ahead.value)
        polygon = (
            f"{x0:.1f},{y0:.1f} {x1:.1f},{y_of(band_ahead.high):.1f} {x1:.1f},{y_of(band_ahead.low):.1f}"
        )
        line = ((x0, y0), (x1, y_of(band_ahead.expected)))

    return ChartGeometry(
        width=width,
        height=height,
        points=xy,
        polyline=" ".join(f"{x:.1f},{y:.1f}" for x, y in xy),
        target_y=target_y,
        band=band,
        pace_line=pace_line,
        today_x=today_x,
        y_ticks=tuple((y_of(v), v) for v in tick_values),
        x_ticks=tuple((x_of(m), m) for m in _month_starts(first, last)),
        forecast_polygon=polygon,
        forecast_line=line,
        deliveries=tuple((x_of(d), d) for d in sorted(deliveries) if first <= d <= last),
    )
