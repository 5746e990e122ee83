"""REST endpoints for periods, objectives, key results and check-ins.

Reads go through `restrict`/`access` and `queries`; writes only through `okrs.actions`. Every list runs a fixed
number of queries, whatever the number of rows.
"""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from northstar.okrs import actions, queries
from northstar.okrs.models import CheckIn, KeyResult, Objective, Period
from northstar.okrs.queries import KeyResultView, ObjectiveView
from northstar.okrs.schemas import (
    CheckInIn,
    CheckInOut,
    CheckInPage,
    KeyResultFilters,
    KeyResultIn,
    KeyResultOut,
    KeyResultPage,
    KeyResultPatch,
    ObjectiveFilters,
    ObjectiveIn,
    ObjectiveOut,
    ObjectivePage,
    ObjectivePatch,
    PeriodIn,
    PeriodOut,
    PeriodPage,
    PeriodPatch,
)
from northstar.workspaces.api import ERRORS, WRITE_ERRORS, actor_of, paginate
from northstar.workspaces.errors import FieldError, ValidationFailed
from northstar.workspaces.permissions import CHECK_IN, Actor, access
from northstar.workspaces.schemas import PageQuery
from northstar.workspaces.web import today

router = Router()


# --- periods --------------------------------------------------------------------------------------------------


@router.get("/periods", response={200: PeriodPage, **ERRORS}, tags=["periods"], summary="List periods")
def list_periods(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    count, items = paginate(Period.objects.restrict(actor_of(request)).order_by("start", "-end", "id"), page)
    return {"count": count, "items": items}


@router.get("/periods/{int:id}", response={200: PeriodOut, **ERRORS}, tags=["periods"], summary="One period")
def get_period(request: HttpRequest, id: int) -> Period:
    return access(Period.objects, actor_of(request), id)  # type: ignore[no-any-return]


@router.post(
    "/periods", response={201: PeriodOut, **ERRORS}, tags=["periods"], summary="Create a period (admins)"
)
def create_period(request: HttpRequest, payload: PeriodIn) -> Status[Period]:
    return Status(201, actions.create_period(actor_of(request), **payload.model_dump()))


@router.patch(
    "/periods/{int:id}",
    response={200: PeriodOut, **WRITE_ERRORS},
    tags=["periods"],
    summary="Change a period (admins)",
)
def update_period(request: HttpRequest, id: int, payload: PeriodPatch) -> Period:
    return actions.update_period(actor_of(request), id, expected_version=payload.version, **payload.changes())


@router.delete(
    "/periods/{int:id}",
    response={204: None, **ERRORS},
    tags=["periods"],
    summary="Delete an empty period (admins)",
)
def delete_period(request: HttpRequest, id: int) -> Status[None]:
    actions.delete_period(actor_of(request), id)
    return Status(204, None)


# --- shaping --------------------------------------------------------------------------------------------------


def key_result_out(view: KeyResultView) -> dict[str, Any]:
    kr = view.kr
    return {
        "id": kr.pk,
        "objective": kr.objective_id,
        "key": kr.key,
        "title": kr.title,
        "description": kr.description,
        "kind": kr.kind,
        "unit": kr.unit,
        "start": kr.start,
        "target": kr.target,
        "low": kr.low,
        "high": kr.high,
        "weight": kr.weight,
        "owner": kr.owner_id,
        "position": kr.position,
        "current_value": kr.current_value,
        "current_confidence": kr.current_confidence,
        "confidence_level": view.confidence_level,
        "last_check_in_at": kr.last_check_in_at,
        "progress": view.progress.value,
        "progress_raw": view.progress.raw,
        "progress_status": str(view.status.status),
        "progress_status_reason": view.status.reason,
        "stale": view.stale,
        "can_check_in": view.can_check_in,
        "version": kr.version,
        "created_at": kr.created_at,
        "updated_at": kr.updated_at,
    }


def objective_out(view: ObjectiveView) -> dict[str, Any]:
    o = view.objective
    return {
        "id": o.pk,
        "key": o.key,
        "title": o.title,
        "description": o.description,
        "team": o.team_id,
        "period": o.period_id,
        "owner": o.owner_id,
        "status": o.status,
        "visibility": o.visibility,
        "weight": o.weight,
        "parents": sorted(p.pk for p in view.parents),
        "progress": view.rollup.progress,
        "progress_status": str(view.status.status),
        "progress_status_reason": view.status.reason,
        "expected_progress": view.status.expected,
        "confidence": view.confidence,
        "can_change": view.can_change,
        "key_results": [key_result_out(k) for k in view.key_results],
        "version": o.version,
        "created_at": o.created_at,
        "updated_at": o.updated_at,
    }


def key_result_views(actor: Actor, key_results: list[KeyResult]) -> list[KeyResultView]:
    """Progress, status and rights for key results loaded with `objective__period`, in one more query."""
    cadence = actor.workspace.check_in_cadence_days
    when = today()
    ids = [kr.pk for kr in key_results]
    may_check_in = (
        set(KeyResult.objects.restrict(actor, CHECK_IN).filter(pk__in=ids).values_list("pk", flat=True))
        if actor.can_edit and ids
        else set()
    )
    predictions = queries.forecasts_for(
        actor, key_results, {kr.pk: kr.objective.period for kr in key_results}, today=when
    )
    views = []
    for kr in key_results:
        view = queries.key_result_view(
            kr, kr.objective.period, when, cadence, prediction=predictions.get(kr.pk)
        )
        view.can_check_in = kr.pk in may_check_in
        views.append(view)
    return views


def _objective(actor: Actor, objective_id: int) -> dict[str, Any]:
    return objective_out(queries.objective_detail(actor, objective_id, today=today()))


def _key_result(actor: Actor, key_result_id: int) -> dict[str, Any]:
    kr = access(KeyResult.objects.select_related("objective__period"), actor, key_result_id)
    return key_result_out(key_result_views(actor, [kr])[0])


# --- objectives -----------------------------------------------------------------------------------------------


@router.get(
    "/objectives", response={200: ObjectivePage, **ERRORS}, tags=["objectives"], summary="List objectives"
)
def list_objectives(
    request: HttpRequest, filters: Query[ObjectiveFilters], page: Query[PageQuery]
) -> dict[str, Any]:
    actor = actor_of(request)
    qs = Objective.objects.restrict(actor).select_related("period")
    for name in ("period", "team", "owner", "status"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    count, objectives = paginate(qs.order_by("position", "id"), page)
    views = queries.objective_views(actor, objectives, today=today()) if objectives else []
    return {"count": count, "items": [objective_out(v) for v in views]}


@router.get(
    "/objectives/{int:id}",
    response={200: ObjectiveOut, **ERRORS},
    tags=["objectives"],
    summary="One objective with its key results, progress and status",
)
def get_objective(request: HttpRequest, id: int) -> dict[str, Any]:
    return _objective(actor_of(request), id)


@router.post(
    "/objectives",
    response={201: ObjectiveOut, **ERRORS},
    tags=["objectives"],
    summary="Create an objective, optionally with its key results",
)
def create_objective(request: HttpRequest, payload: ObjectiveIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    with transaction.atomic():
        objective = actions.create_objective(actor, **payload.model_dump(exclude={"key_results"}))
        for i, kr in enumerate(payload.key_results):
            try:
                actions.create_key_result(actor, objective.pk, **kr.model_dump())
            except ValidationFailed as exc:
                raise ValidationFailed(
                    [FieldError(f"key_results[{i}].{e.field}", e.message) for e in exc.errors]
                ) from exc
    return Status(201, _objective(actor, objective.pk))


@router.patch(
    "/objectives/{int:id}",
    response={200: ObjectiveOut, **WRITE_ERRORS},
    tags=["objectives"],
    summary="Change an objective",
)
def update_objective(request: HttpRequest, id: int, payload: ObjectivePatch) -> dict[str, Any]:
    actor = actor_of(request)
    actions.update_objective(actor, id, expected_version=payload.version, **payload.changes())
    return _objective(actor, id)


@router.delete(
    "/objectives/{int:id}",
    response={204: None, **ERRORS},
    tags=["objectives"],
    summary="Delete an objective with its key results and check-ins",
)
def delete_objective(request: HttpRequest, id: int) -> Status[None]:
    actions.delete_objective(actor_of(request), id)
    return Status(204, None)


# --- key results ----------------------------------------------------------------------------------------------


@router.get(
    "/key-results", response={200: KeyResultPage, **ERRORS}, tags=["key results"], summary="List key results"
)
def list_key_results(
    request: HttpRequest, filters: Query[KeyResultFilters], page: Query[PageQuery]
) -> dict[str, Any]:
    actor = actor_of(request)
    qs = KeyResult.objects.restrict(actor).select_related("objective__period")
    for name in ("objective", "owner", "kind"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    count, key_results = paginate(qs.order_by("objective__position", "objective_id", "position", "id"), page)
    return {"count": count, "items": [key_result_out(v) for v in key_result_views(actor, key_results)]}


@router.get(
    "/key-results/{int:id}",
    response={200: KeyResultOut, **ERRORS},
    tags=["key results"],
    summary="One key result with progress and status",
)
def get_key_result(request: HttpRequest, id: int) -> dict[str, Any]:
    return _key_result(actor_of(request), id)


@router.post(
    "/key-results", response={201: KeyResultOut, **ERRORS}, tags=["key results"], summary="Add a key result"
)
def create_key_result(request: HttpRequest, payload: KeyResultIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    kr = actions.create_key_result(actor, payload.objective, **payload.model_dump(exclude={"objective"}))
    return Status(201, _key_result(actor, kr.pk))


@router.patch(
    "/key-results/{int:id}",
    response={200: KeyResultOut, **WRITE_ERRORS},
    tags=["key results"],
    summary="Change a key result",
)
def update_key_result(request: HttpRequest, id: int, payload: KeyResultPatch) -> dict[str, Any]:
    actor = actor_of(request)
    actions.update_key_result(actor, id, expected_version=payload.version, **payload.changes())
    return _key_result(actor, id)


@router.delete(
    "/key-results/{int:id}",
    response={204: None, **ERRORS},
    tags=["key results"],
    summary="Delete a key result",
)
def delete_key_result(request: HttpRequest, id: int) -> Status[None]:
    actions.delete_key_result(actor_of(request), id)
    return Status(204, None)


# --- check-ins ------------------------------------------------------------------------------------------------


@router.get(
    "/key-results/{int:id}/check-ins",
    response={200: CheckInPage, **ERRORS},
    tags=["check-ins"],
    summary="Check-ins of a key result, newest first",
)
def list_check_ins(request: HttpRequest, id: int, page: Query[PageQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    kr = access(KeyResult.objects, actor, id)
    qs = CheckIn.objects.restrict(actor).filter(key_result=kr).order_by("-checked_in_at", "-id")
    count, items = paginate(qs, page)
    return {"count": count, "items": items}


@router.post(
    "/key-results/{int:id}/check-ins",
    response={201: CheckInOut, **WRITE_ERRORS},
    tags=["check-ins"],
    summary="Check in a new value and confidence",
)
def create_check_in(request: HttpRequest, id: int, payload: CheckInIn) -> Status[CheckIn]:
    when = payload.checked_in_at
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when)
    check_in = actions.do_check_in(
        actor_of(request),
        id,
        value=payload.value,
        confidence=payload.confidence,
        comment=payload.comment,
        checked_in_at=when,
        expected_version=payload.version,
    )
    return Status(201, check_in)


@router.get(
    "/check-ins/{int:id}", response={200: CheckInOut, **ERRORS}, tags=["check-ins"], summary="One check-in"
)
def get_check_in(request: HttpRequest, id: int) -> CheckIn:
    return access(CheckIn.objects, actor_of(request), id)  # type: ignore[no-any-return]


@router.delete(
    "/check-ins/{int:id}",
    response={204: None, **ERRORS},
    tags=["check-ins"],
    summary="Delete a check-in (its author)",
)
def delete_check_in(request: HttpRequest, id: int) -> Status[None]:
    actions.delete_check_in(actor_of(request), id)
    return Status(204, None)
