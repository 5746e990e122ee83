"""Benchmark: the forecast against straight-line pace, and the attribution against planted effects, on
simulated key results (core.simulate). No clock is read for the maths; only the run time is measured."""

from __future__ import annotations

import time

from northstar.core.attribution import attribute
from northstar.core.forecast import forecast, pace_probability
from northstar.core.simulate import brier, calibration_error, simulate, spearman

AS_OF = (0.25, 0.5, 0.75)  # forecasts made a quarter, half and three quarters into the period


def run(count: int = 2000, seed: int = 11) -> dict[str, float]:
    started = time.perf_counter()
    krs = simulate(count, seed)
    ours: list[float] = []
    pace: list[float] = []
    outcomes: list[bool] = []
    for kr in krs:
        days = (kr.period_end - kr.period_start).days
        for share in AS_OF:
            today = kr.period_start + (kr.period_end - kr.period_start) * share
            seen = [(d, v) for d, v in kr.check_ins if d <= today and d < kr.period_end]
            result = forecast(
                seen,
                start_value=kr.start_value,
                target=kr.target,
                period_start=kr.period_start,
                period_end=kr.period_end,
                today=today,
                deliveries=kr.deliveries,
            )
            current = seen[-1][1] if seen else None
            ours.append(result.probability)
            pace.append(
                pace_probability(kr.start_value, kr.target, current, kr.period_start, kr.period_end, today)
            )
            outcomes.append(kr.reached)
        del days
    forecast_s = time.perf_counter() - started

    estimated: list[float] = []
    planted: list[float] = []
    for kr in krs:
        found = attribute(
            kr.check_ins,
            start_value=kr.start_value,
            target=kr.target,
            period_start=kr.period_start,
            period_end=kr.period_end,
            today=kr.period_end,
            deliveries=kr.deliveries,
        )
        for a, effect in zip(found, kr.effects, strict=True):
            estimated.append(a.effect)
            planted.append(effect)
    ours_brier, pace_brier = brier(ours, outcomes), brier(pace, outcomes)
    return {
        "key_results": count,
        "forecasts": len(ours),
        "reached_share": sum(outcomes) / len(outcomes),
        "brier_forecast": ours_brier,
        "brier_pace": pace_brier,
        "brier_improvement": 1.0 - ours_brier / pace_brier,
        "calibration_error_forecast": calibration_error(ours, outcomes),
        "calibration_error_pace": calibration_error(pace, outcomes),
        "attributions": len(estimated),
        "attribution_spearman": spearman(estimated, planted),
        "seconds": time.perf_counter() - started,
        "forecast_seconds": forecast_s,
    }
