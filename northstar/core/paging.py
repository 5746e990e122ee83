"""Pages of whole things of different sizes: a tree drawn a few of its top-level branches at a time."""

from __future__ import annotations

from collections.abc import Sequence


def pages_by_size(sizes: Sequence[int], budget: int) -> list[tuple[int, int]]:
    """Consecutive ``[start, end)`` runs of the items, each holding as many as fit in ``budget`` together — at least
    one, so that an item larger than the budget has a page of its own. Every item is on exactly one page, in order;
    no items make one empty page."""
    pages: list[tuple[int, int]] = []
    start, used = 0, 0
    for i, size in enumerate(sizes):
        if i > start and used + size > budget:
            pages.append((start, i))
            start, used = i, 0
        used += size
    pages.append((start, len(sizes)))
    return pages
