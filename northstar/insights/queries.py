"""The coverage report: where strategy and delivery are out of line, for a period — in a fixed number of queries.

The rules (what is unsupported, what is orphan work, how effort is spread over a period) live in
`core.alignment` and `core.capacity`; this module loads the rows once and shapes the answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from northstar.core.alignment import Coverage, KeyResultNode, ObjectiveNode, WorkNode, coverage, misalignments
from northstar.core.capacity import Load, Span, team_load
from northstar.okrs.models import Alignment, KeyResult, Objective, ObjectiveStatus, Period
from northstar.okrs.queries import check_in_histories, team_tree
from northstar.roadmap.models import TeamCapacity, WorkItem
from northstar.roadmap.queries import Roadmap, effort_rows, load_roadmap
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor


@dataclass
class TeamLine:
    team: Team
    depth: int
    planned: float
    orphan: float
    load: Load
    over_threshold: bool

    @property
    def orphan_share(self) -> float:
        return self.orphan / self.planned if self.planned else 0.0


@dataclass
class CoverageReport:
    period: Period
    threshold: float
    coverage: Coverage
    teams: list[TeamLine]
    company_orphan_share: float
    unsupported_objectives: list[Objective]
    unsupported_key_results: list[KeyResult]
    orphans: list[WorkItem]
    full_teams: list[tuple[Team, list[Objective]]]  # teams with no capacity left, and their objectives
    cross_team: list[tuple[WorkItem, WorkItem]]  # (predecessor, successor) in different teams
    misaligned: list[tuple[str, Objective | KeyResult]] = field(default_factory=list)  # (kind, subject)

    @property
    def warning(self) -> bool:
        return self.company_orphan_share > self.threshold or any(t.over_threshold for t in self.teams)


def work_nodes(rm: Roadmap) -> list[WorkNode]:
    return rm.derived("work nodes", lambda: _work_nodes(rm))


def _work_nodes(rm: Roadmap) -> list[WorkNode]:
    return [
        WorkNode(
            id=v.item.pk,
            team=v.item.team_id,
            parent=v.item.parent_id,
            kind=v.item.kind,
            status=v.item.status,
            estimate_days=v.item.estimate_days,
            span=Span(v.item.start, v.item.end) if v.item.start and v.item.end else None,
            links=v.links,
        )
        for v in rm.items
    ]


def coverage_report(
    actor: Actor,
    period: Period,
    *,
    today: dt.date,
    rm: Roadmap | None = None,
    capacity: Mapping[int, float] | None = None,
) -> CoverageReport:
    """``rm`` and ``capacity`` (team → person-days, replacing what is saved) let a scenario be measured.

    What the report reads from the plan is worked out once per roadmap, period and capacities (a kept roadmap
    keeps it: a check-in leaves it standing); whether finished work left its number flat is read afresh."""
    rm = rm or load_roadmap(actor, today=today)
    key = (
        "coverage", period.pk, period.start, period.end, actor.workspace.orphan_threshold,
        tuple(sorted((capacity or {}).items())),
    )  # fmt: skip
    planned = rm.derived(key, lambda: _planned_coverage(actor, period, rm, capacity))
    flat = _flat_numbers(actor, planned.key_results, planned.finished)
    return replace(planned.report, misaligned=[*planned.report.misaligned, *flat])


@dataclass(frozen=True)
class _PlannedCoverage:
    report: CoverageReport  # its misalignments those of the plan alone
    key_results: list[KeyResult]  # the period's, as the roadmap read them (their values may be old)
    finished: dict[int, dt.date]  # key results whose linked work is all finished: when the first of it ended


def _planned_coverage(
    actor: Actor, period: Period, rm: Roadmap, capacity: Mapping[int, float] | None
) -> _PlannedCoverage:
    window = Span(period.start, period.end)
    objectives = sorted(  # the roadmap read the actor's objectives, with their teams and periods
        (
            o
            for o in rm.objectives.values()
            if o.status == ObjectiveStatus.ACTIVE
            and (o.period is None or (o.period.start <= period.end and o.period.end >= period.start))
        ),
        key=lambda o: (o.position, o.pk),
    )
    objective_ids = {o.pk for o in objectives}
    key_results = [k for k in rm.key_results.values() if k.objective_id in objective_ids]
    cov = coverage(work_nodes(rm), {k.pk: k.objective_id for k in key_results}, objective_ids, window)

    teams = list(Team.objects.restrict(actor))
    capacities = {
        c.team_id: c.person_days for c in TeamCapacity.objects.restrict(actor).filter(period=period)
    }
    capacities.update(capacity or {})
    rows_of = rm.derived("effort rows by team", lambda: _effort_by_team(rm))
    lines = []
    for team, depth in team_tree(teams):
        planned = cov.planned_effort.get(team.pk, 0.0)
        orphan = cov.orphan_effort.get(team.pk, 0.0)
        load = team_load(rows_of.get(team.pk, []), capacities.get(team.pk), team.pk, window)
        if not planned and load.capacity is None:
            continue
        share = orphan / planned if planned else 0.0
        lines.append(TeamLine(team, depth, planned, orphan, load, share > actor.workspace.orphan_threshold))
    full = {line.team.pk for line in lines if line.load.free is not None and line.load.free <= 0}
    by_id = rm.by_id
    unsupported_objectives, unsupported_key_results = (
        set(cov.unsupported_objectives),
        set(cov.unsupported_key_results),
    )
    objectives_of: dict[int, list[Objective]] = {}
    for o in objectives:
        objectives_of.setdefault(o.team_id, []).append(o)
    report = CoverageReport(
        period=period,
        misaligned=_misaligned_objectives(actor, rm, objectives),
        threshold=actor.workspace.orphan_threshold,
        coverage=cov,
        teams=lines,
        company_orphan_share=cov.orphan_share(None),
        unsupported_objectives=[o for o in objectives if o.pk in unsupported_objectives],
        unsupported_key_results=sorted(
            (k for k in key_results if k.pk in unsupported_key_results), key=lambda k: (k.objective_id, k.position)
        ),
        orphans=[by_id[pk].item for pk in cov.orphans if pk in by_id],
        full_teams=[
            (line.team, objectives_of.get(line.team.pk, [])) for line in lines if line.team.pk in full
        ],
        cross_team=[
            (by_id[d.predecessor_id].item, by_id[d.successor_id].item) for d in rm.dependencies
            if d.predecessor_id in by_id and d.successor_id in by_id
            and by_id[d.predecessor_id].item.team_id != by_id[d.successor_id].item.team_id
        ],
    )  # fmt: skip
    return _PlannedCoverage(report, key_results, _finished_work(rm, key_results))


def _effort_by_team(rm: Roadmap) -> dict[int, list[tuple[int, float | None, Span | None]]]:
    """The roadmap's effort rows grouped by team once: each team's load reads only its own rows."""
    rows_of: dict[int, list[tuple[int, float | None, Span | None]]] = {}
    for row in effort_rows(rm):
        rows_of.setdefault(row[0], []).append(row)
    return rows_of


def _linked_work(rm: Roadmap) -> dict[int, list[WorkItem]]:
    """The work linked to each key result (through its effective links)."""
    linked: dict[int, list[WorkItem]] = {}
    for v in rm.items:
        for link in v.links:
            if link.target[0] == "kr":
                linked.setdefault(link.target[1], []).append(v.item)
    return linked


DIRECTION = {"increase": 1, "decrease": -1}


def _misaligned_objectives(
    actor: Actor, rm: Roadmap, objectives: list[Objective]
) -> list[tuple[str, Objective | KeyResult]]:
    """Team objectives aligned to nothing and child objectives outside their parent's period — two queries."""
    parents: dict[int, list[int]] = {}
    visible = set(rm.objectives)
    for child, parent in Alignment.objects.filter(workspace=actor.workspace).values_list(
        "child_id", "parent_id"
    ):
        if child in visible and parent in visible:
            parents.setdefault(child, []).append(parent)
    root_teams = set(Team.objects.restrict(actor).filter(parent__isnull=True).values_list("pk", flat=True))
    # Every visible objective is a node, so that a child's period can be compared with its parent's; only the
    # findings about this period's objectives are reported.
    nodes = [
        ObjectiveNode(
            id=o.pk,
            team=o.team_id,
            is_root_team=o.team_id in root_teams,
            parents=tuple(parents.get(o.pk, ())),
            period=Span(o.period.start, o.period.end) if o.period else None,
        )
        for o in rm.objectives.values()
    ]
    by_objective = {o.pk: o for o in objectives}
    return [(m.kind, by_objective[m.subject]) for m in misalignments(nodes, []) if m.subject in by_objective]


def _finished_work(rm: Roadmap, key_results: list[KeyResult]) -> dict[int, dt.date]:
    """Key results whose linked work is all finished, with the day the first of it ended."""
    linked = rm.derived("linked work", lambda: _linked_work(rm))
    finished: dict[int, dt.date] = {}
    for kr in key_results:
        items = [i for i in linked.get(kr.pk, []) if i.status != "cancelled"]
        done = [i.end for i in items if i.status == "done" and i.end is not None]
        if items and done and all(i.status == "done" for i in items):
            finished[kr.pk] = min(done)
    return finished


def _flat_numbers(
    actor: Actor, key_results: list[KeyResult], finished: dict[int, dt.date]
) -> list[tuple[str, Objective | KeyResult]]:
    """Key results whose linked work is all finished without the number moving, from the values checked in —
    read afresh (one query at most), not the kept roadmap's."""
    history = (
        check_in_histories(  # the key results as they are now: their versions say which histories are kept
            actor,
            KeyResult.objects.restrict(actor)
            .filter(pk__in=finished)
            .only("version", "created_at", "last_check_in_at"),
        )
    )

    def value_on(kr_id: int, day: dt.date) -> float | None:
        before = [value for when, value, _confidence in history.get(kr_id, ()) if when <= day]
        return before[-1] if before else None

    kr_nodes = [
        KeyResultNode(
            id=kr.pk,
            objective=kr.objective_id,
            direction=DIRECTION.get(kr.kind, 0),
            linked_work_done_by=finished[kr.pk],
            value_then=value_on(kr.pk, finished[kr.pk]),
            value_now=history[kr.pk][-1][1] if history.get(kr.pk) else None,
        )
        for kr in key_results
        if kr.pk in finished
    ]
    by_key_result = {k.pk: k for k in key_results}
    return [(m.kind, by_key_result[m.subject]) for m in misalignments([], kr_nodes)]
