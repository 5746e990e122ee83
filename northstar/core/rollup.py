"""Weighted roll-up of key results (and aligned child objectives) into an objective's progress.

Parts without data still count, at their progress (normally 0): an unmeasured key result is not done.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Part:
    id: str
    label: str
    progress: float
    weight: float = 1.0
    has_data: bool = True


@dataclass(frozen=True)
class Drag:
    part: Part
    share: float


@dataclass(frozen=True)
class Rollup:
    progress: float
    parts: tuple[Part, ...]
    has_data: bool

    @cached_property
    def drag(self) -> tuple[Drag, ...]:
        """What each unfinished part costs the roll-up, largest first. Worked out when asked: only an objective's
        own page shows it, and a whole-company tree would otherwise sort every objective's parts for nothing."""
        total = math.fsum(p.weight for p in self.parts)
        if total <= 0:
            return ()
        drags = [
            Drag(part=p, share=p.weight * (1.0 - p.progress) / total) for p in self.parts if p.weight > 0
        ]
        return tuple(
            sorted((d for d in drags if d.share > 0), key=lambda d: (-d.share, d.part.label, d.part.id))
        )


def _check_weight(weight: float, what: str) -> None:
    if not math.isfinite(weight) or weight < 0:
        raise ValueError(f"weight of {what} must be a finite number >= 0, got {weight!r}")


def rollup(parts: Sequence[Part]) -> Rollup:
    items = tuple(parts)
    for part in items:
        _check_weight(part.weight, part.id)
    has_data = any(p.has_data for p in items)
    total = math.fsum(p.weight for p in items)
    if total <= 0:
        return Rollup(progress=0.0, parts=items, has_data=has_data)

    weighted = [p for p in items if p.weight > 0]
    mean = math.fsum(p.weight * p.progress for p in weighted) / total
    # Rounding can push a weighted mean a hair outside its inputs; a roll-up of parts that are all
    # at 40% must read exactly 40%, not 40.000000000000006%.
    mean = min(max(mean, min(p.progress for p in weighted)), max(p.progress for p in weighted))
    return Rollup(progress=mean, parts=items, has_data=has_data)


def rollup_tree(
    own_parts: Mapping[str, Sequence[Part]],
    children: Mapping[str, Sequence[tuple[str, float]]],
    labels: Mapping[str, str],
    include_children: bool,
) -> dict[str, Rollup]:
    """Roll up every objective; with include_children, aligned child objectives count as parts.

    Children are rolled up before their parents (iterative post-order, so deep trees are fine).
    An edge back to an objective still being rolled up would be a cycle and is skipped.
    """
    for parent, kids in children.items():
        for child, weight in kids:
            _check_weight(weight, f"{child} under {parent}")

    ids: dict[str, None] = dict.fromkeys(own_parts)
    ids.update(dict.fromkeys(children))
    for kids in children.values():
        ids.update(dict.fromkeys(child for child, _ in kids))

    if not include_children:
        return {oid: rollup(own_parts.get(oid, ())) for oid in ids}

    done: dict[str, Rollup] = {}
    for root in ids:
        if root in done:
            continue
        on_path = {root}
        stack: list[tuple[str, Iterator[tuple[str, float]]]] = [(root, iter(children.get(root, ())))]
        while stack:
            node, pending = stack[-1]
            for child, _ in pending:
                if child not in done and child not in on_path:
                    on_path.add(child)
                    stack.append((child, iter(children.get(child, ()))))
                    break
            else:
                stack.pop()
                on_path.discard(node)
                parts = list(own_parts.get(node, ()))
                for child, weight in children.get(node, ()):
                    if child in done:  # otherwise it is still on the path: a back edge
                        sub = done[child]
                        label = labels.get(child, child)
                        parts.append(Part(child, label, sub.progress, weight, sub.has_data))
                done[node] = rollup(parts)
    return {oid: done[oid] for oid in ids}
