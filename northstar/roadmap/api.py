"""REST endpoints for the roadmap: work items, dependencies, contributions, baselines and the timeline.

Reads go through `restrict`/`access` and `queries.load_roadmap` (one bulk read: effective links, output progress,
conflicts, lanes, critical path); writes only through `roadmap.actions`. Every list runs a fixed number of
queries, whatever the number of rows: work items are filtered and sliced after the bulk read.
"""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from northstar.roadmap import actions, queries
from northstar.roadmap.models import Baseline, BaselineItem, Contribution, Dependency, WorkItem
from northstar.roadmap.queries import Conflict, ItemView, Roadmap
from northstar.roadmap.schemas import (
    BaselineDetailOut,
    BaselineIn,
    BaselineOut,
    BaselinePage,
    ContributionFilters,
    ContributionIn,
    ContributionOut,
    ContributionPage,
    DependencyFilters,
    DependencyIn,
    DependencyOut,
    DependencyPage,
    TimelineOut,
    TimelineQuery,
    WorkItemFilters,
    WorkItemIn,
    WorkItemOut,
    WorkItemPage,
    WorkItemPatch,
)
from northstar.workspaces.api import ERRORS, WRITE_ERRORS, actor_of, page_of, paginate
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor, access
from northstar.workspaces.queries import chosen
from northstar.workspaces.schemas import PageQuery
from northstar.workspaces.web import today

router = Router(tags=["roadmap"])


# --- shaping --------------------------------------------------------------------------------------------------


def conflict_out(conflict: Conflict) -> dict[str, Any]:
    return {"kind": conflict.kind, "message": conflict.message, "other": conflict.other_id}


def work_item_out(view: ItemView) -> dict[str, Any]:
    w = view.item
    out = view.output
    return {
        "id": w.pk,
        "key": w.key,
        "title": w.title,
        "description": w.description,
        "kind": w.kind,
        "team": w.team_id,
        "owner": w.owner_id,
        "parent": w.parent_id,
        "start": w.start,
        "end": w.end,
        "status": w.status,
        "estimate_days": w.estimate_days,
        "effort_done_days": w.effort_done_days,
        **{f: getattr(w, f) for f in actions.SCORE_FIELDS},
        "position": w.position,
        "links": [
            {
                "key_result": link.target[1] if link.target[0] == "kr" else None,
                "objective": link.target[1] if link.target[0] == "objective" else None,
                "weight": link.weight,
                "inherited": view.inherited,
            }
            for link in view.links
        ],
        "output": None
        if out is None
        else {
            "effort_done": out.effort_done,
            "effort_planned": out.effort_planned,
            "share": out.share,
            "tasks_done": out.tasks_done,
            "tasks_total": out.tasks_total,
            "milestones_reached": out.milestones_reached,
            "milestones_due": out.milestones_due,
            "milestones_total": out.milestones_total,
            "work_left_days": out.work_left_days,
        },
        "conflicts": [conflict_out(c) for c in view.conflicts],
        "critical": view.critical,
        "lane": view.lane,
        "also_serves": view.also_serves,
        "can_change": view.can_change,
        "version": w.version,
        "created_at": w.created_at,
        "updated_at": w.updated_at,
    }


def _serves(view: ItemView, roadmap: Roadmap, *, key_result: int | None, objective: int | None) -> bool:
    for link in view.links:
        if key_result is not None and link.target == ("kr", key_result):
            return True
        if objective is not None and queries.objective_of(link, roadmap.key_results) == objective:
            return True
    return False


def _matches(view: ItemView, roadmap: Roadmap, f: WorkItemFilters) -> bool:
    w = view.item
    if f.team is not None and w.team_id != f.team:
        return False
    if f.kind is not None and w.kind != f.kind:
        return False
    if f.status is not None and w.status != f.status:
        return False
    if f.parent is not None and w.parent_id != f.parent:
        return False
    if f.key_result is not None and not _serves(view, roadmap, key_result=f.key_result, objective=None):
        return False
    if f.objective is not None and not _serves(view, roadmap, key_result=None, objective=f.objective):
        return False
    if f.unlinked is not None and view.linked == f.unlinked:
        return False
    return f.conflict is None or bool(view.conflicts) == f.conflict


def _work_item(actor: Actor, item_id: int) -> dict[str, Any]:
    access(WorkItem.objects, actor, item_id)  # 404 for whoever cannot see it
    return work_item_out(queries.load_roadmap(actor, today=today()).by_id[item_id])


# --- work items -----------------------------------------------------------------------------------------------


@router.get(
    "/work-items",
    response={200: WorkItemPage, **ERRORS},
    summary="List work items with the OKRs they serve, delivery, conflicts and lane",
)
def list_work_items(
    request: HttpRequest, filters: Query[WorkItemFilters], page: Query[PageQuery]
) -> dict[str, Any]:
    roadmap = queries.load_roadmap(actor_of(request), today=today())
    return page_of([v for v in roadmap.items if _matches(v, roadmap, filters)], page, work_item_out)


@router.get(
    "/work-items/{int:id}",
    response={200: WorkItemOut, **ERRORS},
    summary="One work item with the OKRs it serves, delivery and conflicts",
)
def get_work_item(request: HttpRequest, id: int) -> dict[str, Any]:
    return _work_item(actor_of(request), id)


@router.post("/work-items", response={201: WorkItemOut, **ERRORS}, summary="Plan a work item")
def create_work_item(request: HttpRequest, payload: WorkItemIn) -> Status[dict[str, Any]]:
    actor = actor_of(request)
    item = actions.create_work_item(actor, **payload.model_dump())
    return Status(201, _work_item(actor, item.pk))


@router.patch(
    "/work-items/{int:id}",
    response={200: WorkItemOut, **WRITE_ERRORS},
    summary="Change a work item (the timeline's drag sends version, start and end)",
)
def update_work_item(request: HttpRequest, id: int, payload: WorkItemPatch) -> dict[str, Any]:
    actor = actor_of(request)
    actions.update_work_item(actor, id, expected_version=payload.version, **payload.changes())
    return _work_item(actor, id)


@router.delete(
    "/work-items/{int:id}",
    response={204: None, **ERRORS},
    summary="Delete a work item with its parts, dependencies and links",
)
def delete_work_item(request: HttpRequest, id: int) -> Status[None]:
    actions.delete_work_item(actor_of(request), id)
    return Status(204, None)


# --- dependencies ---------------------------------------------------------------------------------------------


@router.get("/dependencies", response={200: DependencyPage, **ERRORS}, summary="List dependencies")
def list_dependencies(
    request: HttpRequest, filters: Query[DependencyFilters], page: Query[PageQuery]
) -> dict[str, Any]:
    qs = Dependency.objects.restrict(actor_of(request))
    if filters.item is not None:
        qs = qs.filter(Q(predecessor_id=filters.item) | Q(successor_id=filters.item))
    count, items = paginate(qs.order_by("id"), page)
    return {"count": count, "items": items}


@router.post(
    "/dependencies",
    response={201: DependencyOut, **ERRORS},
    summary="Make one item wait for another",
    description="A dependency that would close a loop is refused (422), with the loop spelled out.",
)
def create_dependency(request: HttpRequest, payload: DependencyIn) -> Status[Dependency]:
    return Status(201, actions.add_dependency(actor_of(request), **payload.model_dump()))


@router.delete("/dependencies/{int:id}", response={204: None, **ERRORS}, summary="Remove a dependency")
def delete_dependency(request: HttpRequest, id: int) -> Status[None]:
    actions.remove_dependency(actor_of(request), id)
    return Status(204, None)


# --- contributions --------------------------------------------------------------------------------------------


@router.get(
    "/contributions",
    response={200: ContributionPage, **ERRORS},
    summary="List the links from work items to key results and objectives",
)
def list_contributions(
    request: HttpRequest, filters: Query[ContributionFilters], page: Query[PageQuery]
) -> dict[str, Any]:
    qs = Contribution.objects.restrict(actor_of(request))
    if filters.work_item is not None:
        qs = qs.filter(work_item_id=filters.work_item)
    if filters.key_result is not None:
        qs = qs.filter(key_result_id=filters.key_result)
    count, items = paginate(qs.order_by("work_item_id", "id"), page)
    return {"count": count, "items": items}


@router.post(
    "/contributions",
    response={200: ContributionOut, 201: ContributionOut, **ERRORS},
    summary="Link a work item to a key result or objective, or change the link's weight",
    description="201 when the link is new, 200 when an existing link got the new weight.",
)
def set_contribution(request: HttpRequest, payload: ContributionIn) -> Status[Contribution]:
    actor = actor_of(request)
    target = {"key_result_id": payload.key_result, "objective_id": payload.objective}
    existing = set(
        Contribution.objects.restrict(actor)
        .filter(work_item_id=payload.work_item, **target)
        .values_list("pk", flat=True)
    )
    link = actions.set_contribution(
        actor,
        payload.work_item,
        key_result=payload.key_result,
        objective=payload.objective,
        weight=payload.weight,
    )
    return Status(200 if link.pk in existing else 201, link)


@router.delete(
    "/contributions/{int:id}", response={204: None, **ERRORS}, summary="Unlink a work item from an OKR"
)
def delete_contribution(request: HttpRequest, id: int) -> Status[None]:
    actions.remove_contribution(actor_of(request), id)
    return Status(204, None)


# --- baselines ------------------------------------------------------------------------------------------------


@router.get("/baselines", response={200: BaselinePage, **ERRORS}, summary="List baselines, newest first")
def list_baselines(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    count, items = paginate(Baseline.objects.restrict(actor_of(request)).order_by("-created_at", "-id"), page)
    return {"count": count, "items": items}


@router.post(
    "/baselines",
    response={201: BaselineOut, **ERRORS},
    summary="Save the current dates of every work item as a baseline",
)
def create_baseline(request: HttpRequest, payload: BaselineIn) -> Status[Baseline]:
    return Status(201, actions.save_baseline(actor_of(request), name=payload.name))


@router.get(
    "/baselines/{int:id}",
    response={200: BaselineDetailOut, **ERRORS},
    summary="A baseline: each item's saved and current dates, and how far it slipped",
)
def get_baseline(request: HttpRequest, id: int, page: Query[PageQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    baseline = access(Baseline.objects, actor, id)
    item_count, rows = paginate(
        BaselineItem.objects.restrict(actor)
        .filter(baseline=baseline)
        .select_related("work_item")
        .order_by("work_item__position", "work_item_id"),
        page,
    )
    items = []
    for row in rows:
        w = row.work_item
        slip = (w.end - row.end).days if w.end is not None and row.end is not None else None
        items.append(
            {
                "work_item": w.pk,
                "title": w.title,
                "kind": w.kind,
                "baseline_start": row.start,
                "baseline_end": row.end,
                "start": w.start,
                "end": w.end,
                "slip_days": slip,
            }
        )
    return {
        "id": baseline.pk,
        "name": baseline.name,
        "created_by": baseline.created_by_id,
        "created_at": baseline.created_at,
        "item_count": item_count,
        "items": items,
    }


# --- timeline -------------------------------------------------------------------------------------------------


@router.get(
    "/timeline",
    response={200: TimelineOut, **ERRORS},
    by_alias=True,
    summary="Everything the timeline draws, in one response",
    description="Lanes, items, dependencies, periods and each saved team capacity with its load; the number of "
    "queries does not grow with the items.",
)
def timeline(request: HttpRequest, options: Query[TimelineQuery]) -> dict[str, Any]:
    from northstar.roadmap.views import timeline_data  # the page embeds the very same data

    actor = actor_of(request)
    when = today()
    teams = list(Team.objects.restrict(actor))
    team = chosen(teams, options.team)
    if options.team is not None and team is None:
        raise ValidationFailed.one("team", _("No such team in this workspace."))
    roadmap = queries.load_roadmap(actor, today=when, lane_by=options.lanes)
    shown = queries.team_timeline(roadmap, teams, team)
    return timeline_data(roadmap, when, queries.capacity_loads(actor, roadmap), shown)
