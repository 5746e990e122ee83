"""Every write to the roadmap: validate → permission → save → audit, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from northstar.core.graph import find_cycle
from northstar.okrs.actions import check_key_free, check_version, unique_key, workspace_member, workspace_team
from northstar.okrs.models import KeyResult, Objective, Period
from northstar.roadmap.models import (
    Baseline,
    BaselineItem,
    Contribution,
    Dependency,
    DependencyKind,
    TeamCapacity,
    WorkItem,
    WorkItemKind,
    WorkItemStatus,
)
from northstar.workspaces import audit
from northstar.workspaces.errors import FieldError, PermissionDenied, ValidationFailed
from northstar.workspaces.models import Team, User
from northstar.workspaces.permissions import CHANGE, DELETE, Actor, access

SCORE_FIELDS = ["reach", "impact", "confidence", "cost_of_delay", "job_size"]
WORK_ITEM_FIELDS = [
    "title", "description", "kind", "team", "owner", "parent", "start", "end", "status", "estimate_days",
    "effort_done_days", *SCORE_FIELDS,
]  # fmt: skip


def _check_work_item(item: WorkItem) -> None:
    errors: list[FieldError] = []
    if not item.title or not item.title.strip():
        errors.append(FieldError("title", _("This field cannot be empty.")))
    elif len(item.title) > 300:
        errors.append(FieldError("title", _("Use at most %(n)d characters.") % {"n": 300}))
    if item.kind not in WorkItemKind.values:
        errors.append(FieldError("kind", _("Choose initiative, milestone or task.")))
    if item.status not in WorkItemStatus.values:
        errors.append(FieldError("status", _("Choose planned, in progress, done or cancelled.")))
    if item.kind == WorkItemKind.MILESTONE:
        if item.start != item.end:
            errors.append(
                FieldError("end", _("A milestone has one date: its start and end are the same day."))
            )
    elif item.start is not None and item.end is not None and item.end < item.start:
        errors.append(FieldError("end", _("The end must be on or after the start.")))
    if (item.start is None) != (item.end is None):
        errors.append(FieldError("end" if item.end is None else "start", _("Give both dates, or neither.")))
    for field in ("estimate_days", "effort_done_days"):
        value = getattr(item, field)
        if value is not None and not 0 <= value <= 100_000:
            errors.append(FieldError(field, _("Enter a number of person-days from 0 to 100000.")))
    for field in SCORE_FIELDS:
        value = getattr(item, field)
        if value is not None and not 0 <= value <= 1_000_000_000:
            errors.append(FieldError(field, _("Enter a number of 0 or more.")))
    if item.confidence is not None and item.confidence > 1:
        errors.append(FieldError("confidence", _("Confidence is a share from 0 to 1.")))
    if item.job_size is not None and item.job_size == 0:
        errors.append(FieldError("job_size", _("The job size must be more than 0.")))
    if item.kind == WorkItemKind.INITIATIVE and item.parent_id is not None:
        errors.append(
            FieldError(
                "parent", _("An initiative is the top of its tree; it cannot be part of another item.")
            )
        )
    if item.parent is not None and item.parent.kind == WorkItemKind.MILESTONE:
        errors.append(FieldError("parent", _("A milestone cannot contain other items.")))
    if errors:
        raise ValidationFailed(errors)


def _check_parent_chain(actor: Actor, item: WorkItem) -> None:
    """The parent must not be the item itself or one of its descendants."""
    if item.parent_id is None or item.pk is None:
        return
    parents = dict(WorkItem.objects.filter(workspace=actor.workspace).values_list("id", "parent_id"))
    seen, node = set(), item.parent_id
    while node is not None and node not in seen:
        if node == item.pk:
            raise ValidationFailed.one(
                "parent", _("An item cannot be part of itself or of one of its own parts.")
            )
        seen.add(node)
        node = parents.get(node)


def _parent(actor: Actor, parent: WorkItem | int | None) -> WorkItem | None:
    if parent is None:
        return None
    pk = parent.pk if isinstance(parent, WorkItem) else parent
    found = WorkItem.objects.restrict(actor).filter(pk=pk).first()
    if found is None:
        raise ValidationFailed.one("parent", _("No such work item in this workspace."))
    return found  # type: ignore[no-any-return]


def _can_plan(actor: Actor, team: Team) -> None:
    if not actor.can_edit:
        raise PermissionDenied(_("Viewers cannot change the roadmap."))
    if not actor.is_admin and team.pk not in actor.covered_team_ids:
        raise PermissionDenied(_("You can only plan work for your own teams."))


def snapshot(item: WorkItem) -> dict[str, Any]:
    return audit.snapshot(item)


@transaction.atomic
def create_work_item(
    actor: Actor,
    *,
    title: str,
    kind: str = WorkItemKind.TASK,
    team: Team | int | None = None,
    parent: WorkItem | int | None = None,
    owner: User | int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: str = WorkItemStatus.PLANNED,
    estimate_days: float | None = None,
    effort_done_days: float = 0,
    description: str = "",
    key: str | None = None,
    reach: float | None = None,
    impact: float | None = None,
    confidence: float | None = None,
    cost_of_delay: float | None = None,
    job_size: float | None = None,
) -> WorkItem:
    actor.require("editor")
    parent_obj = _parent(actor, parent)
    if team is None and parent_obj is not None:
        team = parent_obj.team_id
    team_obj = workspace_team(actor, team)
    assert team_obj is not None
    _can_plan(actor, team_obj)
    if kind == WorkItemKind.MILESTONE and end is None:
        end = start
    if kind == WorkItemKind.MILESTONE and start is None:
        start = end
    item = WorkItem(
        workspace=actor.workspace,
        title=(title or "").strip(),
        kind=kind,
        team=team_obj,
        parent=parent_obj,
        owner=workspace_member(actor, owner, "owner"),
        start=start,
        end=end,
        status=status,
        estimate_days=estimate_days,
        effort_done_days=effort_done_days or 0,
        description=description,
        reach=reach,
        impact=impact,
        confidence=confidence,
        cost_of_delay=cost_of_delay,
        job_size=job_size,
    )
    _check_work_item(item)
    if key:
        check_key_free(WorkItem, actor.workspace.pk, key)
    item.key = key or unique_key(WorkItem, actor.workspace.pk, title)
    item.position = (
        WorkItem.objects.filter(workspace=actor.workspace).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    item.save()
    audit.record(actor, "create", item, after=snapshot(item))
    return item


@transaction.atomic
def update_work_item(
    actor: Actor, item_id: int, *, expected_version: int | None = None, **changes: Any
) -> WorkItem:
    item = access(
        WorkItem.objects.select_for_update(of=("self",)).select_related("parent"), actor, item_id, CHANGE
    )
    check_version(item, expected_version)
    before = snapshot(item)
    if "team" in changes:
        changes["team"] = workspace_team(actor, changes["team"])
        _can_plan(actor, changes["team"])
    if "parent" in changes:
        changes["parent"] = _parent(actor, changes["parent"])
    if "owner" in changes:
        changes["owner"] = workspace_member(actor, changes["owner"], "owner")
    if changes.get("key"):
        check_key_free(WorkItem, actor.workspace.pk, changes["key"], exclude_pk=item.pk)
        item.key = changes["key"]
    for field in WORK_ITEM_FIELDS:
        if field in changes:
            value = changes[field]
            setattr(item, field, value.strip() if field == "title" and isinstance(value, str) else value)
    if item.kind == WorkItemKind.MILESTONE:
        # Moving a milestone moves its one date, whichever of the two was given.
        if "start" in changes and "end" not in changes:
            item.end = item.start
        elif "end" in changes and "start" not in changes:
            item.start = item.end
    if item.effort_done_days is None:
        item.effort_done_days = 0
    _check_work_item(item)
    _check_parent_chain(actor, item)
    item.version += 1
    item.save()
    audit.record(actor, "update", item, before=before, after=snapshot(item))
    _tell_webhooks(actor, item, before)
    return item  # type: ignore[no-any-return]


def _tell_webhooks(actor: Actor, item: WorkItem, before: dict[str, Any]) -> None:
    from northstar.integrations import events

    about = {"work_item": item.pk, "key": item.key, "title": item.title}
    due: list[tuple[str, dict[str, Any]]] = []
    if item.status == WorkItemStatus.DONE and before.get("status") != WorkItemStatus.DONE:
        due.append(("work_item.done", about))
    # the snapshot keeps dates as ISO text
    old_end = dt.date.fromisoformat(before["end"]) if before.get("end") else None
    if old_end and item.end and item.end > old_end:
        slipped = {
            "before": old_end.isoformat(),
            "after": item.end.isoformat(),
            "days": (item.end - old_end).days,
        }
        due.append(("work_item.slipped", {**about, **slipped}))
    if due:  # the webhooks are read once, and only when there is something to tell them
        hooks = events.listeners(actor.workspace)
        for event, data in due:
            events.emit(actor.workspace, event, data, hooks)


@transaction.atomic
def delete_work_item(actor: Actor, item_id: int) -> None:
    item = access(WorkItem.objects, actor, item_id, DELETE)
    audit.record(actor, "delete", item, before=snapshot(item))
    item.delete()


# --- dependencies -----------------------------------------------------------------------------------------------


def _graph(actor: Actor) -> dict[int, list[int]]:
    edges: dict[int, list[int]] = {}
    for pred, succ in Dependency.objects.filter(workspace=actor.workspace).values_list(
        "predecessor_id", "successor_id"
    ):
        edges.setdefault(pred, []).append(succ)
    return edges


@transaction.atomic
def add_dependency(
    actor: Actor,
    *,
    predecessor: int,
    successor: int,
    kind: str = DependencyKind.FINISH_TO_START,
    lag_days: int = 0,
    graph: dict[int, list[int]] | None = None,
) -> Dependency:
    """``graph``: the workspace's dependencies as read by the caller (an import adding thousands), kept up to date
    here; without it the graph is read for the loop check."""
    succ = access(WorkItem.objects, actor, successor, CHANGE)
    pred = WorkItem.objects.restrict(actor).filter(pk=predecessor).first()
    errors: list[FieldError] = []
    if pred is None:
        errors.append(FieldError("predecessor", _("No such work item in this workspace.")))
    if kind not in DependencyKind.values:
        errors.append(FieldError("kind", _("Choose finish-to-start, start-to-start or finish-to-finish.")))
    if not isinstance(lag_days, int) or not -3650 <= lag_days <= 3650:
        errors.append(FieldError("lag_days", _("The lag must be a whole number of days from -3650 to 3650.")))
    if errors:
        raise ValidationFailed(errors)
    assert pred is not None
    if pred.pk == succ.pk:
        raise ValidationFailed.one("predecessor", _("An item cannot depend on itself."))
    if Dependency.objects.filter(predecessor=pred, successor=succ).exists():
        raise ValidationFailed.one("predecessor", _("This dependency exists already."))
    cycle = find_cycle(_graph(actor) if graph is None else graph, (pred.pk, succ.pk))
    if cycle is not None:
        titles = dict(WorkItem.objects.filter(pk__in=set(cycle)).values_list("pk", "title"))
        path = " → ".join(titles.get(pk, str(pk)) for pk in cycle)
        raise ValidationFailed.one(
            "predecessor", _("This dependency would make a loop: %(path)s.") % {"path": path}
        )
    dep = Dependency.objects.create(
        workspace=actor.workspace, predecessor=pred, successor=succ, kind=kind, lag_days=lag_days
    )
    if graph is not None:
        graph.setdefault(pred.pk, []).append(succ.pk)
    audit.record(actor, "create", dep, after=audit.snapshot(dep))
    return dep


@transaction.atomic
def remove_dependency(actor: Actor, dependency_id: int) -> None:
    dep = access(Dependency.objects, actor, dependency_id, DELETE)
    audit.record(actor, "delete", dep, before=audit.snapshot(dep))
    dep.delete()


# --- contributions ----------------------------------------------------------------------------------------------


@transaction.atomic
def set_contribution(
    actor: Actor,
    work_item_id: int,
    *,
    key_result: int | None = None,
    objective: int | None = None,
    weight: float = 1.0,
) -> Contribution:
    """Link a work item to a key result (or a whole objective), or change the weight of that link."""
    item = access(WorkItem.objects, actor, work_item_id, CHANGE)
    if (key_result is None) == (objective is None):
        raise ValidationFailed.one("key_result", _("Link the item to one key result or one objective."))
    if weight is None or not 0 <= weight <= 1000:
        raise ValidationFailed.one("weight", _("The weight must be a number from 0 to 1000."))
    target: dict[str, Any] = {}
    if key_result is not None:
        kr = KeyResult.objects.restrict(actor).filter(pk=key_result).first()
        if kr is None:
            raise ValidationFailed.one("key_result", _("No such key result in this workspace."))
        target = {"key_result": kr}
    else:
        obj = Objective.objects.restrict(actor).filter(pk=objective).first()
        if obj is None:
            raise ValidationFailed.one("objective", _("No such objective in this workspace."))
        target = {"objective": obj}
    link, created = Contribution.objects.get_or_create(
        workspace=actor.workspace, work_item=item, **target, defaults={"weight": weight}
    )
    if not created and link.weight != weight:
        before = audit.snapshot(link)
        link.weight = weight
        link.save(update_fields=["weight"])
        audit.record(actor, "update", link, before=before, after=audit.snapshot(link))
    elif created:
        audit.record(actor, "create", link, after=audit.snapshot(link))
    return link


@transaction.atomic
def remove_contribution(actor: Actor, contribution_id: int) -> None:
    link = access(Contribution.objects, actor, contribution_id, DELETE)
    audit.record(actor, "delete", link, before=audit.snapshot(link))
    link.delete()


# --- baselines and capacity -------------------------------------------------------------------------------------


@transaction.atomic
def save_baseline(actor: Actor, *, name: str) -> Baseline:
    actor.require("editor")
    if not name or not name.strip():
        raise ValidationFailed.one("name", _("Name the baseline, e.g. “Plan at quarter start”."))
    baseline = Baseline.objects.create(
        workspace=actor.workspace, name=name.strip()[:120], created_by=actor.user, created_at=timezone.now()
    )
    BaselineItem.objects.bulk_create(
        [
            BaselineItem(workspace=actor.workspace, baseline=baseline, work_item_id=pk, start=start, end=end)
            for pk, start, end in WorkItem.objects.restrict(actor).values_list("pk", "start", "end")
        ]
    )
    audit.record(actor, "create", baseline, after={"name": baseline.name})
    return baseline


@transaction.atomic
def set_capacity(actor: Actor, *, team: int, period: int, person_days: float) -> TeamCapacity:
    actor.require("admin")
    team_obj = workspace_team(actor, team)
    period_obj = Period.objects.restrict(actor).filter(pk=period).first()
    if period_obj is None:
        raise ValidationFailed.one("period", _("No such period in this workspace."))
    if person_days is None or not 0 <= person_days <= 1_000_000:
        raise ValidationFailed.one("person_days", _("Enter a number of person-days from 0 to 1000000."))
    capacity, created = TeamCapacity.objects.get_or_create(
        workspace=actor.workspace, team=team_obj, period=period_obj, defaults={"person_days": person_days}
    )
    if not created and capacity.person_days != person_days:
        before = audit.snapshot(capacity)
        capacity.person_days = person_days
        capacity.version += 1
        capacity.save()
        audit.record(actor, "update", capacity, before=before, after=audit.snapshot(capacity))
    elif created:
        audit.record(actor, "create", capacity, after=audit.snapshot(capacity))
    return capacity
