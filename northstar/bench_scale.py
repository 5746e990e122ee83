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
import math
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.db.models import Q

from northstar.core.forecast import Delivery, forecast
from northstar.core.pace import status_for
from northstar.core.rollup import Part, rollup_tree
from northstar.core.schedule import schedule
from northstar.insights.queries import coverage_report
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import Alignment, KeyResult, Objective, Period
from northstar.okrs.queries import (
    KeyResultView,
    forecastable,
    key_result_view,
    kr_part,
    linked_milestones,
    objective_status,
    period_pace,
)
from northstar.roadmap.models import Contribution, Dependency, WorkItem
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


def _statements_of(work: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements ``work`` runs, with their parameters, in order."""
    seen: list[tuple[str, Any]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        work()
    return seen


def _replay(statements: list[tuple[str, Any]]) -> int:
    """The statements run again through a bare cursor, every row fetched: the same rows read raw, without the
    ORM's objects or the product's maths. Returns how many rows."""
    rows = 0
    with connection.cursor() as cursor:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                raise AssertionError(f"a read wrote: {sql[:80]}")
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


def _naive_tree(
    actor: Actor, period_ids: list[int], today: dt.date, objective_ids: list[int] | None = None
) -> dict[int, tuple[float, str]]:
    """The same page as a first version would build it: walking the objects, with a query for each objective's
    team, owner, period, alignments and rights, and for each key result's owner, check-ins, linked work, milestones
    and rights; each forecast made from the key result's own history. The maths are the product's own (core/),
    so the answer — each objective's roll-up and status — must be the tree's, and the bench checks that it is."""
    objectives = Objective.objects.filter(workspace=actor.workspace).filter(
        Q(period_id__in=period_ids) | Q(period__isnull=True)
    )
    if objective_ids is not None:
        objectives = objectives.filter(pk__in=objective_ids)
    visible = Objective.objects.restrict(actor).values("pk")
    cadence = actor.workspace.check_in_cadence_days
    parts: dict[str, list[Part]] = {}
    child_edges: dict[str, list[tuple[str, float]]] = {}
    titles: dict[str, str] = {}
    key_results: dict[int, list[KeyResultView]] = {}

    def walk(objective: Objective) -> None:
        if str(objective.pk) in parts:
            return
        _shown = (objective.team.name, objective.owner and objective.owner.name, objective.period)
        objective.can_change = actor.can_edit and Objective.objects.restrict(actor, "change").filter(pk=objective.pk).exists()  # type: ignore[attr-defined]  # fmt: skip
        views = []
        for kr in objective.key_results.order_by("position", "id"):
            _owner = kr.owner and kr.owner.name
            history = [(when.date(), value) for when, value in kr.check_ins.order_by("checked_in_at", "id").values_list("checked_in_at", "value")]  # fmt: skip
            work = Contribution.objects.filter(key_result=kr, work_item__end__isnull=False).exclude(work_item__status="cancelled")  # fmt: skip
            deliveries = [
                Delivery(end, weight) for end, weight in work.values_list("work_item__end", "weight")
            ]
            prediction = None
            if forecastable(kr, objective.period) and history:
                assert objective.period is not None and kr.start is not None and kr.target is not None
                prediction = forecast(history, start_value=kr.start, target=kr.target, period_start=objective.period.start,
                                      period_end=objective.period.end, today=today, deliveries=deliveries)  # fmt: skip
            view = key_result_view(kr, objective.period, today, cadence,
                                   linked_milestones(actor, [kr]).get(kr.pk, (0, 0)), prediction)  # fmt: skip
            view.can_check_in = actor.can_edit and KeyResult.objects.restrict(actor, "check_in").filter(pk=kr.pk).exists()  # fmt: skip
            views.append(view)
        key_results[objective.pk] = views
        parts[str(objective.pk)] = [kr_part(v) for v in views]
        titles[str(objective.pk)] = objective.title
        _parents = [a.parent.title for a in Alignment.objects.filter(child=objective, parent_id__in=visible)]
        for alignment in Alignment.objects.filter(parent=objective, child_id__in=visible):
            child = alignment.child
            if actor.workspace.rollup_includes_aligned:
                child_edges.setdefault(str(objective.pk), []).append((str(child.pk), child.weight))
                walk(child)

    shown = list(objectives)
    for objective in shown:
        walk(objective)
    rollups = rollup_tree(parts, child_edges, titles, actor.workspace.rollup_includes_aligned)
    out = {}
    for objective in shown:
        r, krs = rollups[str(objective.pk)], key_results[objective.pk]
        confidence = min(
            (k.kr.current_confidence for k in krs if k.kr.current_confidence is not None), default=None
        )
        call = status_for(r.progress, r.has_data, period_pace(objective.period, today), confidence)
        out[objective.pk] = (r.progress, objective_status(call, krs).status)
    return out


def _forgetting_forecasts(work: Callable[[], Any]) -> Any:
    """Runs ``work`` as a new process would: no forecast remembered, in memory or in the cache."""
    remembered = okr_queries.cache
    okr_queries.forget_forecasts()
    okr_queries.cache = DummyCache("bench", {})
    try:
        return work()
    finally:
        okr_queries.cache = remembered


def _answers(tree: okr_queries.OkrTree) -> dict[int, tuple[float, str]]:
    return {v.objective.pk: (v.rollup.progress, v.status.status) for v in tree.all_objectives()}


def _same(naive: dict[int, tuple[float, str]], tree: dict[int, tuple[float, str]]) -> None:
    """The naive walk must have built the same page, or its time says nothing (raised, not asserted: it holds
    under ``python -O`` too)."""
    if naive.keys() != tree.keys():
        raise AssertionError("the naive walk found other objectives than the tree")
    for pk, (progress, status) in tree.items():
        if not (math.isclose(naive[pk][0], progress, abs_tol=1e-9) and naive[pk][1] == status):
            raise AssertionError(f"objective {pk}: naive walk {naive[pk]}, tree {(progress, status)}")


def run(actor: Actor, today: dt.date) -> list[dict[str, Any]]:
    period = okr_queries.default_period(actor, today)
    family = sorted(okr_queries.period_family(period, Period.objects.restrict(actor))) if period else []
    rows = []
    answers: dict[str, dict[int, tuple[float, str]]] = {}

    tree = best_of(lambda: okr_queries.okr_tree(actor, today=today, period=period))
    raw = best_of(lambda: _raw_tree(actor.workspace.pk, family))
    naive = best_of(lambda: answers.update(naive=_naive_tree(actor, family, today)), runs=1)
    _same(answers["naive"], _answers(okr_queries.okr_tree(actor, today=today, period=period)))
    cold = best_of(lambda: _forgetting_forecasts(lambda: okr_queries.okr_tree(actor, today=today, period=period)), runs=1)  # fmt: skip
    rows.append({"what": "OKR tree with roll-ups and status", "seconds": tree, "baseline": "raw SQL read of the same rows",
                 "baseline_seconds": raw, "ratio": tree / raw, "goal": "≤ 2×", "met": tree / raw <= 2})  # fmt: skip
    rows.append({"what": "OKR tree with roll-ups and status", "seconds": tree, "baseline": "naive per-object ORM",
                 "baseline_seconds": naive, "ratio": naive / tree, "goal": "≥ 20× faster", "met": naive / tree >= 20})  # fmt: skip
    rows.append({"what": "OKR tree, forecasts made afresh (a new process)", "seconds": cold, "baseline": "naive per-object ORM",
                 "baseline_seconds": naive, "ratio": naive / cold, "goal": "≥ 20× faster", "met": naive / cold >= 20})  # fmt: skip

    first_page = okr_queries.okr_tree(actor, today=today, period=period, page=1)
    shown = [v.objective.pk for v in first_page.all_objectives()]
    page = best_of(lambda: okr_queries.okr_tree(actor, today=today, period=period, page=1))
    raw_page = best_of(lambda: _raw_tree(actor.workspace.pk, family, shown))
    naive_page = best_of(lambda: answers.update(naive=_naive_tree(actor, family, today, shown)))
    _same(answers["naive"], _answers(first_page))
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
    forecasts = best_of(lambda: _forgetting_forecasts(lambda: okr_queries.forecasts_for(actor, krs, periods, today=today)), runs=1)  # fmt: skip
    rows.append({"what": f"forecasts of all {len(krs):,} key results, made afresh", "seconds": forecasts, "baseline": "",
                 "baseline_seconds": None, "ratio": None, "goal": "", "met": None})  # fmt: skip
    items = [_core_item(w) for w in WorkItem.objects.restrict(actor)]
    deps = [_core_dep(d) for d in Dependency.objects.restrict(actor)]
    critical = best_of(lambda: schedule(items, deps))
    rows.append({"what": f"schedule and critical path: {len(items):,} items, {len(deps):,} dependencies",
                 "seconds": critical, "baseline": "", "baseline_seconds": None, "ratio": None, "goal": "", "met": None})  # fmt: skip
    return rows
