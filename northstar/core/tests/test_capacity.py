from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from northstar.core.capacity import Load, Span, overlap_days, spread, team_load


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


Q2 = Span(d(10, 1), d(12, 31))  # FY27-Q2: 31 + 30 + 31 = 92 days


def test_overlap_days() -> None:
    assert overlap_days(Span(d(9, 15), d(10, 10)), Q2) == 10  # Oct 1..10
    assert overlap_days(Q2, Span(d(9, 15), d(10, 10))) == 10
    assert overlap_days(Span(d(11, 1), d(12, 20)), Q2) == 50  # entirely inside: 30 + 20
    assert overlap_days(Span(d(9, 1), d(1, 31, 2027)), Q2) == 92  # covers the whole quarter
    assert overlap_days(Span(d(12, 31), d(1, 5, 2027)), Q2) == 1  # touches on the last day
    assert overlap_days(Span(d(1, 1, 2027), d(1, 5, 2027)), Q2) == 0
    assert overlap_days(Span(d(10, 5), d(10, 1)), Q2) == 1  # an end before the start reads as one day


def test_spread_by_hand() -> None:
    design = Span(d(9, 15), d(10, 10))  # 16 days in September + 10 in October = 26
    assert spread(8, design, Q2) == pytest.approx(8 * 10 / 26)
    assert spread(8, design, Span(d(9, 1), d(9, 30))) == pytest.approx(8 * 16 / 26)
    assert spread(25, Span(d(11, 1), d(12, 20)), Q2) == 25
    assert spread(30, Span(d(1, 1, 2027), d(1, 31, 2027)), Q2) == 0


def test_a_one_day_item_gives_all_or_nothing() -> None:
    launch = Span(d(12, 15), d(12, 15))
    assert spread(3, launch, Q2) == 3
    assert spread(3, launch, Span(d(1, 1, 2027), d(3, 31, 2027))) == 0
    assert spread(0, launch, Q2) == 0


def test_a_negative_estimate_is_rejected() -> None:
    with pytest.raises(ValueError, match="estimate"):
        spread(-1, Q2, Q2)


def test_team_load_counts_only_the_teams_estimated_dated_items() -> None:
    growth, core = 1, 2
    items = [
        (growth, 25.0, Span(d(11, 1), d(12, 20))),  # 25 inside the quarter
        (growth, 8.0, Span(d(9, 15), d(10, 10))),  # 8 × 10/26
        (growth, None, Span(d(10, 1), d(10, 2))),  # no estimate
        (growth, 12.0, None),  # no dates
        (core, 40.0, Span(d(10, 1), d(12, 31))),  # another team
    ]
    load = team_load(items, 30.0, growth, Q2)
    expected = 25 + 8 * 10 / 26  # 28.0769...
    assert load.team == growth and load.period == Q2
    assert load.load == pytest.approx(expected)
    assert load.free == pytest.approx(30 - expected)
    assert not load.over
    assert load.share == pytest.approx(expected / 30)

    tight = team_load(items, 20.0, growth, Q2)
    assert tight.over and tight.free == pytest.approx(20 - expected)


def test_load_without_capacity() -> None:
    load = Load(team=1, period=Q2, capacity=None, load=10)
    assert load.free is None and load.share is None and not load.over
    zero = Load(team=1, period=Q2, capacity=0, load=10)
    assert zero.free == -10 and zero.over and zero.share is None
    assert team_load([], None, 1, Q2).load == 0


# --- properties -------------------------------------------------------------------------------------

BASE = d(1, 1)
estimates = st.just(0.0) | st.floats(min_value=0.01, max_value=10_000, allow_nan=False)


@st.composite
def spans(draw: st.DrawFn) -> Span:
    start = BASE + timedelta(days=draw(st.integers(0, 400)))
    return Span(start, start + timedelta(days=draw(st.integers(0, 200))))


@given(estimates, spans(), st.lists(st.integers(1, 60), min_size=1, max_size=20), st.integers(0, 30))
def test_spread_over_windows_that_tile_the_span_sums_to_the_estimate(
    estimate: float, item: Span, widths: list[int], lead: int
) -> None:
    # Windows of the drawn widths, one after the other, from before the item's start until past its end.
    windows: list[Span] = []
    start = item.start - timedelta(days=lead)
    i = 0
    while start <= item.end:
        end = start + timedelta(days=widths[i % len(widths)] - 1)
        windows.append(Span(start, end))
        start = end + timedelta(days=1)
        i += 1
    parts = [spread(estimate, item, w) for w in windows]
    assert sum(overlap_days(item, w) for w in windows) == item.days
    assert sum(parts) == pytest.approx(estimate, rel=1e-9, abs=1e-9)


@given(estimates, spans(), spans())
def test_spread_stays_between_zero_and_the_estimate(estimate: float, item: Span, window: Span) -> None:
    part = spread(estimate, item, window)
    assert 0 <= part <= estimate
    assert (part == 0) == (estimate == 0 or overlap_days(item, window) == 0)


@given(spans(), spans())
def test_overlap_is_symmetric_and_bounded(a: Span, b: Span) -> None:
    assert overlap_days(a, b) == overlap_days(b, a)
    assert 0 <= overlap_days(a, b) <= min(a.days, b.days)
