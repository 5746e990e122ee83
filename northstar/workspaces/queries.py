"""Reads shared by the workspace pages, the API and other apps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TreeRow:
    """One row of an indented tree (teams, periods)."""

    obj: Any
    depth: int
    has_children: bool

    @property
    def indent(self) -> int:
        return min(self.depth, 6)


def build_tree(objects: Iterable[Any]) -> list[TreeRow]:
    """Order objects with a `parent_id` depth-first under their parents, keeping the given order among siblings.

    An object whose parent is not in the list sits at the root; no object is shown twice."""
    items = list(objects)
    ids = {o.pk for o in items}
    children: dict[Any, list[Any]] = {}
    for o in items:
        children.setdefault(o.parent_id if o.parent_id in ids else None, []).append(o)
    rows: list[TreeRow] = []
    seen: set[Any] = set()
    stack: list[tuple[Any, int]] = [(o, 0) for o in reversed(children.get(None, []))]
    while stack:
        obj, depth = stack.pop()
        if obj.pk in seen:
            continue
        seen.add(obj.pk)
        kids = children.get(obj.pk, [])
        rows.append(TreeRow(obj, depth, bool(kids)))
        stack.extend((kid, depth + 1) for kid in reversed(kids))
    return rows
