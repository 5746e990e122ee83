"""Benchmark: the forecast against straight-line pace, and the attribution against planted effects, on
simulated key results (core.simulate). No clock is read for the maths; only the run time is measured.

Beside our attribution the bench runs a *ceiling*: the posterior mean of each planted effect under the
simulator's own distribution (its level, slope, plateau and effect laws, averaged over plateau positions and
over which effects are zero). No estimator can know that in a real workspace; on these data it is close to
the best any estimator can do, so it tells how much of the gap to the aim is ours and how much is the data's.
"""

from __future__ import annotations

import itertools
import math
import time
from datetime import date

import numpy as np

from northstar.core.attribution import attribute
from northstar.core.forecast import NOISE_A, NOISE_REF, Case, forecast_all, pace_probability, position
from northstar.core.simulate import (
    EFFECT_MEAN,
    LEVEL_SD,
    NO_EFFECT_CHANCE,
    PLATEAU_CHANCE,
    PLATEAU_LENGTH,
    SLOPE_MEAN,
    SLOPE_SD,
    SimulatedKeyResult,
    brier,
    calibration_error,
    drift,
    simulate,
    spearman,
)

CEILING_GRID = 0.1  # plateau starts and lengths are averaged over on this grid (in periods)


def _plateaus() -> list[tuple[float, float] | None]:
    shortest, longest = PLATEAU_LENGTH
    lengths = np.arange(shortest, longest + 1e-9, CEILING_GRID)
    return [None] + [
        (float(b), float(b + length))
        for length in lengths
        for b in np.arange(0.0, 1.0 - length + 1e-9, CEILING_GRID)
    ]


def _log_evidence(
    x: np.ndarray, y: np.ndarray, prior_mean: np.ndarray, prior_sd: np.ndarray
) -> tuple[np.ndarray, float]:
    """Posterior mean and log marginal likelihood of a normal-inverse-gamma linear regression."""
    precision0 = np.diag((NOISE_REF / prior_sd) ** 2)
    a0, b0 = NOISE_A, (NOISE_A - 1.0) * NOISE_REF**2
    precision = precision0 + x.T @ x
    mean = np.linalg.solve(precision, precision0 @ prior_mean + x.T @ y)
    resid = float(y @ y + prior_mean @ precision0 @ prior_mean - mean @ precision @ mean)
    a = a0 + len(y) / 2.0
    b = b0 + max(resid, 1e-12) / 2.0
    evidence = (
        0.5 * (np.linalg.slogdet(precision0)[1] - np.linalg.slogdet(precision)[1])
        + a0 * math.log(b0)
        - a * math.log(b)
        + math.lgamma(a)
        - math.lgamma(a0)
    )
    return mean, float(evidence)


def ceiling_effects(kr: SimulatedKeyResult) -> list[float]:
    """The posterior mean of each planted effect (in the key result's units) under the simulator's own laws:
    Bayesian model averaging over the plateau (none, or one on a grid) and over which effects are zero; a
    non-zero effect's exponential law is matched by a normal of the same mean and spread."""
    span = kr.target - kr.start_value
    t = np.array([position(d, kr.period_start, kr.period_end) for d, _v in kr.check_ins])
    y = np.array([(v - kr.start_value) / span for _d, v in kr.check_ins])
    steps = [position(d.day, kr.period_start, kr.period_end) for d in kr.deliveries]
    plateaus = _plateaus()
    evidences: list[float] = []
    means: list[np.ndarray] = []
    for plateau in plateaus:
        prior = math.log(1.0 - PLATEAU_CHANCE if plateau is None else PLATEAU_CHANCE / (len(plateaus) - 1))
        slope_column = np.array([drift(float(tau), 1.0, plateau) for tau in t])
        for included in itertools.product((False, True), repeat=len(steps)):
            chosen = [k for k, on in enumerate(included) if on]
            x = np.ones((len(t), 2 + len(chosen)))
            x[:, 1] = slope_column
            for column, k in enumerate(chosen):
                x[:, 2 + column] = t >= steps[k]
            prior_mean = np.array([0.0, SLOPE_MEAN, *([EFFECT_MEAN] * len(chosen))])
            prior_sd = np.array([LEVEL_SD, SLOPE_SD, *([EFFECT_MEAN] * len(chosen))])
            mean, evidence = _log_evidence(x, y, prior_mean, prior_sd)
            effects = np.zeros(len(steps))
            for column, k in enumerate(chosen):
                effects[k] = mean[2 + column]
            means.append(effects)
            evidences.append(
                evidence
                + prior
                + sum(math.log(1.0 - NO_EFFECT_CHANCE if on else NO_EFFECT_CHANCE) for on in included)
            )
    weights = np.exp(np.array(evidences) - max(evidences))
    weights /= weights.sum()
    averaged = sum((w * m for w, m in zip(weights, means, strict=True)), np.zeros(len(steps)))
    return [float(e) * abs(span) for e in averaged]


AS_OF = (0.25, 0.5, 0.75)  # forecasts made a quarter, half and three quarters into the period


def run(count: int = 2000, seed: int = 11) -> dict[str, float]:
    started = time.perf_counter()
    krs = simulate(count, seed)
    pace: list[float] = []
    outcomes: list[bool] = []
    cases: list[Case] = []
    days: list[date] = []
    for kr in krs:
        for share in AS_OF:
            today = kr.period_start + (kr.period_end - kr.period_start) * share
            seen = [(d, v) for d, v in kr.check_ins if d <= today and d < kr.period_end]
            cases.append(Case(seen, kr.start_value, kr.target, kr.period_start, kr.period_end, kr.deliveries))
            days.append(today)
            current = seen[-1][1] if seen else None
            pace.append(
                pace_probability(kr.start_value, kr.target, current, kr.period_start, kr.period_end, today)
            )
            outcomes.append(kr.reached)
    ours = [result.probability for result in forecast_all(cases, days)]
    forecast_s = time.perf_counter() - started

    estimated: list[float] = []
    planted: list[float] = []
    ceiling: list[float] = []
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
        if kr.deliveries:
            ceiling.extend(ceiling_effects(kr))
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
        "attribution_ceiling_spearman": spearman(ceiling, planted),
        "seconds": time.perf_counter() - started,
        "forecast_seconds": forecast_s,
    }
