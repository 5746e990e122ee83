"""Export a workspace as an OKR document: the format `importer` reads, with default values left out.

Everything is read through the permission gate (`restrict(actor)`), so an export holds exactly what its actor may
see: a private objective of another team is not in it, nor its key results and check-ins, nor alignments to it.
The number of queries does not depend on the size of the workspace.

The roadmap is written as a tree (`work`: initiatives with their `children`, in position order; a milestone with
one `date`; a child's team only when it differs from its parent's) with each item's `contributes` and
`depends_on`, and `capacity` per team and period. Not exported: people who are not members any more appear neither
as owners nor as check-in authors, so that the file imports again cleanly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from northstar.exchange.okr_yaml import FORMAT_VERSION, Flow, FlowList, dump_document
from northstar.exchange.schema import NOON, infer_period_kind
from northstar.okrs.models import (
    Alignment,
    CheckIn,
    KeyResult,
    KRKind,
    Objective,
    ObjectiveStatus,
    Period,
    Visibility,
)
from northstar.roadmap.models import (
    Contribution,
    Dependency,
    DependencyKind,
    TeamCapacity,
    WorkItem,
    WorkItemKind,
    WorkItemStatus,
)
from northstar.workspaces.models import Membership, Team, TeamMember, Workspace
from northstar.workspaces.permissions import Actor, NotFound


def number(value: float) -> int | float:
    """20.0 is written as 20, as a person would."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def check_in_date(moment: dt.datetime) -> dt.date | dt.datetime:
    """The date alone when the check-in was at 12:00 in the workspace time zone (as imported), else the moment."""
    local = timezone.localtime(moment, timezone.get_default_timezone())
    if local.time() == NOON:
        return local.date()
    return local


def parents_first[T: (Period, Team)](rows: Iterable[T]) -> list[T]:
    """Rows in the given order, but each after its parent (so the file reads top-down and imports in one pass)."""
    rows = list(rows)
    ids = {r.pk for r in rows}
    out: list[T] = []
    placed: set[int] = set()
    pending = rows
    while pending:
        rest = [r for r in pending if r.parent_id in ids and r.parent_id not in placed]
        ready = [r for r in pending if not (r.parent_id in ids and r.parent_id not in placed)]
        if not ready:  # a loop, which the actions prevent: keep the order rather than lose rows
            ready, rest = rest, []
        for r in ready:
            out.append(r)
            placed.add(r.pk)
        pending = rest
    return out


def export_document(actor: Actor) -> dict[str, Any]:
    """The actor's view of their workspace as a document (see okr_yaml for the format)."""
    if not actor.is_member:
        raise NotFound
    workspace = Workspace.objects.get(pk=actor.workspace.pk)
    doc: dict[str, Any] = {"northstar": FORMAT_VERSION, "workspace": _workspace(workspace)}

    periods = parents_first(
        Period.objects.restrict(actor).select_related("parent").order_by("start", "-end", "id")
    )
    if periods:
        doc["periods"] = [_period(p) for p in periods]

    teams = parents_first(Team.objects.restrict(actor).select_related("parent").order_by("id"))
    if teams:
        doc["teams"] = [_team(t) for t in teams]

    memberships = list(Membership.objects.restrict(actor).select_related("user").order_by("id"))
    members = {m.user_id: m.user.email for m in memberships}
    team_order = {t.pk: i for i, t in enumerate(teams)}
    team_keys = {t.pk: t.key for t in teams}
    teams_of: dict[int, list[int]] = {}
    for user_id, team_id in TeamMember.objects.restrict(actor).values_list("user_id", "team_id"):
        teams_of.setdefault(user_id, []).append(team_id)
    if memberships:
        doc["people"] = [
            _person(
                m, [team_keys[t] for t in sorted(teams_of.get(m.user_id, []), key=team_order.__getitem__)]
            )
            for m in memberships
        ]

    objectives = list(
        Objective.objects.restrict(actor).select_related("team", "period").order_by("position", "id")
    )
    visible = {o.pk: o for o in objectives}
    aligns_to: dict[int, list[Objective]] = {}
    for child_id, parent_id in Alignment.objects.restrict(actor).values_list("child_id", "parent_id"):
        if child_id in visible and parent_id in visible:
            aligns_to.setdefault(child_id, []).append(visible[parent_id])
    key_results: dict[int, list[KeyResult]] = {}
    for kr in KeyResult.objects.restrict(actor).order_by("position", "id"):
        key_results.setdefault(kr.objective_id, []).append(kr)
    check_ins: dict[int, list[CheckIn]] = {}
    for ci in CheckIn.objects.restrict(actor).order_by("checked_in_at", "id"):
        check_ins.setdefault(ci.key_result_id, []).append(ci)
    if objectives:
        doc["objectives"] = [
            _objective(o, aligns_to.get(o.pk, []), key_results.get(o.pk, []), check_ins, members)
            for o in objectives
        ]

    work = _work(actor, members)
    if work:
        doc["work"] = work
    capacity = [
        Flow(team=c.team.key, period=c.period.key, person_days=number(c.person_days))
        for c in TeamCapacity.objects.restrict(actor).select_related("team", "period").order_by("id")
    ]
    if capacity:
        doc["capacity"] = capacity
    return doc


def export_text(actor: Actor, fmt: str = "yaml") -> str:
    header = ""
    if fmt == "yaml":
        header = _(
            "northstar export of %(workspace)s, as seen by %(user)s.\nImport it with: northstar import FILE."
        ) % {"workspace": actor.workspace.name, "user": actor.user.email if actor.user else "-"}
    return dump_document(export_document(actor), fmt, header=header)


def _workspace(workspace: Workspace) -> dict[str, Any]:
    data: dict[str, Any] = {"name": workspace.name, "language": workspace.language}
    defaults = {f.name: f.default for f in Workspace._meta.fields}
    for name in ("check_in_cadence_days", "rollup_includes_aligned"):
        if getattr(workspace, name) != defaults[name]:
            data[name] = getattr(workspace, name)
    return data


def _period(period: Period) -> dict[str, Any]:
    data: dict[str, Any] = {"key": period.key, "name": period.name, "start": period.start, "end": period.end}
    if period.parent is not None:
        data["parent"] = period.parent.key
    if period.kind != infer_period_kind(period.start, period.end):
        data["kind"] = period.kind
    if period.closed:
        data["closed"] = True
    return data


def _team(team: Team) -> dict[str, Any]:
    data: dict[str, Any] = {"key": team.key, "name": team.name}
    if team.parent is not None:
        data["parent"] = team.parent.key
    return data


def _person(membership: Membership, teams: list[str]) -> Flow:
    data = Flow(email=membership.user.email)
    if membership.user.name:
        data["name"] = membership.user.name
    data["role"] = membership.role
    if teams:
        data["teams"] = FlowList(teams)
    return data


def _objective(
    objective: Objective,
    parents: list[Objective],
    key_results: list[KeyResult],
    check_ins: dict[int, list[CheckIn]],
    members: dict[int, str],
) -> dict[str, Any]:
    data: dict[str, Any] = {"key": objective.key, "title": objective.title}
    if objective.description:
        data["description"] = objective.description
    data["team"] = objective.team.key
    if objective.owner_id in members:
        data["owner"] = members[objective.owner_id]
    if objective.period is not None:
        data["period"] = objective.period.key
    if objective.status != ObjectiveStatus.ACTIVE:
        data["status"] = objective.status
    if objective.visibility != Visibility.WORKSPACE:
        data["visibility"] = objective.visibility
    if objective.weight != 1:
        data["weight"] = number(objective.weight)
    if parents:
        data["aligns_to"] = FlowList(p.key for p in sorted(parents, key=lambda p: (p.position, p.pk)))
    if key_results:
        data["key_results"] = [
            _key_result(kr, objective, check_ins.get(kr.pk, []), members) for kr in key_results
        ]
    return data


def _key_result(
    kr: KeyResult, objective: Objective, check_ins: list[CheckIn], members: dict[int, str]
) -> dict[str, Any]:
    data: dict[str, Any] = {"key": kr.key, "title": kr.title}
    if kr.description:
        data["description"] = kr.description
    data["kind"] = kr.kind or KRKind.INCREASE
    if kr.unit:
        data["unit"] = kr.unit
    for name in ("start", "target", "low", "high"):
        if getattr(kr, name) is not None:
            data[name] = number(getattr(kr, name))
    if kr.weight != 1:
        data["weight"] = number(kr.weight)
    if kr.owner_id in members:
        data["owner"] = members[kr.owner_id]
    if check_ins:
        # The importer's default author: the key result's owner, else the objective's owner.
        default_author = kr.owner_id if kr.owner_id in members else objective.owner_id
        data["check_ins"] = [_check_in(ci, default_author, members) for ci in check_ins]
    return data


def _check_in(check_in: CheckIn, default_author: int | None, members: dict[int, str]) -> Flow:
    data = Flow(date=check_in_date(check_in.checked_in_at), value=number(check_in.value))
    if check_in.confidence is not None:
        data["confidence"] = number(check_in.confidence)
    if check_in.comment:
        data["comment"] = check_in.comment
    if check_in.author_id in members and check_in.author_id != default_author:
        data["by"] = members[check_in.author_id]
    return data


# --- the roadmap ------------------------------------------------------------------------------------------------


def _work(actor: Actor, members: dict[int, str]) -> list[dict[str, Any]]:
    """The work items as a tree, with their contributions and dependencies (a fixed number of queries)."""
    items = list(WorkItem.objects.restrict(actor).select_related("team").order_by("position", "id"))
    keys = {w.pk: w.key for w in items}
    children: dict[int | None, list[WorkItem]] = {}
    for w in items:
        children.setdefault(w.parent_id if w.parent_id in keys else None, []).append(w)
    contributes: dict[int, list[Flow]] = {}
    for item_id, kr_key, objective_key, weight in (
        Contribution.objects.restrict(actor)
        .order_by("id")
        .values_list("work_item_id", "key_result__key", "objective__key", "weight")
    ):
        target = Flow(kr=kr_key) if kr_key is not None else Flow(objective=objective_key)
        target["weight"] = number(weight)
        contributes.setdefault(item_id, []).append(target)
    depends_on: dict[int, list[str | Flow]] = {}
    for d in Dependency.objects.restrict(actor).order_by("id"):
        if d.predecessor_id not in keys or d.successor_id not in keys:
            continue
        if d.kind == DependencyKind.FINISH_TO_START and not d.lag_days:
            depends_on.setdefault(d.successor_id, []).append(keys[d.predecessor_id])
            continue
        link = Flow(key=keys[d.predecessor_id])
        if d.kind != DependencyKind.FINISH_TO_START:
            link["kind"] = d.kind
        if d.lag_days:
            link["lag_days"] = d.lag_days
        depends_on.setdefault(d.successor_id, []).append(link)

    def tree(item: WorkItem, parent: WorkItem | None) -> dict[str, Any]:
        below = [tree(child, item) for child in children.get(item.pk, [])]
        # A child without children or description is written on one line, as the reference file writes tasks and
        # milestones.
        one_line = parent is not None and not below and not item.description
        data: dict[str, Any] = (Flow if one_line else dict)(key=item.key)
        data["kind"] = item.kind
        data["title"] = item.title
        if item.description:
            data["description"] = item.description
        if parent is None or parent.team_id != item.team_id:
            data["team"] = item.team.key
        if item.owner_id in members:
            data["owner"] = members[item.owner_id]
        if item.kind == WorkItemKind.MILESTONE:
            if item.start is not None:
                data["date"] = item.start
        elif item.start is not None and item.end is not None:
            data["start"], data["end"] = item.start, item.end
        if item.estimate_days is not None:
            data["estimate_days"] = number(item.estimate_days)
        if item.effort_done_days:
            data["effort_done_days"] = number(item.effort_done_days)
        if item.status != WorkItemStatus.PLANNED:
            data["status"] = item.status
        if item.pk in contributes:
            data["contributes"] = contributes[item.pk]
        if item.pk in depends_on:
            data["depends_on"] = FlowList(depends_on[item.pk])
        if below:
            data["children"] = below
        return data

    return [tree(item, None) for item in children.get(None, [])]
