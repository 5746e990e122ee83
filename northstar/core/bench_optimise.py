"""Benchmark: optimise() on a large random portfolio against the greedy baseline.

Reads the clock, so it is no domain code; run it by hand:
``python -c "from northstar.core.bench_optimise import run; print(run())"``.
"""

from __future__ import annotations

import random
import time

from northstar.core.optimise import Candidate, greedy, optimise


def _portfolio(n_items: int, n_teams: int, seed: int) -> tuple[list[Candidate], dict[int, float]]:
    """Values in [0, 1] with about 15% zeros, efforts 2..60 person-days, about 10% of the items requiring
    one or two items of lower id, and each team's capacity about 40% of the effort of its candidates."""
    rng = random.Random(seed)
    items: list[Candidate] = []
    for i in range(n_items):
        value = 0.0 if rng.random() < 0.15 else rng.random()
        effort = float(rng.randint(2, 60))
        requires: tuple[int, ...] = ()
        if i > 0 and rng.random() < 0.1:
            requires = tuple(rng.sample(range(i), min(i, rng.randint(1, 2))))
        items.append(Candidate(i, rng.randrange(n_teams), value, effort, requires))
    totals = dict.fromkeys(range(n_teams), 0.0)
    for item in items:
        totals[item.team] += item.effort
    capacity = {team: float(round(0.4 * total * rng.uniform(0.9, 1.1))) for team, total in totals.items()}
    return items, capacity


def run(
    n_items: int = 2000, n_teams: int = 50, seed: int = 7, time_limit_s: float = 60.0
) -> dict[str, float]:
    items, capacity = _portfolio(n_items, n_teams, seed)

    started = time.perf_counter()
    best = optimise(items, capacity, time_limit_s=time_limit_s)
    optimise_s = time.perf_counter() - started

    started = time.perf_counter()
    baseline = greedy(items, capacity)
    greedy_s = time.perf_counter() - started

    return {
        "items": n_items,
        "teams": n_teams,
        "optimise_s": optimise_s,
        "greedy_s": greedy_s,
        "value": best.value,
        "greedy_value": baseline.value,
        "ratio": best.value / baseline.value if baseline.value > 0 else float("inf"),
        "gap": best.gap,
    }
