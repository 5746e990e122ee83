"""The alignment map: company objectives ▸ the team objectives aligned to them ▸ key results ▸ the work that serves
them, with a last branch for work that serves no OKR — in a fixed number of queries, whatever the data size.

It reuses the two reads the pages already trust: `okrs.queries.okr_tree` (objectives of a period with their key
results, roll-up, status and alignments) and `roadmap.queries.load_roadmap` (work items with their effective
links and output progress). What is unsupported and what is orphan work is decided by `core.alignment.coverage`,
the rule the coverage report uses, so the two pages never disagree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from northstar.core.alignment import coverage
from northstar.core.capacity import Span
from northstar.insights.queries import work_nodes
from northstar.okrs.models import Objective, ObjectiveStatus, Period
from northstar.okrs.queries import KeyResultView, ObjectiveView, okr_tree
from northstar.roadmap.models import WorkItem, WorkItemKind, WorkItemStatus
from northstar.roadmap.queries import ItemView, OutputSummary, Roadmap, load_roadmap, output_summary
from northstar.workspaces.permissions import Actor


@dataclass
class WorkNode:
    """One work item where it serves a key result or an objective (or serves none, in the last branch)."""

    uid: str
    view: ItemView
    output: OutputSummary
    inherited: bool  # serves the target through a parent's link, not its own
    child_count: int  # direct parts of the item on the roadmap, whatever they serve
    children: list[WorkNode] = field(default_factory=list)

    @property
    def item(self) -> WorkItem:
        return self.view.item

    @property
    def is_initiative(self) -> bool:
        return bool(self.view.item.kind == WorkItemKind.INITIATIVE)


@dataclass
class KeyResultNode:
    uid: str
    view: KeyResultView
    work: list[WorkNode]
    unsupported: bool  # an active key result that no live work serves


@dataclass
class ObjectiveNode:
    uid: str
    view: ObjectiveView
    key_results: list[KeyResultNode]
    work: list[WorkNode]  # work linked to the objective as a whole
    children: list[ObjectiveNode]
    also_under: list[Objective]  # the other parents it shows under, in this map
    aligned_elsewhere: list[Objective]  # parents outside this map (another period)

    @property
    def objective(self) -> Objective:
        return self.view.objective


@dataclass
class AlignmentMap:
    period: Period | None
    roots: list[ObjectiveNode]
    orphans: list[WorkNode]
    objective_count: int
    key_result_count: int
    work_count: int  # distinct work items that serve an objective or key result of the map
    unsupported_count: int
    orphan_count: int

    def walk(self) -> Iterator[ObjectiveNode]:
        """Every objective node, depth first (an objective under two parents comes twice)."""
        stack = list(reversed(self.roots))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


def alignment_map(
    actor: Actor, *, today: dt.date, period: Period | None, rm: Roadmap | None = None
) -> AlignmentMap:
    """The map for a period (its family of periods, and ongoing objectives), as the actor may see it."""
    tree = okr_tree(actor, today=today, period=period)
    rm = rm or load_roadmap(actor, today=today)
    views = list(tree.all_objectives())  # in team-tree order: the company's objectives first
    order = {v.objective.pk: i for i, v in enumerate(views)}
    by_id = {v.objective.pk: v for v in views}

    active_objectives = {pk for pk, v in by_id.items() if v.objective.status == ObjectiveStatus.ACTIVE}
    active_krs = {k.kr.pk: k.kr.objective_id for pk in active_objectives for k in by_id[pk].key_results}
    window = Span(period.start, period.end) if period is not None else Span(today, today)
    cov = coverage(work_nodes(rm), active_krs, active_objectives, window)
    unsupported = set(cov.unsupported_key_results)

    live = {pk: v for pk, v in rm.by_id.items() if v.item.status != WorkItemStatus.CANCELLED}
    rank = {v.item.pk: i for i, v in enumerate(rm.items)}  # the roadmap's order: position, then id
    parts: dict[int | None, list[int]] = defaultdict(list)
    for v in rm.items:
        parts[v.item.parent_id].append(v.item.pk)
    serving: dict[tuple[str, int], set[int]] = defaultdict(set)
    for pk, v in live.items():
        for link in v.links:
            if link.weight > 0:
                serving[link.target].add(pk)

    uids = (f"n{i}" for i in itertools.count(1))
    shown: set[int] = set()

    def work_forest(members: set[int]) -> list[WorkNode]:
        """The items of `members` as a forest: each under its parent when the parent is a member too."""

        def node(pk: int, seen: frozenset[int]) -> WorkNode:
            v = live[pk]
            shown.add(pk)
            return WorkNode(
                uid=next(uids),
                view=v,
                output=output_summary(v),
                inherited=v.inherited,
                child_count=len(parts.get(pk, [])),
                children=[node(c, seen | {c}) for c in parts.get(pk, []) if c in members and c not in seen],
            )

        roots = [pk for pk in members if live[pk].item.parent_id not in members]
        return [node(pk, frozenset({pk})) for pk in sorted(roots, key=rank.__getitem__)]

    def objective_node(view: ObjectiveView, parent_id: int | None, path: frozenset[int]) -> ObjectiveNode:
        pk = view.objective.pk
        uid = next(uids)
        key_results = [
            KeyResultNode(
                uid=next(uids),
                view=k,
                work=work_forest(serving.get(("kr", k.kr.pk), set())),
                unsupported=k.kr.pk in unsupported,
            )
            for k in view.key_results
        ]
        whole = work_forest(serving.get(("objective", pk), set()))
        children = sorted(
            (c for c in view.children if c.pk in by_id and c.pk not in path), key=lambda c: order[c.pk]
        )
        return ObjectiveNode(
            uid=uid,
            view=view,
            key_results=key_results,
            work=whole,
            children=[objective_node(by_id[c.pk], pk, path | {c.pk}) for c in children],
            also_under=[p for p in view.parents if p.pk in by_id and p.pk != parent_id],
            aligned_elsewhere=[p for p in view.parents if p.pk not in by_id],
        )

    roots = [v for v in views if not any(p.pk in by_id for p in v.parents)]
    nodes = [objective_node(v, None, frozenset({v.objective.pk})) for v in roots]
    placed = {n.objective.pk for n in _walk(nodes)}
    for view in views:  # objectives aligned only to each other, in a loop, have no root: show them as roots
        if view.objective.pk not in placed:
            extra = objective_node(view, None, frozenset({view.objective.pk}))
            nodes.append(extra)
            placed |= {n.objective.pk for n in _walk([extra])}
    served_items = set(shown)
    shown.clear()
    orphans = work_forest({pk for pk in cov.orphans if pk in live})
    return AlignmentMap(
        period=period,
        roots=nodes,
        orphans=orphans,
        objective_count=len(views),
        key_result_count=sum(len(v.key_results) for v in views),
        work_count=len(served_items),
        unsupported_count=sum(1 for v in views for k in v.key_results if k.kr.pk in unsupported),
        orphan_count=len(shown),
    )


def _walk(nodes: list[ObjectiveNode]) -> Iterator[ObjectiveNode]:
    for n in nodes:
        yield n
        yield from _walk(n.children)


def rows(node: ObjectiveNode | KeyResultNode | WorkNode) -> int:
    """How many rows a node draws with everything under it."""
    if isinstance(node, WorkNode):
        return 1 + sum(rows(c) for c in node.children)
    if isinstance(node, KeyResultNode):
        return 1 + sum(rows(w) for w in node.work)
    under: list[Any] = [*node.key_results, *node.work, *node.children]
    return 1 + (1 if node.work else 0) + sum(rows(n) for n in under)


def _folded(text: str) -> str:
    """Without case or accents, as the map's search in the browser compares ("världsklass" ~ "varldsklass")."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


def matching(found: AlignmentMap, query: str) -> AlignmentMap:
    """The map cut down to what matches ``query`` (an objective, key result or work item whose title holds it,
    with everything under it) and the branches that lead there. Its counts stay those of the whole map."""
    needle = _folded(query.strip())

    def work(w: WorkNode) -> WorkNode | None:
        if needle in _folded(w.item.title):
            return w
        kept = [x for c in w.children if (x := work(c)) is not None]
        return dataclasses.replace(w, children=kept) if kept else None

    def key_result(k: KeyResultNode) -> KeyResultNode | None:
        if needle in _folded(k.view.kr.title):
            return k
        kept = [x for w in k.work if (x := work(w)) is not None]
        return dataclasses.replace(k, work=kept) if kept else None

    def objective(o: ObjectiveNode) -> ObjectiveNode | None:
        if needle in _folded(o.objective.title):
            return o
        krs = [x for k in o.key_results if (x := key_result(k)) is not None]
        whole = [x for w in o.work if (x := work(w)) is not None]
        children = [x for c in o.children if (x := objective(c)) is not None]
        if not (krs or whole or children):
            return None
        return dataclasses.replace(o, key_results=krs, work=whole, children=children)

    return dataclasses.replace(
        found,
        roots=[x for o in found.roots if (x := objective(o)) is not None],
        orphans=[x for w in found.orphans if (x := work(w)) is not None],
    )
