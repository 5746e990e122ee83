"""What-if scenarios: changes laid over the plan without touching it.

A scenario is an ordered list of changes. Laid over the plan's rows they give the rows the plan would have if
someone applied them; the plan itself is never modified. The changes:

* ``Add``: a new item (with a provisional id that must not clash with the plan's ids, e.g. a negative one)
* ``Drop``: the item and its open parts (neither done nor cancelled) are cancelled
* ``Move``: the item takes the new dates; its open parts with dates move by the same number of days as its
  start, so a plan keeps its shape. A milestone has one date: its end is its start.
* ``Reestimate``: the item's estimate in person-days (None: no estimate)
* ``SetCapacity``: a team's capacity for a period, in person-days

Changes apply in order, so a later change to the same item wins. A change naming an item that is not in the
plan (deleted since the change was made) does nothing and is reported in ``Overlay.missing``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace

FINISHED = frozenset({"done", "cancelled"})
MILESTONE = "milestone"


@dataclass(frozen=True)
class PlanRow:
    id: int
    parent: int | None
    team: int
    kind: str
    status: str
    start: dt.date | None
    end: dt.date | None
    estimate_days: float | None


@dataclass(frozen=True)
class Add:
    row: PlanRow


@dataclass(frozen=True)
class Drop:
    item: int


@dataclass(frozen=True)
class Move:
    item: int
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Reestimate:
    item: int
    estimate_days: float | None


@dataclass(frozen=True)
class SetCapacity:
    team: int
    period: int
    person_days: float


Change = Add | Drop | Move | Reestimate | SetCapacity


@dataclass(frozen=True)
class Overlay:
    rows: dict[int, PlanRow]
    capacity: dict[tuple[int, int], float]  # (team, period) → person-days
    added: tuple[int, ...]
    missing: tuple[Change, ...]


def _children(rows: Mapping[int, PlanRow]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for row in rows.values():
        if row.parent is not None:
            out.setdefault(row.parent, []).append(row.id)
    return out


def descendants(item: int, children: Mapping[int, Sequence[int]]) -> list[int]:
    """Every part of ``item``, at any depth; safe on a (corrupt) parent loop."""
    out: list[int] = []
    seen = {item}
    stack = list(children.get(item, ()))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        out.append(node)
        stack.extend(children.get(node, ()))
    return out


def _shift(day: dt.date | None, days: int) -> dt.date | None:
    return None if day is None else day + dt.timedelta(days=days)


def overlay(
    rows: Mapping[int, PlanRow], capacity: Mapping[tuple[int, int], float], changes: Iterable[Change]
) -> Overlay:
    out = dict(rows)
    caps = dict(capacity)
    added: list[int] = []
    missing: list[Change] = []
    children = _children(out)
    for change in changes:
        if isinstance(change, SetCapacity):
            caps[(change.team, change.period)] = change.person_days
            continue
        if isinstance(change, Add):
            row = change.row
            if row.id in out:
                raise ValueError(f"provisional id {row.id} is already in the plan")
            out[row.id] = row
            added.append(row.id)
            if row.parent is not None:
                children.setdefault(row.parent, []).append(row.id)
            continue
        current = out.get(change.item)
        if current is None:
            missing.append(change)
            continue
        if isinstance(change, Drop):
            for pk in (change.item, *descendants(change.item, children)):
                if out[pk].status not in FINISHED or pk == change.item:
                    out[pk] = replace(out[pk], status="cancelled")
        elif isinstance(change, Reestimate):
            out[change.item] = replace(current, estimate_days=change.estimate_days)
        else:
            end = change.start if current.kind == MILESTONE else change.end
            out[change.item] = replace(current, start=change.start, end=end)
            if current.start is None:
                continue
            days = (change.start - current.start).days
            for pk in descendants(change.item, children):
                part = out[pk]
                if part.status in FINISHED or part.start is None:
                    continue
                out[pk] = replace(part, start=_shift(part.start, days), end=_shift(part.end, days))
    return Overlay(rows=out, capacity=caps, added=tuple(added), missing=tuple(missing))


def differences(before: Mapping[int, PlanRow], after: Mapping[int, PlanRow]) -> dict[int, dict[str, object]]:
    """For every item in both whose row changed: the changed fields and their new values."""
    out: dict[int, dict[str, object]] = {}
    names = [f.name for f in fields(PlanRow) if f.name != "id"]
    for pk, old in before.items():
        new = after.get(pk)
        if new is None or new == old:
            continue
        out[pk] = {name: getattr(new, name) for name in names if getattr(new, name) != getattr(old, name)}
    return out


def forecast_ends(rows: Mapping[int, PlanRow], earliest_finish: Mapping[int, dt.date]) -> dict[int, dt.date]:
    """When each top-level item (an item without a parent) is expected to end: the latest scheduled finish of
    its open self and parts, dependencies taken into account. Items with nothing scheduled are left out."""
    children = _children(rows)
    ends: dict[int, dt.date] = {}
    for row in rows.values():
        if row.parent is not None or row.status == "cancelled":
            continue
        finishes = [
            earliest_finish[pk]
            for pk in (row.id, *descendants(row.id, children))
            if pk in earliest_finish and rows[pk].status != "cancelled"
        ]
        if finishes:
            ends[row.id] = max(finishes)
    return ends
