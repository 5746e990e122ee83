"""Reads for the roadmap pages, the timeline data endpoint, the API and the CLI — a fixed number of queries.

The maths (schedule, output progress, inherited links) is in `core`; this module only loads rows and shapes them.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from northstar.core.capacity import Load, Span, period_loads
from northstar.core.output import Link, OutputProgress, Task, effective_links, output_progress
from northstar.core.schedule import Dep, DepKind, Item, Schedule, critical_path_to, period_conflicts, schedule
from northstar.okrs.models import KeyResult, Objective, Period
from northstar.okrs.queries import team_tree
from northstar.roadmap.models import (
    Baseline,
    BaselineItem,
    Contribution,
    Dependency,
    TeamCapacity,
    WorkItem,
    WorkItemKind,
    WorkItemStatus,
)
from northstar.workspaces import revisions
from northstar.workspaces.kept import Kept
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor, descendants
from northstar.workspaces.queries import attach

UNLINKED = "unlinked"
LANE_MODES = ("objective", "team", "key_result", "owner", "none")


@dataclass
class Conflict:
    kind: str  # "dependency" | "period"
    item_id: int
    message: str
    other_id: int | None = None


@dataclass
class Lane:
    id: str
    label: str
    order: int
    unlinked: bool = False


@dataclass
class ItemView:
    item: WorkItem
    links: tuple[Link, ...]
    inherited: bool
    lane: str = UNLINKED
    also_serves: list[str] = field(default_factory=list)
    output: OutputProgress | None = None
    conflicts: list[Conflict] = field(default_factory=list)
    critical: bool = False
    can_change: bool = False

    @property
    def linked(self) -> bool:
        return bool(self.links)


@dataclass
class Roadmap:
    items: list[ItemView]
    by_id: dict[int, ItemView]
    dependencies: list[Dependency]
    lanes: list[Lane]
    conflicts: list[Conflict]
    periods: list[Period]
    schedule: Schedule
    key_results: dict[int, KeyResult]
    objectives: dict[int, Objective]
    # What pages work out from the plan the roadmap was built from (see ``derived``): a kept roadmap keeps it too.
    _derived: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def derived[T](self, name: Hashable, make: Callable[[], T]) -> T:
        """``make()``, worked out once for this roadmap. For what depends only on the plan (what moves the plan
        revision, which a kept roadmap is keyed on), the viewer and the day the roadmap was built for: it is not
        worked out again while the roadmap is kept, and a check-in leaves it standing. ``name`` says what, with
        anything else it depends on."""
        if name not in self._derived:
            self._derived[name] = make()
        return self._derived[name]  # type: ignore[no-any-return]


def _core_item(w: WorkItem) -> Item:
    return Item(id=w.id, start=w.start, end=w.end, milestone=w.kind == WorkItemKind.MILESTONE)


_DEP_KINDS = {kind.value: kind for kind in DepKind}


def _core_dep(d: Dependency) -> Dep:
    return Dep(
        predecessor=d.predecessor_id, successor=d.successor_id, kind=_DEP_KINDS[d.kind], lag_days=d.lag_days
    )


def core_plan(rm: Roadmap) -> tuple[list[Item], list[Dep]]:
    """The roadmap's items and dependencies as the schedule maths sees them."""
    return [_core_item(v.item) for v in rm.items], [_core_dep(d) for d in rm.dependencies]


def driving_chain(rm: Roadmap, item_id: int) -> list[WorkItem]:
    """The chain of items whose dates hold this one up, first to last (the critical path to it)."""
    items, deps = core_plan(rm)
    return [rm.by_id[pk].item for pk in critical_path_to(item_id, items, deps)]


@dataclass
class PlanRows:
    """The rows a roadmap is built from, as read from the database (or laid over by a scenario)."""

    work: list[WorkItem]
    dependencies: list[Dependency]
    links: list[tuple[int, int | None, int | None, float]]  # (item, key result, objective, weight)
    objectives: dict[int, Objective]
    key_results: dict[int, KeyResult]
    periods: list[Period]
    teams: list[Team]
    changeable: set[int]


def fetch_plan(actor: Actor) -> PlanRows:
    """Everything the actor may see of the plan, in a fixed number of queries. Teams, people, periods and
    objectives are read once and shared by the rows that point to them."""
    teams = list(Team.objects.restrict(actor))
    teams_by_id = {t.pk: t for t in teams}
    periods = list(Period.objects.restrict(actor))
    work = list(WorkItem.objects.restrict(actor).order_by("position", "id"))
    teams_by_id = attach(work, "team", known=teams_by_id)
    attach(work, "owner")
    objectives = {o.pk: o for o in Objective.objects.restrict(actor)}
    attach(objectives.values(), "team", known=teams_by_id)
    attach(objectives.values(), "period", known={p.pk: p for p in periods})
    key_results = {k.pk: k for k in KeyResult.objects.restrict(actor)}
    attach(key_results.values(), "objective", known=objectives)
    return PlanRows(
        work=work,
        dependencies=list(Dependency.objects.restrict(actor)),
        links=list(
            Contribution.objects.restrict(actor).values_list(
                "work_item_id", "key_result_id", "objective_id", "weight"
            )
        ),
        objectives=objectives,
        key_results=key_results,
        periods=periods,
        teams=teams,
        changeable=(
            set(WorkItem.objects.restrict(actor, "change").values_list("pk", flat=True))
            if actor.can_edit
            else set()
        ),
    )


# The last roadmaps this process computed, by everything they depend on — the workspace's plan revision moves with
# every change to what a roadmap is built from, not with check-ins (northstar/workspaces/revisions.py) — so that
# the dashboard, the work-items list page after page and the roadmap's pages share one computation until something
# changes. Callers only read a roadmap, never change it.
# How many: NORTHSTAR_ROADMAPS_KEPT (measured: a roadmap of 10,000 items and 20,000 dependencies holds 51 MB).
_COMPUTED = Kept(lambda: settings.NORTHSTAR_ROADMAPS_KEPT)


def load_roadmap(actor: Actor, *, today: dt.date, lane_by: str = "objective") -> Roadmap:
    """The actor's roadmap, computed once per change of the workspace's plan in this process. Its key results
    say what they are, not their latest values: read those afresh."""
    if not settings.NORTHSTAR_ROADMAPS_KEPT:
        return build_roadmap(fetch_plan(actor), today=today, lane_by=lane_by)
    # its lanes' names and its conflicts are put in words as it is computed: in the language of the request
    key = (
        revisions.plan_only(revisions.stamp(actor.workspace, plan=True)),
        actor.rights_key,
        today,
        lane_by,
        translation.get_language(),
    )
    roadmap: Roadmap = _COMPUTED.get_or_make(
        key, lambda: build_roadmap(fetch_plan(actor), today=today, lane_by=lane_by)
    )
    return roadmap


def build_roadmap(rows: PlanRows, *, today: dt.date, lane_by: str = "objective") -> Roadmap:
    work, deps, links = rows.work, rows.dependencies, rows.links
    objectives, key_results, periods, teams = rows.objectives, rows.key_results, rows.periods, rows.teams
    changeable = rows.changeable

    own: dict[int, list[Link]] = defaultdict(list)
    for item_id, kr_id, objective_id, weight in links:
        target = ("kr", kr_id) if kr_id else ("objective", objective_id)
        own[item_id].append(Link(target=target, weight=weight))
    parents = {w.id: w.parent_id for w in work}
    effective = effective_links(parents, own)

    children: dict[int, list[WorkItem]] = defaultdict(list)
    for w in work:
        if w.parent_id:
            children[w.parent_id].append(w)

    items = [_core_item(w) for w in work]
    sched = schedule(items, [_core_dep(d) for d in deps])
    # ids, not pks, in the loops over every item and dependency: a tenth of a second at 10,000 items
    views = [
        ItemView(
            item=w,
            links=effective.get(w.id, ()),
            inherited=bool(effective.get(w.id)) and not own.get(w.id),
            critical=w.id in sched.critical,
            can_change=w.id in changeable,
        )
        for w in work
    ]
    by_id = {v.item.id: v for v in views}
    for v in views:
        if children.get(v.item.id):
            v.output = output_progress(
                [
                    Task(d.id, d.kind, d.status, d.estimate_days, d.effort_done_days, d.end)
                    for d in _descendants(v.item.id, children)
                ],
                today,
            )

    conflicts = _conflicts(views, items, by_id, sched, key_results, objectives)
    lanes = _assign_lanes(views, lane_by, objectives, key_results, teams)
    return Roadmap(
        items=views,
        by_id=by_id,
        dependencies=deps,
        lanes=lanes,
        conflicts=conflicts,
        periods=periods,
        schedule=sched,
        key_results=key_results,
        objectives=objectives,
    )


def timeline_rows(rm: Roadmap) -> list[ItemView]:
    """The roadmap's items in the timeline's table order: by lane, then start (undated last), then id."""
    lane_order = {lane.id: place for place, lane in enumerate(rm.lanes)}
    return sorted(rm.items, key=lambda v: (lane_order[v.lane], v.item.start or dt.date.max, v.item.id))


# The timeline draws at most this many items (the bench measures its first render at 10,000): an enterprise roadmap
# holds 100,000, 58 MB of data in one page. Past it, the page draws the first in table order and asks for a team.
TIMELINE_ITEMS = 10_000


@dataclass(frozen=True)
class TeamTimeline:
    """The items one timeline shows: a team's and those of the teams below it (every item, without a team), in
    the timeline's table order."""

    team: Team | None
    rows: list[ItemView]

    def drawn(self, limit: int | None) -> list[ItemView]:
        return self.rows if limit is None else self.rows[:limit]


def team_timeline(rm: Roadmap, teams: list[Team], team: Team | None) -> TeamTimeline:
    """The roadmap's items in table order, of ``team`` and the teams below it among ``teams`` (every item,
    without a team)."""
    rows = rm.derived(("timeline rows",), lambda: timeline_rows(rm))
    if team is None:
        return TeamTimeline(None, rows)
    below = team_and_below(teams, team.pk)
    return TeamTimeline(team, [v for v in rows if v.item.team_id in below])


def team_and_below(teams: list[Team], team_id: int) -> frozenset[int]:
    """``team_id`` and the teams below it among ``teams``, at any depth."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for t in teams:
        children[t.parent_id].append(t.pk)
    return descendants(children, frozenset({team_id}))


def _descendants(root: int, children: dict[int, list[WorkItem]]) -> list[WorkItem]:
    out: list[WorkItem] = []
    stack = list(children.get(root, []))
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(children.get(node.id, []))
    return out


def objective_of(link: Link, key_results: dict[int, KeyResult]) -> int | None:
    kind, pk = link.target
    if kind == "objective":
        return pk
    kr = key_results.get(pk)
    return kr.objective_id if kr else None


def _conflicts(
    views: list[ItemView],
    items: list[Item],
    by_id: dict[int, ItemView],
    sched: Schedule,
    key_results: dict[int, KeyResult],
    objectives: dict[int, Objective],
) -> list[Conflict]:
    """``items``: the views' items as the schedule maths sees them, in the same order."""
    found: list[Conflict] = []
    # translations looked up once, and once for each number of days: a plan of 10,000 items may hold 10,000
    # conflicts, and a translation looked up costs more than the words filled in
    kind_words = {
        kind: str(words)
        for kind, words in (
            ("fs", _("finish to start")),
            ("ss", _("start to start")),
            ("ff", _("finish to finish")),
        )
    }
    # each translation looked up once per number of days: the medium plan has 12,648 conflicts
    too_early = functools.cache(
        lambda days: ngettext(
            "%(days)d day too early for its dependency on “%(other)s” (%(kind)s).",
            "%(days)d days too early for its dependency on “%(other)s” (%(kind)s).",
            days,
        )
    )
    for v in sched.violations:
        pred, succ = by_id[v.dep.predecessor].item, by_id[v.dep.successor].item
        message = too_early(v.days_late) % {
            "days": v.days_late,
            "other": pred.title,
            "kind": kind_words[str(v.dep.kind)],
        }
        found.append(Conflict("dependency", succ.id, message, other_id=pred.id))
    serves: list[tuple[int, int, dt.date]] = []
    for view in views:
        for link in view.links:
            if link.target[0] != "kr":
                continue
            kr = key_results.get(link.target[1])
            objective = objectives.get(kr.objective_id) if kr else None
            if kr is not None and objective is not None and objective.period is not None:
                serves.append((view.item.id, kr.id, objective.period.end))
    too_late = functools.cache(
        lambda days: ngettext(
            "Ends %(days)d day after the period of the key result it serves, “%(kr)s”.",
            "Ends %(days)d days after the period of the key result it serves, “%(kr)s”.",
            days,
        )
    )
    for c in period_conflicts(items, serves):
        message = too_late(c.days_over) % {"days": c.days_over, "kr": key_results[c.key_result].title}
        found.append(Conflict("period", c.item, message))
    for conflict in found:
        by_id[conflict.item_id].conflicts.append(conflict)
    return found


def _assign_lanes(
    views: list[ItemView],
    lane_by: str,
    objectives: dict[int, Objective],
    key_results: dict[int, KeyResult],
    teams: list[Team],
) -> list[Lane]:
    """Objectives are the default swimlanes: an item sits under the objective it serves most strongly and names
    the others; items that serve no OKR get the last lane, "Not linked to any OKR"."""
    lanes: dict[str, Lane] = {}
    unlinked = Lane(UNLINKED, str(_("Not linked to any OKR")), 10**9, unlinked=True)
    team_order = {t.pk: i for i, (t, _depth) in enumerate(team_tree(teams))}
    for v in views:
        if lane_by == "team":
            t = v.item.team
            v.lane = f"team:{t.pk}"
            lanes.setdefault(v.lane, Lane(v.lane, t.name, team_order.get(t.pk, 0)))
            continue
        if lane_by == "owner":
            owner = v.item.owner
            v.lane = f"owner:{owner.pk}" if owner else "owner:none"
            label = str(owner) if owner else str(_("Nobody yet"))
            lanes.setdefault(v.lane, Lane(v.lane, label, 0 if owner else 1))
            continue
        if lane_by == "none":
            v.lane = "all"
            lanes.setdefault("all", Lane("all", str(_("All work")), 0))
            continue
        if not v.links:
            v.lane = UNLINKED
            lanes[UNLINKED] = unlinked
            continue
        if lane_by == "key_result":
            strongest = max(v.links, key=lambda link: (link.weight, -link.target[1]))
            names = []
            for link in v.links:
                label = _target_label(link, key_results, objectives)
                if link is strongest:
                    v.lane = f"{link.target[0]}:{link.target[1]}"
                    lanes.setdefault(v.lane, Lane(v.lane, label, link.target[1]))
                else:
                    names.append(label)
            v.also_serves = names
            continue
        weights: dict[int, float] = defaultdict(float)
        for link in v.links:
            objective_id = objective_of(link, key_results)
            if objective_id is not None and objective_id in objectives:
                weights[objective_id] += link.weight
        if not weights:
            v.lane = UNLINKED
            lanes[UNLINKED] = unlinked
            continue
        best = max(weights, key=lambda pk: (weights[pk], -objectives[pk].position, -pk))
        v.lane = f"objective:{best}"
        o = objectives[best]
        lanes.setdefault(v.lane, Lane(v.lane, o.title, team_order.get(o.team_id, 0) * 10_000 + o.position))
        v.also_serves = [objectives[pk].title for pk in weights if pk != best]
    return sorted(lanes.values(), key=lambda lane: (lane.order, lane.label))


def _target_label(link: Link, key_results: dict[int, KeyResult], objectives: dict[int, Objective]) -> str:
    kind, pk = link.target
    if kind == "kr":
        return key_results[pk].title if pk in key_results else "?"
    return objectives[pk].title if pk in objectives else "?"


def effort_rows(rm: Roadmap) -> list[tuple[int, float | None, Span | None]]:
    """(team, estimate, span) of the planned work that counts towards load: everything not cancelled, except an
    initiative whose parts carry estimates — it is counted through its parts, never twice. Worked out once per
    roadmap (0.3 s for each roadmap page at enterprise scale, before)."""
    return rm.derived("effort rows", lambda: _effort_rows(rm))


def _effort_rows(rm: Roadmap) -> list[tuple[int, float | None, Span | None]]:
    estimated_parents = {v.item.parent_id for v in rm.items if v.item.estimate_days}
    return [
        (v.item.team_id, v.item.estimate_days, Span(v.item.start, v.item.end))
        for v in rm.items
        if v.item.start
        and v.item.end
        and v.item.status != WorkItemStatus.CANCELLED
        and not (v.item.kind == WorkItemKind.INITIATIVE and v.item.pk in estimated_parents)
    ]


@dataclass(frozen=True)
class TeamPeriodLoad:
    team: Team
    period: Period
    load: Load


def capacity_loads(actor: Actor, rm: Roadmap) -> list[TeamPeriodLoad]:
    """Every saved team capacity with the load the roadmap puts on it — one query."""
    saved = list(
        TeamCapacity.objects.restrict(actor)
        .select_related("team", "period")
        .order_by("period__start", "team__name")
    )
    loads = period_loads(
        effort_rows(rm), [(c.team_id, Span(c.period.start, c.period.end), c.person_days) for c in saved]
    )
    return [TeamPeriodLoad(c.team, c.period, load) for c, load in zip(saved, loads, strict=True)]


@dataclass(frozen=True)
class Slip:
    planned_start: dt.date | None
    planned_end: dt.date | None
    days: int | None  # current end − planned end; None when either is missing


def baseline_dates(
    actor: Actor, baseline: Baseline | None, item_ids: list[int]
) -> dict[int, tuple[dt.date | None, dt.date | None]]:
    """The dates a baseline recorded for these items, in one query."""
    if baseline is None:
        return {}
    rows = BaselineItem.objects.restrict(actor).filter(baseline=baseline, work_item_id__in=item_ids)
    return {pk: (start, end) for pk, start, end in rows.values_list("work_item_id", "start", "end")}


def slip(item: WorkItem, planned: tuple[dt.date | None, dt.date | None] | None) -> Slip | None:
    if planned is None:
        return None
    start, end = planned
    days = (item.end - end).days if item.end is not None and end is not None else None
    return Slip(start, end, days)


def milestone_counts(actor: Actor, key_result_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For milestone-kind key results: (milestones reached, linked milestones), counting links inherited from a
    parent item. Three queries, whatever the number of key results."""
    if not key_result_ids:
        return {}
    work = list(WorkItem.objects.restrict(actor).values_list("pk", "parent_id", "kind", "status"))
    own: dict[int, list[Link]] = defaultdict(list)
    for item_id, kr_id, weight in (
        Contribution.objects.restrict(actor)
        .filter(key_result__isnull=False)
        .values_list("work_item_id", "key_result_id", "weight")
    ):
        own[item_id].append(Link(("kr", kr_id), weight))
    effective = effective_links({pk: parent for pk, parent, _k, _s in work}, own)
    wanted = set(key_result_ids)
    counts: dict[int, list[int]] = {pk: [0, 0] for pk in key_result_ids}
    for pk, _parent, kind, status in work:
        if kind != WorkItemKind.MILESTONE or status == "cancelled":
            continue
        for link in effective.get(pk, ()):
            if link.target[1] in wanted:
                counts[link.target[1]][1] += 1
                counts[link.target[1]][0] += status == "done"
    return {pk: (reached, total) for pk, (reached, total) in counts.items()}


__all__ = [
    "LANE_MODES",
    "UNLINKED",
    "Conflict",
    "ItemView",
    "Lane",
    "Roadmap",
    "load_roadmap",
    "milestone_counts",
]


@dataclass
class OutputSummary:
    """An item's output progress: effort share, plus milestones reached for initiatives."""

    share: float | None
    milestones: list[bool]  # one per milestone: reached?
    caption: str

    @property
    def percent(self) -> int:
        return round((self.share or 0) * 100)


def output_summary(view: ItemView) -> OutputSummary:
    item = view.item
    if view.output is not None:
        o = view.output
        marks = [True] * o.milestones_reached + [False] * (o.milestones_total - o.milestones_reached)
        if o.effort_planned:
            caption = _("%(done)s of %(planned)s person-days") % {
                "done": f"{o.effort_done:g}",
                "planned": f"{o.effort_planned:g}",
            }
        else:
            caption = ngettext(
                "%(done)d of %(total)d task done", "%(done)d of %(total)d tasks done", o.tasks_total
            ) % {"done": o.tasks_done, "total": o.tasks_total}
        if o.milestones_total:
            caption += " · " + ngettext(
                "%(reached)d of %(total)d milestone",
                "%(reached)d of %(total)d milestones",
                o.milestones_total,
            ) % {
                "reached": o.milestones_reached,
                "total": o.milestones_total,
            }
        return OutputSummary(o.share if (o.tasks_total or o.effort_planned) else None, marks, caption)
    if item.status == WorkItemStatus.CANCELLED:
        return OutputSummary(None, [], _("Cancelled"))
    if item.kind == WorkItemKind.MILESTONE:
        reached = item.status == WorkItemStatus.DONE
        return OutputSummary(None, [reached], _("Reached") if reached else _("Not reached yet"))
    if item.status == WorkItemStatus.DONE:
        return OutputSummary(1.0, [], _("Done"))
    if item.estimate_days:
        share = min(1.0, (item.effort_done_days or 0) / item.estimate_days)
        caption = _("%(done)s of %(planned)s person-days") % {
            "done": f"{item.effort_done_days or 0:g}",
            "planned": f"{item.estimate_days:g}",
        }
        return OutputSummary(share, [], caption)
    return OutputSummary(0.0, [], _("No estimate"))
