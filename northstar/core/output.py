"""Output progress of the roadmap (what was delivered), and which key results each work item serves.

Outcome progress (the key results' values) lives in `progress.py`; the two are shown side by side.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Link:
    """A work item serves a key result ("kr", id) or a whole objective ("objective", id) with a weight."""

    target: tuple[str, int]
    weight: float


def effective_links(
    parents: Mapping[int, int | None], own: Mapping[int, Sequence[Link]]
) -> dict[int, tuple[Link, ...]]:
    """Each item's links: its own if it has any, else those of its nearest ancestor that has some."""
    result: dict[int, tuple[Link, ...]] = {}
    for start in parents:
        path: list[int] = []
        node: int | None = start
        while node is not None and node not in result and not own.get(node) and node not in path:
            path.append(node)
            node = parents.get(node)
        if node is None or node in path:  # a root without links, or a loop in bad data
            inherited: tuple[Link, ...] = ()
        elif node in result:
            inherited = result[node]
        else:
            inherited = result[node] = tuple(own[node])
        for n in path:
            result[n] = inherited
    return result


@dataclass(frozen=True)
class Task:
    id: int
    kind: str  # "task" | "milestone" | "initiative"
    status: str  # "planned" | "in_progress" | "done" | "cancelled"
    estimate_days: float | None
    effort_done_days: float
    end: date | None


@dataclass(frozen=True)
class OutputProgress:
    effort_done: float
    effort_planned: float
    tasks_done: int
    tasks_total: int
    milestones_reached: int
    milestones_due: int
    milestones_total: int
    work_left_days: float

    @property
    def share(self) -> float:
        """Done effort / planned effort of the tasks; by count when no task has an estimate."""
        if self.effort_planned > 0:
            return min(1.0, self.effort_done / self.effort_planned)
        return self.tasks_done / self.tasks_total if self.tasks_total else 0.0


def output_progress(items: Sequence[Task], today: date) -> OutputProgress:
    """Output progress over a set of work items (an initiative's descendants). Cancelled items do not count."""
    live = [i for i in items if i.status != "cancelled"]
    tasks = [i for i in live if i.kind == "task"]
    milestones = [i for i in live if i.kind == "milestone"]
    estimated = [t for t in tasks if t.estimate_days]
    planned = sum(t.estimate_days or 0 for t in estimated)
    done = sum(
        (t.estimate_days or 0) if t.status == "done" else min(t.effort_done_days, t.estimate_days or 0)
        for t in estimated
    )
    return OutputProgress(
        effort_done=done,
        effort_planned=planned,
        tasks_done=sum(1 for t in tasks if t.status == "done"),
        tasks_total=len(tasks),
        milestones_reached=sum(1 for m in milestones if m.status == "done"),
        milestones_due=sum(1 for m in milestones if m.end is not None and m.end <= today),
        milestones_total=len(milestones),
        work_left_days=max(0.0, planned - done),
    )
