"""Every write to OKRs: validate → permission → save → audit, in one transaction.

Pages, the API and the CLI call these; none of them writes to the ORM directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from northstar.core.graph import find_cycle
from northstar.okrs.models import (
    Alignment,
    CheckIn,
    KeyResult,
    KRKind,
    Objective,
    ObjectiveStatus,
    Period,
    PeriodKind,
    Visibility,
)
from northstar.okrs.validation import check_confidence, check_key_result_definition
from northstar.workspaces import audit
from northstar.workspaces.errors import FieldError, PermissionDenied, StaleVersion, ValidationFailed
from northstar.workspaces.models import Membership, Team, User
from northstar.workspaces.permissions import CHANGE, CHECK_IN, DELETE, Actor, NotFound, access

OBJECTIVE_FIELDS = [
    "title", "description", "owner", "team", "period", "status", "visibility", "weight", "committed",
]  # fmt: skip
KEY_RESULT_FIELDS = [
    "title", "description", "kind", "unit", "start", "target", "low", "high", "weight", "owner",
]  # fmt: skip
PERIOD_FIELDS = ["name", "kind", "start", "end", "parent", "closed"]


# --- shared helpers ---------------------------------------------------------------------------------------------


def unique_key(model: type[Model], workspace_id: int, wanted: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(wanted)[:70] or model._meta.model_name or "item"
    taken = set(
        model.objects.filter(workspace_id=workspace_id, key__startswith=base)  # type: ignore[attr-defined]
        .exclude(pk=exclude_pk)
        .values_list("key", flat=True)
    )
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def check_key_free(model: type[Model], workspace_id: int, key: str, *, exclude_pk: int | None = None) -> None:
    if model.objects.filter(workspace_id=workspace_id, key=key).exclude(pk=exclude_pk).exists():  # type: ignore[attr-defined]
        raise ValidationFailed.one("key", _("This key is already used in this workspace."))


def check_version(obj: Any, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise StaleVersion(obj.version)


def workspace_member(actor: Actor, user: User | int | None, field: str) -> User | None:
    if user is None:
        return None
    user_id = user.pk if isinstance(user, User) else user
    member = User.objects.filter(
        pk__in=Membership.objects.filter(workspace=actor.workspace, user_id=user_id).values("user_id")
    ).first()
    if member is None:
        raise ValidationFailed.one(field, _("This person is not a member of the workspace."))
    return member


def workspace_team(actor: Actor, team: Team | int | None, *, required: bool = True) -> Team | None:
    if team is None:
        if required:
            raise ValidationFailed.one("team", _("Choose a team."))
        return None
    team_id = team.pk if isinstance(team, Team) else team
    found = Team.objects.restrict(actor).filter(pk=team_id).first()
    if found is None:
        raise ValidationFailed.one("team", _("No such team in this workspace."))
    return found  # type: ignore[no-any-return]


def _period(actor: Actor, period: Period | int | None) -> Period | None:
    if period is None:
        return None
    period_id = period.pk if isinstance(period, Period) else period
    found = Period.objects.restrict(actor).filter(pk=period_id).first()
    if found is None:
        raise ValidationFailed.one("period", _("No such period in this workspace."))
    return found  # type: ignore[no-any-return]


def _require_open_period(actor: Actor, period: Period | None) -> None:
    if period is not None and period.closed and not actor.is_admin:
        raise PermissionDenied(
            _("The period %(name)s is closed; only admins can change its OKRs.") % {"name": period.name}
        )


def _can_plan_for_team(actor: Actor, team: Team) -> None:
    if not actor.can_edit:
        raise PermissionDenied(_("Viewers cannot change OKRs."))
    if not actor.is_admin and team.pk not in actor.covered_team_ids:
        raise PermissionDenied(_("You can only create OKRs for your own teams."))


def _check_text(field: str, value: str, *, max_length: int = 300) -> list[FieldError]:
    if not value or not value.strip():
        return [FieldError(field, _("This field cannot be empty."))]
    if len(value) > max_length:
        return [FieldError(field, _("Use at most %(n)d characters.") % {"n": max_length})]
    return []


def _check_weight(weight: float) -> list[FieldError]:
    if weight is None or weight < 0 or weight > 1000:
        return [FieldError("weight", _("The weight must be a number from 0 to 1000."))]
    return []


def _raise(errors: Iterable[FieldError]) -> None:
    errors = list(errors)
    if errors:
        raise ValidationFailed(errors)


# --- periods ----------------------------------------------------------------------------------------------------


def _check_period(actor: Actor, name: str, start: dt.date, end: dt.date, parent: Period | None) -> None:
    errors = _check_text("name", name, max_length=120)
    if start is None:
        errors.append(FieldError("start", _("Choose a start date.")))
    if end is None:
        errors.append(FieldError("end", _("Choose an end date.")))
    if start is not None and end is not None and end < start:
        errors.append(FieldError("end", _("The period must end on or after its start.")))
    if (
        parent is not None
        and start is not None
        and end is not None
        and (start < parent.start or end > parent.end)
    ):
        errors.append(FieldError("parent", _("A period must lie within its parent period.")))
    _raise(errors)


@transaction.atomic
def create_period(
    actor: Actor,
    *,
    name: str,
    start: dt.date,
    end: dt.date,
    kind: str = PeriodKind.CUSTOM,
    parent: Period | int | None = None,
    key: str | None = None,
    closed: bool = False,
) -> Period:
    actor.require("admin")
    parent_obj = _period(actor, parent)
    _check_period(actor, name, start, end, parent_obj)
    if kind not in PeriodKind.values:
        raise ValidationFailed.one("kind", _("Choose year, quarter or custom."))
    if key:
        check_key_free(Period, actor.workspace.pk, key)
    period = Period.objects.create(
        workspace=actor.workspace,
        key=key or unique_key(Period, actor.workspace.pk, name),
        name=name.strip(),
        kind=kind,
        start=start,
        end=end,
        parent=parent_obj,
        closed=closed,
    )
    audit.record(actor, "create", period, after=audit.snapshot(period))
    return period


@transaction.atomic
def update_period(
    actor: Actor, period_id: int, *, expected_version: int | None = None, **changes: Any
) -> Period:
    actor.require("admin")
    period = access(Period.objects.select_for_update(), actor, period_id, CHANGE)
    check_version(period, expected_version)
    before = audit.snapshot(period)
    if "parent" in changes:
        changes["parent"] = _period(actor, changes["parent"])
        if changes["parent"] is not None and changes["parent"].pk == period.pk:
            raise ValidationFailed.one("parent", _("A period cannot be its own parent."))
    for field in PERIOD_FIELDS:
        if field in changes:
            setattr(period, field, changes[field])
    _check_period(actor, period.name, period.start, period.end, period.parent)
    period.version += 1
    period.save()
    audit.record(actor, "update", period, before=before, after=audit.snapshot(period))
    return period  # type: ignore[no-any-return]


@transaction.atomic
def delete_period(actor: Actor, period_id: int) -> None:
    actor.require("admin")
    period = access(Period.objects, actor, period_id, DELETE)
    if period.objectives.exists() or period.children.exists():
        raise ValidationFailed.one(
            "period", _("This period still has objectives or sub-periods; move them first.")
        )
    audit.record(actor, "delete", period, before=audit.snapshot(period))
    period.delete()


# --- objectives -------------------------------------------------------------------------------------------------


def _check_objective(title: str, status: str, visibility: str, weight: float) -> None:
    errors = _check_text("title", title)
    if status not in ObjectiveStatus.values:
        errors.append(FieldError("status", _("Choose draft, active or closed.")))
    if visibility not in Visibility.values:
        errors.append(FieldError("visibility", _("Choose who can see this objective.")))
    errors += _check_weight(weight)
    _raise(errors)


def _set_parents(actor: Actor, objective: Objective, parent_ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(parent_ids))
    visible = set(Objective.objects.restrict(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    missing = [pk for pk in wanted if pk not in visible]
    if missing:
        raise ValidationFailed.one("parents", _("No such objective to align to."))
    edges: dict[int, list[int]] = {}
    for child_id, parent_id in (
        Alignment.objects.filter(workspace=actor.workspace)
        .exclude(child=objective)
        .values_list("child_id", "parent_id")
    ):
        edges.setdefault(child_id, []).append(parent_id)
    titles = dict(Objective.objects.filter(workspace=actor.workspace).values_list("pk", "title"))
    for parent_id in wanted:
        cycle = find_cycle(edges, (objective.pk, parent_id))
        if cycle is not None:
            path = " → ".join(titles.get(pk, str(pk)) for pk in cycle)
            raise ValidationFailed.one(
                "parents",
                _("Aligning here would make a loop: %(path)s. Choose another parent.") % {"path": path},
            )
        edges.setdefault(objective.pk, []).append(parent_id)
    Alignment.objects.filter(child=objective).exclude(parent_id__in=wanted).delete()
    existing = set(Alignment.objects.filter(child=objective).values_list("parent_id", flat=True))
    Alignment.objects.bulk_create(
        [
            Alignment(workspace=actor.workspace, child=objective, parent_id=pk)
            for pk in wanted
            if pk not in existing
        ]
    )
    return wanted


def _objective_snapshot(objective: Objective) -> dict[str, Any]:
    data = audit.snapshot(objective)
    data["parents"] = sorted(Alignment.objects.filter(child=objective).values_list("parent_id", flat=True))
    return data


@transaction.atomic
def create_objective(
    actor: Actor,
    *,
    title: str,
    team: Team | int | None,
    period: Period | int | None = None,
    owner: User | int | None = None,
    description: str = "",
    status: str = ObjectiveStatus.ACTIVE,
    visibility: str = Visibility.WORKSPACE,
    weight: float = 1.0,
    parents: Iterable[int] = (),
    key: str | None = None,
    committed: bool = False,
) -> Objective:
    actor.require("editor")
    team_obj = workspace_team(actor, team)
    assert team_obj is not None
    period_obj = _period(actor, period)
    owner_obj = workspace_member(actor, owner, "owner")
    _check_objective(title, status, visibility, weight)
    _can_plan_for_team(actor, team_obj)
    _require_open_period(actor, period_obj)
    if key:
        check_key_free(Objective, actor.workspace.pk, key)
    position = (
        Objective.objects.filter(workspace=actor.workspace).aggregate(m=Max("position"))["m"] or 0
    ) + 1
    objective = Objective.objects.create(
        workspace=actor.workspace,
        key=key or unique_key(Objective, actor.workspace.pk, title),
        title=title.strip(),
        description=description,
        owner=owner_obj,
        team=team_obj,
        period=period_obj,
        status=status,
        visibility=visibility,
        weight=weight,
        committed=bool(committed),
        position=position,
    )
    _set_parents(actor, objective, parents)
    audit.record(actor, "create", objective, after=_objective_snapshot(objective), objective_ref=objective.pk)
    return objective


def _as_read(row: Objective | KeyResult) -> dict[str, Any]:
    return {f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields}


def _save_changes(row: Objective | KeyResult, was: dict[str, Any]) -> None:
    """Saves the fields that changed since the row was read (``_as_read``), named: a new target or new words
    alone leave kept OKR trees standing (``okr_ignores``)."""
    row.save(
        update_fields=[name for name, value in was.items() if getattr(row, name) != value] + ["updated_at"]
    )


@transaction.atomic
def update_objective(
    actor: Actor, objective_id: int, *, expected_version: int | None = None, **changes: Any
) -> Objective:
    objective = access(Objective.objects.select_for_update(), actor, objective_id, CHANGE)
    check_version(objective, expected_version)
    _require_open_period(actor, objective.period)
    before = _objective_snapshot(objective)
    was = _as_read(objective)
    if "team" in changes:
        changes["team"] = workspace_team(actor, changes["team"])
        _can_plan_for_team(actor, changes["team"])
    if "period" in changes:
        changes["period"] = _period(actor, changes["period"])
        _require_open_period(actor, changes["period"])
    if "owner" in changes:
        changes["owner"] = workspace_member(actor, changes["owner"], "owner")
    if changes.get("key"):
        check_key_free(Objective, actor.workspace.pk, changes["key"], exclude_pk=objective.pk)
        objective.key = changes["key"]
    for field in OBJECTIVE_FIELDS:
        if field in changes:
            setattr(objective, field, changes[field].strip() if field == "title" else changes[field])
    _check_objective(objective.title, objective.status, objective.visibility, objective.weight)
    if "parents" in changes:
        _set_parents(actor, objective, changes["parents"])
    objective.version += 1
    _save_changes(objective, was)
    audit.record(
        actor,
        "update",
        objective,
        before=before,
        after=_objective_snapshot(objective),
        objective_ref=objective.pk,
    )
    if objective.status == ObjectiveStatus.CLOSED and before.get("status") != ObjectiveStatus.CLOSED:
        from northstar.integrations import events

        events.emit(
            actor.workspace, "objective.closed", {"objective": objective.pk, "title": objective.title}
        )
    return objective  # type: ignore[no-any-return]


@transaction.atomic
def delete_objective(actor: Actor, objective_id: int) -> None:
    objective = access(Objective.objects, actor, objective_id, DELETE)
    _require_open_period(actor, objective.period)
    audit.record(
        actor, "delete", objective, before=_objective_snapshot(objective), objective_ref=objective.pk
    )
    objective.delete()


# --- key results ------------------------------------------------------------------------------------------------


def _check_key_result(values: dict[str, Any]) -> None:
    errors = _check_text("title", values["title"])
    if values["kind"] not in KRKind.values:
        errors.append(FieldError("kind", _("Choose how this key result is measured.")))
    else:
        errors += check_key_result_definition(
            values["kind"], values.get("start"), values.get("target"), values.get("low"), values.get("high")
        )
    errors += _check_weight(values["weight"])
    if len(values.get("unit") or "") > 20:
        errors.append(FieldError("unit", _("Use at most 20 characters for the unit.")))
    _raise(errors)


@transaction.atomic
def create_key_result(
    actor: Actor,
    objective_id: int,
    *,
    title: str,
    kind: str = KRKind.INCREASE,
    unit: str = "",
    start: float | None = None,
    target: float | None = None,
    low: float | None = None,
    high: float | None = None,
    weight: float = 1.0,
    owner: User | int | None = None,
    description: str = "",
    key: str | None = None,
) -> KeyResult:
    objective = access(Objective.objects, actor, objective_id, CHANGE)
    _require_open_period(actor, objective.period)
    values = dict(
        title=title, kind=kind, unit=unit, start=start, target=target, low=low, high=high, weight=weight
    )
    _check_key_result(values)
    owner_obj = workspace_member(actor, owner, "owner")
    if key:
        check_key_free(KeyResult, actor.workspace.pk, key)
    position = (objective.key_results.aggregate(m=Max("position"))["m"] or 0) + 1
    kr = KeyResult.objects.create(
        workspace=actor.workspace,
        objective=objective,
        key=key or unique_key(KeyResult, actor.workspace.pk, title),
        description=description,
        owner=owner_obj,
        position=position,
        **{**values, "title": title.strip()},
    )
    audit.record(actor, "create", kr, after=audit.snapshot(kr), objective_ref=objective.pk)
    return kr


@transaction.atomic
def update_key_result(
    actor: Actor, key_result_id: int, *, expected_version: int | None = None, **changes: Any
) -> KeyResult:
    kr = access(
        KeyResult.objects.select_for_update(of=("self",)).select_related("objective__period"),
        actor,
        key_result_id,
        CHANGE,
    )
    check_version(kr, expected_version)
    _require_open_period(actor, kr.objective.period)
    before = audit.snapshot(kr)
    was = _as_read(kr)
    if "owner" in changes:
        changes["owner"] = workspace_member(actor, changes["owner"], "owner")
    if changes.get("key"):
        check_key_free(KeyResult, actor.workspace.pk, changes["key"], exclude_pk=kr.pk)
        kr.key = changes["key"]
    for field in KEY_RESULT_FIELDS:
        if field in changes:
            setattr(kr, field, changes[field].strip() if field == "title" else changes[field])
    _check_key_result({f: getattr(kr, f) for f in KEY_RESULT_FIELDS})
    kr.version += 1
    _save_changes(kr, was)
    audit.record(actor, "update", kr, before=before, after=audit.snapshot(kr), objective_ref=kr.objective_id)
    return kr  # type: ignore[no-any-return]


@transaction.atomic
def delete_key_result(actor: Actor, key_result_id: int) -> None:
    kr = access(KeyResult.objects.select_related("objective__period"), actor, key_result_id, DELETE)
    _require_open_period(actor, kr.objective.period)
    audit.record(actor, "delete", kr, before=audit.snapshot(kr), objective_ref=kr.objective_id)
    kr.delete()


# --- check-ins --------------------------------------------------------------------------------------------------


def settle_latest(kr: KeyResult) -> None:
    """After a check-in added or removed: the key result's latest values from its check-ins, its version moved."""
    latest = kr.check_ins.order_by("-checked_in_at", "-id").first()
    kr.current_value = latest.value if latest else None
    kr.current_confidence = latest.confidence if latest else None
    kr.last_check_in_at = latest.checked_in_at if latest else None
    kr.version += 1
    kr.save(
        update_fields=["current_value", "current_confidence", "last_check_in_at", "version", "updated_at"]
    )


@transaction.atomic
def do_check_in(
    actor: Actor,
    key_result_id: int,
    *,
    value: float | None,
    confidence: float | None = None,
    comment: str = "",
    checked_in_at: dt.datetime | None = None,
    expected_version: int | None = None,
    author: User | int | None = None,
    source: str = "manual",
) -> CheckIn:
    """`author` records a check-in on someone's behalf (importing OKRs as code): admins only. `source` says
    where the value came from: manual, api (posted by a feed) or automatic (a live data source)."""
    from northstar.integrations import events

    kr = access(
        KeyResult.objects.select_for_update(of=("self",)).select_related("objective__period"),
        actor,
        key_result_id,
        CHECK_IN,
    )
    check_version(kr, expected_version)
    _require_open_period(actor, kr.objective.period)
    errors: list[FieldError] = []
    if value is None:
        errors.append(FieldError("value", _("Enter the current value.")))
    elif kr.kind == KRKind.BOOLEAN and value not in (0, 1):
        errors.append(FieldError("value", _("Enter 1 for done or 0 for not done.")))
    errors += check_confidence(confidence)
    if len(comment) > 2000:
        errors.append(FieldError("comment", _("Use at most 2000 characters for the comment.")))
    when = checked_in_at or timezone.now()
    if when > timezone.now() + dt.timedelta(days=1):
        errors.append(FieldError("checked_in_at", _("A check-in cannot be in the future.")))
    _raise(errors)
    assert value is not None
    author_obj = actor.user
    if author is not None and (author.pk if isinstance(author, User) else author) != actor.user_id:
        if not actor.is_admin:
            raise PermissionDenied(_("Only admins can record a check-in for someone else."))
        author_obj = workspace_member(actor, author, "author")
    hooks = events.listeners(actor.workspace)
    watching = any("key_result.status_changed" in h.events for h in hooks)
    status_before = events.key_result_status(actor, kr.pk) if watching else None
    check_in = CheckIn.objects.create(
        workspace=actor.workspace,
        key_result=kr,
        value=value,
        confidence=confidence,
        comment=comment.strip(),
        author=author_obj,
        checked_in_at=when,
        source=source,
    )
    settle_latest(kr)
    audit.record(actor, "check_in", check_in, after=audit.snapshot(check_in), objective_ref=kr.objective_id)
    events.emit(actor.workspace, "check_in.recorded", {
        "key_result": kr.pk, "title": kr.title, "value": value, "confidence": confidence,
        "by": author_obj.email if author_obj else None, "source": source,
    }, hooks)  # fmt: skip
    if watching:
        status_after = events.key_result_status(actor, kr.pk)
        if status_after != status_before:
            events.emit(actor.workspace, "key_result.status_changed", {
                "key_result": kr.pk, "title": kr.title, "before": status_before, "after": status_after,
            }, hooks)  # fmt: skip
    return check_in


@transaction.atomic
def delete_check_in(actor: Actor, check_in_id: int) -> None:
    check_in = access(
        CheckIn.objects.select_related("key_result__objective__period"), actor, check_in_id, DELETE
    )
    kr = check_in.key_result
    _require_open_period(actor, kr.objective.period)
    audit.record(actor, "delete", check_in, before=audit.snapshot(check_in), objective_ref=kr.objective_id)
    check_in.delete()
    settle_latest(kr)


__all__ = [
    "NotFound",
    "create_key_result",
    "create_objective",
    "create_period",
    "delete_check_in",
    "delete_key_result",
    "delete_objective",
    "delete_period",
    "do_check_in",
    "update_key_result",
    "update_objective",
    "update_period",
]
