import math
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from northstar.core.attribution import attribute
from northstar.core.forecast import (
    AT_RISK_FROM,
    ON_TRACK_FROM,
    Case,
    Delivery,
    Forecast,
    forecast,
    forecast_all,
    pace_probability,
    status_from_probability,
    student_t_cdf,
    student_t_pdf,
    student_t_ppf,
)
from northstar.core.pace import Status
from northstar.core.simulate import brier, calibration_error, simulate, spearman

START, END = date(2026, 10, 1), date(2026, 12, 31)


def weekly(values: list[float], first: date = START) -> list[tuple[date, float]]:
    return [(first + timedelta(days=7 * i), v) for i, v in enumerate(values)]


def test_student_t_by_hand() -> None:
    assert student_t_cdf(0.0, 3) == pytest.approx(0.5)
    assert student_t_cdf(2.353363, 3) == pytest.approx(0.95, abs=1e-5)  # the classic table value
    assert student_t_cdf(1.959964, 1e6) == pytest.approx(0.975, abs=1e-5)  # many dof: the normal
    assert student_t_cdf(-math.inf, 5) == 0.0 and student_t_cdf(math.inf, 5) == 1.0


@given(st.floats(-50, 50), st.floats(1, 200))
def test_student_t_is_symmetric_and_the_quantile_inverts_it(t: float, dof: float) -> None:
    dof = round(dof, 3)  # the quantile remembers degrees of freedom to 3 decimals
    assert student_t_cdf(t, dof) + student_t_cdf(-t, dof) == pytest.approx(1.0, abs=1e-9)
    p = student_t_cdf(t, dof)
    assume(1e-6 < p < 1 - 1e-6)
    assert student_t_ppf(p, dof) == pytest.approx(t, abs=1e-6 * max(1.0, abs(t)) + 1e-6)


@given(st.floats(-30, 30), st.floats(1, 300))
def test_the_density_is_the_slope_of_the_distribution_function(t: float, dof: float) -> None:
    h = 1e-3
    slope = (student_t_cdf(t + h, dof) - student_t_cdf(t - h, dof)) / (2 * h)
    assert student_t_pdf(t, dof) == pytest.approx(slope, rel=1e-3, abs=1e-9)


@given(st.floats(1e-3, 1 - 1e-3), st.floats(1, 300))
def test_a_quantile_takes_a_handful_of_evaluations_of_the_distribution_function(p: float, dof: float) -> None:
    """Forecasts seldom share their degrees of freedom, so quantiles are seldom remembered: each must be cheap
    (bisection over ±1000 took a hundred evaluations of the distribution function)."""
    from unittest.mock import patch

    from northstar.core import forecast as module

    module._ppf.cache_clear()
    with patch.object(module, "student_t_cdf", wraps=module.student_t_cdf) as cdf:
        q = student_t_ppf(p, dof)
    assert cdf.call_count <= 20
    assert student_t_cdf(q, round(dof, 3)) == pytest.approx(round(p, 12), abs=1e-10)


def test_quantiles_beyond_a_thousand_stop_there() -> None:
    assert student_t_ppf(1e-12, 1.0) == pytest.approx(-1000.0)  # Cauchy's is about -3e11
    assert student_t_ppf(1 - 1e-12, 1.0) == pytest.approx(1000.0)
    assert student_t_ppf(0.5, 7.0) == 0.0


def test_a_key_result_far_ahead_or_far_behind() -> None:
    ahead = forecast(weekly([0, 3, 6, 9, 12, 15]), start_value=0, target=20, period_start=START, period_end=END,
                     today=START + timedelta(days=35))  # fmt: skip
    behind = forecast(weekly([0, 0.2, 0.1, 0.3, 0.2, 0.3]), start_value=0, target=20, period_start=START,
                      period_end=END, today=START + timedelta(days=35))  # fmt: skip
    assert ahead.probability > 0.9 and ahead.status == Status.ON_TRACK
    assert behind.probability < 0.1 and behind.status == Status.OFF_TRACK
    assert ahead.low <= ahead.expected <= ahead.high
    assert ahead.check_ins == 6
    assert ahead.trend_per_month == pytest.approx(3 * 30 / 7, rel=0.25)  # 3 points a week


def test_few_check_ins_give_a_wide_interval_and_no_certainty() -> None:
    one = forecast([(START, 0.0)], start_value=0, target=20, period_start=START, period_end=END,
                   today=START + timedelta(days=20))  # fmt: skip
    many = forecast(weekly([0, 1.5, 3, 4.5, 6, 7.5, 9, 10.5]), start_value=0, target=20, period_start=START,
                    period_end=END, today=START + timedelta(days=50))  # fmt: skip
    assert 0.05 < one.probability < 0.95
    assert (one.high - one.low) > 2 * (many.high - many.low)


def test_check_ins_after_today_are_not_used() -> None:
    early = forecast(weekly([0, 1, 2]), start_value=0, target=20, period_start=START, period_end=END,
                     today=START + timedelta(days=14))  # fmt: skip
    with_future = forecast(weekly([0, 1, 2, 30, 30]), start_value=0, target=20, period_start=START,
                           period_end=END, today=START + timedelta(days=14))  # fmt: skip
    assert early == with_future


def test_work_planned_before_the_end_lifts_the_forecast() -> None:
    check_ins = weekly([0, 1, 2, 3])
    kwargs = dict(
        start_value=0.0, target=20.0, period_start=START, period_end=END, today=START + timedelta(days=21)
    )
    without = forecast(check_ins, **kwargs)  # type: ignore[arg-type]
    planned = forecast(check_ins, deliveries=[Delivery(date(2026, 11, 15))], **kwargs)  # type: ignore[arg-type]
    after_end = forecast(check_ins, deliveries=[Delivery(date(2027, 2, 1))], **kwargs)  # type: ignore[arg-type]
    assert planned.expected > without.expected
    assert after_end == without


def test_status_cut_offs() -> None:
    assert status_from_probability(ON_TRACK_FROM) == Status.ON_TRACK
    assert status_from_probability(ON_TRACK_FROM - 0.01) == Status.AT_RISK
    assert status_from_probability(AT_RISK_FROM) == Status.AT_RISK
    assert status_from_probability(AT_RISK_FROM - 0.01) == Status.OFF_TRACK


def test_pace_probability_reads_the_pace_call() -> None:
    mid = START + timedelta(days=46)  # half-way
    assert pace_probability(0, 20, 10, START, END, mid) == 0.8  # on pace
    assert pace_probability(0, 20, 6, START, END, mid) == 0.5  # 20 points behind
    assert pace_probability(0, 20, 1, START, END, mid) == 0.2
    assert pace_probability(0, 20, None, START, END, mid) == 0.5


values = st.lists(st.floats(-10, 40), min_size=0, max_size=10)


@settings(max_examples=60, deadline=None)
@given(values, st.integers(1, 90), st.floats(1, 1000), st.floats(-1000, 1000))
def test_the_forecast_does_not_depend_on_units_or_direction(
    ys: list[float], day: int, scale: float, shift: float
) -> None:
    """Rescaling the number, or turning an increase into a decrease, changes nothing about the chances."""
    today = START + timedelta(days=day)
    check_ins = weekly(ys)
    base = forecast(check_ins, start_value=0, target=20, period_start=START, period_end=END, today=today)
    scaled = forecast([(d, shift + scale * v) for d, v in check_ins], start_value=shift, target=shift + 20 * scale,
                      period_start=START, period_end=END, today=today)  # fmt: skip
    mirrored = forecast([(d, -v) for d, v in check_ins], start_value=0, target=-20, period_start=START,
                        period_end=END, today=today)  # fmt: skip
    assert 0.0 <= base.probability <= 1.0
    assert scaled.probability == pytest.approx(base.probability, abs=1e-6)
    assert mirrored.probability == pytest.approx(base.probability, abs=1e-6)
    assert base.low <= base.expected <= base.high
    assert mirrored.expected == pytest.approx(-base.expected, abs=1e-6)


def test_a_target_equal_to_the_start_is_refused() -> None:
    with pytest.raises(ValueError):
        forecast([], start_value=5, target=5, period_start=START, period_end=END, today=START)


def one_at_a_time(case: Case, today: date) -> Forecast:
    return forecast(case.check_ins, start_value=case.start_value, target=case.target,
                    period_start=case.period_start, period_end=case.period_end, today=today,
                    deliveries=case.deliveries)  # fmt: skip


@st.composite
def cases(draw: st.DrawFn) -> Case:
    begins = START + timedelta(days=draw(st.integers(-60, 60)))
    ends = begins + timedelta(days=draw(st.integers(0, 120)))
    reading = st.one_of(st.floats(-1e3, 1e3), st.just(math.nan), st.just(math.inf))
    weekly_day = st.integers(-4, 21).map(lambda week: 7 * week)  # often two on one day
    check_ins = draw(st.lists(st.tuples(weekly_day, reading), max_size=12))
    work = draw(st.lists(st.tuples(st.integers(-30, 150), st.floats(-1, 5)), max_size=4))
    start = draw(st.floats(-100, 100))
    span = draw(st.floats(0.01, 500)) * draw(st.sampled_from([-1, 1]))
    return Case(
        [(begins + timedelta(days=d), v) for d, v in check_ins], start, start + span, begins, ends,
        [Delivery(begins + timedelta(days=d), w) for d, w in work],
    )  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cases(), st.integers(-60, 200)), min_size=1, max_size=6))
def test_forecasts_made_together_are_each_the_model_of_one_key_result(asked: list[tuple[Case, int]]) -> None:
    batch = [case for case, _day in asked]
    days = [START + timedelta(days=day) for _case, day in asked]
    together = forecast_all(batch, days)
    # many at once take another path through the Student-t functions (arrays, not one float at a time)
    many = forecast_all(batch * 16, days * 16)
    assert len(together) == len(batch) and len(many) == 16 * len(batch)
    for i, (case, today, made) in enumerate(zip(batch, days, together, strict=True)):
        # the same numbers alone as among others, to the last bit: a kept tree that forecasts again only the
        # key result a check-in moved must show what a tree made afresh shows
        assert forecast_all([case], today) == [made] == many[i :: len(batch)][:1]
        expected = one_at_a_time(case, today)
        size = abs(case.target - case.start_value)
        assert made.check_ins == expected.check_ins
        assert made.probability == pytest.approx(expected.probability, abs=1e-9)
        assert made.expected == pytest.approx(expected.expected, rel=1e-9, abs=1e-9 * size)
        # the reference's quantile is remembered with its degrees of freedom to 3 decimals
        width = abs(expected.high - expected.low)
        assert made.low == pytest.approx(expected.low, abs=1e-4 * width + 1e-9 * size)
        assert made.high == pytest.approx(expected.high, abs=1e-4 * width + 1e-9 * size)
        assert made.trend_per_month == pytest.approx(expected.trend_per_month, rel=1e-9, abs=1e-9 * size)
        if expected.needed_per_month is None:
            assert made.needed_per_month is None
        else:
            assert made.needed_per_month == pytest.approx(expected.needed_per_month, rel=1e-9)
        if min(abs(expected.probability - cut) for cut in (ON_TRACK_FROM, AT_RISK_FROM)) > 1e-9:
            assert made.status == expected.status
    assert all(many[i] == together[i % len(batch)] for i in range(len(many)))


def test_of_two_check_ins_on_one_day_the_later_is_the_current_value() -> None:
    later_lower = forecast([(START, 8.0), (START, 4.0)], start_value=0, target=10, period_start=START,
                           period_end=END, today=START)  # fmt: skip
    later_higher = forecast([(START, 4.0), (START, 8.0)], start_value=0, target=10, period_start=START,
                            period_end=END, today=START)  # fmt: skip
    months = (END - START).days / 30
    assert later_lower.needed_per_month == pytest.approx(6 / months)
    assert later_higher.needed_per_month == pytest.approx(2 / months)
    together = forecast_all(
        [
            Case([(START, 8.0), (START, 4.0)], 0, 10, START, END),
            Case([(START, 4.0), (START, 8.0)], 0, 10, START, END),
        ],
        START,
    )
    assert [f.needed_per_month for f in together] == pytest.approx([6 / months, 2 / months])


def test_forecasts_of_nothing_and_a_target_equal_to_the_start() -> None:
    assert forecast_all([], START) == []
    fine = Case([(START, 1.0)], 0.0, 10.0, START, END)
    with pytest.raises(ValueError):
        forecast_all([fine, Case([(START, 1.0)], 5.0, 5.0, START, END)], START)
    with pytest.raises(ValueError):
        forecast_all([fine, fine], [START])


# --- attribution ---------------------------------------------------------------------------------------------


def test_a_clear_step_is_attributed_to_the_work_delivered_then() -> None:
    # 0.1 a week, then a jump of 5 the week the work landed; nothing from the other item
    ys = [0.1 * i + (5 if i >= 6 else 0) for i in range(13)]
    found = attribute(weekly(ys), start_value=0, target=20, period_start=START, period_end=END, today=END,
                      deliveries=[Delivery(START + timedelta(days=42)), Delivery(START + timedelta(days=20))])  # fmt: skip
    landed = {a.delivery.day: a for a in found}
    jump = landed[START + timedelta(days=42)]
    assert jump.low <= 5 <= jump.high and jump.effect == pytest.approx(5, abs=0.6)
    assert abs(landed[START + timedelta(days=20)].effect) < 1
    assert (jump.check_ins_before, jump.check_ins_after) == (6, 7)


def test_work_not_delivered_yet_is_not_judged() -> None:
    found = attribute(weekly([0, 1, 2]), start_value=0, target=20, period_start=START, period_end=END,
                      today=START + timedelta(days=14), deliveries=[Delivery(END)])  # fmt: skip
    assert found == []


# --- the measures --------------------------------------------------------------------------------------------


@given(st.lists(st.booleans(), min_size=1, max_size=50))
def test_perfect_forecasts_score_zero(outcomes: list[bool]) -> None:
    sure = [1.0 if o else 0.0 for o in outcomes]
    assert brier(sure, outcomes) == 0.0 and calibration_error(sure, outcomes) == 0.0
    assert brier([1.0 - p for p in sure], outcomes) == 1.0


def test_calibration_error_by_hand() -> None:
    # ten forecasts of 0.25 of which half happened: one bin, off by 0.25
    assert calibration_error([0.25] * 10, [True] * 5 + [False] * 5) == pytest.approx(0.25)


@given(st.lists(st.integers(-1000, 1000), min_size=2, max_size=30, unique=True))
def test_spearman_sees_only_the_order(xs: list[int]) -> None:
    assert spearman(xs, [x**3 + 7 for x in xs]) == pytest.approx(1.0)
    assert spearman(xs, [-x for x in xs]) == pytest.approx(-1.0)


def test_the_simulator_is_reproducible_and_keeps_its_truth() -> None:
    first, again = simulate(20, seed=3), simulate(20, seed=3)
    assert first == again
    for kr in first:
        assert kr.check_ins[-1][0] == kr.period_end and kr.final == kr.check_ins[-1][1]
        assert len(kr.effects) == len(kr.deliveries)
        assert all(e >= 0 for e in kr.effects)
        assert all(kr.period_start <= d for d, _v in kr.check_ins)


def test_the_ceiling_recovers_planted_effects_from_clean_data() -> None:
    # a plateau in the middle third, one real step and one delivery that did nothing, daily check-ins
    # with little noise: the ceiling knows the laws, so it must find both
    from northstar.core.bench_forecast import ceiling_effects
    from northstar.core.simulate import SimulatedKeyResult, drift

    at, effect = (0.3, 0.8), (0.25, 0.0)
    days = range(0, 91)
    jitter = [0.004 * math.sin(7 * d) for d in days]
    u = [
        drift(d / 90, 0.6, (0.4, 0.7)) + sum(e for a, e in zip(at, effect, strict=True) if d / 90 >= a) + j
        for d, j in zip(days, jitter, strict=True)
    ]
    kr = SimulatedKeyResult(
        start_value=10.0, target=30.0, period_start=START, period_end=START + timedelta(days=90),
        check_ins=tuple((START + timedelta(days=d), 10.0 + 20.0 * v) for d, v in zip(days, u, strict=True)),
        deliveries=tuple(Delivery(START + timedelta(days=round(a * 90))) for a in at),
        effects=tuple(20.0 * e for e in effect), final=10.0 + 20.0 * u[-1],
    )  # fmt: skip
    found = ceiling_effects(kr)
    assert found[0] == pytest.approx(5.0, abs=0.5) and abs(found[1]) < 0.5
