"""Reads for what-if scenarios: the plan's rows with a scenario's changes laid over them (core.scenario), for
the comparison, the pages and the API. Nothing here writes; applying is in scenario_actions."""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

from northstar.core.scenario import (
    Add,
    Change,
    Drop,
    Move,
    Overlay,
    PlanRow,
    Reestimate,
    SetCapacity,
    differences,
    overlay,
)
from northstar.roadmap.models import ChangeKind, Scenario, ScenarioChange, WorkItem, WorkItemStatus
from northstar.roadmap.queries import PlanRows
from northstar.workspaces.permissions import Actor

# Added items get the negative of their change's id, so they never clash with a saved item.
ADDED_POSITION = 10**9


def plan_row(item: WorkItem) -> PlanRow:
    return PlanRow(
        id=item.pk,
        parent=item.parent_id,
        team=item.team_id,
        kind=item.kind,
        status=item.status,
        start=item.start,
        end=item.end,
        estimate_days=item.estimate_days,
    )


def added_id(change: ScenarioChange) -> int:
    return -change.pk


def core_change(change: ScenarioChange) -> Change | None:
    """The change as the overlay maths sees it; None for a change whose item has been deleted since."""
    if change.kind == ChangeKind.CAPACITY:
        assert change.team_id is not None and change.period_id is not None and change.person_days is not None
        return SetCapacity(change.team_id, change.period_id, change.person_days)
    if change.kind == ChangeKind.ADD:
        assert change.team_id is not None
        return Add(
            PlanRow(
                id=added_id(change),
                parent=change.parent_id,
                team=change.team_id,
                kind=change.item_kind,
                status=WorkItemStatus.PLANNED,
                start=change.start,
                end=change.end,
                estimate_days=change.estimate_days,
            )
        )
    if change.work_item_id is None:
        return None
    if change.kind == ChangeKind.DROP:
        return Drop(change.work_item_id)
    if change.kind == ChangeKind.MOVE:
        assert change.start is not None and change.end is not None
        return Move(change.work_item_id, change.start, change.end)
    return Reestimate(change.work_item_id, change.estimate_days)


def scenario_changes(actor: Actor, scenario: Scenario) -> list[ScenarioChange]:
    return list(
        ScenarioChange.objects.restrict(actor)
        .filter(scenario=scenario)
        .select_related("work_item", "team", "parent", "key_result", "period")
        .order_by("id")
    )


@dataclass
class LaidOver:
    rows: PlanRows  # the plan as the scenario would have it
    overlay: Overlay
    changed: dict[int, dict[str, object]]  # item → changed fields and their new values
    gone: list[ScenarioChange]  # changes whose item has been deleted since


def lay_over(plan: PlanRows, changes: list[ScenarioChange]) -> LaidOver:
    """The plan's rows with the changes laid over them; ``plan`` itself is left as it was."""
    base = {w.pk: plan_row(w) for w in plan.work}
    wanted = [(c, core_change(c)) for c in changes]
    result = overlay(base, {}, [cc for _c, cc in wanted if cc is not None])
    changed = differences(base, result.rows)
    work: list[WorkItem] = []
    for item in plan.work:
        if item.pk not in changed:
            work.append(item)
            continue
        twin = copy.copy(item)
        row = result.rows[item.pk]
        twin.start, twin.end, twin.status, twin.estimate_days = (
            row.start,
            row.end,
            row.status,
            row.estimate_days,
        )
        work.append(twin)
    links = list(plan.links)
    for n, change in enumerate(c for c in changes if c.kind == ChangeKind.ADD):
        row = result.rows[added_id(change)]
        work.append(
            WorkItem(
                pk=row.id,
                workspace_id=change.workspace_id,
                key=f"scenario-{change.pk}",
                kind=row.kind,
                title=change.item_title,
                team=change.team,
                parent_id=row.parent,
                start=row.start,
                end=row.end,
                status=row.status,
                estimate_days=row.estimate_days,
                position=ADDED_POSITION + n,
            )
        )
        if change.key_result_id is not None:
            links.append((row.id, change.key_result_id, None, change.weight))
    return LaidOver(
        rows=replace(plan, work=work, links=links),
        overlay=result,
        changed=changed,
        gone=[c for c, cc in wanted if cc is None],
    )


def period_capacity(laid: LaidOver, period_id: int) -> dict[int, float]:
    """The capacities the scenario sets for one period, team → person-days."""
    return {team: days for (team, period), days in laid.overlay.capacity.items() if period == period_id}
