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


def chosen(rows: Iterable[Any], wanted: int | None) -> Any | None:
    """The row with the primary key asked for (a filter's ``?team=``) among those the viewer sees, else None:
    each caller answers an unknown one its own way (ignore it, 404, or 422 naming the field)."""
    return None if wanted is None else next((r for r in rows if r.pk == wanted), None)


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


def attach(rows: Iterable[Any], field: str, known: dict[Any, Any] | None = None) -> dict[Any, Any]:
    """Fill each row's foreign key `field` from one read of the rows it points to (those not already `known`), so
    that a thousand objectives of one team share one team object instead of a join building a copy per row.
    Rows that already hold theirs (from a join) are left as they are. Returns what was found, by id."""
    rows = list(rows)
    found = dict(known or {})
    if not rows:
        return found
    fk = getattr(type(rows[0]), field).field
    rows = [r for r in rows if not fk.is_cached(r)]
    missing = {getattr(r, fk.attname) for r in rows} - {None} - set(found)
    if missing:
        found.update(fk.related_model._default_manager.in_bulk(missing))
    # the row's own key already names the target: its cache is filled as a join fills it, without the checks of
    # an assignment (140,000 of them for an enterprise tree's objectives and key results)
    attname, fill = fk.attname, fk.set_cached_value
    for row in rows:
        target = found.get(getattr(row, attname))
        if target is not None:
            fill(row, target)
    return found
