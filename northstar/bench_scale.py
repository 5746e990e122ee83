"""Benchmark on a generated workspace (``northstar generate``): the heavy reads of the product, each timed (best of
three) beside a baseline measured in the same run.

* the whole-company OKR tree with roll-ups and status (``okrs.queries.okr_tree``) against a raw SQL read of the
  same rows (goal: at most 2× the raw read) and against a naive per-object ORM walk kept only here (goal: at least
  20× faster than it);
* the roadmap (timeline data with schedule, critical path and conflicts) against reading its rows;
* the coverage report, the forecasts of all key results, and the schedule of the whole dependency graph.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Q

from northstar.core.progress import KRKind, Measure, progress
from northstar.core.schedule import schedule
from northstar.insights.queries import coverage_report
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import KeyResult, Objective, Period
from northstar.roadmap.models import Dependency, WorkItem
from northstar.roadmap.queries import _core_dep, _core_item, build_roadmap, fetch_plan, load_roadmap
from northstar.workspaces.permissions import Actor


def best_of(work: Callable[[], Any], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def _raw_tree(workspace_id: int, period_ids: list[int], objective_ids: list[int] | None = None) -> list[Any]:
    marks = ",".join(["%s"] * len(period_ids)) or "NULL"
    only = f"AND o.id IN ({','.join(['%s'] * len(objective_ids))})" if objective_ids else ""
    sql = f"""
        SELECT o.id, o.title, o.team_id, o.period_id, o.weight, o.status,
               k.id, k.title, k.kind, k.start, k.target, k.low, k.high, k.weight, k.current_value,
               k.current_confidence, k.last_check_in_at
        FROM okrs_objective o LEFT JOIN okrs_keyresult k ON k.objective_id = o.id
        WHERE o.workspace_id = %s AND (o.period_id IN ({marks}) OR o.period_id IS NULL) {only}
        ORDER BY o.position, o.id, k.position, k.id
    """  # noqa: S608 (only placeholders are interpolated)
    with connection.cursor() as cursor:
        cursor.execute(sql, [workspace_id, *period_ids, *(objective_ids or [])])
        return cursor.fetchall()


def _naive_tree(actor: Actor, period_ids: list[int], objective_ids: list[int] | None = None) -> list[Any]:
    """What a first version would do: one query per objective, per key result and per history."""
    out = []
    objectives = Objective.objects.filter(workspace=actor.workspace).filter(
        Q(period_id__in=period_ids) | Q(period__isnull=True)
    )
    if objective_ids is not None:
        objectives = objectives.filter(pk__in=objective_ids)
    for objective in objectives:
        parts = []
        for kr in objective.key_results.all():
            history = list(kr.check_ins.order_by("checked_in_at").values_list("value", flat=True))
            measure = Measure(kind=KRKind(kr.kind), start=kr.start, target=kr.target, low=kr.low, high=kr.high,
                              current=history[-1] if history else None)  # fmt: skip
            parts.append(progress(measure))
        out.append((objective.team.name, objective.owner and objective.owner.name, parts))
    return out


def run(actor: Actor, today: dt.date) -> list[dict[str, Any]]:
    period = okr_queries.default_period(actor, today)
    family = sorted(okr_queries.period_family(period, Period.objects.restrict(actor))) if period else []
    rows = []

    tree = best_of(lambda: okr_queries.okr_tree(actor, today=today, period=period))
    raw = best_of(lambda: _raw_tree(actor.workspace.pk, family))
    naive = best_of(lambda: _naive_tree(actor, family), runs=1)
    rows.append({"what": "OKR tree with roll-ups and status", "seconds": tree, "baseline": "raw SQL read of the same rows",
                 "baseline_seconds": raw, "ratio": tree / raw, "goal": "≤ 2×", "met": tree / raw <= 2})  # fmt: skip
    rows.append({"what": "OKR tree with roll-ups and status", "seconds": tree, "baseline": "naive per-object ORM",
                 "baseline_seconds": naive, "ratio": naive / tree, "goal": "≥ 20× faster", "met": naive / tree >= 20})  # fmt: skip

    first_page = okr_queries.okr_tree(actor, today=today, period=period, page=1)
    shown = [v.objective.pk for v in first_page.all_objectives()]
    page = best_of(lambda: okr_queries.okr_tree(actor, today=today, period=period, page=1))
    raw_page = best_of(lambda: _raw_tree(actor.workspace.pk, family, shown))
    naive_page = best_of(lambda: _naive_tree(actor, family, shown))
    what = f"OKR page: its first {len(shown)} objectives of {first_page.objective_count:,}, rolled up"
    rows.append({"what": what, "seconds": page, "baseline": "raw SQL read of the same rows",
                 "baseline_seconds": raw_page, "ratio": page / raw_page, "goal": "≤ 2×", "met": page / raw_page <= 2})  # fmt: skip
    rows.append({"what": what, "seconds": page, "baseline": "naive per-object ORM",
                 "baseline_seconds": naive_page, "ratio": naive_page / page, "goal": "≥ 20× faster",
                 "met": naive_page / page >= 20})  # fmt: skip

    plan_rows = best_of(lambda: fetch_plan(actor))
    roadmap = best_of(
        lambda: build_roadmap(fetch_plan(actor), today=today)
    )  # computed each time, not remembered
    rows.append({"what": "roadmap: timeline, schedule, conflicts", "seconds": roadmap, "baseline": "reading its rows",
                 "baseline_seconds": plan_rows, "ratio": roadmap / plan_rows, "goal": "", "met": None})  # fmt: skip
    if period is not None:
        rm = load_roadmap(actor, today=today)
        coverage = best_of(lambda: coverage_report(actor, period, today=today, rm=rm))
        rows.append({"what": "coverage report (roadmap read once)", "seconds": coverage, "baseline": "",
                     "baseline_seconds": None, "ratio": None, "goal": "", "met": None})  # fmt: skip
    krs = list(KeyResult.objects.restrict(actor).select_related("objective__period"))
    periods = {kr.pk: kr.objective.period for kr in krs}
    forecasts = best_of(lambda: okr_queries.forecasts_for(actor, krs, periods, today=today), runs=1)
    rows.append({"what": f"forecasts of all {len(krs):,} key results", "seconds": forecasts, "baseline": "",
                 "baseline_seconds": None, "ratio": None, "goal": "", "met": None})  # fmt: skip
    items = [_core_item(w) for w in WorkItem.objects.restrict(actor)]
    deps = [_core_dep(d) for d in Dependency.objects.restrict(actor)]
    critical = best_of(lambda: schedule(items, deps))
    rows.append({"what": f"schedule and critical path: {len(items):,} items, {len(deps):,} dependencies",
                 "seconds": critical, "baseline": "", "baseline_seconds": None, "ratio": None, "goal": "", "met": None})  # fmt: skip
    return rows
