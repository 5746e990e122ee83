"""How much of the planned work falls into a period, and how that compares with a team's capacity.

Spans are whole days, both ends inclusive. A span whose end is before its start is read as its start day
only, as in `schedule.py`. Effort is assumed to be spread evenly over an item's calendar days.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Span:
    start: date
    end: date

    @property
    def last(self) -> date:
        return max(self.start, self.end)

    @property
    def days(self) -> int:
        return (self.last - self.start).days + 1


def overlap_days(a: Span, b: Span) -> int:
    """Number of days the two spans share."""
    return max(0, (min(a.last, b.last) - max(a.start, b.start)).days + 1)


def spread(estimate_days: float, item: Span, window: Span) -> float:
    """The part of ``estimate_days`` that falls into ``window`` when spread evenly over the item's days."""
    if not math.isfinite(estimate_days) or estimate_days < 0:
        raise ValueError(f"estimate must be a finite number >= 0, got {estimate_days!r}")
    shared = overlap_days(item, window)
    if shared >= item.days:
        return estimate_days
    # shared / days < 1, so the product can never round above the estimate itself
    return estimate_days * (shared / item.days)


@dataclass(frozen=True)
class Load:
    team: int
    period: Span
    capacity: float | None
    load: float

    @property
    def free(self) -> float | None:
        return None if self.capacity is None else self.capacity - self.load

    @property
    def over(self) -> bool:
        return self.capacity is not None and self.load > self.capacity

    @property
    def share(self) -> float | None:
        """Load / capacity; None without a capacity or with a capacity of 0."""
        return self.load / self.capacity if self.capacity else None


def team_load(
    items: Sequence[tuple[int, float | None, Span | None]], capacity: float | None, team: int, period: Span
) -> Load:
    """The team's load in ``period`` from (team, estimate, span) rows; rows of other teams, without an
    estimate or without a span are left out."""
    load = math.fsum(
        spread(estimate, span, period)
        for owner, estimate, span in items
        if owner == team and estimate is not None and span is not None
    )
    return Load(team=team, period=period, capacity=capacity, load=load)


def period_loads(
    items: Sequence[tuple[int, float | None, Span | None]],
    capacities: Sequence[tuple[int, Span, float]],
) -> list[Load]:
    """One Load per (team, period span, capacity), from (team, estimate, span) rows read once: the rows are
    grouped by team first, so the cost is the rows plus, per capacity, that team's rows."""
    by_team: dict[int, list[tuple[int, float | None, Span | None]]] = {}
    for row in items:
        by_team.setdefault(row[0], []).append(row)
    return [team_load(by_team.get(team, []), capacity, team, span) for team, span, capacity in capacities]
