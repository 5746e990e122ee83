"""Roadmap pages: timeline, board, list, the work item page and its forms. Thin views over roadmap.queries (reads)
and roadmap.actions (writes); HTMX requests get the fragment (a template partial), normal requests the page.

`timeline_json` answers the same shape as the REST API's `GET /api/v1/timeline`, so the page does not depend on
the API; `item_move` takes the API's `PATCH /api/v1/work-items/{id}` body ({"version", "start", "end"}) and answers
like it (200 / 409 with current_version / 422 with errors), so the timeline script can use either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from northstar.core.output import Link
from northstar.core.schedule import Shift, propagate_delay
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import KeyResult
from northstar.roadmap import actions
from northstar.roadmap.forms import BaselineForm, ContributionForm, DependencyForm, WorkItemForm
from northstar.roadmap.models import (
    Baseline,
    Contribution,
    Dependency,
    WorkItem,
    WorkItemKind,
    WorkItemStatus,
)
from northstar.roadmap.pickers import (
    HTML_NAME,
    ItemPicker,
    KeyResultPicker,
    ObjectivePicker,
    PersonPicker,
    TeamPicker,
    chosen_html,
    found_html,
    ids_of,
    none_of,
    options_html,
)
from northstar.roadmap.queries import (
    LANE_MODES,
    TIMELINE_ITEMS,
    ItemView,
    Roadmap,
    TeamPeriodLoad,
    TeamTimeline,
    baseline_dates,
    capacity_loads,
    core_plan,
    driving_chain,
    load_roadmap,
    milestone_counts,
    output_summary,
    slip,
    team_and_below,
    team_timeline,
)
from northstar.workspaces import audit
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import CHANGE, VIEW, Actor, access
from northstar.workspaces.queries import chosen
from northstar.workspaces.web import (
    int_param,
    query_without_page,
    requested_page,
    saved,
    submit_form,
    today,
    workspace_view,
)

LANE_LABELS = {
    "objective": gettext_lazy("Objective"),
    "team": gettext_lazy("Team"),
    "key_result": gettext_lazy("Key result"),
    "owner": gettext_lazy("Owner"),
    "none": gettext_lazy("No lanes"),
}
NEXT_WINDOW = dt.timedelta(weeks=6)
CLOSED = (WorkItemStatus.DONE, WorkItemStatus.CANCELLED)
SORTS = ("title", "lane", "team", "start", "end", "status")


def _lane_mode(request: HttpRequest) -> str:
    value = request.GET.get("lanes") or "objective"
    return value if value in LANE_MODES else "objective"


def _lane_switch(request: HttpRequest, mode: str, team: Team | None = None) -> list[dict[str, Any]]:
    return [
        {"mode": m, "label": LANE_LABELS[m], "current": m == mode, "query": _timeline_query(m, team)}
        for m in LANE_MODES
    ]


# --- shapes shared by the pages --------------------------------------------------------------------------------


@dataclass
class Served:
    """A key result (or whole objective) an item serves, with its current outcome progress."""

    kind: str  # "kr" | "objective"
    pk: int
    title: str
    objective_title: str
    weight: float
    inherited: bool
    progress: float
    status: Any
    url: str

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


class Outcomes:
    """Outcome progress of the key results (and directly linked objectives) that these items serve; a fixed
    number of queries whatever the number of items."""

    def __init__(self, actor: Actor, rm: Roadmap, now: dt.date, items: list[ItemView]) -> None:
        cadence = actor.workspace.check_in_cadence_days
        served = {link.target[1] for v in items for link in v.links if link.target[0] == "kr"}
        # afresh: a kept roadmap's key results carry the values they had when it was computed
        key_results = {
            kr.pk: kr
            for kr in KeyResult.objects.restrict(actor).filter(pk__in=served & rm.key_results.keys())
        }
        counts = milestone_counts(actor, [pk for pk, kr in key_results.items() if kr.kind == "milestone"])
        self.rm = rm
        periods = {
            pk: rm.objectives[kr.objective_id].period if kr.objective_id in rm.objectives else None
            for pk, kr in key_results.items()
        }
        predictions = okr_queries.forecasts_for(actor, list(key_results.values()), periods, today=now)
        self.krs = {
            pk: okr_queries.key_result_view(
                kr, periods[pk], now, cadence, counts.get(pk, (0, 0)), predictions.get(pk)
            )
            for pk, kr in key_results.items()
        }
        direct = {link.target[1] for v in items for link in v.links if link.target[0] == "objective"}
        wanted = [rm.objectives[pk] for pk in sorted(direct) if pk in rm.objectives]
        self.objectives = {o.objective.pk: o for o in okr_queries.objective_views(actor, wanted, today=now)}

    def served(self, view: ItemView) -> list[Served]:
        out = []
        for link in sorted(view.links, key=lambda link: -link.weight):
            entry = self._one(link, view.inherited)
            if entry is not None:
                out.append(entry)
        return out

    def _one(self, link: Link, inherited: bool) -> Served | None:
        kind, pk = link.target
        if kind == "kr":
            k = self.krs.get(pk)
            if k is None:
                return None
            objective = self.rm.objectives.get(k.kr.objective_id)
            return Served(
                "kr", pk, k.kr.title, objective.title if objective else "", link.weight, inherited,
                k.progress.value, k.status, reverse("key-result", args=[pk]),
            )  # fmt: skip
        o = self.objectives.get(pk)
        if o is None:
            return None
        return Served(
            "objective", pk, o.objective.title, o.objective.title, link.weight, inherited, o.rollup.progress,
            o.status, reverse("objective", args=[pk]),
        )  # fmt: skip


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def timeline_data(
    rm: Roadmap, now: dt.date, loads: list[TeamPeriodLoad], shown: TeamTimeline | None = None,
    limit: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The timeline as JSON, in the shape of the API's `GET /api/v1/timeline`: every item, or those ``shown``
    (a team's), at most ``limit`` of them, with the lanes they sit in, the dependencies between them and the
    capacities of the teams shown."""
    items = rm.items if shown is None else shown.drawn(limit)
    lanes, dependencies = rm.lanes, rm.dependencies
    if shown is not None and (shown.team is not None or len(items) < len(rm.items)):
        ids = {v.item.id for v in items}
        used = {v.lane for v in items}
        lanes = [lane for lane in lanes if lane.id in used]
        dependencies = [d for d in dependencies if d.predecessor_id in ids and d.successor_id in ids]
        if shown.team is not None:
            teams = {v.item.team_id for v in shown.rows}
            loads = [line for line in loads if line.team.pk in teams]
    return {
        "lanes": [{"id": lane.id, "label": lane.label, "unlinked": lane.unlinked} for lane in lanes],
        "items": [
            {
                "id": v.item.pk,
                "lane": v.lane,
                "title": v.item.title,
                "kind": v.item.kind,
                "start": _iso(v.item.start),
                "end": _iso(v.item.end),
                "status": v.item.status,
                "version": v.item.version,
                "can_change": v.can_change,
                "critical": v.critical,
                "conflicts": [
                    {"kind": c.kind, "message": c.message, "other": c.other_id} for c in v.conflicts
                ],
                "also_serves": v.also_serves,
            }
            for v in items
        ],
        "dependencies": [
            {
                "id": d.pk,
                "from": d.predecessor_id,
                "to": d.successor_id,
                "kind": d.kind,
                "lag_days": d.lag_days,
            }
            for d in dependencies
        ],
        "periods": [
            {"id": p.pk, "name": p.name, "start": _iso(p.start), "end": _iso(p.end)} for p in rm.periods
        ],
        "capacity": [
            {
                "team": line.team.pk,
                "team_name": line.team.name,
                "period": line.period.pk,
                "period_name": line.period.name,
                "start": _iso(line.period.start),
                "end": _iso(line.period.end),
                "capacity": line.load.capacity,
                "load": round(line.load.load, 2),
                "over": line.load.over,
            }
            for line in loads
        ],
        "today": now.isoformat(),
    }


# Beyond this many, the timeline page lists the first items and conflicts and points to the (paged) list view:
# a page with 10,000 table rows is neither readable nor fast.
TABLE_ROWS = 200
LIST_PAGE_SIZE = 100
BOARD_CARDS = 100


def _lane_labels(rm: Roadmap) -> dict[str, str]:
    return {lane.id: lane.label for lane in rm.lanes}


def _nav(request: HttpRequest, actor: Actor, current: str) -> dict[str, Any]:
    return {"roadmap_tab": current, "can_create": actor.can_edit}


def _orphan_report(actor: Actor, rm: Roadmap, now: dt.date) -> Any:
    from northstar.insights.queries import coverage_report  # insights builds on the roadmap

    period = okr_queries.default_period(actor, now)
    return coverage_report(actor, period, today=now, rm=rm) if period else None


# --- timeline ---------------------------------------------------------------------------------------------------


def _timeline_team(request: HttpRequest, actor: Actor) -> tuple[list[Team], Team | None]:
    """The teams the viewer sees, and the one the timeline is asked to show (``?team=``; 404 when unknown)."""
    teams = list(Team.objects.restrict(actor))
    wanted = request.GET.get("team")
    if not wanted:
        return teams, None
    team = chosen(teams, int_param(wanted))
    if team is None:
        raise Http404
    return teams, team


def _timeline_query(mode: str, team: Team | None) -> str:
    return f"?lanes={mode}" + (f"&team={team.pk}" if team else "")


@workspace_view()
@require_GET
def timeline(request: HttpRequest, actor: Actor) -> HttpResponse:
    now = today()
    mode = _lane_mode(request)
    teams, team = _timeline_team(request, actor)
    rm = load_roadmap(actor, today=now, lane_by=mode)
    labels = _lane_labels(rm)
    shown = team_timeline(rm, teams, team)
    rows = shown.rows
    ids = {v.item.id for v in rows} if team else None
    conflicts = [c for c in rm.conflicts if ids is None or c.item_id in ids]
    context = {
        **_nav(request, actor, "timeline"),
        "rm": rm,
        "rows": [(v, labels.get(v.lane, "")) for v in rows[:TABLE_ROWS]],
        "rows_hidden": max(0, len(rows) - TABLE_ROWS),
        "conflicts": [(c, rm.by_id[c.item_id].item) for c in conflicts[:TABLE_ROWS]],
        "conflict_count": len(conflicts),
        "data": timeline_data(rm, now, capacity_loads(actor, rm), shown, TIMELINE_ITEMS),
        "drawn": min(len(rows), TIMELINE_ITEMS),
        "rows_total": len(rows),
        "lanes": _lane_switch(request, mode, team),
        "mode": mode,
        "team_filter": TeamPicker(actor, "all-teams").render(
            "team", "timeline-team", team.pk if team else None
        ),
        "team": team,
        "query": _timeline_query(mode, team),
        "undated": sum(1 for v in rows if v.item.start is None and v.item.end is None),
        "orphan_report": _orphan_report(actor, rm, now),
        "today": now,
    }
    if request.htmx and request.htmx.target == "roadmap-details":
        return render(request, "roadmap/timeline.html#details", context)
    return render(request, "roadmap/timeline.html", context)


@workspace_view()
@require_GET
def timeline_json(request: HttpRequest, actor: Actor) -> JsonResponse:
    """What the timeline page draws (``?lanes=``, ``?team=``), at most as many items as the page draws."""
    now = today()
    teams, team = _timeline_team(request, actor)
    rm = load_roadmap(actor, today=now, lane_by=_lane_mode(request))
    shown = team_timeline(rm, teams, team)
    return JsonResponse(timeline_data(rm, now, capacity_loads(actor, rm), shown, TIMELINE_ITEMS))


# --- board and list ---------------------------------------------------------------------------------------------


def _column(view: ItemView, now: dt.date) -> str:
    item = view.item
    if item.status == WorkItemStatus.IN_PROGRESS or (item.start is not None and item.start <= now):
        return "now"
    if item.start is not None and item.start <= now + NEXT_WINDOW:
        return "next"
    return "later"


@workspace_view()
@require_GET
def board(request: HttpRequest, actor: Actor) -> HttpResponse:
    now = today()
    rm = load_roadmap(actor, today=now)
    labels = _lane_labels(rm)
    show_done = request.GET.get("done") == "1"
    columns: dict[str, list[tuple[ItemView, str]]] = {"now": [], "next": [], "later": []}
    hidden = 0
    for v in sorted(rm.items, key=lambda v: (v.item.start or dt.date.max, v.item.pk)):
        if v.item.status in CLOSED and not show_done:
            hidden += 1
            continue
        columns[_column(v, now)].append((v, labels.get(v.lane, "")))
    titles = {
        "now": _("Now"),
        "next": _("Next"),
        "later": _("Later"),
    }
    hints = {
        "now": _("In progress, or started by today"),
        "next": _("Starting within six weeks"),
        "later": _("Everything after that, and undated work"),
    }
    context = {
        **_nav(request, actor, "board"),
        "columns": [
            (key, titles[key], hints[key], cards[:BOARD_CARDS], len(cards)) for key, cards in columns.items()
        ],
        "show_done": show_done,
        "hidden": hidden,
        "today": now,
    }
    return render(request, "roadmap/board.html", context)


def _served_ids(view: ItemView, rm: Roadmap) -> tuple[set[int], set[int]]:
    krs = {link.target[1] for link in view.links if link.target[0] == "kr"}
    objectives = {link.target[1] for link in view.links if link.target[0] == "objective"}
    objectives |= {rm.key_results[k].objective_id for k in krs if k in rm.key_results}
    return krs, objectives


def _sort_key(name: str, labels: dict[str, str]) -> Any:
    far = dt.date.max
    return {
        "title": lambda r: r[0].item.title.casefold(),
        "lane": lambda r: (labels.get(r[0].lane, "").casefold(), r[0].item.start or far),
        "team": lambda r: (r[0].item.team.name.casefold(), r[0].item.start or far),
        "start": lambda r: (r[0].item.start or far, r[0].item.pk),
        "end": lambda r: (r[0].item.end or far, r[0].item.pk),
        "status": lambda r: (str(r[0].item.status), r[0].item.start or far),
    }[name]


@workspace_view()
@require_GET
def item_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    now = today()
    rm = load_roadmap(actor, today=now)
    labels = _lane_labels(rm)
    status = request.GET.get("status") if request.GET.get("status") in WorkItemStatus.values else None
    filters = {
        "team": int_param(request.GET.get("team")),
        "objective": int_param(request.GET.get("objective")),
        "key_result": int_param(request.GET.get("key_result")),
        "status": status,
        "conflicts": request.GET.get("conflicts") == "1",
        "unlinked": request.GET.get("unlinked") == "1",
        "q": (request.GET.get("q") or "").strip()[:100],
    }
    sort = request.GET.get("sort") or "start"
    descending = sort.startswith("-")
    sort = sort.lstrip("-")
    if sort not in SORTS:
        sort, descending = "start", False
    teams = list(Team.objects.restrict(actor))
    # a team's work and that of the teams below it, as its timeline shows
    in_team = team_and_below(teams, filters["team"]) if filters["team"] else frozenset()
    rows = []
    for v in rm.items:
        krs, objectives = _served_ids(v, rm)
        if filters["team"] and v.item.team_id not in in_team:
            continue
        if filters["objective"] and filters["objective"] not in objectives:
            continue
        if filters["key_result"] and filters["key_result"] not in krs:
            continue
        if filters["status"] and v.item.status != filters["status"]:
            continue
        if filters["conflicts"] and not v.conflicts:
            continue
        if filters["unlinked"] and v.links:
            continue
        if filters["q"] and filters["q"].casefold() not in v.item.title.casefold():
            continue
        rows.append((v, labels.get(v.lane, "")))
    rows.sort(key=_sort_key(sort, labels), reverse=descending)
    # Output and outcome progress are worked out for the rows of this page only.
    page = requested_page(request, rows, LIST_PAGE_SIZE)
    baselines = list(Baseline.objects.restrict(actor))
    baseline = chosen(baselines, int_param(request.GET.get("baseline")))
    planned = baseline_dates(actor, baseline, [v.item.pk for v, _lane in page.object_list])
    outcomes = Outcomes(actor, rm, now, [v for v, _lane in page.object_list])
    page_rows = [
        (v, lane, output_summary(v), outcomes.served(v), slip(v.item, planned.get(v.item.pk)))
        for v, lane in page.object_list
    ]
    query = request.GET.copy()
    query.pop("sort", None)
    query.pop("page", None)
    base = query.urlencode()
    columns = []
    for name, label in (
        ("title", _("Item")),
        ("lane", _("Objective")),
        ("team", _("Team")),
        ("start", _("Start")),
        ("end", _("End")),
        ("status", _("Status")),
    ):
        current = name == sort
        wanted = f"-{name}" if current and not descending else name
        columns.append(
            {
                "label": label,
                "url": "?" + (f"{base}&" if base else "") + f"sort={wanted}",
                "aria_sort": ("descending" if descending else "ascending") if current else None,
            }
        )
    context = {
        **_nav(request, actor, "list"),
        "rows": page_rows,
        "matching": len(rows),
        "baselines": baselines,
        "baseline": baseline,
        "baseline_form": BaselineForm() if actor.can_edit else None,
        "page": page,
        "page_base": query_without_page(request),
        "columns": columns,
        "filters": filters,
        "filtered": any(filters.values()),
        "team_filter": TeamPicker(actor, "all-teams").render("team", "filter-team", filters["team"]),
        "objective_filter": ObjectivePicker(actor).render(
            "objective", "filter-objective", filters["objective"]
        ),
        "key_result_filter": KeyResultPicker(actor, any=True).render(
            "key_result", "filter-kr", filters["key_result"]
        ),
        "status_choices": WorkItemStatus.choices,
        "total": len(rm.items),
        "sort": ("-" if descending else "") + sort,
    }
    if request.htmx and request.htmx.target == "roadmap-list":
        return render(request, "roadmap/list.html#results", context)
    return render(request, "roadmap/list.html", context)


@workspace_view("editor")
@require_POST
def baseline_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = BaselineForm(request.POST)
    if form.is_valid():
        try:
            baseline = actions.save_baseline(actor, name=form.cleaned_data["name"])
        except ValidationFailed as exc:
            messages.error(request, exc.sentence())
        else:
            messages.success(request, _("Baseline saved: the list now compares every item with it."))
            return HttpResponseRedirect(f"{reverse('roadmap-list')}?baseline={baseline.pk}")
    else:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return HttpResponseRedirect(reverse("roadmap-list"))


# --- the work item page -----------------------------------------------------------------------------------------


def _shifts(rm: Roadmap, item: WorkItem) -> list[Shift]:
    """Successors that must move later to respect their dependencies on this item's current dates."""
    if item.start is None or item.end is None:
        return []
    items, deps = core_plan(rm)
    return propagate_delay(items, deps, {item.pk: (item.start, item.end)})


def _dependency_form(actor: Actor, item: WorkItem, data: Any = None) -> DependencyForm:
    taken = set(
        Dependency.objects.restrict(actor).filter(successor=item).values_list("predecessor_id", flat=True)
    )
    picker = ItemPicker(actor, exclude=frozenset({item.pk, *taken}))
    return DependencyForm(data, picker=picker, initial={"kind": "fs", "lag_days": 0}, auto_id="dep_%s")


def _contribution_form(actor: Actor, data: Any = None) -> ContributionForm:
    return ContributionForm(data, picker=KeyResultPicker(actor), initial={"weight": 1.0}, auto_id="link_%s")


@workspace_view()
@require_GET
def pick_work_items(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The options of a work item pick field whose title holds ``?q=`` (the first PICK_SHOWN)."""
    picker = ItemPicker.from_request(actor, request.GET)
    return HttpResponse(options_html(picker.choices((request.GET.get("q") or "").strip()[:100])))


@workspace_view()
@require_GET
def pick_key_results(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The options of a key result pick field whose title, or its objective's, holds ``?q=``."""
    picker = KeyResultPicker(actor, any=request.GET.get("any") == "1")
    return HttpResponse(options_html(picker.choices((request.GET.get("q") or "").strip()[:100])))


@workspace_view()
@require_GET
def pick_teams(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The options of a team pick field whose name holds ``?q=``, in the team tree's order (but ``?exclude=``)."""
    exclude = ids_of(str(request.GET.get("exclude", "")).split(","))
    return _picked(request, TeamPicker(actor, none_of(request.GET), exclude))


@workspace_view()
@require_GET
def pick_people(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The options of a person pick field whose name or email holds ``?q=``; as pick_objectives for several."""
    return _picked(request, PersonPicker(actor, none_of(request.GET)))


@workspace_view()
@require_GET
def pick_objectives(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The options of an objective filter whose title holds ``?q=``; for a multiple pick field (``?into=`` its
    boxes' id, ``?name=`` its name, the boxes ticked sent under that name), a button for each one found that is
    not ticked yet, and with ``?add=`` the box of the one added."""
    return _picked(request, ObjectivePicker.from_request(actor, request.GET))


def _picked(request: HttpRequest, picker: ObjectivePicker | TeamPicker | PersonPicker) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[:100]
    into, name = request.GET.get("into"), request.GET.get("name")
    if into is None and name is None:
        return HttpResponse(options_html(picker.choices(query)))
    if not (into and name and HTML_NAME.fullmatch(into) and HTML_NAME.fullmatch(name)):
        raise Http404  # an address no page of ours makes
    if "add" in request.GET:
        added = picker.titles([int_param(request.GET["add"]) or 0])
        if not added:
            raise Http404
        return HttpResponse(chosen_html(into, name, *added[0]))
    ticked = ids_of(request.GET.getlist(name))
    found = picker.found(query, ticked)
    return HttpResponse(found_html(into, name, picker.url(), found, by_name=picker.by_name))


@workspace_view()
@require_GET
def item_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    access(WorkItem.objects, actor, pk, VIEW)
    now = today()
    rm = load_roadmap(actor, today=now)
    view = rm.by_id.get(pk)
    if view is None:
        raise Http404
    item = view.item
    outcomes = Outcomes(actor, rm, now, [view])
    own = list(
        Contribution.objects.restrict(actor)
        .filter(work_item_id=pk)
        .select_related("key_result__objective", "objective")
        .order_by("-weight", "pk")
    )
    context = {
        **_nav(request, actor, "item"),
        "v": view,
        "item": item,
        "lane": _lane_labels(rm).get(view.lane, ""),
        "parent": rm.by_id.get(item.parent_id) if item.parent_id else None,
        "children": [(c, output_summary(c)) for c in rm.items if c.item.parent_id == pk],
        "predecessors": [d for d in rm.dependencies if d.successor_id == pk],
        "successors": [d for d in rm.dependencies if d.predecessor_id == pk],
        "served": outcomes.served(view),
        "own_links": own,
        "output": output_summary(view),
        "shifts": [(s, rm.by_id[s.id].item) for s in _shifts(rm, item)],
        "chain": driving_chain(rm, pk) if item.start else [],
        "titles": {v.item.pk: v.item.title for v in rm.items},
        "dependency_form": _dependency_form(actor, item) if view.can_change else None,
        "contribution_form": _contribution_form(actor) if view.can_change else None,
        "entries": audit.history(actor, "workitem", pk),
        "today": now,
    }
    return render(request, "roadmap/item_detail.html", context)


# --- work item forms --------------------------------------------------------------------------------------------


def _item_form(
    actor: Actor, data: Any = None, initial: dict[str, Any] | None = None, exclude: int | None = None
):
    parents = ItemPicker(
        actor, exclude=frozenset() if exclude is None else frozenset({exclude}), parents=True
    )
    return WorkItemForm(
        data,
        initial=initial,
        teams=TeamPicker(actor),
        people=PersonPicker(actor, "nobody"),
        parents=parents,
    )


@workspace_view("editor")
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    context: dict[str, Any] = {"creating": True}
    if request.method == "POST":
        return submit_form(
            request,
            _item_form(actor, request.POST),
            "roadmap/item_form.html",
            context,
            values=lambda form: form.values(),
            save=lambda values, _version: actions.create_work_item(actor, **values),
            done=lambda item: saved(request, _("Work item created."), reverse("work-item", args=[item.pk])),
        )
    initial: dict[str, Any] = {"owner": actor.user_id, "status": WorkItemStatus.PLANNED}
    team = next(iter(sorted(actor.team_ids)), None)
    if team is not None:
        initial["team"] = team
    parent = int_param(request.GET.get("parent"))
    if parent is not None:
        found = WorkItem.objects.restrict(actor).filter(pk=parent).first()
        if found is not None:
            initial.update(parent=found.pk, team=found.team_id, kind=WorkItemKind.TASK)
    if request.GET.get("kind") in WorkItemKind.values:
        initial["kind"] = request.GET["kind"]
    context["form"] = _item_form(actor, initial=initial)
    return render(request, "roadmap/item_form.html", context)


@workspace_view("editor")
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    item = access(WorkItem.objects, actor, pk, CHANGE)
    context: dict[str, Any] = {"item": item, "creating": False}
    if request.method == "POST":
        return submit_form(
            request,
            _item_form(actor, request.POST, exclude=item.pk),
            "roadmap/item_form.html",
            context,
            values=lambda form: form.values(),
            save=lambda values, version: actions.update_work_item(
                actor, item.pk, expected_version=version, **values
            ),
            done=lambda _item: saved(request, _("Work item saved."), reverse("work-item", args=[item.pk])),
        )
    fields = [
        "title", "kind", "start", "end", "status", "estimate_days", "effort_done_days", "description",
        *actions.SCORE_FIELDS,
    ]  # fmt: skip
    initial = {f: getattr(item, f) for f in fields} | {
        "team": item.team_id,
        "parent": item.parent_id,
        "owner": item.owner_id,
        "version": item.version,
    }
    context["form"] = _item_form(actor, initial=initial, exclude=item.pk)
    return render(request, "roadmap/item_form.html", context)


@workspace_view("editor")
@require_POST
def item_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    actions.delete_work_item(actor, pk)
    messages.success(request, _("Work item deleted."))
    return HttpResponseRedirect(reverse("roadmap"))


@workspace_view("editor")
@require_POST
def push_successors(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Move every successor that the item's dates now collide with, keeping durations, in one transaction."""
    item = access(WorkItem.objects, actor, pk, CHANGE)
    rm = load_roadmap(actor, today=today())
    shifts = _shifts(rm, item)
    with transaction.atomic():
        for s in shifts:
            actions.update_work_item(actor, s.id, start=s.new_start, end=s.new_end)
    messages.success(
        request,
        _("Moved %(count)d item(s) later to respect their dependencies.") % {"count": len(shifts)}
        if shifts
        else _("Nothing needed to move."),
    )
    return HttpResponseRedirect(reverse("work-item", args=[pk]))


# --- dependencies and contributions -----------------------------------------------------------------------------


@workspace_view("editor")
@require_http_methods(["GET", "POST"])
def dependency_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    item = access(WorkItem.objects, actor, pk, CHANGE)
    context: dict[str, Any] = {"item": item}
    if request.method == "POST":
        return submit_form(
            request,
            _dependency_form(actor, item, request.POST),
            "roadmap/dependency_form.html",
            context,
            values=lambda form: dict(form.cleaned_data),
            save=lambda values, _version: actions.add_dependency(actor, successor=item.pk, **values),
            done=lambda _dep: saved(
                request, _("Dependency added."), reverse("work-item", args=[item.pk]) + "#dependencies"
            ),
        )
    context["form"] = _dependency_form(actor, item)
    return render(request, "roadmap/dependency_form.html", context)


@workspace_view("editor")
@require_POST
def dependency_remove(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    dep = Dependency.objects.restrict(actor).filter(pk=pk).first()
    if dep is None:
        raise Http404
    back = int_param(request.POST.get("item"))
    back = back if back in (dep.predecessor_id, dep.successor_id) else dep.successor_id
    actions.remove_dependency(actor, pk)
    return saved(request, _("Dependency removed."), reverse("work-item", args=[back]) + "#dependencies")


@workspace_view("editor")
@require_http_methods(["GET", "POST"])
def contribution_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    item = access(WorkItem.objects, actor, pk, CHANGE)
    context: dict[str, Any] = {"item": item}
    if request.method == "POST":
        return submit_form(
            request,
            _contribution_form(actor, request.POST),
            "roadmap/contribution_form.html",
            context,
            values=lambda form: dict(form.cleaned_data),
            save=lambda values, _version: actions.set_contribution(actor, item.pk, **values),
            done=lambda _link: saved(
                request, _("Key result linked."), reverse("work-item", args=[item.pk]) + "#serves"
            ),
        )
    context["form"] = _contribution_form(actor)
    return render(request, "roadmap/contribution_form.html", context)


@workspace_view("editor")
@require_POST
def contribution_remove(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    link = Contribution.objects.restrict(actor).filter(pk=pk).first()
    if link is None:
        raise Http404
    actions.remove_contribution(actor, pk)
    return saved(request, _("Link removed."), reverse("work-item", args=[link.work_item_id]) + "#serves")
