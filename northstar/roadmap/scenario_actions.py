"""Every write to what-if scenarios: making one, changing its changes, and applying it to the live plan in one
audited transaction. Until it is applied a scenario touches nothing of the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from northstar.okrs.actions import check_version, workspace_team
from northstar.okrs.models import KeyResult, Period
from northstar.roadmap import actions as roadmap_actions
from northstar.roadmap.models import (
    ChangeKind,
    Scenario,
    ScenarioChange,
    ScenarioOrigin,
    ScenarioStatus,
    TeamCapacity,
    WorkItem,
    WorkItemKind,
    WorkItemStatus,
)
from northstar.roadmap.queries import fetch_plan
from northstar.roadmap.scenarios import added_id, lay_over, scenario_changes
from northstar.workspaces import audit
from northstar.workspaces.errors import FieldError, StaleVersion, ValidationFailed
from northstar.workspaces.permissions import CHANGE, DELETE, Actor, access

if TYPE_CHECKING:
    from northstar.core.adjust import Proposal
    from northstar.insights.optimise import PortfolioPlan

FINISHED = {WorkItemStatus.DONE, WorkItemStatus.CANCELLED}
# What a scenario can change on an existing item.
_WRITABLE = {"start", "end", "status", "estimate_days"}
SCENARIO_FIELDS = ["name", "description", "period", "status", "origin"]


def _check_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.one("name", _("Name the scenario, e.g. “Growth without dark mode”."))
    if len(name) > 120:
        raise ValidationFailed.one("name", _("Use at most %(n)d characters.") % {"n": 120})
    return name


def _period(actor: Actor, period: int | None, field: str = "period") -> Period | None:
    if period is None:
        return None
    found = Period.objects.restrict(actor).filter(pk=period).first()
    if found is None:
        raise ValidationFailed.one(field, _("No such period in this workspace."))
    return found  # type: ignore[no-any-return]


def _draft(actor: Actor, scenario_id: int, *, lock: bool = False) -> Scenario:
    qs = Scenario.objects.select_for_update() if lock else Scenario.objects
    scenario: Scenario = access(qs, actor, scenario_id, CHANGE)
    if scenario.status != ScenarioStatus.DRAFT:
        raise ValidationFailed.one("status", _("This scenario has been applied already; make a new one."))
    return scenario


@transaction.atomic
def create_scenario(
    actor: Actor,
    *,
    name: str,
    description: str = "",
    period: int | None = None,
    origin: str = ScenarioOrigin.MANUAL,
    explanation: dict[str, Any] | None = None,
) -> Scenario:
    actor.require("editor")
    scenario = Scenario.objects.create(
        workspace=actor.workspace,
        name=_check_name(name),
        description=(description or "").strip(),
        period=_period(actor, period),
        origin=origin,
        explanation=explanation or {},
        created_by=actor.user,
    )
    audit.record(actor, "create", scenario, after=audit.snapshot(scenario, SCENARIO_FIELDS))
    return scenario


@transaction.atomic
def update_scenario(
    actor: Actor, scenario_id: int, *, expected_version: int | None = None, **changes: Any
) -> Scenario:
    scenario = _draft(actor, scenario_id, lock=True)
    check_version(scenario, expected_version)
    before = audit.snapshot(scenario, SCENARIO_FIELDS)
    if "name" in changes:
        scenario.name = _check_name(changes["name"])
    if "description" in changes:
        scenario.description = (changes["description"] or "").strip()
    if "period" in changes:
        scenario.period = _period(actor, changes["period"])
    scenario.version += 1
    scenario.save()
    audit.record(actor, "update", scenario, before=before, after=audit.snapshot(scenario, SCENARIO_FIELDS))
    return scenario


@transaction.atomic
def delete_scenario(actor: Actor, scenario_id: int) -> None:
    scenario = access(Scenario.objects, actor, scenario_id, DELETE)
    audit.record(actor, "delete", scenario, before=audit.snapshot(scenario, SCENARIO_FIELDS))
    scenario.delete()


def _number(value: float | None, field: str, upper: float, message: Any) -> float:
    if value is None or not 0 <= value <= upper:
        raise ValidationFailed.one(field, message)
    return float(value)


def _target(actor: Actor, work_item: int | None) -> WorkItem:
    if work_item is None:
        raise ValidationFailed.one("work_item", _("Choose a work item."))
    item = WorkItem.objects.restrict(actor).filter(pk=work_item).first()
    if item is None:
        raise ValidationFailed.one("work_item", _("No such work item in this workspace."))
    if item.status in FINISHED:
        raise ValidationFailed.one(
            "work_item", _("This item is done or cancelled; there is nothing to change.")
        )
    return item  # type: ignore[no-any-return]


@transaction.atomic
def add_change(
    actor: Actor,
    scenario_id: int,
    *,
    kind: str,
    work_item: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    estimate_days: float | None = None,
    title: str = "",
    item_kind: str = WorkItemKind.INITIATIVE,
    team: int | None = None,
    parent: int | None = None,
    key_result: int | None = None,
    weight: float = 1.0,
    period: int | None = None,
    person_days: float | None = None,
) -> ScenarioChange:
    """Add one change to a draft scenario. A second change of the same kind to the same item (or the same
    team's capacity in the same period) replaces the first."""
    scenario = _draft(actor, scenario_id, lock=True)
    change = ScenarioChange(workspace=actor.workspace, scenario=scenario, kind=kind)
    same: dict[str, Any] = {}
    if kind == ChangeKind.ADD:
        team_obj = workspace_team(actor, team)
        parent_obj = roadmap_actions._parent(actor, parent)
        draft = WorkItem(
            workspace=actor.workspace,
            title=(title or "").strip(),
            kind=item_kind,
            team=team_obj,
            parent=parent_obj,
            start=start,
            end=end if item_kind != WorkItemKind.MILESTONE else start,
            estimate_days=estimate_days,
        )
        roadmap_actions._check_work_item(draft)
        kr = None
        if key_result is not None:
            kr = KeyResult.objects.restrict(actor).filter(pk=key_result).first()
            if kr is None:
                raise ValidationFailed.one("key_result", _("No such key result in this workspace."))
        change.item_title, change.item_kind, change.team, change.parent = (
            draft.title,
            item_kind,
            team_obj,
            parent_obj,
        )
        change.start, change.end, change.estimate_days = draft.start, draft.end, estimate_days
        change.key_result = kr
        change.weight = _number(weight, "weight", 1000, _("The weight must be a number from 0 to 1000."))
    elif kind == ChangeKind.CAPACITY:
        change.team = workspace_team(actor, team)
        change.period = _period(actor, period)
        if change.period is None:
            raise ValidationFailed.one("period", _("Choose a period."))
        change.person_days = _number(
            person_days, "person_days", 1_000_000, _("Enter a number of person-days from 0 to 1000000.")
        )
        same = {"team": change.team, "period": change.period}
    elif kind in {ChangeKind.DROP, ChangeKind.MOVE, ChangeKind.ESTIMATE}:
        item = _target(actor, work_item)
        change.work_item, change.base_version, change.item_title = item, item.version, item.title
        if kind == ChangeKind.MOVE:
            errors = []
            if start is None:
                errors.append(FieldError("start", _("Give the new start.")))
            if item.kind == WorkItemKind.MILESTONE:
                end = start
            elif end is None and start is not None and item.start is not None and item.end is not None:
                end = start + (item.end - item.start)  # moved as a whole: same length
            elif end is None and start is not None:
                errors.append(FieldError("end", _("Give the new end.")))
            elif start is not None and end < start:
                errors.append(FieldError("end", _("The end must be on or after the start.")))
            if errors:
                raise ValidationFailed(errors)
            change.start, change.end = start, end
        elif kind == ChangeKind.ESTIMATE:
            change.estimate_days = _number(
                estimate_days, "estimate_days", 100_000, _("Enter a number of person-days from 0 to 100000.")
            )
        same = {"work_item": item}
    else:
        raise ValidationFailed.one("kind", _("Choose add, drop, move, re-estimate or capacity."))
    if same:
        ScenarioChange.objects.filter(scenario=scenario, kind=kind, **same).delete()
    change.save()
    _touch(actor, scenario, "change", after={"added": _describe(change)})
    return change


@transaction.atomic
def remove_change(actor: Actor, change_id: int) -> None:
    change = access(ScenarioChange.objects.select_related("scenario"), actor, change_id, DELETE)
    scenario = _draft(actor, change.scenario_id, lock=True)
    described = _describe(change)
    change.delete()
    _touch(actor, scenario, "change", after={"removed": described})


def _describe(change: ScenarioChange) -> dict[str, Any]:
    return {"kind": change.kind, "work_item": change.work_item_id, "title": change.item_title} | {
        k: v for k, v in audit.snapshot(change, ["start", "end", "estimate_days", "team", "period", "person_days"]).items()
        if v is not None
    }  # fmt: skip


def _touch(actor: Actor, scenario: Scenario, action: str, *, after: dict[str, Any]) -> None:
    scenario.version += 1
    scenario.save(update_fields=["version"])
    audit.record(actor, action, scenario, after=after)


@transaction.atomic
def apply_scenario(actor: Actor, scenario_id: int, *, expected_version: int | None = None) -> Scenario:
    """Write the scenario into the live plan: every item it changes (parts that move along included), every
    item it adds, every capacity it sets — all in one transaction, each write audited, or nothing at all.

    Refused with 409 when an item it changes has been changed by someone since the change was made, and with
    a field error when an item it changes has been deleted."""
    scenario = _draft(actor, scenario_id, lock=True)
    check_version(scenario, expected_version)
    changes = scenario_changes(actor, scenario)
    if not changes:
        raise ValidationFailed.one("changes", _("This scenario has no changes to apply."))
    # Lock the plan's rows so nobody changes them between the check and the writes.
    list(WorkItem.objects.restrict(actor).select_for_update().values_list("pk", flat=True))
    plan = fetch_plan(actor)
    laid = lay_over(plan, changes)
    if laid.gone:
        titles = ", ".join(f"“{c.item_title}”" for c in laid.gone)
        raise ValidationFailed.one(
            "changes",
            _("These items were deleted since: %(titles)s. Remove their changes first.") % {"titles": titles},
        )
    live = {w.pk: w for w in plan.work}
    stale = [
        c for c in changes
        if c.work_item_id is not None and c.base_version is not None
        and live[c.work_item_id].version != c.base_version
    ]  # fmt: skip
    if stale:
        titles = ", ".join(f"“{live[c.work_item_id].title}”" for c in stale if c.work_item_id is not None)
        raise StaleVersion(
            scenario.version,
            _(
                "Someone changed %(titles)s since this scenario was made. Look at the change and make it again."
            )
            % {"titles": titles},
        )
    for pk, fields in laid.changed.items():
        roadmap_actions.update_work_item(
            actor,
            pk,
            **{k: v for k, v in fields.items() if k in _WRITABLE},
        )
    new_ids: dict[int, int] = {}
    for change in changes:
        if change.kind == ChangeKind.ADD:
            item = roadmap_actions.create_work_item(
                actor,
                title=change.item_title,
                kind=change.item_kind,
                team=change.team_id,
                parent=change.parent_id,
                start=change.start,
                end=change.end,
                estimate_days=change.estimate_days,
            )
            new_ids[added_id(change)] = item.pk
            if change.key_result_id is not None:
                roadmap_actions.set_contribution(
                    actor, item.pk, key_result=change.key_result_id, weight=change.weight
                )
        elif change.kind == ChangeKind.CAPACITY:
            assert (
                change.team_id is not None and change.period_id is not None and change.person_days is not None
            )
            roadmap_actions.set_capacity(
                actor, team=change.team_id, period=change.period_id, person_days=change.person_days
            )
    scenario.status = ScenarioStatus.APPLIED
    scenario.applied_by = actor.user
    scenario.applied_at = timezone.now()
    scenario.version += 1
    scenario.save()
    audit.record(
        actor,
        "apply",
        scenario,
        after={"changed": sorted(laid.changed), "added": sorted(new_ids.values()), "changes": len(changes)},
    )
    return scenario


@transaction.atomic
def scenario_from_plan(
    actor: Actor, result: PortfolioPlan, *, name: str, overrides: Mapping[int, float] | None = None
) -> Scenario:
    """The optimiser's choice as a scenario: the initiatives it leaves out are dropped, the capacities it was
    given are set, and its reasons are kept to be shown with it."""
    plan = result.plan
    explanation = {
        "status": plan.status,
        "value": plan.value,
        "gap": plan.gap,
        "dropped": [
            {"work_item": d.id, "reason": d.reason, **(d.detail if isinstance(d.detail, dict) else {})}
            for d in plan.dropped
        ],
        "marginal_value": {str(team): value for team, value in plan.marginal_value.items()},
        "capacity": {str(team): days for team, days in plan.capacity.items()},
        "load": {str(team): days for team, days in plan.load.items()},
    }
    scenario = create_scenario(
        actor,
        name=name,
        period=result.period.pk,
        origin=ScenarioOrigin.OPTIMISER,
        explanation=explanation,
    )
    saved = dict(
        TeamCapacity.objects.restrict(actor)
        .filter(period=result.period)
        .values_list("team_id", "person_days")
    )
    for team, days in (overrides or {}).items():
        if saved.get(team) == days:
            continue  # the capacity it was given is the one saved: nothing to change
        add_change(
            actor, scenario.pk, kind=ChangeKind.CAPACITY, team=team, period=result.period.pk, person_days=days
        )
    if plan.status != "infeasible":
        for dropped in plan.dropped:
            add_change(actor, scenario.pk, kind=ChangeKind.DROP, work_item=dropped.id)
    scenario.refresh_from_db()
    return scenario


@transaction.atomic
def scenario_from_proposal(actor: Actor, key_result: KeyResult, team: int, proposal: Proposal) -> Scenario:
    """A proposal for a key result at risk, as a scenario to inspect and apply: its moves, drops and new work
    (which serves the key result)."""
    scenario = create_scenario(
        actor,
        name=str(_("Adjust for “%(kr)s”") % {"kr": key_result.title})[:120],
        description=str(
            _(
                "Proposed because the key result is at risk: %(before).0f %% chance, %(after).0f %% with this change."
            )
            % {"before": 100 * proposal.probability_before, "after": 100 * proposal.probability_after}
        ),
        period=key_result.objective.period_id,
    )
    for change in proposal.changes:
        if change.kind == ChangeKind.MOVE:
            add_change(
                actor,
                scenario.pk,
                kind=ChangeKind.MOVE,
                work_item=change.item,
                start=change.start,
                end=change.end,
            )
        elif change.kind == ChangeKind.DROP:
            add_change(actor, scenario.pk, kind=ChangeKind.DROP, work_item=change.item)
        else:
            add_change(
                actor,
                scenario.pk,
                kind=ChangeKind.ADD,
                title=str(_("Work towards “%(kr)s”") % {"kr": key_result.title})[:300],
                item_kind=WorkItemKind.INITIATIVE,
                team=change.team or team,
                start=change.start,
                end=change.end,
                key_result=key_result.pk,
            )
    scenario.refresh_from_db()
    return scenario
