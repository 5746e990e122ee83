"""Key results with a known truth, to test the forecast and the attribution against.

Each simulated key result runs over one quarter (91 days) in progress units (0 = start value, 1 = target) and
is then scaled to a random start, target and direction. Its true path is

    u(τ) = level + drift(τ) + Σ_k effect_k · [τ ≥ delivery_k]

with ``level`` ~ N(0, 0.05), a drift of slope ~ N(0.45, 0.45) per period that stops on a plateau (with
probability 0.4, one stretch of 15–40 % of the period), and 0–3 linked deliveries at uniform times in
[0.1, 0.95] whose planted effect is 0 with probability 0.25 and otherwise exponential with mean 0.2, and whose
contribution weight (1, 2 or 3) is not related to the effect. Check-ins are irregular: a weekly or fortnightly
cadence kept loosely (up to 3 days off, a quarter skipped, now and then a month without any), each the true
value plus noise of standard deviation U(0.02, 0.08).
The outcome is a check-in on the last day: reached when it is at or beyond the target.

``brier``, ``calibration_error`` and ``spearman`` are the measures the bench prints.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from northstar.core.forecast import Delivery

PERIOD_START = date(2026, 10, 1)
PERIOD_DAYS = 91
# the truth's distribution, in progress units and periods (the attribution ceiling in core.bench_forecast
# reads these: it is the one estimator allowed to know them)
LEVEL_SD = 0.05
SLOPE_MEAN = 0.45
SLOPE_SD = 0.45
PLATEAU_CHANCE = 0.4
PLATEAU_LENGTH = (0.15, 0.4)
NO_EFFECT_CHANCE = 0.25
EFFECT_MEAN = 0.2


@dataclass(frozen=True)
class SimulatedKeyResult:
    start_value: float
    target: float
    period_start: date
    period_end: date
    check_ins: tuple[tuple[date, float], ...]  # over the whole period, the last on its last day
    deliveries: tuple[Delivery, ...]
    effects: tuple[float, ...]  # planted, in the key result's units (towards the target is positive)
    final: float  # the last check-in

    @property
    def reached(self) -> bool:
        return (self.final - self.start_value) / (self.target - self.start_value) >= 1.0


def _path(rng: random.Random) -> tuple[float, float, tuple[float, float] | None]:
    level = rng.gauss(0.0, LEVEL_SD)
    slope = rng.gauss(SLOPE_MEAN, SLOPE_SD)
    plateau = None
    if rng.random() < PLATEAU_CHANCE:
        length = rng.uniform(*PLATEAU_LENGTH)
        begin = rng.uniform(0.0, 1.0 - length)
        plateau = (begin, begin + length)
    return level, slope, plateau


def drift(tau: float, slope: float, plateau: tuple[float, float] | None) -> float:
    if plateau is None:
        return slope * tau
    begin, end = plateau
    flat = max(0.0, min(tau, end) - begin)
    return slope * (tau - flat)


def _true_u(
    tau: float,
    level: float,
    slope: float,
    plateau: tuple[float, float] | None,
    at: Sequence[float],
    effects: Sequence[float],
) -> float:
    return level + drift(tau, slope, plateau) + sum(e for a, e in zip(at, effects, strict=True) if tau >= a)


def _check_in_days(rng: random.Random) -> list[int]:
    """A weekly or fortnightly cadence kept loosely: each check-in up to 3 days early or late, a quarter of
    them skipped, sometimes none for a month; the first on day 0 half the time; the last on the last day."""
    cadence = rng.choice([7, 7, 14])
    days: set[int] = {0} if rng.random() < 0.5 else set()
    day = cadence
    while day < PERIOD_DAYS - 1:
        if rng.random() >= 0.25:
            days.add(min(PERIOD_DAYS - 2, max(1, day + rng.randint(-3, 3))))
        day += cadence + (28 if rng.random() < 0.05 else 0)
    return [*sorted(days), PERIOD_DAYS - 1]


def simulate(count: int, seed: int = 1) -> list[SimulatedKeyResult]:
    rng = random.Random(seed)
    out = []
    end = PERIOD_START + timedelta(days=PERIOD_DAYS - 1)
    for _ in range(count):
        level, slope, plateau = _path(rng)
        n_work = rng.choice([0, 1, 1, 2, 2, 3])
        at = sorted(rng.uniform(0.1, 0.95) for _ in range(n_work))
        effects_u = [0.0 if rng.random() < NO_EFFECT_CHANCE else rng.expovariate(1 / EFFECT_MEAN) for _ in at]
        weights = [float(rng.choice([1, 2, 3])) for _ in at]
        noise = rng.uniform(0.02, 0.08)
        start_value = round(rng.uniform(0, 100), 1)
        span = rng.choice([-1, 1]) * rng.uniform(5, 50)
        target = round(start_value + span, 1)

        days = _check_in_days(rng)
        check_ins = tuple(
            (
                PERIOD_START + timedelta(days=d),
                start_value
                + span
                * (
                    _true_u(d / (PERIOD_DAYS - 1), level, slope, plateau, at, effects_u) + rng.gauss(0, noise)
                ),
            )
            for d in days
        )
        deliveries = tuple(
            Delivery(PERIOD_START + timedelta(days=round(a * (PERIOD_DAYS - 1))), w)
            for a, w in zip(at, weights, strict=True)
        )
        out.append(
            SimulatedKeyResult(
                start_value=start_value,
                target=target,
                period_start=PERIOD_START,
                period_end=end,
                check_ins=check_ins,
                deliveries=deliveries,
                effects=tuple(e * abs(span) for e in effects_u),
                final=check_ins[-1][1],
            )
        )
    return out


def brier(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float:
    """Mean squared difference between the probabilities and what happened (0 is perfect)."""
    if not probabilities:
        raise ValueError("no forecasts to score")
    return math.fsum((p - float(o)) ** 2 for p, o in zip(probabilities, outcomes, strict=True)) / len(
        probabilities
    )


def calibration_error(probabilities: Sequence[float], outcomes: Sequence[bool], bins: int = 10) -> float:
    """Expected calibration error: over equal-width probability bins, the gap between the mean forecast and
    the share that happened, weighted by how many forecasts fall in the bin (0 is perfect, 1 the worst)."""
    if not probabilities:
        raise ValueError("no forecasts to score")
    groups: dict[int, list[tuple[float, bool]]] = {}
    for p, o in zip(probabilities, outcomes, strict=True):
        groups.setdefault(min(bins - 1, int(p * bins)), []).append((p, o))
    total = len(probabilities)
    return math.fsum(
        len(g) / total * abs(math.fsum(p for p, _o in g) / len(g) - sum(o for _p, o in g) / len(g))
        for g in groups.values()
    )


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2.0 + 1.0  # ties share their mean rank
        i = j + 1
    return ranks


def spearman(a: Sequence[float], b: Sequence[float]) -> float:
    """Spearman's rank correlation (Pearson's on the ranks, ties averaged)."""
    if len(a) != len(b) or len(a) < 2:
        raise ValueError("need two sequences of the same length, at least 2")
    ra, rb = _ranks(a), _ranks(b)
    ma, mb = math.fsum(ra) / len(ra), math.fsum(rb) / len(rb)
    cov = math.fsum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = math.fsum((x - ma) ** 2 for x in ra)
    vb = math.fsum((y - mb) ** 2 for y in rb)
    return cov / math.sqrt(va * vb) if va and vb else 0.0
