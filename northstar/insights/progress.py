"""Progress twice, side by side: each objective's outcomes (its key results) beside its outputs (the work linked
to it), with where the two disagree and where late work puts a key result at risk. For the dashboard, its API
endpoint and the review — a fixed number of queries whatever the size of the workspace."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from northstar.core.divergence import (
    Divergence,
    KeyResultTrack,
    LinkedItem,
    Risk,
    ScheduledItem,
    dependency_risks,
    divergences,
)
from northstar.core.output import OutputProgress, Task, output_progress
from northstar.insights.queries import CoverageReport, coverage_report
from northstar.okrs.models import KeyResult, Objective, Period
from northstar.okrs.queries import History, KeyResultView, ObjectiveView, check_in_histories, okr_tree
from northstar.roadmap.models import WorkItem, WorkItemKind
from northstar.roadmap.queries import Conflict, Roadmap, load_roadmap, objective_of
from northstar.workspaces.permissions import Actor


@dataclass
class ObjectiveProgress:
    view: ObjectiveView
    output: OutputProgress | None  # None when no work is linked to it
    items: list[WorkItem]
    conflicts: list[Conflict]
    confidence_trend: (
        int  # -1 falling, 0 steady or unknown, +1 rising (latest check-ins against the ones before)
    )

    @property
    def output_share(self) -> float | None:
        o = self.output
        if o is None:
            return None
        if o.effort_planned:
            return o.effort_done / o.effort_planned
        return o.tasks_done / o.tasks_total if o.tasks_total else None


@dataclass
class RiskView:
    risk: Risk
    chain: list[WorkItem]
    key_result: KeyResult
    objective: Objective


@dataclass
class ProgressBoard:
    period: Period | None
    objectives: list[ObjectiveProgress]
    divergences: list[tuple[Divergence, KeyResultView]]
    risks: list[RiskView]
    stale: list[KeyResultView]
    coverage: CoverageReport | None
    roadmap: Roadmap
    counts: dict[str, int] = field(default_factory=dict)
    # every check-in of the key results shown, by key result: (day, value, confidence), oldest first
    history: dict[int, History] = field(default_factory=dict)


def _leaf_task(item: WorkItem, has_children: bool) -> Task:
    # An initiative without parts is itself the piece of work to deliver.
    kind = "task" if item.kind == WorkItemKind.INITIATIVE and not has_children else item.kind
    return Task(item.pk, kind, item.status, item.estimate_days, item.effort_done_days, item.end)


@dataclass
class _WorkSide:
    """What the board reads from the roadmap alone: worked out once per roadmap (``Roadmap.derived``), so a
    check-in, which leaves the kept roadmap standing, costs the board only its outcome side."""

    # the work that serves each objective, through its effective links
    by_objective: dict[int, list[WorkItem]]
    outputs: dict[int, OutputProgress]  # by objective, for objectives with work
    conflicts: dict[int, list[Conflict]]  # by objective
    # by key result: its work without parts (what its divergence weighs), as the divergence maths takes it
    leaves: dict[int, tuple[LinkedItem, ...]]
    risks: list[Risk]  # every dependency risk of the roadmap, worst first


def _work_side(rm: Roadmap, today: dt.date) -> _WorkSide:
    has_children = {v.item.parent_id for v in rm.items if v.item.parent_id is not None}
    by_objective: dict[int, list[WorkItem]] = defaultdict(list)
    by_key_result: dict[int, list[WorkItem]] = defaultdict(list)
    serves: dict[int, list[int]] = defaultdict(list)
    for v in rm.items:
        served: set[int] = set()
        for link in v.links:
            if link.target[0] == "kr":
                by_key_result[link.target[1]].append(v.item)
                serves[v.item.id].append(link.target[1])
            objective_id = objective_of(link, rm.key_results)
            if objective_id is not None and objective_id not in served:
                served.add(objective_id)
                by_objective[objective_id].append(v.item)
    outputs = {}
    for objective_id, items in by_objective.items():
        work = [i for i in items if i.id not in has_children]
        if work:
            outputs[objective_id] = output_progress([_leaf_task(i, False) for i in work], today)
    finish = rm.schedule.earliest_finish
    scheduled = [
        ScheduledItem(v.item.id, v.item.end, v.item.status, finish.get(v.item.id))
        for v in rm.items
        if v.item.id not in has_children
    ]
    return _WorkSide(
        by_objective=dict(by_objective),
        outputs=outputs,
        conflicts={
            pk: [c for i in items for c in rm.by_id[i.id].conflicts] for pk, items in by_objective.items()
        },
        leaves={
            pk: tuple(
                LinkedItem(i.id, i.status, i.start, i.estimate_days)
                for i in items
                if i.id not in has_children
            )
            for pk, items in by_key_result.items()
        },
        risks=dependency_risks(
            scheduled, [(d.predecessor_id, d.successor_id) for d in rm.dependencies], serves, today
        ),
    )


def load_progress(
    actor: Actor,
    *,
    today: dt.date,
    period: Period | None,
    team_id: int | None = None,
    person_id: int | None = None,
) -> ProgressBoard:
    tree = okr_tree(actor, today=today, period=period, team_id=team_id, owner_id=person_id)
    views = list(tree.all_objectives())
    rm = load_roadmap(actor, today=today)
    work = rm.derived(("dashboard work", today), lambda: _work_side(rm, today))

    kr_views = {k.kr.pk: k for v in views for k in v.key_results}
    kr_period = {k.kr.pk: v.objective.period for v in views for k in v.key_results}
    history = check_in_histories(actor, [k.kr for k in kr_views.values()])

    objectives = [
        ObjectiveProgress(
            view=view,
            output=work.outputs.get(view.objective.pk),
            items=work.by_objective.get(view.objective.pk, []),
            conflicts=work.conflicts.get(view.objective.pk, []),
            confidence_trend=_trend([history.get(k.kr.pk, ()) for k in view.key_results]),
        )
        for view in views
    ]

    tracks = [
        KeyResultTrack(
            id=pk,
            start_value=k.kr.start,
            target=k.kr.target,
            period_start=kr_period[pk].start if kr_period[pk] else None,
            history=history.get(pk, ()),
            work=work.leaves.get(pk, ()),
        )
        for pk, k in kr_views.items()
        if k.kr.kind in ("increase", "decrease") and k.kr.start is not None and k.kr.target is not None
    ]
    found = [(d, kr_views[d.key_result]) for d in divergences(tracks, today)]

    shown_krs = set(kr_views) if (team_id or person_id) else set(rm.key_results)
    risks = []
    for risk in work.risks:
        kr = rm.key_results.get(risk.key_result)
        if kr is None or risk.key_result not in shown_krs or kr.objective_id not in rm.objectives:
            continue
        risks.append(
            RiskView(risk, [rm.by_id[pk].item for pk in risk.chain], kr, rm.objectives[kr.objective_id])
        )

    counts = {s: 0 for s in ("on_track", "at_risk", "off_track", "done", "no_data")}
    for view in views:
        counts[view.status.status] += 1
    return ProgressBoard(
        period=period,
        objectives=objectives,
        divergences=found,
        risks=risks,
        stale=[k for v in views for k in v.key_results if k.stale],
        coverage=coverage_report(actor, period, today=today, rm=rm) if period else None,
        roadmap=rm,
        counts=counts,
        history=history,
    )


def _trend(histories: list[History]) -> int:
    """+1 when the key results' latest confidences are higher on average than the ones before, -1 lower."""
    latest, before = [], []
    for history in histories:
        given = []
        for _d, _v, confidence in reversed(history):  # the last two given: usually the last two check-ins
            if confidence is not None:
                given.append(confidence)
                if len(given) == 2:
                    latest.append(given[0])
                    before.append(given[1])
                    break
    if not latest:
        return 0
    change = sum(latest) / len(latest) - sum(before) / len(before)
    return 1 if change > 0.05 else (-1 if change < -0.05 else 0)
