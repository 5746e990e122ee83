"""Which initiatives to do in a period: the optimiser (core.optimise) fed from the roadmap, the scores and the
teams' capacity. A fixed number of queries whatever the size of the roadmap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from northstar.core.capacity import Span, spread
from northstar.core.optimise import Candidate, Plan, optimise
from northstar.insights.scores import load_scores
from northstar.okrs.models import Period
from northstar.roadmap.models import TeamCapacity, WorkItem, WorkItemKind, WorkItemStatus
from northstar.roadmap.queries import Roadmap, load_roadmap
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor

FINISHED = {WorkItemStatus.DONE, WorkItemStatus.CANCELLED}


@dataclass
class PortfolioPlan:
    period: Period
    plan: Plan
    initiatives: dict[int, WorkItem]
    teams: dict[int, Team]
    capacity: dict[int, float]
    effort: dict[int, float]  # person-days each initiative still needs in the period
    value: dict[int, float]  # its strategic score


def _top(item_id: int, parents: Mapping[int, int | None]) -> int:
    seen = {item_id}
    while (parent := parents.get(item_id)) is not None and parent not in seen:
        seen.add(parent)
        item_id = parent
    return item_id


def plan_period(
    actor: Actor,
    period: Period,
    *,
    today: dt.date,
    capacity_overrides: Mapping[int, float] | None = None,
    pins: Mapping[int, bool] | None = None,
) -> PortfolioPlan:
    """Choose the initiatives of the period that serve the goals best within each team's capacity.

    An initiative's effort is the part of its open (not done, not cancelled) estimated work that falls into the
    period — its parts' estimates when they have some, else its own; an initiative needs the initiatives that
    hold work it depends on. The plan with the saved capacities and no pins is kept with the roadmap (it depends
    only on what moves the plan revision: work, scores, capacities, teams, periods), so that the optimiser's
    page, a page at a time, solves it once; one with capacities tried or pins is solved each time."""
    rm = load_roadmap(actor, today=today)
    if capacity_overrides or pins:
        return _plan_period(actor, period, rm, capacity_overrides, pins)
    return rm.derived(("portfolio", period.pk), lambda: _plan_period(actor, period, rm, None, None))


def _plan_period(
    actor: Actor,
    period: Period,
    rm: Roadmap,
    capacity_overrides: Mapping[int, float] | None,
    pins: Mapping[int, bool] | None,
) -> PortfolioPlan:
    scores = load_scores(actor, rm)
    window = Span(period.start, period.end)
    parents = {v.item.pk: v.item.parent_id for v in rm.items}
    initiatives = {
        v.item.pk: v.item
        for v in rm.items
        if v.item.kind == WorkItemKind.INITIATIVE
        and v.item.status not in FINISHED
        and v.item.start is not None
        and v.item.end is not None
        and v.item.start <= period.end
        and v.item.end >= period.start
    }
    effort = dict.fromkeys(initiatives, 0.0)
    estimated_parts: set[int] = set()
    for v in rm.items:
        item = v.item
        top = _top(item.pk, parents)
        if (
            item.pk == top
            or top not in initiatives
            or not item.estimate_days
            or not (item.start and item.end)
        ):
            continue
        estimated_parts.add(top)
        if item.status not in FINISHED:
            effort[top] += spread(item.estimate_days, Span(item.start, item.end), window)
    for pk, item in initiatives.items():
        if pk not in estimated_parts and item.estimate_days and item.start and item.end:
            effort[pk] = spread(item.estimate_days, Span(item.start, item.end), window)
    requires: dict[int, set[int]] = {pk: set() for pk in initiatives}
    for dep in rm.dependencies:
        before, after = _top(dep.predecessor_id, parents), _top(dep.successor_id, parents)
        if before != after and before in initiatives and after in initiatives:
            requires[after].add(before)
    value = {pk: scores.items[pk].score.value if pk in scores.items else 0.0 for pk in initiatives}
    pins = pins or {}
    candidates = [
        Candidate(
            id=pk,
            team=item.team_id,
            value=value[pk],
            effort=effort[pk],
            requires=tuple(sorted(requires[pk])),
            pinned=pins.get(pk),
        )
        for pk, item in initiatives.items()
    ]
    capacity = {c.team_id: c.person_days for c in TeamCapacity.objects.restrict(actor).filter(period=period)}
    capacity.update(capacity_overrides or {})
    teams = {t.pk: t for t in Team.objects.restrict(actor)}
    return PortfolioPlan(
        period=period,
        plan=optimise(candidates, capacity),
        initiatives=initiatives,
        teams=teams,
        capacity=capacity,
        effort=effort,
        value=value,
    )
