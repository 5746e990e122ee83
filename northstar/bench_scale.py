"""Benchmark on a generated workspace (``northstar generate``): the heavy reads of the product, each timed (best of
three) beside a baseline measured in the same run.

* the whole-company OKR tree with roll-ups and status (``okrs.queries.okr_tree``) against a raw SQL read of the
  same rows (goal: at most 2× the raw read) and against a naive per-object ORM walk kept only here (goal: at least
  20× faster than it) — as a process serves it: kept, after a check-in, after a change to the roadmap, after a
  key result's new target, after an objective's new title, after a new key result, after a new objective, after
  a change to people (each committed, then taken back), after any other change to the OKRs (nothing kept for the
  new OKR revision), and in a new process (nothing kept at all); the same for its first page;
* the roadmap (timeline data with schedule, critical path and conflicts) against reading its rows;
* the coverage report, the forecasts of all key results, and the schedule of the whole dependency graph.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.cache.backends.dummy import DummyCache
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from northstar.core.forecast import Delivery, forecast
from northstar.core.pace import status_for
from northstar.core.rollup import Part, rollup_tree
from northstar.core.schedule import schedule
from northstar.insights.progress import load_progress
from northstar.insights.queries import coverage_report
from northstar.okrs import queries as okr_queries
from northstar.okrs.actions import settle_latest
from northstar.okrs.models import Alignment, CheckIn, KeyResult, Objective, Period
from northstar.okrs.queries import (
    KeyResultView,
    forecastable,
    key_result_view,
    kr_part,
    linked_milestones,
    objective_status,
    period_pace,
)
from northstar.roadmap.models import Contribution, Dependency, WorkItem
from northstar.roadmap.queries import (
    _core_dep,
    _core_item,
    build_roadmap,
    fetch_plan,
    load_roadmap,
    timeline_rows,
)
from northstar.workspaces import revisions
from northstar.workspaces.models import Membership, Role, Team, TeamMember, User
from northstar.workspaces.permissions import Actor


def best_of(work: Callable[[], Any], runs: int = 3) -> float:
    return best_timed(lambda: _timed(work), runs)


def best_timed(timed: Callable[[], float], runs: int = 3) -> float:
    """The shortest of ``runs`` runs of a ``timed`` that measures itself (in seconds)."""
    return min(timed() for _run in range(runs))


def _timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _raw_tree(workspace_id: int, period_ids: list[int], objective_ids: list[int] | None = None) -> list[Any]:
    marks = ",".join(["%s"] * len(period_ids)) or "NULL"
    only = f"AND o.id IN ({','.join(['%s'] * len(objective_ids))})" if objective_ids else ""
    sql = f"""
        SELECT o.id, o.title, o.team_id, o.period_id, o.weight, o.status,
               k.id, k.title, k.kind, k.start, k.target, k.low, k.high, k.weight, k.current_value,
               k.current_confidence, k.last_check_in_at
        FROM okrs_objective o LEFT JOIN okrs_keyresult k ON k.objective_id = o.id
        WHERE o.workspace_id = %s AND (o.period_id IN ({marks}) OR o.period_id IS NULL) {only}
        ORDER BY o.position, o.id, k.position, k.id
    """  # noqa: S608 (only placeholders are interpolated)
    with connection.cursor() as cursor:
        cursor.execute(sql, [workspace_id, *period_ids, *(objective_ids or [])])
        return cursor.fetchall()


def _statements_of(work: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements ``work`` runs, with their parameters, in order."""
    seen: list[tuple[str, Any]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        work()
    return seen


def _replay(statements: list[tuple[str, Any]]) -> int:
    """The statements run again through a bare cursor, every row fetched: the same rows read raw, without the
    ORM's objects or the product's maths. Returns how many rows."""
    rows = 0
    with connection.cursor() as cursor:
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                raise AssertionError(f"a read wrote: {sql[:80]}")
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


def _naive_tree(
    actor: Actor, period_ids: list[int], today: dt.date, objective_ids: list[int] | None = None
) -> dict[int, tuple[float, str]]:
    """The same page as a first version would build it: walking the objects, with a query for each objective's
    team, owner, period, alignments and rights, and for each key result's owner, check-ins, linked work, milestones
    and rights; each forecast made from the key result's own history. The maths are the product's own (core/),
    so the answer — each objective's roll-up and status — must be the tree's, and the bench checks that it is."""
    objectives = Objective.objects.filter(workspace=actor.workspace).filter(
        Q(period_id__in=period_ids) | Q(period__isnull=True)
    )
    if objective_ids is not None:
        objectives = objectives.filter(pk__in=objective_ids)
    visible = Objective.objects.restrict(actor).values("pk")
    cadence = actor.workspace.check_in_cadence_days
    parts: dict[str, list[Part]] = {}
    child_edges: dict[str, list[tuple[str, float]]] = {}
    titles: dict[str, str] = {}
    key_results: dict[int, list[KeyResultView]] = {}

    def walk(objective: Objective) -> None:
        if str(objective.pk) in parts:
            return
        _shown = (objective.team.name, objective.owner and objective.owner.name, objective.period)
        objective.can_change = actor.can_edit and Objective.objects.restrict(actor, "change").filter(pk=objective.pk).exists()  # type: ignore[attr-defined]  # fmt: skip
        views = []
        for kr in objective.key_results.order_by("position", "id"):
            _owner = kr.owner and kr.owner.name
            history = [(when.date(), value) for when, value in kr.check_ins.order_by("checked_in_at", "id").values_list("checked_in_at", "value")]  # fmt: skip
            work = Contribution.objects.filter(key_result=kr, work_item__end__isnull=False).exclude(work_item__status="cancelled")  # fmt: skip
            deliveries = [
                Delivery(end, weight) for end, weight in work.values_list("work_item__end", "weight")
            ]
            prediction = None
            if forecastable(kr, objective.period) and history:
                assert objective.period is not None and kr.start is not None and kr.target is not None
                prediction = forecast(history, start_value=kr.start, target=kr.target, period_start=objective.period.start,
                                      period_end=objective.period.end, today=today, deliveries=deliveries)  # fmt: skip
            view = key_result_view(kr, objective.period, today, cadence,
                                   linked_milestones(actor, [kr]).get(kr.pk, (0, 0)), prediction)  # fmt: skip
            view.can_check_in = actor.can_edit and KeyResult.objects.restrict(actor, "check_in").filter(pk=kr.pk).exists()  # fmt: skip
            views.append(view)
        key_results[objective.pk] = views
        parts[str(objective.pk)] = [kr_part(v) for v in views]
        titles[str(objective.pk)] = objective.title
        _parents = [a.parent.title for a in Alignment.objects.filter(child=objective, parent_id__in=visible)]
        for alignment in Alignment.objects.filter(parent=objective, child_id__in=visible):
            child = alignment.child
            if actor.workspace.rollup_includes_aligned:
                child_edges.setdefault(str(objective.pk), []).append((str(child.pk), child.weight))
                walk(child)

    shown = list(objectives)
    for objective in shown:
        walk(objective)
    rollups = rollup_tree(parts, child_edges, titles, actor.workspace.rollup_includes_aligned)
    out = {}
    for objective in shown:
        r, krs = rollups[str(objective.pk)], key_results[objective.pk]
        confidence = min(
            (k.kr.current_confidence for k in krs if k.kr.current_confidence is not None), default=None
        )
        call = status_for(r.progress, r.has_data, period_pace(objective.period, today), confidence)
        out[objective.pk] = (r.progress, objective_status(call, krs).status)
    return out


def _after_a_change_to_the_okrs(actor: Actor, work: Callable[[], Any]) -> Any:
    """Runs ``work`` as after any change to the OKRs (a new objective or key result, an alignment, a team, a
    person): the workspace's OKR revision moves on, so that what is kept under it — layouts, trees, forecasts by
    plan — is for the revision before (what is kept by everything it depends on stays: the forecasts, and key
    results' views whose every input is as it was)."""
    revisions.changed([actor.workspace.pk])  # committed at once: the bench runs outside any transaction
    return work()


def _after[T](
    candidates: list[T], change: Callable[[T], Callable[[], None]], work: Callable[[], Any]
) -> Callable[[], float]:
    """A run of ``work`` just after ``change`` to the next of ``candidates`` (committed, as a person's change is),
    timed alone; what ``change`` returns takes it back afterwards. Without candidates, the run as it is."""
    if not candidates:
        return lambda: _timed(work)
    turn = itertools.cycle(candidates)

    def run() -> float:
        take_back = change(next(turn))
        try:
            return _timed(work)
        finally:
            take_back()

    return run


def _after_a_check_in(
    actor: Actor, period: Period | None, work: Callable[[], Any], objective_ids: list[int] | None = None
) -> Callable[[], float]:
    """``work`` just after a check-in on a numeric key result of the period (of these objectives); the check-in is
    removed again afterwards (the key result's latest values as before; its version moves on)."""
    candidates = KeyResult.objects.restrict(actor).filter(kind__in=sorted(okr_queries.NUMERIC), objective__period=period)  # fmt: skip
    if objective_ids is not None:
        candidates = candidates.filter(objective_id__in=objective_ids)

    def check_in(kr: KeyResult) -> Callable[[], None]:
        made = CheckIn.objects.create(
            workspace_id=kr.workspace_id, key_result=kr, value=(kr.current_value or 0) + 1, author=actor.user
        )
        settle_latest(kr)

        def take_back() -> None:
            made.delete()
            settle_latest(kr)

        return take_back

    return _after(list(candidates.order_by("pk")[:50]), check_in, work)


def _after_a_change_to_the_roadmap(actor: Actor, work: Callable[[], Any]) -> Callable[[], float]:
    """``work`` just after a change to the roadmap alone: a work item linked to a key result now ends a day later.
    It is moved back afterwards (the workspace's revision numbers keep moving; nothing else is left changed)."""
    linked = (
        WorkItem.objects.restrict(actor)
        .filter(contributions__key_result__isnull=False, start__isnull=False, end__isnull=False)
        .exclude(kind="milestone")
        .order_by("pk")
        .distinct()
    )

    def move(item: WorkItem) -> Callable[[], None]:
        end = item.end
        item.end = end + dt.timedelta(days=1)
        item.save(update_fields=["end"])

        def take_back() -> None:
            item.end = end
            item.save(update_fields=["end"])

        return take_back

    return _after(list(linked[:50]), move, work)


def _after_a_new_target(actor: Actor, period: Period | None, work: Callable[[], Any]) -> Callable[[], float]:
    """``work`` just after a numeric key result of the period is given a new target, saved as an edit is (its
    version moves); the old target is put back afterwards."""
    numbers = (
        KeyResult.objects.restrict(actor)
        .filter(kind__in=sorted(okr_queries.NUMERIC), objective__period=period, target__isnull=False)
        .order_by("pk")
    )

    def edit(kr: KeyResult, target: float | None) -> None:
        kr.target, kr.version = target, kr.version + 1
        kr.save(update_fields=["target", "version", "updated_at"])

    def retarget(kr: KeyResult) -> Callable[[], None]:
        target = kr.target
        edit(kr, (target or 0) + 1)
        return lambda: edit(kr, target)

    return _after(list(numbers[:50]), retarget, work)


def _after_a_new_title(
    actor: Actor, period: Period | None, work: Callable[[], Any], objective_ids: list[int] | None = None
) -> Callable[[], float]:
    """``work`` just after an objective of the period (of these) is given a new title, saved as an edit is (its
    version moves); the old title is put back afterwards."""
    candidates = Objective.objects.restrict(actor).filter(period=period).order_by("pk")
    if objective_ids is not None:
        candidates = candidates.filter(pk__in=objective_ids)

    def edit(objective: Objective, title: str) -> None:
        objective.title, objective.version = title, objective.version + 1
        objective.save(update_fields=["title", "version", "updated_at"])

    return _after_renaming(list(candidates[:50]), "title", edit, work)


def _after_renaming[T](
    candidates: list[T], field: str, edit: Callable[[T, str], None], work: Callable[[], Any]
) -> Callable[[], float]:
    """``work`` just after the next of ``candidates`` is given a new ``field`` (a title, a name) by ``edit``; the
    old one is put back afterwards."""

    def rename(row: T) -> Callable[[], None]:
        was = getattr(row, field)
        edit(row, f"{was} (renamed)")
        return lambda: edit(row, was)

    return _after(candidates, rename, work)


def _after_a_new_key_result(
    actor: Actor, period: Period | None, work: Callable[[], Any], objective_ids: list[int] | None = None
) -> Callable[[], float]:
    """``work`` just after a key result is added to an objective of the period (of these), last of its key
    results as a person adds one — a change to the OKRs; it is removed again afterwards (a change the next run's
    tree brings in too)."""
    candidates = Objective.objects.restrict(actor).filter(period=period).order_by("pk")
    if objective_ids is not None:
        candidates = candidates.filter(pk__in=objective_ids)

    def add(objective: Objective) -> Callable[[], None]:
        made = KeyResult.objects.create(
            workspace_id=objective.workspace_id, objective=objective, key=f"bench-added-{objective.pk}",
            title="Added by the bench", kind="increase", start=0, target=10, owner_id=objective.owner_id,
            position=1_000_000,
        )  # fmt: skip
        return made.delete

    return _after(list(candidates[:50]), add, work)


def _after_a_new_objective(
    actor: Actor, period: Period | None, work: Callable[[], Any]
) -> Callable[[], float]:
    """``work`` just after an objective is made in the period as a person makes one — aligned to another
    objective, with a key result — a change to the OKRs; it is removed again afterwards (a change the next run's
    tree brings in too)."""
    candidates = Objective.objects.restrict(actor).filter(period=period).order_by("pk")
    made = itertools.count(1)

    def add(parent: Objective) -> Callable[[], None]:
        n = next(made)
        objective = Objective.objects.create(
            workspace_id=parent.workspace_id, key=f"bench-made-{n}", title="Made by the bench", team_id=parent.team_id,
            period=period, owner_id=parent.owner_id, position=1_000_000 + n,
        )  # fmt: skip
        Alignment.objects.create(workspace_id=parent.workspace_id, child=objective, parent=parent)
        KeyResult.objects.create(
            workspace_id=parent.workspace_id, objective=objective, key=f"bench-made-{n}", title="Made by the bench",
            kind="increase", start=0, target=10, owner_id=parent.owner_id, position=1,
        )  # fmt: skip
        return objective.delete

    return _after(list(candidates[:50]), add, work)


def _after_a_change_to_people(actor: Actor, work: Callable[[], Any]) -> Callable[[], float]:
    """``work`` just after another member is given a new role and put in a team, as an admin does (the viewer's
    own rights as they were); taken back afterwards."""
    members = Membership.objects.restrict(actor).exclude(user_id=actor.user_id).exclude(role=Role.OWNER)
    team = Team.objects.restrict(actor).order_by("pk").first()

    def change(member: Membership) -> Callable[[], None]:
        role = member.role
        member.role = Role.VIEWER if role != Role.VIEWER else Role.EDITOR
        member.save(update_fields=["role"])
        joined, new = TeamMember.objects.get_or_create(
            workspace_id=member.workspace_id, team=team, user_id=member.user_id
        )

        def take_back() -> None:
            member.role = role
            member.save(update_fields=["role"])
            if new:
                joined.delete()

        return take_back

    return _after(list(members.order_by("pk")[:50]) if team is not None else [], change, work)


def _after_a_team_renamed(
    actor: Actor, period: Period | None, work: Callable[[], Any]
) -> Callable[[], float]:
    """``work`` just after a team with objectives in the period is given a new name (which may move it among the
    teams), saved as an admin's edit is; the old name is put back afterwards."""
    candidates = Team.objects.restrict(actor).filter(
        pk__in=Objective.objects.filter(period=period).values("team")
    )

    def edit(team: Team, name: str) -> None:
        team.name, team.version = name, team.version + 1
        team.save()

    return _after_renaming(list(candidates.order_by("pk")[:50]), "name", edit, work)


def _after_a_person_renamed(
    actor: Actor, period: Period | None, work: Callable[[], Any]
) -> Callable[[], float]:
    """``work`` just after a person owning objectives in the period is given a new name (saved whole, as a
    password change saves them too); the old name is put back afterwards."""
    owners = Objective.objects.restrict(actor).filter(period=period).values("owner")
    candidates = User.objects.filter(pk__in=owners, memberships__workspace=actor.workspace)

    def edit(person: User, name: str) -> None:
        person.name = name
        person.save()

    return _after_renaming(list(candidates.order_by("pk")[:50]), "name", edit, work)


def _the_timeline_table(actor: Actor, today: dt.date) -> tuple[float, float]:
    """How long computing the roadmap from its rows takes, and computing it then putting its items in the roadmap
    page's table order (by lane: 20,000 lanes at enterprise scale)."""
    plan = fetch_plan(actor)
    built = best_of(lambda: build_roadmap(plan, today=today))
    return built, best_of(lambda: timeline_rows(build_roadmap(plan, today=today)))


def _timed_afresh(work: Callable[[], Any]) -> float:
    """How long ``work`` takes as a new process would run it: no forecast remembered, in memory or in the cache.
    Forgetting what this process keeps is not timed: a new process has nothing to forget (it freed 8,000 forecasts
    and 200,000 check-ins at medium scale, 6% of the tree's time afresh)."""
    remembered = okr_queries.cache
    okr_queries.forget_forecasts()
    okr_queries.cache = DummyCache("bench", {})
    try:
        return _timed(work)
    finally:
        okr_queries.cache = remembered


def _answers(tree: okr_queries.OkrTree) -> dict[int, tuple[float, str]]:
    return {v.objective.pk: (v.rollup.progress, v.status.status) for v in tree.all_objectives()}


def _same(naive: dict[int, tuple[float, str]], tree: dict[int, tuple[float, str]]) -> None:
    """The naive walk must have built the same page, or its time says nothing (raised, not asserted: it holds
    under ``python -O`` too)."""
    if naive.keys() != tree.keys():
        raise AssertionError("the naive walk found other objectives than the tree")
    for pk, (progress, status) in tree.items():
        if not (math.isclose(naive[pk][0], progress, abs_tol=1e-9) and naive[pk][1] == status):
            raise AssertionError(f"objective {pk}: naive walk {naive[pk]}, tree {(progress, status)}")


def _row(what: str, seconds: float, baseline: str = "", baseline_seconds: float | None = None,
         goal: str = "", faster: bool = False, at_most: float | None = None) -> dict[str, Any]:  # fmt: skip
    """A row of the table: the ratio is time over the baseline's, or with ``faster`` the baseline's over time."""
    ratio = None
    if baseline_seconds is not None:
        ratio = baseline_seconds / seconds if faster else seconds / baseline_seconds
    met = None
    if at_most is not None and ratio is not None:
        met = ratio >= at_most if faster else ratio <= at_most
    return {"what": what, "seconds": seconds, "baseline": baseline, "baseline_seconds": baseline_seconds,
            "ratio": ratio, "goal": goal, "met": met}  # fmt: skip


def run(actor: Actor, today: dt.date) -> list[dict[str, Any]]:
    period = okr_queries.default_period(actor, today)
    family = sorted(okr_queries.period_family(period, Period.objects.restrict(actor))) if period else []
    rows = []
    answers: dict[str, dict[int, tuple[float, str]]] = {}
    at_most_twice, twenty_times = _("≤ 2×"), _("≥ 20× faster")
    raw_read, naive_orm = _("raw SQL read of the same rows"), _("naive per-object ORM")

    def whole_tree() -> okr_queries.OkrTree:
        return okr_queries.okr_tree(actor, today=today, period=period)

    def after_plan_change() -> okr_queries.OkrTree:
        return _after_a_change_to_the_okrs(actor, whole_tree)

    title = _("OKR tree with roll-ups and status")
    whole_tree()
    kept_title = _("%(what)s, kept (nothing changed)") % {"what": title}
    if not okr_queries.trees_kept.used:
        kept_title = _("%(what)s, again (not kept: more key results than NORTHSTAR_OKR_TREES_KEPT, %(room)s)") % {
            "what": title, "room": f"{settings.NORTHSTAR_OKR_TREES_KEPT:,}"}  # fmt: skip
    tree = best_of(whole_tree)
    checked_in = best_timed(_after_a_check_in(actor, period, whole_tree))
    rescheduled = best_timed(_after_a_change_to_the_roadmap(actor, whole_tree))
    retargeted = best_timed(_after_a_new_target(actor, period, whole_tree))
    renamed = best_timed(_after_a_new_title(actor, period, whole_tree))
    added = best_timed(_after_a_new_key_result(actor, period, whole_tree))
    made = best_timed(_after_a_new_objective(actor, period, whole_tree))
    people = best_timed(_after_a_change_to_people(actor, whole_tree))
    team_renamed = best_timed(_after_a_team_renamed(actor, period, whole_tree))
    person_renamed = best_timed(_after_a_person_renamed(actor, period, whole_tree))
    replanned = best_of(after_plan_change)
    raw = best_of(lambda: _raw_tree(actor.workspace.pk, family))
    statements = _after_a_change_to_the_okrs(actor, lambda: _statements_of(whole_tree))
    replayed = best_of(lambda: _replay(statements))
    naive = best_of(lambda: answers.update(naive=_naive_tree(actor, family, today)), runs=1)
    _same(answers["naive"], _answers(whole_tree()))
    cold = best_timed(lambda: _timed_afresh(whole_tree), runs=1)
    rows.append(_row(kept_title, tree, raw_read, raw, at_most_twice, at_most=2))
    rows.append(_row(_("%(what)s, after a check-in (one key result's values moved)") % {"what": title},
                     checked_in, raw_read, raw, at_most_twice, at_most=2))  # fmt: skip
    rows.append(_row(_("%(what)s, after a change to the roadmap (a linked work item delivered a day later)")
                     % {"what": title}, rescheduled, raw_read, raw, at_most_twice, at_most=2))  # fmt: skip
    rows.append(_row(_("%(what)s, after a key result's new target (an edit of its definition)") % {"what": title},
                     retargeted, raw_read, raw, at_most_twice, at_most=2))  # fmt: skip
    rows.append(_row(_("%(what)s, after an objective's new title (an edit of its words)") % {"what": title},
                     renamed, raw_read, raw, at_most_twice, at_most=2))  # fmt: skip
    rows.append(_row(_("%(what)s, after a new key result (a change to the OKRs: its row read)") % {"what": title},
                     added, raw_read, raw, at_most_twice, at_most=2))  # fmt: skip
    rows.append(_row(_("%(what)s, after a new objective, aligned, with a key result (a change to the OKRs: their "
                       "rows read)") % {"what": title}, made, raw_read, raw, at_most_twice, at_most=2))  # fmt: skip
    rows.append(_row(_("%(what)s, after a change to people (another member's new role and team)") % {"what": title},
                     people, raw_read, raw, at_most_twice, at_most=2))  # fmt: skip
    rows.append(_row(_("%(what)s, after a team's new name (its objectives read again)") % {"what": title},
                     team_renamed, raw_read, raw, at_most_twice, at_most=2))  # fmt: skip
    rows.append(_row(_("%(what)s, after a person's new name (what they own read again)") % {"what": title},
                     person_renamed, raw_read, raw, at_most_twice, at_most=2))  # fmt: skip
    replanned_title = _("%(what)s, after a change to the OKRs (everything read again)") % {"what": title}
    rows.append(_row(replanned_title, replanned, raw_read, raw, at_most_twice, at_most=2))
    rows.append(_row(replanned_title, replanned,
                     _("its own %(count)s queries, replayed raw") % {"count": len(statements)}, replayed))  # fmt: skip
    rows.append(_row(replanned_title, replanned, naive_orm, naive, twenty_times, faster=True, at_most=20))
    rows.append(_row(_("OKR tree, forecasts made afresh (a new process)"), cold, naive_orm, naive, twenty_times,
                     faster=True, at_most=20))  # fmt: skip

    def first_page() -> okr_queries.OkrTree:
        return okr_queries.okr_tree(actor, today=today, period=period, page=1)

    def page_after_plan_change() -> okr_queries.OkrTree:
        return _after_a_change_to_the_okrs(actor, first_page)

    shown_page = first_page()
    shown = [v.objective.pk for v in shown_page.all_objectives()]
    page = best_of(first_page)
    page_checked_in = best_timed(_after_a_check_in(actor, period, first_page, objective_ids=shown))
    page_rescheduled = best_timed(_after_a_change_to_the_roadmap(actor, first_page))
    page_renamed = best_timed(_after_a_new_title(actor, period, first_page, objective_ids=shown))
    page_added = best_timed(_after_a_new_key_result(actor, period, first_page, objective_ids=shown))
    page_replanned = best_of(page_after_plan_change)
    raw_page = best_of(lambda: _raw_tree(actor.workspace.pk, family, shown))
    naive_page = best_of(lambda: answers.update(naive=_naive_tree(actor, family, today, shown)))
    _same(answers["naive"], _answers(first_page()))
    what = _("OKR page: its first %(shown)s objectives of %(count)s, rolled up") % {
        "shown": len(shown), "count": f"{shown_page.objective_count:,}"}  # fmt: skip
    # the goals are for the whole tree; a page's ratios to the raw read of its rows are shown beside
    rows.append(_row(_("%(what)s, kept (nothing changed)") % {"what": what}, page, raw_read, raw_page))
    rows.append(_row(_("%(what)s, after a check-in (one key result's values moved)") % {"what": what},
                     page_checked_in, raw_read, raw_page))  # fmt: skip
    rows.append(_row(_("%(what)s, after a change to the roadmap (a linked work item delivered a day later)")
                     % {"what": what}, page_rescheduled, raw_read, raw_page))  # fmt: skip
    rows.append(_row(_("%(what)s, after an objective's new title (an edit of its words)") % {"what": what},
                     page_renamed, raw_read, raw_page))  # fmt: skip
    rows.append(_row(_("%(what)s, after a new key result (a change to the OKRs: its row read)") % {"what": what},
                     page_added, raw_read, raw_page))  # fmt: skip
    replanned_page = _("%(what)s, after a change to the OKRs (everything read again)") % {"what": what}
    rows.append(_row(replanned_page, page_replanned, raw_read, raw_page))
    rows.append(
        _row(replanned_page, page_replanned, naive_orm, naive_page, twenty_times, faster=True, at_most=20)
    )

    plan_rows = best_of(lambda: fetch_plan(actor))
    roadmap = best_of(lambda: build_roadmap(fetch_plan(actor), today=today))  # computed each time, not kept
    rows.append(_row(_("roadmap: timeline, schedule, conflicts"), roadmap, _("reading its rows"), plan_rows))
    built, table_order = _the_timeline_table(actor, today)
    rows.append(_row(_("roadmap page: its table in timeline order, on a roadmap just computed"), table_order,
                     _("computing the roadmap from its rows"), built))  # fmt: skip
    if period is not None:
        rm = load_roadmap(actor, today=today)
        # a copy of the roadmap has worked out nothing yet: the report as on a roadmap just computed
        first = best_of(lambda: coverage_report(actor, period, today=today, rm=replace(rm)))
        again = best_of(lambda: coverage_report(actor, period, today=today, rm=rm))
        rows.append(_row(_("coverage report, on a roadmap just computed"), first))
        rows.append(_row(_("coverage report again, on the kept roadmap (after a check-in)"), again))
        board = best_timed(
            _after_a_check_in(actor, period, lambda: load_progress(actor, today=today, period=period))
        )
        rows.append(_row(_("dashboard board after a check-in (roadmap, check-ins and tree kept)"), board))
        replanned_board = best_timed(
            _after_a_change_to_the_roadmap(actor, lambda: load_progress(actor, today=today, period=period))
        )
        rows.append(_row(_("dashboard board after a change to the roadmap (the roadmap computed again)"),
                         replanned_board))  # fmt: skip
    krs = list(KeyResult.objects.restrict(actor).select_related("objective__period"))
    periods = {kr.pk: kr.objective.period for kr in krs}
    forecasts = best_timed(lambda: _timed_afresh(lambda: okr_queries.forecasts_for(actor, krs, periods, today=today)), runs=1)  # fmt: skip
    what = _("forecasts of all %(count)s key results, made afresh") % {"count": f"{len(krs):,}"}
    rows.append(_row(what, forecasts))
    items = [_core_item(w) for w in WorkItem.objects.restrict(actor)]
    deps = [_core_dep(d) for d in Dependency.objects.restrict(actor)]
    critical = best_of(lambda: schedule(items, deps))
    what = _("schedule and critical path: %(items)s items, %(dependencies)s dependencies") % {
        "items": f"{len(items):,}", "dependencies": f"{len(deps):,}"}  # fmt: skip
    rows.append(_row(what, critical))
    return rows
