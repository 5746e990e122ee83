"""REST endpoints of the insights: the coverage report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from northstar.insights.queries import coverage_report
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import Period
from northstar.workspaces.api import ERRORS, actor_of
from northstar.workspaces.errors import NotFound
from northstar.workspaces.web import today

router = Router(tags=["insights"])


class TeamCoverageOut(Schema):
    team: int
    name: str
    planned_days: float = Field(
        description="Person-days of work planned in the period, spread over each item's dates."
    )
    orphan_days: float = Field(description="The part of it that serves no active key result.")
    orphan_share: float
    over_threshold: bool
    capacity_days: float | None
    load_days: float
    over_capacity: bool


class CoverageOut(Schema):
    period: int
    threshold: float = Field(description="The workspace's orphan threshold (share of planned effort).")
    company_orphan_share: float
    warning: bool = Field(description="True when the company or any team is above the threshold.")
    teams: list[TeamCoverageOut]
    unsupported_key_results: list[int] = Field(description="Active key results that no work serves.")
    unsupported_objectives: list[int] = Field(description="Active objectives that no work serves at all.")
    orphans: list[int] = Field(description="Work items that serve no active key result or objective.")
    full_teams: list[int] = Field(description="Teams with no capacity left in the period.")
    cross_team_dependencies: list[tuple[int, int]] = Field(
        description="(predecessor, successor) in different teams."
    )


@router.get("/coverage", response={200: CoverageOut, **ERRORS}, summary="Coverage report for a period")
def coverage(request: HttpRequest, period: int | None = None) -> dict[str, Any]:
    actor = actor_of(request)
    now = today()
    if period is None:
        chosen = okr_queries.default_period(actor, now)
    else:
        chosen = Period.objects.restrict(actor).filter(pk=period).first()
    if chosen is None:
        raise NotFound
    report = coverage_report(actor, chosen, today=now)
    return {
        "period": chosen.pk,
        "threshold": report.threshold,
        "company_orphan_share": report.company_orphan_share,
        "warning": report.warning,
        "teams": [
            {
                "team": line.team.pk,
                "name": line.team.name,
                "planned_days": line.planned,
                "orphan_days": line.orphan,
                "orphan_share": line.orphan_share,
                "over_threshold": line.over_threshold,
                "capacity_days": line.load.capacity,
                "load_days": line.load.load,
                "over_capacity": line.load.over,
            }
            for line in report.teams
        ],
        "unsupported_key_results": [k.pk for k in report.unsupported_key_results],
        "unsupported_objectives": [o.pk for o in report.unsupported_objectives],
        "orphans": [i.pk for i in report.orphans],
        "full_teams": [team.pk for team, _objectives in report.full_teams],
        "cross_team_dependencies": [(a.pk, b.pk) for a, b in report.cross_team],
    }


class OptimiseIn(Schema):
    period: int
    capacity: dict[int, float] = Field(
        default_factory=dict, description="Team id → person-days to try instead."
    )
    pinned_in: list[int] = Field(default_factory=list, description="Initiatives that must be selected.")
    pinned_out: list[int] = Field(default_factory=list, description="Initiatives that must not be selected.")


class CandidateOut(Schema):
    work_item: int
    title: str
    team: int
    value: float = Field(description="Strategic score.")
    effort_days: float = Field(description="Open estimated person-days in the period.")
    selected: bool


class DroppedOut(Schema):
    work_item: int
    reason: str = Field(description="capacity | dependency | pinned_out | no_value")
    team: int | None = None
    lacking_days: float | None = None
    requires: int | None = None


class PlanOut(Schema):
    period: int
    status: str
    value: float
    gap: float
    candidates: list[CandidateOut]
    dropped: list[DroppedOut]
    capacity: dict[int, float]
    load: dict[int, float]
    marginal_value: dict[int, float] = Field(
        description="Team → strategic score of one more person-day (LP)."
    )


@router.post("/optimise", response={200: PlanOut, **ERRORS}, summary="Which initiatives to do in a period")
def optimise(request: HttpRequest, payload: OptimiseIn) -> dict[str, Any]:
    """Chooses the period's initiatives that serve the goals best within each team's capacity (HiGHS MILP), and
    says why the others were dropped. It changes nothing."""
    from northstar.insights.optimise import plan_period

    actor = actor_of(request)
    chosen = Period.objects.restrict(actor).filter(pk=payload.period).first()
    if chosen is None:
        raise NotFound
    pins = {pk: True for pk in payload.pinned_in} | {pk: False for pk in payload.pinned_out}
    result = plan_period(actor, chosen, today=today(), capacity_overrides=payload.capacity, pins=pins)
    plan = result.plan
    return {
        "period": chosen.pk,
        "status": plan.status,
        "value": plan.value,
        "gap": plan.gap,
        "candidates": [
            {
                "work_item": pk,
                "title": item.title,
                "team": item.team_id,
                "value": result.value[pk],
                "effort_days": result.effort[pk],
                "selected": pk in plan.selected,
            }
            for pk, item in result.initiatives.items()
        ],
        "dropped": [
            {
                "work_item": d.id,
                "reason": d.reason,
                "team": d.detail.get("team") if isinstance(d.detail, dict) else None,
                "lacking_days": d.detail.get("lacking") if isinstance(d.detail, dict) else None,
                "requires": d.detail.get("requires") if isinstance(d.detail, dict) else None,
            }
            for d in plan.dropped
        ],
        "capacity": dict(plan.capacity),
        "load": dict(plan.load),
        "marginal_value": dict(plan.marginal_value),
    }
