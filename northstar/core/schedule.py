"""Dependency scheduling for roadmap items: ordering, critical path, slack, delay propagation.

Dates are whole days. A task ``[start, end]`` occupies ``end - start + 1`` days; its duration is
``end - start``. A milestone has a single date and duration 0. Dependencies say what a successor's start
must respect, with ``lag_days`` (possibly negative) added:

* FS: start after the predecessor finishes: ``pred.end + 1`` for a task, the date itself for a milestone
* SS: start no earlier than ``pred.start``
* FF: end no earlier than ``pred.end``, i.e. start no earlier than ``pred.end - duration``

Every one of these is "successor start >= predecessor start + w" for a constant ``w`` that depends only on
the kind, the lag and the two durations, so the passes below are plain longest-path sums over integers
(day ordinals).

An item is unscheduled when it lacks its dates (a task needs start and end; a milestone's date is its start,
or its end when start is missing). Unscheduled items take part in ordering and cycle checks but not in date
maths: dependencies to or from them are ignored there. Dependencies naming ids that are not among the items
are ignored as well. A task whose end is before its start is read as ending on its start day.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from northstar.core.graph import find_cycle


class DepKind(StrEnum):
    FS = "fs"
    SS = "ss"
    FF = "ff"


@dataclass(frozen=True)
class Item:
    id: int
    start: date | None
    end: date | None
    milestone: bool = False


@dataclass(frozen=True)
class Dep:
    predecessor: int
    successor: int
    kind: DepKind = DepKind.FS
    lag_days: int = 0


@dataclass(frozen=True)
class Violation:
    dep: Dep
    days_late: int


@dataclass(frozen=True)
class Schedule:
    order: tuple[int, ...]
    earliest_start: Mapping[int, date]
    earliest_finish: Mapping[int, date]
    latest_start: Mapping[int, date]
    latest_finish: Mapping[int, date]
    slack_days: Mapping[int, int]
    critical: frozenset[int]
    violations: tuple[Violation, ...]


@dataclass(frozen=True)
class Shift:
    id: int
    new_start: date
    new_end: date
    days: int


@dataclass(frozen=True)
class PeriodConflict:
    item: int
    key_result: int
    item_end: date
    period_end: date
    days_over: int


class CycleError(ValueError):
    def __init__(self, cycle: list[int]) -> None:
        super().__init__("dependency cycle: " + " -> ".join(map(str, cycle)))
        self.cycle = cycle


# (start ordinal, duration in days, milestone)
type _Span = tuple[int, int, bool]
# (predecessor id, w)
type _Edge = tuple[int, int]


def _span(item: Item) -> _Span | None:
    if item.milestone:
        day = item.start if item.start is not None else item.end
        return None if day is None else (day.toordinal(), 0, True)
    if item.start is None or item.end is None:
        return None
    return (item.start.toordinal(), max(0, (item.end - item.start).days), False)


def _weight(kind: DepKind, lag: int, pred_duration: int, pred_milestone: bool, succ_duration: int) -> int:
    """``w`` such that the dependency requires successor start >= predecessor start + w."""
    if kind == DepKind.SS:
        return lag
    if kind == DepKind.FF:
        return pred_duration + lag - succ_duration
    return pred_duration + lag + (0 if pred_milestone else 1)


def _spans(items: Sequence[Item]) -> dict[int, _Span]:
    spans: dict[int, _Span] = {}
    seen: set[int] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"item {item.id} appears more than once")
        seen.add(item.id)
        span = _span(item)
        if span is not None:
            spans[item.id] = span
    return spans


def _links(deps: Iterable[Dep], spans: Mapping[int, _Span]) -> list[tuple[Dep, int]]:
    """The dependencies between scheduled items, each with its ``w``."""
    links: list[tuple[Dep, int]] = []
    for dep in deps:
        pred, succ = spans.get(dep.predecessor), spans.get(dep.successor)
        if pred is not None and succ is not None:
            links.append((dep, _weight(dep.kind, dep.lag_days, pred[1], pred[2], succ[1])))
    return links


def _incoming(links: Iterable[tuple[Dep, int]]) -> dict[int, list[_Edge]]:
    incoming: dict[int, list[_Edge]] = {}
    for dep, w in links:
        incoming.setdefault(dep.successor, []).append((dep.predecessor, w))
    return incoming


def _earliest(
    order: Iterable[int], spans: Mapping[int, _Span], incoming: Mapping[int, list[_Edge]]
) -> dict[int, int]:
    es: dict[int, int] = {}
    for i in order:
        span = spans.get(i)
        if span is None:
            continue
        best = span[0]
        for p, w in incoming.get(i, ()):
            if es[p] + w > best:
                best = es[p] + w
        es[i] = best
    return es


def topological_order(ids: Iterable[int], deps: Iterable[Dep]) -> list[int]:
    """Kahn's algorithm; among items that are free to go next, the smallest id goes first.

    Dependencies naming an id outside ``ids`` are ignored. Raises CycleError on a cycle.
    """
    succs: dict[int, list[int]] = {i: [] for i in ids}
    indegree = dict.fromkeys(succs, 0)
    for dep in deps:
        p, s = dep.predecessor, dep.successor
        if p in succs and s in succs:
            succs[p].append(s)
            indegree[s] += 1

    ready = [i for i, n in indegree.items() if n == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for s in succs[i]:
            indegree[s] -= 1
            if indegree[s] == 0:
                heapq.heappush(ready, s)
    if len(order) < len(succs):
        raise CycleError(_cycle_among({i for i, n in indegree.items() if n > 0}, succs))
    return order


def _cycle_among(stuck: set[int], succs: Mapping[int, list[int]]) -> list[int]:
    # Kahn leaves behind exactly the nodes that still have a predecessor among themselves, so walking
    # backwards from any of them must revisit a node: that loop is a cycle.
    preds: dict[int, list[int]] = {}
    for p in stuck:
        for s in succs[p]:
            if s in stuck:
                preds.setdefault(s, []).append(p)
    position: dict[int, int] = {}
    walk: list[int] = []
    node = min(stuck)
    while node not in position:
        position[node] = len(walk)
        walk.append(node)
        node = min(preds[node])
    loop = walk[position[node] :]
    loop.reverse()  # the walk went against the edges
    first = loop.index(min(loop))
    loop = loop[first:] + loop[:first]
    return [*loop, loop[0]]


def find_dependency_cycle(deps: Iterable[Dep], new: Dep) -> list[int] | None:
    """The cycle that adding ``new`` would close, as ``[new.predecessor, new.successor, ..., new.predecessor]``."""
    edges: dict[int, list[int]] = {}
    for dep in deps:
        edges.setdefault(dep.predecessor, []).append(dep.successor)
    return find_cycle(edges, (new.predecessor, new.successor))


def earliest_allowed_start(item: Item, preds: Sequence[tuple[Item, Dep]]) -> date | None:
    """The earliest start the predecessors' current dates allow, or None when none of them constrains it.

    Unscheduled predecessors are ignored. For an unscheduled item FS and SS still apply, and FF too when it
    is a milestone; an unscheduled task's FF constraints are skipped because its duration is unknown.
    """
    span = _span(item)
    duration = span[1] if span is not None else (0 if item.milestone else None)
    best: int | None = None
    for pred, dep in preds:
        if pred.id != dep.predecessor or item.id != dep.successor:
            raise ValueError(
                f"dependency {dep.predecessor} -> {dep.successor} does not join {pred.id} to {item.id}"
            )
        pred_span = _span(pred)
        if pred_span is None or (duration is None and dep.kind == DepKind.FF):
            continue
        allowed = pred_span[0] + _weight(dep.kind, dep.lag_days, pred_span[1], pred_span[2], duration or 0)
        if best is None or allowed > best:
            best = allowed
    return None if best is None else date.fromordinal(best)


def schedule(items: Sequence[Item], deps: Sequence[Dep]) -> Schedule:
    """Forward and backward pass over the dependency graph, starting from the items' current dates.

    An item never starts before its own current start; it starts later when its predecessors' earliest
    dates push it. The backward pass runs from the project end, the latest earliest finish of all items.
    """
    spans = _spans(items)
    order = topological_order((item.id for item in items), deps)
    links = _links(deps, spans)
    incoming = _incoming(links)
    es = _earliest(order, spans, incoming)
    if not es:
        return Schedule(tuple(order), {}, {}, {}, {}, {}, frozenset(), ())

    project_end = max(start + spans[i][1] for i, start in es.items())
    ls: dict[int, int] = {i: project_end - span[1] for i, span in spans.items()}
    for i in reversed(order):
        if i not in ls:
            continue
        # Every successor has been settled by now, so ls[i] is final and can be pushed to predecessors.
        for p, w in incoming.get(i, ()):
            if ls[i] - w < ls[p]:
                ls[p] = ls[i] - w

    violations = []
    for dep, weight in links:
        late = spans[dep.predecessor][0] + weight - spans[dep.successor][0]
        if late > 0:
            violations.append(Violation(dep, late))

    fromordinal = date.fromordinal
    return Schedule(
        order=tuple(order),
        earliest_start={i: fromordinal(s) for i, s in es.items()},
        earliest_finish={i: fromordinal(s + spans[i][1]) for i, s in es.items()},
        latest_start={i: fromordinal(s) for i, s in ls.items()},
        latest_finish={i: fromordinal(s + spans[i][1]) for i, s in ls.items()},
        slack_days={i: ls[i] - s for i, s in es.items()},
        critical=frozenset(i for i, s in es.items() if ls[i] == s),
        violations=tuple(violations),
    )


def critical_path_to(target: int, items: Sequence[Item], deps: Sequence[Dep]) -> list[int]:
    """The chain of items driving ``target``, first item first and ``target`` last.

    From ``target`` back, each step takes the predecessor whose constraint on the earliest dates allows the
    latest start (the smallest id on a tie), until an item without scheduled predecessors. The chain is
    followed even where an item's own date sits later than its predecessors require: it shows what would
    hold the target up, not whether it already does. An unscheduled target gives ``[target]``.
    """
    spans = _spans(items)
    if not any(item.id == target for item in items):
        raise ValueError(f"item {target} is not among the items")
    incoming = _incoming(_links(deps, spans))
    es = _earliest(topological_order((item.id for item in items), deps), spans, incoming)

    chain = [target]
    node = target
    while incoming.get(node):
        node = max(incoming[node], key=lambda edge: (es[edge[0]] + edge[1], -edge[0]))[0]
        chain.append(node)
    chain.reverse()
    return chain


def propagate_delay(
    items: Sequence[Item], deps: Sequence[Dep], moved: Mapping[int, tuple[date, date]]
) -> list[Shift]:
    """The items that must move later, keeping their durations, once the ``moved`` items take their new dates.

    Only dependencies out of moved or shifted items are enforced: a violation that was already there and
    that the move does not touch is left alone, and nothing is pulled earlier. A moved item can itself be
    pushed by another moved item; its ``days`` then count from its new dates. Results come in topological
    order.
    """
    known = {item.id for item in items}
    for i in moved:
        if i not in known:
            raise ValueError(f"moved item {i} is not among the items")
    spans = _spans(
        [Item(item.id, *moved[item.id], item.milestone) if item.id in moved else item for item in items]
    )
    incoming = _incoming(_links(deps, spans))
    order = topological_order(known, deps)

    changed: dict[int, int] = {}
    shifts: list[Shift] = []
    for i in order:
        span = spans.get(i)
        if span is None:
            continue
        start = need = span[0]
        for p, w in incoming.get(i, ()):
            if p in changed and changed[p] + w > need:
                need = changed[p] + w
        if need > start:
            shifts.append(Shift(i, date.fromordinal(need), date.fromordinal(need + span[1]), need - start))
        if need > start or i in moved:
            changed[i] = need
    return shifts


def period_conflicts(items: Sequence[Item], serves: Iterable[tuple[int, int, date]]) -> list[PeriodConflict]:
    """Items that end after the period of an objective they serve, in the order of ``serves``.

    ``serves`` holds (item id, key result id, end of the key result's objective's period). Items without an
    end date, and ids not among the items, are skipped.
    """
    ends: dict[int, date] = {}
    for item in items:
        end = (item.start or item.end) if item.milestone else item.end
        if end is not None:
            ends[item.id] = end
    conflicts: list[PeriodConflict] = []
    for item_id, key_result, period_end in serves:
        end = ends.get(item_id)
        if end is not None and end > period_end:
            conflicts.append(PeriodConflict(item_id, key_result, end, period_end, (end - period_end).days))
    return conflicts
