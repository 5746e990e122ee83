"""Does the roadmap serve the goals? Goals nobody works on, work that serves no goal, and alignment gaps.

A link of weight 0 serves nothing. Estimates follow `output.py`: an estimate of 0 is no estimate.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from northstar.core.capacity import Span, spread
from northstar.core.output import Link


@dataclass(frozen=True)
class WorkNode:
    id: int
    team: int
    parent: int | None
    kind: str  # "initiative" | "milestone" | "task"
    status: str  # "planned" | "in_progress" | "done" | "cancelled"
    estimate_days: float | None
    span: Span | None
    links: tuple[Link, ...]  # effective links: the item's own, or inherited (`output.effective_links`)


@dataclass(frozen=True)
class Coverage:
    unsupported_key_results: tuple[int, ...]
    unsupported_objectives: tuple[int, ...]
    orphans: tuple[int, ...]
    orphan_effort: Mapping[int, float]
    planned_effort: Mapping[int, float]

    def orphan_share(self, team: int | None = None) -> float:
        """Orphan effort / planned effort of one team, or of all teams; 0 when nothing is planned."""
        if team is None:
            orphan = math.fsum(self.orphan_effort.values())
            planned = math.fsum(self.planned_effort.values())
        else:
            orphan = self.orphan_effort.get(team, 0.0)
            planned = self.planned_effort.get(team, 0.0)
        return orphan / planned if planned > 0 else 0.0


def _counted(live: Sequence[WorkNode]) -> list[WorkNode]:
    """The live items whose own estimate counts: those with an estimate and no estimated live descendant.

    An initiative's estimate is then only used while its children carry none, so nothing counts twice.
    """
    parent = {w.id: w.parent for w in live}
    covered: set[int] = set()  # items with an estimated live descendant
    for w in live:
        if not w.estimate_days:
            continue
        seen = {w.id}
        node = parent.get(w.id)
        while node is not None and node in parent and node not in covered and node not in seen:
            covered.add(node)
            seen.add(node)
            node = parent[node]
    return [w for w in live if w.estimate_days and w.id not in covered]


def coverage(
    work: Sequence[WorkNode], active_key_results: Mapping[int, int], active_objectives: set[int], period: Span
) -> Coverage:
    """Which active goals no live work serves, and which live work serves no active goal.

    ``active_key_results`` maps each active key result to its objective. Cancelled items take no part; done
    items do (they were planned). A key result is supported only by links to it, direct or inherited; an
    objective by a link to one of its key results or to itself. Effort is each counted estimate's part in
    ``period`` (`capacity.spread`); items without a span add none. Both effort maps name every team of a
    live item.
    """
    live = [w for w in work if w.status != "cancelled"]
    served_krs: set[int] = set()
    served_objectives: set[int] = set()
    orphans: set[int] = set()
    for w in live:
        reaches = False
        for link in w.links:
            kind, target = link.target
            if link.weight <= 0:
                continue
            if kind == "kr" and target in active_key_results:
                served_krs.add(target)
                served_objectives.add(active_key_results[target])
                reaches = True
            elif kind == "objective" and target in active_objectives:
                served_objectives.add(target)
                reaches = True
        if not reaches:
            orphans.add(w.id)

    planned: dict[int, list[float]] = {w.team: [] for w in live}
    orphaned: dict[int, list[float]] = {w.team: [] for w in live}
    for w in _counted(live):
        if w.span is None or w.estimate_days is None:
            continue
        part = spread(w.estimate_days, w.span, period)
        planned[w.team].append(part)
        if w.id in orphans:
            orphaned[w.team].append(part)

    return Coverage(
        unsupported_key_results=tuple(sorted(k for k in active_key_results if k not in served_krs)),
        unsupported_objectives=tuple(sorted(o for o in active_objectives if o not in served_objectives)),
        orphans=tuple(sorted(orphans)),
        orphan_effort={team: math.fsum(parts) for team, parts in orphaned.items()},
        planned_effort={team: math.fsum(parts) for team, parts in planned.items()},
    )


@dataclass(frozen=True)
class ObjectiveNode:
    id: int
    team: int
    is_root_team: bool
    parents: tuple[int, ...]
    period: Span | None


@dataclass(frozen=True)
class KeyResultNode:
    id: int
    objective: int
    direction: int  # +1 the value should go up, -1 down, 0 neither (a range, a threshold to keep)
    linked_work_done_by: date | None  # when the first done item ended, once all linked work is finished
    value_then: float | None  # the value on linked_work_done_by
    value_now: float | None


@dataclass(frozen=True)
class Misalignment:
    kind: str  # "team_objective_unaligned" | "period_outside_parent" | "work_done_number_flat"
    subject: int  # the objective, or for "work_done_number_flat" the key result
    detail: str  # English, for logs and tooltips; screens should build their text from kind and subject


def misalignments(
    objectives: Sequence[ObjectiveNode], key_results: Sequence[KeyResultNode]
) -> list[Misalignment]:
    """Alignment gaps, objectives first (in their order), then key results.

    * a team objective, outside the root team, aligned to no objective;
    * a child objective whose period is not inside a parent's, once per such parent (parents not among
      ``objectives``, and periods that are unknown, are not checked);
    * a key result whose linked work is all finished and whose value has not moved in its favour since.
      ``linked_work_done_by`` is None while work is open, or when none of it was done (all cancelled).
      Key results without a direction, or without both values, cannot be judged and are skipped.
    """
    periods = {o.id: o.period for o in objectives}
    found: list[Misalignment] = []
    for o in objectives:
        if not o.is_root_team and not o.parents:
            found.append(Misalignment("team_objective_unaligned", o.id, "aligned to no objective"))
        if o.period is None:
            continue
        for p in o.parents:
            outer = periods.get(p)
            if outer is not None and not (outer.start <= o.period.start and o.period.last <= outer.last):
                detail = (
                    f"period {o.period.start}..{o.period.last} not inside "
                    f"parent {p}'s {outer.start}..{outer.last}"
                )
                found.append(Misalignment("period_outside_parent", o.id, detail))
    for kr in key_results:
        if kr.linked_work_done_by is None or kr.direction == 0:
            continue
        if kr.value_then is None or kr.value_now is None:
            continue
        if (kr.value_now - kr.value_then) * kr.direction <= 0:
            detail = (
                f"work done by {kr.linked_work_done_by}; value {kr.value_then:g} then, {kr.value_now:g} now"
            )
            found.append(Misalignment("work_done_number_flat", kr.id, detail))
    return found
