import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from northstar.core.progress import DefinitionError, KRKind, Measure, Progress, check_definition, progress

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive_delta = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


def inc(start: float, target: float, current: float | None) -> Progress:
    return progress(Measure(KRKind.INCREASE, start=start, target=target, current=current))


def dec(start: float, target: float, current: float | None) -> Progress:
    return progress(Measure(KRKind.DECREASE, start=start, target=target, current=current))


def rng(low: float, high: float, current: float | None) -> Progress:
    return progress(Measure(KRKind.RANGE, low=low, high=high, current=current))


# --- examples -------------------------------------------------------------------------------------


def test_churn_decrease_halfway() -> None:
    # 3.5 -> 2.0 is a 1.5 drop; at 2.75 we have dropped 0.75 of it.
    assert dec(3.5, 2.0, 2.75) == Progress(value=0.5, raw=0.5, has_data=True, note=None)


def test_increase_quarter_way() -> None:
    assert inc(0, 100, 25) == Progress(value=0.25, raw=0.25, has_data=True, note=None)
    assert inc(10, 20, 12).value == pytest.approx(0.2)


def test_increase_over_achievement_is_kept_in_raw_only() -> None:
    p = inc(0, 100, 150)
    assert p.value == 1.0
    assert p.raw == pytest.approx(1.5)


def test_increase_worse_than_start_is_kept_in_raw_only() -> None:
    p = inc(0, 100, -50)
    assert p.value == 0.0
    assert p.raw == pytest.approx(-0.5)
    assert p.has_data


def test_decrease_beyond_target_and_worse_than_start() -> None:
    beyond = dec(3.5, 2.0, 1.25)  # dropped 2.25 of the 1.5 asked for
    assert beyond.value == 1.0
    assert beyond.raw == pytest.approx(1.5)
    worse = dec(3.5, 2.0, 4.25)  # rose 0.75
    assert worse.value == 0.0
    assert worse.raw == pytest.approx(-0.5)


def test_range_below_band_falls_off_over_band_width() -> None:
    # band 95..100 is 5 wide; 93.8 is 1.2 below it.
    p = rng(95, 100, 93.8)
    assert p.value == pytest.approx(1 - 1.2 / 5)
    assert p.value == pytest.approx(0.76)
    assert p.raw == p.value
    assert p.has_data


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (95, 1.0),
        (97.5, 1.0),
        (100, 1.0),
        (102.5, 0.5),
        (101, 0.8),
        (90, 0.0),
        (80, 0.0),
        (105, 0.0),
        (120, 0.0),
    ],
)
def test_range_examples(current: float, expected: float) -> None:
    p = rng(95, 100, current)
    assert p.value == pytest.approx(expected)
    assert p.raw == p.value


def test_range_zero_width_uses_ten_percent_of_low() -> None:
    # falloff = max(|50| * 0.1, 1) = 5
    assert rng(50, 50, 50).value == 1.0
    assert rng(50, 50, 52).value == pytest.approx(1 - 2 / 5)
    assert rng(50, 50, 47).value == pytest.approx(1 - 3 / 5)


def test_range_zero_width_small_values_fall_off_over_one() -> None:
    # falloff = max(|3| * 0.1, 1) = 1 and max(0, 1) = 1
    assert rng(3, 3, 2.5).value == pytest.approx(0.5)
    assert rng(0, 0, 0.25).value == pytest.approx(0.75)
    assert rng(0, 0, -2).value == 0.0


@pytest.mark.parametrize(("current", "expected"), [(1, 1.0), (0.5, 1.0), (0.49, 0.0), (0, 0.0), (7, 1.0)])
def test_boolean(current: float, expected: float) -> None:
    assert progress(Measure(KRKind.BOOLEAN, current=current)) == Progress(expected, expected, True, None)


def test_boolean_without_check_in() -> None:
    assert progress(Measure(KRKind.BOOLEAN)) == Progress(0.0, 0.0, False, "no_check_in")


def test_milestones() -> None:
    p = progress(Measure(KRKind.MILESTONE, milestones_reached=3, milestones_total=4))
    assert p == Progress(value=0.75, raw=0.75, has_data=True, note=None)
    none_reached = progress(Measure(KRKind.MILESTONE, milestones_reached=0, milestones_total=5))
    assert none_reached == Progress(value=0.0, raw=0.0, has_data=True, note=None)


def test_no_milestones_is_no_data() -> None:
    p = progress(Measure(KRKind.MILESTONE, milestones_reached=0, milestones_total=0))
    assert p == Progress(value=0.0, raw=0.0, has_data=False, note="no_milestones")


@pytest.mark.parametrize(
    "measure",
    [
        Measure(KRKind.INCREASE, start=0, target=10),
        Measure(KRKind.DECREASE, start=10, target=0),
        Measure(KRKind.RANGE, low=1, high=2),
    ],
)
def test_numeric_without_check_in(measure: Measure) -> None:
    assert progress(measure) == Progress(value=0.0, raw=0.0, has_data=False, note="no_check_in")


@pytest.mark.parametrize(
    "measure",
    [
        Measure(KRKind.INCREASE, start=5, target=5, current=7),
        Measure(KRKind.DECREASE, start=5, target=5, current=3),
        Measure(KRKind.INCREASE, start=10, target=0, current=5),
        Measure(KRKind.DECREASE, start=0, target=10, current=5),
        Measure(KRKind.INCREASE, target=10, current=5),
        Measure(KRKind.DECREASE, start=10, current=5),
        Measure(KRKind.RANGE, low=10, high=5, current=7),
        Measure(KRKind.RANGE, high=5, current=7),
        Measure(KRKind.INCREASE, start=0, target=math.nan, current=5),
        Measure(KRKind.RANGE, low=-math.inf, high=5, current=7),
        Measure(KRKind.INCREASE, start=5, target=5),
    ],
)
def test_invalid_definition_is_no_data(measure: Measure) -> None:
    assert progress(measure) == Progress(value=0.0, raw=0.0, has_data=False, note="invalid_definition")


# --- check_definition ------------------------------------------------------------------------------


def test_valid_definitions_have_no_errors() -> None:
    assert check_definition(KRKind.INCREASE, 0, 10, None, None) == []
    assert check_definition(KRKind.DECREASE, 10, 0, None, None) == []
    assert check_definition(KRKind.RANGE, None, None, 5, 5) == []
    assert check_definition(KRKind.RANGE, None, None, 5, 6) == []
    assert check_definition(KRKind.BOOLEAN, None, None, None, None) == []
    assert check_definition(KRKind.MILESTONE, None, None, None, None) == []


@pytest.mark.parametrize("kind", [KRKind.INCREASE, KRKind.DECREASE])
def test_start_and_target_required(kind: KRKind) -> None:
    assert check_definition(kind, None, None, None, None) == [
        DefinitionError("start", "required"),
        DefinitionError("target", "required"),
    ]
    assert check_definition(kind, 1, None, None, None) == [DefinitionError("target", "required")]
    assert check_definition(kind, None, 1, None, None) == [DefinitionError("start", "required")]


@pytest.mark.parametrize("kind", [KRKind.INCREASE, KRKind.DECREASE])
def test_start_equals_target(kind: KRKind) -> None:
    assert check_definition(kind, 4, 4, None, None) == [DefinitionError("target", "start_equals_target")]


def test_direction_errors() -> None:
    assert check_definition(KRKind.INCREASE, 10, 5, None, None) == [
        DefinitionError("target", "increase_target_below_start")
    ]
    assert check_definition(KRKind.DECREASE, 5, 10, None, None) == [
        DefinitionError("target", "decrease_target_above_start")
    ]


def test_range_errors() -> None:
    assert check_definition(KRKind.RANGE, None, None, None, None) == [
        DefinitionError("low", "required"),
        DefinitionError("high", "required"),
    ]
    assert check_definition(KRKind.RANGE, None, None, 1, None) == [DefinitionError("high", "required")]
    assert check_definition(KRKind.RANGE, None, None, 9, 3) == [
        DefinitionError("low", "range_low_above_high")
    ]


# --- properties ------------------------------------------------------------------------------------


@settings(max_examples=200)
@given(start=finite, delta=positive_delta, a=finite, b=finite)
def test_increase_is_monotonic_in_value(start: float, delta: float, a: float, b: float) -> None:
    target = start + delta
    assume(target > start)
    lo, hi = sorted((a, b))
    assert inc(start, target, lo).value <= inc(start, target, hi).value
    assert inc(start, target, lo).raw <= inc(start, target, hi).raw


@settings(max_examples=200)
@given(start=finite, delta=positive_delta, a=finite, b=finite)
def test_decrease_is_anti_monotonic_in_value(start: float, delta: float, a: float, b: float) -> None:
    target = start - delta
    assume(target < start)
    lo, hi = sorted((a, b))
    assert dec(start, target, lo).value >= dec(start, target, hi).value
    assert dec(start, target, lo).raw >= dec(start, target, hi).raw


@settings(max_examples=200)
@given(start=finite, delta=positive_delta, v=finite)
def test_raw_equals_value_inside_unit_interval(start: float, delta: float, v: float) -> None:
    target = start + delta
    assume(target > start)
    for p in (inc(start, target, v), dec(-start, -target, -v)):
        assert 0.0 <= p.value <= 1.0
        if 0.0 <= p.raw <= 1.0:
            assert p.raw == p.value
        elif p.raw > 1:
            assert p.value == 1.0
        else:
            assert p.value == 0.0


@settings(max_examples=200)
@given(start=finite, target=finite, v=finite)
def test_decrease_mirrors_increase(start: float, target: float, v: float) -> None:
    assert dec(start, target, v) == inc(-start, -target, -v)


@settings(max_examples=200)
@given(low=finite, width=st.floats(min_value=0, max_value=1e6), v=finite)
def test_range_value_is_one_inside_and_at_most_one_outside(low: float, width: float, v: float) -> None:
    high = low + width
    p = rng(low, high, v)
    assert p.raw == p.value
    assert 0.0 <= p.value <= 1.0
    if low <= v <= high:
        assert p.value == 1.0


@settings(max_examples=200)
@given(low=finite, width=st.floats(min_value=0, max_value=1e6), a=finite, b=finite)
def test_range_closer_to_band_is_never_worse(low: float, width: float, a: float, b: float) -> None:
    high = low + width
    # two readings below the band: the higher one is nearer to it
    near, far = max(a, b), min(a, b)
    assume(near < low)
    assert rng(low, high, near).value >= rng(low, high, far).value
    # mirrored above the band
    above_near, above_far = high + (low - near), high + (low - far)
    assert rng(low, high, above_near).value >= rng(low, high, above_far).value


optional = st.none() | finite
measures = st.builds(
    Measure,
    kind=st.sampled_from(list(KRKind)),
    start=optional,
    target=optional,
    low=optional,
    high=optional,
    current=optional,
    milestones_reached=st.integers(min_value=0, max_value=50),
    milestones_total=st.integers(min_value=0, max_value=50),
)


@settings(max_examples=300)
@given(m=measures)
def test_any_measure_gives_sane_progress(m: Measure) -> None:
    p = progress(m)  # must never raise, even for invalid definitions
    assert 0.0 <= p.value <= 1.0
    if p.has_data:
        assert p.note is None
    else:
        assert p.value == 0.0
        assert p.note in {"no_check_in", "no_milestones", "invalid_definition"}
    if m.kind not in (KRKind.BOOLEAN, KRKind.MILESTONE) and check_definition(
        m.kind, m.start, m.target, m.low, m.high
    ):
        assert p.note == "invalid_definition"
