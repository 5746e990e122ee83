"""REST endpoints for team capacity and what-if scenarios: make one, lay changes over the plan, compare it with
the plan, apply it in one transaction — and turn the optimiser's choice into one.

Reads go through `restrict`/`access` and `insights.scenarios.compare`; writes only through `roadmap.actions` and
`roadmap.scenario_actions`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from northstar.okrs.models import Period
from northstar.roadmap import actions, scenario_actions
from northstar.roadmap.models import Scenario, ScenarioChange, ScenarioStatus, TeamCapacity
from northstar.workspaces.api import ERRORS, WRITE_ERRORS, actor_of, paginate
from northstar.workspaces.errors import NotFound, ValidationFailed
from northstar.workspaces.permissions import access
from northstar.workspaces.schemas import InputSchema, PageQuery
from northstar.workspaces.web import today

router = Router(tags=["scenarios"])


# --- capacity -------------------------------------------------------------------------------------------------


class CapacityOut(Schema):
    team: int
    period: int
    person_days: float
    version: int

    @staticmethod
    def resolve_team(obj: TeamCapacity) -> int:
        return obj.team_id

    @staticmethod
    def resolve_period(obj: TeamCapacity) -> int:
        return obj.period_id


class CapacityPage(Schema):
    count: int
    items: list[CapacityOut]


class CapacityFilters(Schema):
    period: int | None = None
    team: int | None = None


class CapacityIn(InputSchema):
    team: int
    period: int
    person_days: float = Field(ge=0, le=1_000_000)


@router.get(
    "/capacities", response={200: CapacityPage, **ERRORS}, tags=["capacity"], summary="Team capacities"
)
def list_capacities(
    request: HttpRequest, filters: Query[CapacityFilters], page: Query[PageQuery]
) -> dict[str, Any]:
    qs = TeamCapacity.objects.restrict(actor_of(request))
    if filters.period is not None:
        qs = qs.filter(period_id=filters.period)
    if filters.team is not None:
        qs = qs.filter(team_id=filters.team)
    count, items = paginate(qs.order_by("period_id", "team_id"), page)
    return {"count": count, "items": items}


@router.put(
    "/capacities",
    response={200: CapacityOut, **ERRORS},
    tags=["capacity"],
    summary="Set a team's capacity for a period (admins)",
)
def set_capacity(request: HttpRequest, payload: CapacityIn) -> TeamCapacity:
    return actions.set_capacity(
        actor_of(request), team=payload.team, period=payload.period, person_days=payload.person_days
    )


# --- scenarios ------------------------------------------------------------------------------------------------

ChangeKindName = Literal["add", "drop", "move", "estimate", "capacity"]


class ChangeOut(Schema):
    id: int
    kind: ChangeKindName
    work_item: int | None = Field(
        description="The item dropped, moved or re-estimated; null once it is deleted."
    )
    title: str = Field(
        description="The new item's title, or the changed item's title when the change was made."
    )
    item_kind: str
    team: int | None
    parent: int | None
    key_result: int | None
    weight: float
    start: dt.date | None
    end: dt.date | None
    estimate_days: float | None
    period: int | None
    person_days: float | None


class ScenarioOut(Schema):
    id: int
    name: str
    description: str
    period: int | None
    status: Literal["draft", "applied"]
    origin: Literal["manual", "optimiser"]
    created_by: int | None
    created_at: dt.datetime
    applied_at: dt.datetime | None
    version: int


class ScenarioDetailOut(ScenarioOut):
    changes: list[ChangeOut]
    explanation: dict[str, Any] = Field(
        description="For a scenario from the optimiser: status, value, gap, dropped (work_item, reason and its "
        "detail: team and lacking person-days, or the item it requires), marginal_value, capacity and load per team."
    )


class ScenarioPage(Schema):
    count: int
    items: list[ScenarioOut]


class ScenarioIn(InputSchema):
    name: str
    description: str = ""
    period: int | None = None


class ScenarioPatch(InputSchema):
    version: int = Field(description="The version you last read; a different current version gives 409.")
    name: str = None  # type: ignore[assignment]
    description: str = None  # type: ignore[assignment]
    period: int | None = None


class ChangeIn(InputSchema):
    kind: ChangeKindName
    work_item: int | None = Field(None, description="drop, move, estimate: the item.")
    start: dt.date | None = Field(None, description="add, move: the (new) start.")
    end: dt.date | None = Field(None, description="add, move: the (new) end; a milestone's is its start.")
    estimate_days: float | None = Field(None, description="add, estimate: person-days.")
    title: str = Field("", description="add: the new item's title.")
    item_kind: Literal["initiative", "milestone", "task"] = "initiative"
    team: int | None = Field(None, description="add, capacity: the team.")
    parent: int | None = Field(None, description="add: the item it is part of.")
    key_result: int | None = Field(None, description="add: the key result it serves.")
    weight: float = 1.0
    period: int | None = Field(None, description="capacity: the period.")
    person_days: float | None = Field(None, description="capacity: the team's capacity in the period.")


class ApplyIn(InputSchema):
    version: int | None = Field(
        None, description="The version you last read; a different current version gives 409."
    )


class SideOut(Schema):
    finish: dt.date | None = Field(description="When the last top-level item is forecast to end.")
    conflicts: int
    unsupported_key_results: int | None
    orphan_share: float | None = Field(description="Share of the period's planned effort on orphan work.")


class KeyResultCoverageOut(Schema):
    key_result: int
    title: str
    plan_supported: bool
    scenario_supported: bool


class TeamLoadOut(Schema):
    team: int
    name: str
    plan_load: float
    plan_capacity: float | None
    scenario_load: float
    scenario_capacity: float | None
    plan_over: bool
    scenario_over: bool


class ConflictLineOut(Schema):
    work_item: int
    kind: str
    message: str


class EndOut(Schema):
    work_item: int = Field(description="A top-level item; negative for one the scenario adds.")
    title: str
    plan_end: dt.date | None
    scenario_end: dt.date | None
    days: int | None


class ChangedItemOut(Schema):
    work_item: int
    title: str
    fields: dict[str, Any]


class ComparisonOut(Schema):
    scenario: int
    period: int | None
    plan: SideOut
    what_if: SideOut
    key_results: list[KeyResultCoverageOut] = Field(
        description="Key results of the period that are unsupported on at least one side."
    )
    teams: list[TeamLoadOut]
    new_conflicts: list[ConflictLineOut]
    solved_conflicts: list[ConflictLineOut]
    ends: list[EndOut] = Field(description="Top-level items whose forecast end differs.")
    changed_items: list[ChangedItemOut]
    gone: list[int] = Field(description="Changes whose item has been deleted since.")


class CompareQuery(Schema):
    period: int | None = Field(
        None, description="Measure coverage and load in this period (default: the scenario's)."
    )


class FromOptimiserIn(InputSchema):
    name: str
    period: int
    capacity: dict[int, float] = Field(
        default_factory=dict, description="Team id → person-days to try instead."
    )
    pinned_in: list[int] = Field(default_factory=list)
    pinned_out: list[int] = Field(default_factory=list)


def period_field(actor: Any, pk: int) -> Period:
    """The period named by a request, or a 422 naming the field "period"."""
    found = Period.objects.restrict(actor).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed.one("period", _("No such period in this workspace."))
    return found  # type: ignore[no-any-return]


def _scenario_out(s: Scenario) -> dict[str, Any]:
    return {
        "id": s.pk,
        "name": s.name,
        "description": s.description,
        "period": s.period_id,
        "status": s.status,
        "origin": s.origin,
        "created_by": s.created_by_id,
        "created_at": s.created_at,
        "applied_at": s.applied_at,
        "version": s.version,
    }


def scenario_detail(actor: Any, scenario: Scenario) -> dict[str, Any]:
    changes = ScenarioChange.objects.restrict(actor).filter(scenario=scenario).order_by("id")
    return {
        **_scenario_out(scenario),
        "explanation": scenario.explanation,
        "changes": [
            {
                "id": c.pk,
                "kind": c.kind,
                "work_item": c.work_item_id,
                "title": c.item_title,
                "item_kind": c.item_kind,
                "team": c.team_id,
                "parent": c.parent_id,
                "key_result": c.key_result_id,
                "weight": c.weight,
                "start": c.start,
                "end": c.end,
                "estimate_days": c.estimate_days,
                "period": c.period_id,
                "person_days": c.person_days,
            }
            for c in changes
        ],
    }


@router.get(
    "/scenarios", response={200: ScenarioPage, **ERRORS}, summary="List what-if scenarios, newest first"
)
def list_scenarios(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    count, items = paginate(Scenario.objects.restrict(actor_of(request)).order_by("-created_at", "-id"), page)
    return {"count": count, "items": [_scenario_out(s) for s in items]}


@router.post("/scenarios", response={201: ScenarioDetailOut, **ERRORS}, summary="Start a what-if scenario")
def create_scenario(request: HttpRequest, payload: ScenarioIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    scenario = scenario_actions.create_scenario(
        actor, name=payload.name, description=payload.description, period=payload.period
    )
    return Status(201, scenario_detail(actor, scenario))


@router.get(
    "/scenarios/{int:id}", response={200: ScenarioDetailOut, **ERRORS}, summary="A scenario and its changes"
)
def get_scenario(request: HttpRequest, id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return scenario_detail(actor, access(Scenario.objects, actor, id))


@router.patch(
    "/scenarios/{int:id}", response={200: ScenarioDetailOut, **WRITE_ERRORS}, summary="Rename a scenario"
)
def update_scenario(request: HttpRequest, id: int, payload: ScenarioPatch) -> dict[str, Any]:
    actor = actor_of(request)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    return scenario_detail(
        actor, scenario_actions.update_scenario(actor, id, expected_version=version, **changes)
    )


@router.delete("/scenarios/{int:id}", response={204: None, **ERRORS}, summary="Throw a scenario away")
def delete_scenario(request: HttpRequest, id: int) -> Status[None]:
    scenario_actions.delete_scenario(actor_of(request), id)
    return Status(204, None)


@router.post(
    "/scenarios/{int:id}/changes",
    response={201: ScenarioDetailOut, **ERRORS},
    summary="Add a change: add, drop, move or re-estimate an item, or set a team's capacity",
)
def add_change(request: HttpRequest, id: int, payload: ChangeIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    change = scenario_actions.add_change(actor, id, **payload.dict())
    return Status(201, scenario_detail(actor, change.scenario))


@router.delete(
    "/scenarios/{int:id}/changes/{int:change_id}", response={204: None, **ERRORS}, summary="Remove a change"
)
def remove_change(request: HttpRequest, id: int, change_id: int) -> Status[None]:
    actor = actor_of(request)
    if not ScenarioChange.objects.restrict(actor).filter(pk=change_id, scenario_id=id).exists():
        raise NotFound
    scenario_actions.remove_change(actor, change_id)
    return Status(204, None)


def _conflict_lines(conflicts: list[Any]) -> list[dict[str, Any]]:
    return [{"work_item": c.item_id, "kind": c.kind, "message": c.message} for c in conflicts]


def _side(side: Any) -> dict[str, Any]:
    report = side.report
    return {
        "finish": side.finish,
        "conflicts": len(side.roadmap.conflicts),
        "unsupported_key_results": len(report.unsupported_key_results) if report else None,
        "orphan_share": report.company_orphan_share if report else None,
    }


@router.get(
    "/scenarios/{int:id}/compare",
    response={200: ComparisonOut, **ERRORS},
    summary="The scenario beside the plan: coverage, load per team, conflicts, forecast ends",
)
def compare_scenario(request: HttpRequest, id: int, query: Query[CompareQuery]) -> dict[str, Any]:
    from northstar.insights.scenarios import compare  # insights builds on the roadmap

    actor = actor_of(request)
    scenario = access(Scenario.objects.select_related("period"), actor, id)
    if scenario.status != ScenarioStatus.DRAFT:
        raise ValidationFailed.one(
            "status",
            _(
                "This scenario has been applied: the roadmap has its changes now, there is nothing to compare."
            ),
        )
    period = period_field(actor, query.period) if query.period is not None else None
    c = compare(actor, scenario, today=today(), period=period)
    titles = {v.item.pk: v.item.title for v in c.what_if.roadmap.items}
    return {
        "scenario": scenario.pk,
        "period": c.period.pk if c.period else None,
        "plan": _side(c.plan),
        "what_if": _side(c.what_if),
        "key_results": [
            {
                "key_result": line.key_result.pk,
                "title": line.key_result.title,
                "plan_supported": line.plan_supported,
                "scenario_supported": line.scenario_supported,
            }
            for line in c.key_results
        ],
        "teams": [
            {
                "team": line.team.pk,
                "name": line.team.name,
                "plan_load": line.plan_load,
                "plan_capacity": line.plan_capacity,
                "scenario_load": line.scenario_load,
                "scenario_capacity": line.scenario_capacity,
                "plan_over": line.plan_over,
                "scenario_over": line.scenario_over,
            }
            for line in c.teams
        ],
        "new_conflicts": _conflict_lines(c.new_conflicts),
        "solved_conflicts": _conflict_lines(c.solved_conflicts),
        "ends": [
            {
                "work_item": line.item.pk,
                "title": line.item.title,
                "plan_end": line.plan_end,
                "scenario_end": line.scenario_end,
                "days": line.days,
            }
            for line in c.ends
        ],
        "changed_items": [
            {"work_item": pk, "title": titles.get(pk, ""), "fields": fields}
            for pk, fields in c.laid.changed.items()
        ],
        "gone": [change.pk for change in c.laid.gone],
    }


@router.post(
    "/scenarios/{int:id}/apply",
    response={200: ScenarioDetailOut, **WRITE_ERRORS},
    summary="Apply a scenario to the live plan, in one audited transaction",
)
def apply_scenario(request: HttpRequest, id: int, payload: ApplyIn) -> dict[str, Any]:
    actor = actor_of(request)
    return scenario_detail(
        actor, scenario_actions.apply_scenario(actor, id, expected_version=payload.version)
    )


@router.post(
    "/scenarios/from-optimiser",
    response={201: ScenarioDetailOut, **ERRORS},
    summary="Run the optimiser and keep its choice as a scenario (drops and capacities, with its reasons)",
)
def scenario_from_optimiser(request: HttpRequest, payload: FromOptimiserIn) -> Status[dict[str, Any]]:
    from northstar.insights.optimise import plan_period  # insights builds on the roadmap

    actor = actor_of(request)
    actor.require("editor")
    period = period_field(actor, payload.period)
    pins = {pk: True for pk in payload.pinned_in} | {pk: False for pk in payload.pinned_out}
    result = plan_period(actor, period, today=today(), capacity_overrides=payload.capacity, pins=pins)
    scenario = scenario_actions.scenario_from_plan(
        actor, result, name=payload.name, overrides=payload.capacity
    )
    return Status(201, scenario_detail(actor, scenario))
