"""Portfolio selection: which initiatives to take on in a period for the most strategic value.

Each candidate belongs to one team, has a strategic score (``value``) and needs ``effort`` person-days of its
team in the period. A selection must keep every team within its capacity (a team missing from ``capacity``
has no limit), must include everything a selected candidate ``requires``, and must honour the pins: a
candidate pinned in is always selected, one pinned out never. Requirements naming ids that are not among the
candidates are taken as met already (done work, or work outside the period) and ignored, as are requirements
of a candidate on itself. Cycles of requirements are allowed: the items on one are taken together or not
at all.

``optimise`` solves the 0/1 programme

    maximise  sum(value_i * x_i)
    subject to  sum(effort_i * x_i for i in team t) <= capacity[t]   for every limited team t
                x_i <= x_j                                           for every j that i requires
                x_i = 1 (pinned in), x_i = 0 (pinned out), x_i in {0, 1} otherwise

with HiGHS. ``greedy`` is the baseline it is measured against. Both tidy their selection the same way
afterwards: candidates of value 0 that nothing selected needs are put back, and any candidate of positive
value that still fits together with its missing requirements is added (a single pass, highest value per
person-day first, suffices: taking more never makes another candidate fit). So an unselected candidate is
always explained by one reason, checked in this order:

* ``pinned_out``: it was pinned out (detail ``{}``)
* ``dependency``: a candidate it requires is not selected (detail ``{"requires": id}``, the first such one)
* ``no_value``: its value is 0 (detail ``{}``)
* ``capacity``: its team lacks room (detail ``{"team": team, "lacking": effort - free capacity}``, with the
  free capacity left by the plan, so ``lacking > 0``)

The pins alone decide whether any plan exists: the items pinned in, with everything they require, form the
smallest possible selection. When that selection needs an item pinned out, or overloads a team, there is
no plan: the status is ``infeasible``, nothing is selected and ``dropped`` names only the items that clash,
either as ``dependency`` (a pinned-in item, or one it requires, that needs an item pinned out), as
``pinned_out`` (that item), or as ``capacity`` with detail ``{"team": team, "lacking": overload}`` where the
overload is what the forced items need beyond the team's capacity.

``marginal_value`` is an estimate from the LP relaxation (each ``x_i`` anywhere in ``[0, 1]``, same pins):
the dual of each team's capacity row, clipped at 0, i.e. the value one more person-day of that team would
add to the relaxed plan. Integer plans move in steps, so it is a guide to where capacity is scarce rather
than a promise. Teams without a limit (or with an infinite one) get 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import highspy
import numpy as np

# Capacity checks in Python allow this much slack, relative to the capacity. HiGHS checks with its own
# tolerance (mip_feasibility_tolerance, set to 1e-7 below): far below any person-day that matters.
_REL_TOL = 1e-9
_MIP_REL_GAP = 1e-6


@dataclass(frozen=True)
class Candidate:
    id: int
    team: int
    value: float
    effort: float
    requires: tuple[int, ...] = ()
    pinned: bool | None = None


@dataclass(frozen=True)
class Dropped:
    id: int
    reason: str  # "capacity" | "dependency" | "pinned_out" | "no_value"
    detail: Mapping[str, Any] | str


@dataclass(frozen=True)
class Plan:
    selected: frozenset[int]
    dropped: tuple[Dropped, ...]
    value: float
    load: Mapping[int, float]
    capacity: Mapping[int, float]
    marginal_value: Mapping[int, float]
    status: str  # "optimal" | "infeasible" | "time_limit" | "heuristic"
    gap: float


@dataclass(frozen=True)
class _Instance:
    candidates: Sequence[Candidate]
    capacity: Mapping[int, float]
    limits: Mapping[int, float]  # team -> finite capacity
    requires: list[list[int]]  # positions each candidate requires
    blocked: list[bool]  # pinned out, or needs something pinned out
    forced: list[bool]  # pinned in, or needed by something pinned in
    order: list[int]  # positions by value per person-day descending, then id


def _slack(cap: float) -> float:
    return _REL_TOL * max(1.0, abs(cap))


def _ratio(c: Candidate) -> float:
    if c.effort > 0:
        return c.value / c.effort
    return math.inf if c.value > 0 else 0.0


def _reach(starts: Iterable[int], edges: Sequence[Sequence[int]], n: int) -> list[bool]:
    seen = [False] * n
    todo = list(starts)
    for i in todo:
        seen[i] = True
    while todo:
        i = todo.pop()
        for j in edges[i]:
            if not seen[j]:
                seen[j] = True
                todo.append(j)
    return seen


def _instance(candidates: Sequence[Candidate], capacity: Mapping[int, float]) -> _Instance:
    index: dict[int, int] = {}
    for k, c in enumerate(candidates):
        if c.id in index:
            raise ValueError(f"candidate {c.id} appears more than once")
        if not (math.isfinite(c.value) and c.value >= 0):
            raise ValueError(f"candidate {c.id} has value {c.value}; it must be finite and >= 0")
        if not (math.isfinite(c.effort) and c.effort >= 0):
            raise ValueError(f"candidate {c.id} has effort {c.effort}; it must be finite and >= 0")
        index[c.id] = k
    for team, cap in capacity.items():
        if math.isnan(cap) or cap < 0:
            raise ValueError(f"team {team} has capacity {cap}; it must be >= 0")

    n = len(candidates)
    requires: list[list[int]] = []
    required_by: list[list[int]] = [[] for _ in range(n)]
    for k, c in enumerate(candidates):
        reqs = list(dict.fromkeys(index[r] for r in c.requires if r in index and r != c.id))
        requires.append(reqs)
        for j in reqs:
            required_by[j].append(k)
    return _Instance(
        candidates=candidates,
        capacity=capacity,
        limits={t: cap for t, cap in capacity.items() if math.isfinite(cap)},
        requires=requires,
        blocked=_reach((k for k, c in enumerate(candidates) if c.pinned is False), required_by, n),
        forced=_reach((k for k, c in enumerate(candidates) if c.pinned is True), requires, n),
        order=sorted(range(n), key=lambda k: (-_ratio(candidates[k]), candidates[k].id)),
    )


def _teams(inst: _Instance) -> list[int]:
    return sorted({c.team for c in inst.candidates} | set(inst.capacity))


def _loads(inst: _Instance, selected: Sequence[bool]) -> dict[int, float]:
    efforts: dict[int, list[float]] = {t: [] for t in _teams(inst)}
    for c, chosen in zip(inst.candidates, selected, strict=True):
        if chosen:
            efforts[c.team].append(c.effort)
    return {t: math.fsum(e) for t, e in efforts.items()}


def _conflicts(inst: _Instance) -> tuple[Dropped, ...]:
    """Why the pins allow no plan, or ``()`` when they allow one."""
    cands = inst.candidates
    reasons: dict[int, Dropped] = {}
    for k, c in enumerate(cands):
        if not inst.forced[k] or not inst.blocked[k]:
            continue
        if c.pinned is False:
            reasons[k] = Dropped(c.id, "pinned_out", {})
        else:
            j = next(j for j in inst.requires[k] if inst.blocked[j])
            reasons[k] = Dropped(c.id, "dependency", {"requires": cands[j].id})
    load = _loads(inst, inst.forced)
    for team, cap in inst.limits.items():
        over = load[team] - cap
        if over > _slack(cap):
            for k, c in enumerate(cands):
                if inst.forced[k] and c.team == team and k not in reasons:
                    reasons[k] = Dropped(c.id, "capacity", {"team": team, "lacking": over})
    return tuple(reasons[k] for k in sorted(reasons))


def _prune(inst: _Instance, selected: list[bool]) -> None:
    """Unselect candidates of value 0 that are not pinned in and that no selected candidate requires."""
    dependents = [0] * len(selected)
    for k, chosen in enumerate(selected):
        if chosen:
            for j in inst.requires[k]:
                dependents[j] += 1
    cands = inst.candidates
    todo = [
        k
        for k, chosen in enumerate(selected)
        if chosen and dependents[k] == 0 and cands[k].value == 0 and cands[k].pinned is not True
    ]
    while todo:
        k = todo.pop()
        selected[k] = False
        for j in inst.requires[k]:
            dependents[j] -= 1
            if dependents[j] == 0 and cands[j].value == 0 and cands[j].pinned is not True:
                todo.append(j)


def _fill(inst: _Instance, selected: list[bool]) -> None:
    """Add, best value per person-day first, every candidate that fits together with its missing requirements."""
    cands = inst.candidates
    load = _loads(inst, selected)
    free = {t: cap - load[t] for t, cap in inst.limits.items()}
    for k in inst.order:
        if selected[k] or inst.blocked[k] or cands[k].value == 0:
            continue
        need = [k]
        seen = {k}
        for i in need:  # grows while it is walked
            for j in inst.requires[i]:
                if not selected[j] and j not in seen:
                    seen.add(j)
                    need.append(j)
        extra: dict[int, float] = {}
        for i in need:
            if cands[i].team in free:
                extra[cands[i].team] = extra.get(cands[i].team, 0.0) + cands[i].effort
        if all(e <= free[t] + _slack(inst.limits[t]) for t, e in extra.items()):
            for i in need:
                selected[i] = True
            for t, e in extra.items():
                free[t] -= e


def _dropped(inst: _Instance, selected: Sequence[bool], load: Mapping[int, float]) -> tuple[Dropped, ...]:
    cands = inst.candidates
    dropped: list[Dropped] = []
    for k, c in enumerate(cands):
        if selected[k]:
            continue
        missing = next((j for j in inst.requires[k] if not selected[j]), None)
        if c.pinned is False:
            dropped.append(Dropped(c.id, "pinned_out", {}))
        elif missing is not None:
            dropped.append(Dropped(c.id, "dependency", {"requires": cands[missing].id}))
        elif c.value == 0:
            dropped.append(Dropped(c.id, "no_value", {}))
        else:
            free = inst.limits.get(c.team, math.inf) - load[c.team]
            dropped.append(Dropped(c.id, "capacity", {"team": c.team, "lacking": c.effort - free}))
    return tuple(dropped)


def _plan(
    inst: _Instance, selected: list[bool], marginal: Mapping[int, float], status: str, gap: float
) -> Plan:
    _prune(inst, selected)
    _fill(inst, selected)
    load = _loads(inst, selected)
    return Plan(
        selected=frozenset(c.id for c, chosen in zip(inst.candidates, selected, strict=True) if chosen),
        dropped=_dropped(inst, selected, load),
        value=math.fsum(c.value for c, chosen in zip(inst.candidates, selected, strict=True) if chosen),
        load=load,
        capacity=dict(inst.capacity),
        marginal_value=marginal,
        status=status,
        gap=gap,
    )


def _infeasible(inst: _Instance, conflicts: tuple[Dropped, ...]) -> Plan:
    return Plan(
        selected=frozenset(),
        dropped=conflicts,
        value=0.0,
        load=_loads(inst, [False] * len(inst.candidates)),
        capacity=dict(inst.capacity),
        marginal_value={},
        status="infeasible",
        gap=0.0,
    )


def _greedy(inst: _Instance) -> list[bool]:
    selected = list(inst.forced)
    _fill(inst, selected)
    return selected


def greedy(candidates: Sequence[Candidate], capacity: Mapping[int, float]) -> Plan:
    """The baseline: best value per person-day first, each with the requirements it still lacks.

    It starts from the pinned-in items and everything they require. A candidate is taken when it and its
    missing requirements fit their teams' free capacity and none of them is pinned out; candidates of value
    0 are only ever taken as requirements. Ties go to the smaller id; no effort with some value counts as
    infinitely good. Pins that allow no plan give the same ``infeasible`` plan as ``optimise``; otherwise
    the status is ``heuristic``, with no marginal values and gap 0.
    """
    inst = _instance(candidates, capacity)
    conflicts = _conflicts(inst)
    if conflicts:
        return _infeasible(inst, conflicts)
    return _plan(inst, _greedy(inst), {}, "heuristic", 0.0)


def _solver(inst: _Instance, integer: bool, time_limit_s: float) -> tuple[highspy.Highs, list[int]]:
    """The model in HiGHS, and the team of each capacity row (the rows after them are the requirements)."""
    cands = inst.candidates
    n = len(cands)
    h = highspy.Highs()  # type: ignore[no-untyped-call]  # highspy 1.15's Highs.__init__ lacks "-> None"
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", _MIP_REL_GAP)
    h.setOptionValue("mip_feasibility_tolerance", 1e-7)

    lower = np.array([1.0 if f else 0.0 for f in inst.forced])
    upper = np.array([0.0 if b else 1.0 for b in inst.blocked])
    costs = np.array([c.value for c in cands], dtype=np.float64)
    no_entries = np.zeros(0, dtype=np.int32)
    h.addCols(n, costs, lower, upper, 0, np.zeros(n, dtype=np.int32), no_entries, np.zeros(0))

    members: dict[int, list[int]] = {}
    for k, c in enumerate(cands):
        if c.team in inst.limits and c.effort > 0:
            members.setdefault(c.team, []).append(k)
    teams = sorted(members)
    starts: list[int] = []
    indices: list[int] = []
    values: list[float] = []
    uppers: list[float] = []
    for team in teams:
        starts.append(len(indices))
        indices.extend(members[team])
        values.extend(cands[k].effort for k in members[team])
        uppers.append(inst.limits[team])
    for k, reqs in enumerate(inst.requires):
        for j in reqs:
            starts.append(len(indices))
            indices.extend((k, j))
            values.extend((1.0, -1.0))
            uppers.append(0.0)
    if starts:
        h.addRows(
            len(starts),
            np.full(len(starts), -highspy.kHighsInf),
            np.array(uppers),
            len(indices),
            np.array(starts, dtype=np.int32),
            np.array(indices, dtype=np.int32),
            np.array(values),
        )
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    if integer and n:
        kinds = np.full(n, highspy.HighsVarType.kInteger.value, dtype=np.uint8)
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), kinds)
    return h, teams


def _run(h: highspy.Highs) -> highspy.HighsModelStatus:
    if h.run() == highspy.HighsStatus.kError:
        raise RuntimeError("HiGHS failed to solve the portfolio model")
    return h.getModelStatus()


def _marginal_values(inst: _Instance, time_limit_s: float) -> dict[int, float]:
    marginal = dict.fromkeys(inst.capacity, 0.0)
    h, teams = _solver(inst, integer=False, time_limit_s=time_limit_s)
    if teams and _run(h) == highspy.HighsModelStatus.kOptimal:
        duals = h.getSolution().row_dual
        for row, team in enumerate(teams):
            marginal[team] = max(0.0, float(duals[row]))
    return marginal


def _takes_everything_of_value(inst: _Instance, selected: Sequence[bool]) -> bool:
    """Whether ``selected`` holds every candidate of positive value that is not pinned out or in need of one
    pinned out: the most any plan can hold."""
    return all(
        chosen or blocked or c.value == 0
        for c, chosen, blocked in zip(inst.candidates, selected, inst.blocked, strict=True)
    )


def optimise(
    candidates: Sequence[Candidate], capacity: Mapping[int, float], *, time_limit_s: float = 30.0
) -> Plan:
    """The selection of most total value, solved exactly by HiGHS (see the module docstring).

    HiGHS starts from the greedy plan, so even a plan cut short by ``time_limit_s`` (status ``time_limit``)
    is never worse than ``greedy``. ``gap`` is the relative distance from the plan's value up to HiGHS's
    bound on the best value: 0 when the plan is proven optimal (to a relative 1e-6), ``inf`` when HiGHS was
    stopped before it had a bound. The LP relaxation for the marginal values gets its own ``time_limit_s``
    (its values are 0 when that runs out too). Raises RuntimeError when HiGHS fails or stops for any other
    reason.
    """
    if not time_limit_s > 0:
        raise ValueError(f"time limit must be positive, not {time_limit_s}")
    inst = _instance(candidates, capacity)
    conflicts = _conflicts(inst)
    if conflicts:
        return _infeasible(inst, conflicts)

    start = _greedy(inst)
    n = len(inst.candidates)
    if all(inst.forced[k] or inst.blocked[k] for k in range(n)):
        return _plan(inst, start, dict.fromkeys(capacity, 0.0), "optimal", 0.0)

    if _takes_everything_of_value(inst, start):
        # no plan can add value to this one (values are never negative): HiGHS would only prove it, at length
        return _plan(inst, start, _marginal_values(inst, time_limit_s), "optimal", 0.0)

    h, _ = _solver(inst, integer=True, time_limit_s=time_limit_s)
    h.setSolution(n, np.arange(n, dtype=np.int32), np.array(start, dtype=np.float64))
    model_status = _run(h)
    if model_status == highspy.HighsModelStatus.kOptimal:
        status = "optimal"
    elif model_status == highspy.HighsModelStatus.kTimeLimit:
        status = "time_limit"
    else:
        raise RuntimeError(f"HiGHS stopped with {h.modelStatusToString(model_status)}")

    solution = h.getSolution()
    selected = [x > 0.5 for x in solution.col_value] if solution.value_valid else start
    bound = float(h.getInfo().mip_dual_bound)
    plan = _plan(inst, selected, _marginal_values(inst, time_limit_s), status, 0.0)
    if plan.value >= bound - _MIP_REL_GAP * max(1.0, abs(bound)):
        gap = 0.0
    else:
        gap = (bound - plan.value) / plan.value if plan.value > 0 else math.inf
    return replace(plan, gap=gap)
