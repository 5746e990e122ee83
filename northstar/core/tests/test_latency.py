import pytest
from hypothesis import given
from hypothesis import strategies as st

from northstar.core.latency import percentile, summarise

times = st.lists(st.floats(min_value=0, max_value=1e4, allow_nan=False), min_size=1, max_size=300)
quantiles = st.floats(min_value=0.01, max_value=100)


@given(times, quantiles)
def test_a_percentile_is_a_time_that_was_measured(values: list[float], q: float) -> None:
    assert percentile(values, q) in values


@given(times, quantiles)
def test_at_least_q_percent_of_the_values_are_at_or_below_it_and_fewer_below(
    values: list[float], q: float
) -> None:
    p = percentile(values, q)
    assert sum(v <= p for v in values) >= q / 100 * len(values) - 1e-9
    assert sum(v < p for v in values) < q / 100 * len(values) + 1e-9


@given(times, quantiles, quantiles)
def test_a_higher_percentile_is_never_lower(values: list[float], a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert percentile(values, low) <= percentile(values, high)


def test_the_hundredth_percentile_is_the_slowest_and_the_fiftieth_the_middle() -> None:
    values = [0.9, 0.1, 0.5, 0.3, 0.7]
    assert percentile(values, 100) == max(values)
    assert percentile(values, 50) == sorted(values)[2]


def test_one_slow_request_in_a_hundred_is_the_p99_but_not_the_p95() -> None:
    values = [0.01] * 99 + [2.0]
    summary = summarise(values, errors=0)
    assert summary.p99 == 0.01  # 99 of 100 are at or below 10 ms
    assert summarise([*values, 2.0], errors=1).p99 == 2.0  # two of 101 are slow
    assert summary.p95 == 0.01 and summary.slowest == 2.0 and summary.requests == 100


def test_an_empty_list_or_a_percentile_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 0)
