"""Cycle detection for alignment edges (child objective -> parent objective)."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping


def find_cycle[T: Hashable](edges: Mapping[T, Iterable[T]], new_edge: tuple[T, T]) -> list[T] | None:
    """Return the cycle that adding ``a -> b`` would close, as ``[a, b, ..., a]``, or None.

    Adding ``a -> b`` closes a cycle exactly when ``b`` already reaches ``a``. A breadth-first search
    finds the shortest such path, which makes for the most readable error message.
    """
    a, b = new_edge
    if a == b:
        return [a, a]
    came_from: dict[T, T | None] = {b: None}
    queue: deque[T] = deque([b])
    while queue:
        node = queue.popleft()
        for nxt in edges.get(node, ()):
            if nxt in came_from:
                continue
            came_from[nxt] = node
            if nxt == a:
                path: list[T] = []
                step: T | None = a
                while step is not None:
                    path.append(step)
                    step = came_from[step]
                path.reverse()  # b, ..., a
                return [a, *path]
            queue.append(nxt)
    return None
