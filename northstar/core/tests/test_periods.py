from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from northstar.core.periods import period_contains, quarters, shift_date

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


def test_calendar_year_quarters() -> None:
    assert quarters(date(2025, 1, 1), date(2025, 12, 31)) == [
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
    ]


def test_fiscal_year_from_april() -> None:
    assert quarters(date(2025, 4, 1), date(2026, 3, 31)) == [
        (date(2025, 4, 1), date(2025, 6, 30)),
        (date(2025, 7, 1), date(2025, 9, 30)),
        (date(2025, 10, 1), date(2025, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
    ]


def test_year_starting_on_the_31st_keeps_its_anchor() -> None:
    # Jan 31 + 3 months has no Apr 31, so Q2 starts Apr 30; Q3 is back on Jul 31.
    assert quarters(date(2025, 1, 31), date(2026, 1, 30)) == [
        (date(2025, 1, 31), date(2025, 4, 29)),
        (date(2025, 4, 30), date(2025, 7, 30)),
        (date(2025, 7, 31), date(2025, 10, 30)),
        (date(2025, 10, 31), date(2026, 1, 30)),
    ]


def test_partial_last_quarter_is_cut_at_end() -> None:
    assert quarters(date(2025, 1, 1), date(2025, 5, 15)) == [
        (date(2025, 1, 1), date(2025, 3, 31)),
        (date(2025, 4, 1), date(2025, 5, 15)),
    ]
    assert quarters(date(2025, 1, 1), date(2025, 1, 1)) == [(date(2025, 1, 1), date(2025, 1, 1))]


def test_reversed_period_has_no_quarters() -> None:
    assert quarters(date(2025, 2, 1), date(2025, 1, 1)) == []


@settings(max_examples=200)
@given(start=dates, length=st.integers(min_value=0, max_value=800))
def test_quarters_tile_the_period(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    qs = quarters(start, end)
    assert qs[0][0] == start
    assert qs[-1][1] == end
    for (_, prev_end), (next_start, _) in zip(qs, qs[1:], strict=False):
        assert next_start == prev_end + timedelta(days=1)
    for q_start, q_end in qs:
        assert q_start <= q_end
        assert (q_end - q_start).days < 92  # three months are at most 92 days
    assert all((q_end - q_start).days >= 88 for q_start, q_end in qs[:-1])  # and at least 89


def test_period_contains() -> None:
    q1 = (date(2025, 1, 1), date(2025, 3, 31))
    assert period_contains(q1, q1)
    assert period_contains(q1, (date(2025, 2, 1), date(2025, 2, 28)))
    assert not period_contains(q1, (date(2024, 12, 31), date(2025, 2, 1)))
    assert not period_contains(q1, (date(2025, 3, 1), date(2025, 4, 1)))
    assert not period_contains((date(2025, 2, 1), date(2025, 2, 28)), q1)


def test_shift_date() -> None:
    assert shift_date(date(2025, 12, 31), 1) == date(2026, 1, 1)
    assert shift_date(date(2024, 3, 1), -1) == date(2024, 2, 29)
    assert shift_date(date(2025, 3, 1), -1) == date(2025, 2, 28)
    assert shift_date(date(2025, 1, 1), 0) == date(2025, 1, 1)


@settings(max_examples=100)
@given(d=dates, n=st.integers(min_value=-10_000, max_value=10_000))
def test_shift_date_round_trips(d: date, n: int) -> None:
    assert shift_date(shift_date(d, n), -n) == d
    assert (shift_date(d, n) - d).days == n
