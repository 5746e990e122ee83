"""A scenario beside the plan: key-result coverage, load per team, conflicts and forecast end dates, measured
the same way on both sides — in a fixed number of queries, whatever the size of the plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from northstar.core.scenario import forecast_ends
from northstar.insights.queries import CoverageReport, coverage_report
from northstar.okrs.models import KeyResult, Period
from northstar.roadmap.models import Scenario, ScenarioChange, WorkItem
from northstar.roadmap.queries import Conflict, PlanRows, Roadmap, build_roadmap, fetch_plan
from northstar.roadmap.scenarios import LaidOver, lay_over, period_capacity, plan_row, scenario_changes
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor


@dataclass
class Side:
    roadmap: Roadmap
    report: CoverageReport | None
    ends: dict[int, dt.date]  # top-level item → forecast end (dependencies taken into account)

    @property
    def finish(self) -> dt.date | None:
        return max(self.ends.values(), default=None)


@dataclass
class KeyResultLine:
    key_result: KeyResult
    plan_supported: bool
    scenario_supported: bool

    @property
    def changed(self) -> bool:
        return self.plan_supported != self.scenario_supported


@dataclass
class TeamLoadLine:
    team: Team
    plan_load: float
    plan_capacity: float | None
    scenario_load: float
    scenario_capacity: float | None

    @property
    def plan_over(self) -> bool:
        return self.plan_capacity is not None and self.plan_load > self.plan_capacity

    @property
    def scenario_over(self) -> bool:
        return self.scenario_capacity is not None and self.scenario_load > self.scenario_capacity


@dataclass
class EndLine:
    item: WorkItem
    plan_end: dt.date | None
    scenario_end: dt.date | None

    @property
    def days(self) -> int | None:
        if self.plan_end is None or self.scenario_end is None:
            return None
        return (self.scenario_end - self.plan_end).days


@dataclass
class Comparison:
    scenario: Scenario
    period: Period | None
    changes: list[ScenarioChange]
    plan_rows: PlanRows
    laid: LaidOver
    plan: Side
    what_if: Side
    key_results: list[KeyResultLine]
    teams: list[TeamLoadLine]
    new_conflicts: list[Conflict]
    solved_conflicts: list[Conflict]
    ends: list[EndLine]

    @property
    def unsupported(self) -> tuple[int, int]:
        return (
            sum(not line.plan_supported for line in self.key_results),
            sum(not line.scenario_supported for line in self.key_results),
        )


def _conflict_key(c: Conflict) -> tuple[str, int, int | None, str]:
    return (c.kind, c.item_id, c.other_id, c.message)


def compare(actor: Actor, scenario: Scenario, *, today: dt.date, period: Period | None = None) -> Comparison:
    """The plan and the plan with the scenario laid over it, side by side. ``period`` (default: the scenario's)
    is the one coverage and load are measured in."""
    period = period or scenario.period
    plan_rows = fetch_plan(actor)
    changes = scenario_changes(actor, scenario)
    laid = lay_over(plan_rows, changes)
    plan_rm = build_roadmap(plan_rows, today=today)
    what_if_rm = build_roadmap(laid.rows, today=today)
    plan_report = what_if_report = None
    if period is not None:
        plan_report = coverage_report(actor, period, today=today, rm=plan_rm)
        what_if_report = coverage_report(
            actor, period, today=today, rm=what_if_rm, capacity=period_capacity(laid, period.pk)
        )
    plan = Side(
        plan_rm,
        plan_report,
        forecast_ends({w.pk: plan_row(w) for w in plan_rows.work}, plan_rm.schedule.earliest_finish),
    )
    what_if = Side(
        what_if_rm,
        what_if_report,
        forecast_ends({w.pk: plan_row(w) for w in laid.rows.work}, what_if_rm.schedule.earliest_finish),
    )

    key_results: list[KeyResultLine] = []
    teams: list[TeamLoadLine] = []
    if plan_report is not None and what_if_report is not None:
        before = set(plan_report.coverage.unsupported_key_results)
        after = set(what_if_report.coverage.unsupported_key_results)
        krs = {k.pk: k for k in plan_report.unsupported_key_results + what_if_report.unsupported_key_results}
        key_results = [
            KeyResultLine(kr, pk not in before, pk not in after)
            for pk, kr in sorted(krs.items(), key=lambda kv: (kv[1].objective_id, kv[1].position))
        ]
        scenario_lines = {line.team.pk: line for line in what_if_report.teams}
        seen = set()
        for line in plan_report.teams:
            other = scenario_lines.get(line.team.pk)
            seen.add(line.team.pk)
            teams.append(
                TeamLoadLine(
                    line.team,
                    line.load.load,
                    line.load.capacity,
                    other.load.load if other else 0.0,
                    other.load.capacity if other else line.load.capacity,
                )
            )
        for other in what_if_report.teams:
            if other.team.pk not in seen:
                teams.append(TeamLoadLine(other.team, 0.0, None, other.load.load, other.load.capacity))

    plan_conflicts = {_conflict_key(c): c for c in plan_rm.conflicts}
    what_if_conflicts = {_conflict_key(c): c for c in what_if_rm.conflicts}
    items = {v.item.pk: v.item for v in what_if_rm.items}
    ends = [
        EndLine(items[pk], plan.ends.get(pk), what_if.ends.get(pk))
        for pk in sorted(set(plan.ends) | set(what_if.ends), key=lambda pk: items[pk].position)
        if plan.ends.get(pk) != what_if.ends.get(pk) and pk in items
    ]
    return Comparison(
        scenario=scenario,
        period=period,
        changes=changes,
        plan_rows=plan_rows,
        laid=laid,
        plan=plan,
        what_if=what_if,
        key_results=key_results,
        teams=teams,
        new_conflicts=[c for k, c in what_if_conflicts.items() if k not in plan_conflicts],
        solved_conflicts=[c for k, c in plan_conflicts.items() if k not in what_if_conflicts],
        ends=ends,
    )
