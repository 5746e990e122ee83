"""Latency summaries for the load test: nearest-rank percentiles, as load-testing tools report them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank q-th percentile (0 < q ≤ 100): the smallest value with at least q % of the values at or
    below it. Always one of the values, so a p99 is a time a request really took."""
    if not values:
        raise ValueError("no values")
    if not 0 < q <= 100:
        raise ValueError("q must be in (0, 100]")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass(frozen=True)
class LatencySummary:
    requests: int
    errors: int
    p50: float
    p95: float
    p99: float
    slowest: float


def summarise(seconds: Sequence[float], errors: int) -> LatencySummary:
    return LatencySummary(
        requests=len(seconds),
        errors=errors,
        p50=percentile(seconds, 50),
        p95=percentile(seconds, 95),
        p99=percentile(seconds, 99),
        slowest=max(seconds),
    )
