"""Benchmark: schedule() on a large random roadmap against a bare graphlib topological sort.

Reads the clock, so it is no domain code; run it by hand:
``python -c "from northstar.core.bench_schedule import run; print(run())"``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from graphlib import TopologicalSorter

from northstar.core.schedule import Dep, DepKind, Item, schedule

_FIRST_DAY = date(2026, 1, 1)
_HORIZON_DAYS = 730


def _plan(n_items: int, n_deps: int, seed: int) -> tuple[list[Item], list[Dep]]:
    rng = random.Random(seed)
    items: list[Item] = []
    for i in range(n_items):
        start = rng.randrange(_HORIZON_DAYS)
        if rng.random() < 0.1:
            day = _FIRST_DAY + timedelta(days=start)
            items.append(Item(i, day, day, milestone=True))
        else:
            end = min(_HORIZON_DAYS - 1, start + rng.randrange(60))
            items.append(Item(i, _FIRST_DAY + timedelta(days=start), _FIRST_DAY + timedelta(days=end)))
    kinds = list(DepKind)
    deps: list[Dep] = []
    for _ in range(n_deps):
        low, high = sorted(rng.sample(range(n_items), 2))
        deps.append(Dep(low, high, rng.choice(kinds), rng.randint(-5, 10)))
    return items, deps


def _best_of_3(fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def run(n_items: int = 100_000, n_deps: int = 200_000, seed: int = 7) -> dict[str, float]:
    items, deps = _plan(n_items, n_deps, seed)
    graph: dict[int, list[int]] = {item.id: [] for item in items}
    for dep in deps:
        graph[dep.successor].append(dep.predecessor)

    baseline = _best_of_3(lambda: list(TopologicalSorter(graph).static_order()))
    scheduled = _best_of_3(lambda: schedule(items, deps))
    return {
        "items": n_items,
        "deps": n_deps,
        "baseline_s": baseline,
        "schedule_s": scheduled,
        "ratio": scheduled / baseline,
    }
