import math
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from northstar.core.chart import ChartGeometry, Point, chart_geometry

JAN1, JAN31 = date(2025, 1, 1), date(2025, 1, 31)
# default geometry: 640 x 220 with 36 padding -> plot box x 36..604, y 36..184
LEFT, RIGHT, TOP, BOTTOM = 36.0, 604.0, 36.0, 184.0
EPS = 1e-6


def inside(x: float, y: float, g: ChartGeometry, padding: float = 36) -> bool:
    return padding - EPS <= x <= g.width - padding + EPS and padding - EPS <= y <= g.height - padding + EPS


def y_for(g: ChartGeometry, value: float) -> float:
    """Where value should sit, by linear interpolation between the first and last tick."""
    (y0, v0), (y1, v1) = g.y_ticks[0], g.y_ticks[-1]
    return y0 + (value - v0) * (y1 - y0) / (v1 - v0)


def is_nice(step: float) -> bool:
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))


def test_time_axis_positions() -> None:
    pts = [Point(JAN1, 10), Point(date(2025, 1, 16), 20)]
    g = chart_geometry(pts, start_date=JAN1, end_date=JAN31, start=10, target=40, today=date(2025, 1, 11))
    # 30 days over 568 units
    assert g.points[0][0] == pytest.approx(LEFT)
    assert g.points[1][0] == pytest.approx(LEFT + 15 / 30 * 568)
    assert g.today_x == pytest.approx(LEFT + 10 / 30 * 568)
    assert g.pace_line is not None
    assert g.pace_line[0][0] == pytest.approx(LEFT)
    assert g.pace_line[1][0] == pytest.approx(RIGHT)


def test_points_are_drawn_in_date_order() -> None:
    pts = [Point(date(2025, 1, 16), 20), Point(JAN1, 10)]
    g = chart_geometry(pts, start_date=JAN1, end_date=JAN31, start=None, target=None)
    assert g.points[0][0] < g.points[1][0]
    assert g.points[0][1] > g.points[1][1]  # 10 is lower on screen than 20


def test_value_axis_is_linear_and_ticks_are_nice() -> None:
    pts = [Point(JAN1, 3.4), Point(date(2025, 1, 10), 3.0), Point(date(2025, 1, 20), 2.75)]
    g = chart_geometry(pts, start_date=JAN1, end_date=JAN31, start=3.5, target=2.0)
    assert 4 <= len(g.y_ticks) <= 6
    values = [v for _, v in g.y_ticks]
    steps = [b - a for a, b in zip(values, values[1:], strict=False)]
    assert all(s == pytest.approx(steps[0]) for s in steps)
    assert is_nice(steps[0])
    assert all(inside(LEFT, y, g) for y, _ in g.y_ticks)
    for (_, y), p in zip(g.points, pts, strict=True):
        assert y == pytest.approx(y_for(g, p.value))
    assert g.target_y == pytest.approx(y_for(g, 2.0))
    assert g.pace_line is not None
    assert g.pace_line[0][1] == pytest.approx(y_for(g, 3.5))
    assert g.pace_line[1][1] == pytest.approx(g.target_y)
    assert g.band is None


def test_axis_covers_start_target_and_values_with_margin() -> None:
    g = chart_geometry([Point(JAN1, 50)], start_date=JAN1, end_date=JAN31, start=-20, target=200)
    assert g.target_y is not None and g.pace_line is not None
    assert TOP < g.target_y < BOTTOM  # margin: the extremes are not glued to the box edge
    assert TOP < g.pace_line[0][1] < BOTTOM
    assert g.target_y < g.points[0][1] < g.pace_line[0][1]


def test_range_key_result_has_band_not_target() -> None:
    pts = [Point(JAN1, 93.8), Point(date(2025, 1, 15), 97)]
    g = chart_geometry(pts, start_date=JAN1, end_date=JAN31, start=None, target=None, low=95, high=100)
    assert g.target_y is None
    assert g.pace_line is None
    assert g.band is not None
    top, bottom = g.band
    assert top == pytest.approx(y_for(g, 100))
    assert bottom == pytest.approx(y_for(g, 95))
    assert top < g.points[1][1] < bottom  # 97 is inside the band
    assert g.points[0][1] > bottom  # 93.8 is below it


def test_polyline_is_points_rounded_to_one_decimal() -> None:
    pts = [Point(JAN1, 1), Point(date(2025, 1, 11), 2), Point(JAN31, 4)]
    g = chart_geometry(pts, start_date=JAN1, end_date=JAN31, start=0, target=5)
    pairs = g.polyline.split(" ")
    assert len(pairs) == 3
    for pair, (x, y) in zip(pairs, g.points, strict=True):
        assert re.fullmatch(r"-?\d+\.\d,-?\d+\.\d", pair)
        px, py = (float(s) for s in pair.split(","))
        assert abs(px - x) <= 0.05 + EPS and abs(py - y) <= 0.05 + EPS
    assert pairs[1].startswith(f"{LEFT + 10 / 30 * 568:.1f},")


def test_constant_data_does_not_divide_by_zero() -> None:
    pts = [Point(JAN1, 5), Point(JAN1, 5)]
    g = chart_geometry(pts, start_date=JAN1, end_date=JAN1, start=None, target=None, today=JAN1)
    for x, y in g.points:
        assert x == pytest.approx((LEFT + RIGHT) / 2)
        assert TOP < y < BOTTOM
    assert g.today_x == pytest.approx((LEFT + RIGHT) / 2)
    assert 4 <= len(g.y_ticks) <= 6
    assert g.y_ticks[0][1] <= 5 <= g.y_ticks[-1][1]


def test_empty_chart() -> None:
    g = chart_geometry([], start_date=JAN1, end_date=JAN31, start=None, target=None)
    assert g.points == ()
    assert g.polyline == ""
    assert g.target_y is None and g.band is None and g.pace_line is None and g.today_x is None
    assert 4 <= len(g.y_ticks) <= 6


def test_dates_outside_the_period_extend_the_axis() -> None:
    early = JAN1 - timedelta(days=10)
    g = chart_geometry(
        [Point(early, 1), Point(JAN1, 2)], start_date=JAN1, end_date=JAN31, start=0, target=5, today=JAN31
    )
    # axis now runs Dec 22 .. Jan 31, 40 days
    assert g.points[0][0] == pytest.approx(LEFT)
    assert g.points[1][0] == pytest.approx(LEFT + 10 / 40 * 568)
    assert g.pace_line is not None
    assert g.pace_line[0][0] == pytest.approx(LEFT + 10 / 40 * 568)
    assert g.today_x == pytest.approx(RIGHT)

    late = chart_geometry([Point(date(2025, 2, 10), 3)], start_date=JAN1, end_date=JAN31, start=0, target=5)
    assert late.points[0][0] == pytest.approx(RIGHT)
    assert late.pace_line is not None
    assert late.pace_line[1][0] == pytest.approx(LEFT + 30 / 40 * 568)


def test_today_outside_the_axis_is_not_drawn() -> None:
    g = chart_geometry([], start_date=JAN1, end_date=JAN31, start=0, target=1, today=date(2025, 3, 1))
    assert g.today_x is None


def test_month_ticks() -> None:
    g = chart_geometry([], start_date=date(2025, 1, 15), end_date=date(2025, 4, 15), start=0, target=1)
    assert [d for _, d in g.x_ticks] == [date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)]
    # Jan 15 -> Feb 1 is 17 of the 90 days
    assert g.x_ticks[0][0] == pytest.approx(LEFT + 17 / 90 * 568)

    quarter = chart_geometry([], start_date=JAN1, end_date=date(2025, 3, 31), start=0, target=1)
    assert [d for _, d in quarter.x_ticks] == [JAN1, date(2025, 2, 1), date(2025, 3, 1)]
    assert quarter.x_ticks[0][0] == pytest.approx(LEFT)


def test_custom_size() -> None:
    g = chart_geometry(
        [Point(JAN1, 0), Point(JAN31, 1)],
        start_date=JAN1,
        end_date=JAN31,
        start=0,
        target=1,
        width=200,
        height=100,
        padding=10,
    )
    assert (g.width, g.height) == (200, 100)
    assert g.points[0][0] == pytest.approx(10) and g.points[1][0] == pytest.approx(190)
    assert all(inside(x, y, g, padding=10) for x, y in g.points)


def test_padding_larger_than_chart_is_rejected() -> None:
    with pytest.raises(ValueError):
        chart_geometry([], start_date=JAN1, end_date=JAN31, start=None, target=None, width=60, padding=30)


values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
chart_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@settings(max_examples=200, deadline=None)
@given(
    points=st.lists(st.builds(Point, when=chart_dates, value=values), max_size=20),
    start_date=chart_dates,
    length=st.integers(min_value=0, max_value=400),
    start=st.none() | values,
    target=st.none() | values,
    band=st.none() | st.tuples(values, st.floats(min_value=0, max_value=1e5)),
    today=st.none() | chart_dates,
)
def test_everything_lands_inside_the_box(
    points: list[Point],
    start_date: date,
    length: int,
    start: float | None,
    target: float | None,
    band: tuple[float, float] | None,
    today: date | None,
) -> None:
    low, high = (band[0], band[0] + band[1]) if band else (None, None)
    g = chart_geometry(
        points,
        start_date=start_date,
        end_date=start_date + timedelta(days=length),
        start=start,
        target=target,
        low=low,
        high=high,
        today=today,
    )
    assert len(g.points) == len(points)
    assert all(inside(x, y, g) for x, y in g.points)
    assert 4 <= len(g.y_ticks) <= 6
    assert all(inside(LEFT, y, g) for y, _ in g.y_ticks)
    assert all(inside(x, TOP, g) for x, _ in g.x_ticks)
    assert all(d.day == 1 for _, d in g.x_ticks)
    if g.target_y is not None:
        assert inside(LEFT, g.target_y, g)
    if g.band is not None:
        assert inside(LEFT, g.band[0], g) and inside(LEFT, g.band[1], g)
        assert g.band[0] <= g.band[1]
    if g.pace_line is not None:
        assert all(inside(x, y, g) for x, y in g.pace_line)
    if g.today_x is not None:
        assert inside(g.today_x, TOP, g)
    # ticks read upward: larger values, smaller y
    ys = [y for y, _ in g.y_ticks]
    assert ys == sorted(ys, reverse=True)
    xs = [x for x, _ in g.points]
    assert xs == sorted(xs)


@settings(max_examples=200, deadline=None)
@given(pts=st.lists(st.builds(Point, when=chart_dates, value=values), min_size=2, max_size=20))
def test_higher_values_are_drawn_higher(pts: list[Point]) -> None:
    g = chart_geometry(pts, start_date=date(2024, 1, 1), end_date=date(2026, 12, 31), start=None, target=None)
    ordered = sorted(pts, key=lambda p: p.when)
    for (_, y1), p1 in zip(g.points, ordered, strict=True):
        for (_, y2), p2 in zip(g.points, ordered, strict=True):
            if p1.value > p2.value:
                assert y1 <= y2
            if p1.value - p2.value > 1e-3 * (g.y_ticks[-1][1] - g.y_ticks[0][1]):
                assert y1 < y2


def test_non_negative_metric_gets_no_negative_ticks() -> None:
    pts = [Point(JAN1, 0), Point(JAN31, 80)]
    g = chart_geometry(pts, start_date=JAN1, end_date=JAN31, start=0, target=100)
    assert g.y_ticks[0][1] == 0
    assert g.points[0][1] == pytest.approx(BOTTOM)
    assert g.target_y is not None and g.target_y > TOP  # but there is headroom above the target


def test_month_ticks_are_thinned_on_long_axes() -> None:
    g = chart_geometry([], start_date=JAN1, end_date=date(2027, 12, 31), start=0, target=1)
    months = [d for _, d in g.x_ticks]
    assert 1 < len(months) <= 12
    assert months[0] == JAN1
    gaps = {(b.year - a.year) * 12 + b.month - a.month for a, b in zip(months, months[1:], strict=False)}
    assert gaps == {3}  # 36 months thinned to every third month
