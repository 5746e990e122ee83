"""Where outputs and outcomes disagree, and where late work puts a key result at risk.

* ``work_without_outcome``: the work linked to a key result is mostly delivered (at least ``MOSTLY_DONE`` of
  it, by effort where there are estimates, else by count) and the number has barely moved towards the target
  since the work began (less than ``FLAT``, a quarter, of the way from start to target), or has moved away.
* ``outcome_without_work``: no work is linked to the key result, yet the number has moved at least ``MOVED``
  of the way towards the target since the start of its period — worth knowing why.
* ``dependency_risks``: every item that is late (its end has passed and it is not done) or that its
  dependencies push past its planned end, followed along its successors (breadth first, shortest chain) to
  each item that serves a key result. One risk per (late item, key result).

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


@dataclass(frozen=True)
class KeyResultTrack:
    id: int
    start_value: float
    target: float
    period_start: date | None
    history: tuple[tuple[date, float], ...]  # check-ins by date
    work: tuple[LinkedItem, ...]  # the work linked to it (cancelled work left out by the caller or here)


@dataclass(frozen=True)
class Divergence:
    kind: str  # "work_without_outcome" | "outcome_without_work"
    key_result: int
    done_share: float | None  # of the linked work
    moved: float  # progress units gained over the window
    since: date | None


def _value_on(history: Sequence[tuple[date, float]], day: date) -> float | None:
    """The last value checked in on or before ``day``, else the first one after it."""
    before = [v for d, v in history if d <= day]
    if before:
        return before[-1]
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
    late_item: int
    days_late: int
    chain: tuple[int, ...]  # from the late item to the item that serves the key result, both included
    key_result: int


def dependency_risks(
    items: Sequence[ScheduledItem],
    dependencies: Sequence[tuple[int, int]],
    serves: Mapping[int, Sequence[int]],
    today: date,
) -> list[Risk]:
    """Late or pushed items traced along their successors to the key results the reached items serve."""
    successors: dict[int, list[int]] = {}
    for before, after in dependencies:
        successors.setdefault(before, []).append(after)
    risks: list[Risk] = []
    for item in items:
        if item.status in ("done", "cancelled") or item.end is None:
            continue
        days = (today - item.end).days if item.end < today else 0
        if item.pushed_end is not None and item.pushed_end > item.end:
            days = max(days, (item.pushed_end - item.end).days)
        if days <= 0:
            continue
        seen: dict[int, tuple[int, ...]] = {item.id: (item.id,)}
        queue = deque([item.id])
        reached: dict[int, tuple[int, ...]] = {}
        while queue:
            node = queue.popleft()
            if node != item.id:  # what the late item serves itself is a plain slip, shown elsewhere
                for kr in serves.get(node, ()):
                    reached.setdefault(kr, seen[node])
            for nxt in successors.get(node, ()):
                if nxt not in seen:
                    seen[nxt] = (*seen[node], nxt)
                    queue.append(nxt)
        for kr, chain in sorted(reached.items(), key=lambda kv: (len(kv[1]), kv[0])):
            risks.append(Risk(item.id, days, chain, kr))
    return risks
