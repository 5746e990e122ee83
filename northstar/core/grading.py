"""Closing a period: the final score of each key result and objective, and its grade.

* A key result's final score is its progress clamped to 0..1 (over-achievement does not lift an objective
  past 1; it is kept on the key result itself as its raw progress).
* An objective's final score is the weighted mean of its key results' final scores (weights <= 0 ignored;
  no key result: no score).
* The grade compares the score with the workspace's scale: an aspirational objective succeeds from
  ``aspirational`` (default 0.7), a committed one only at ``committed`` (default 1.0); below that it is
  "progress" from half of that threshold, else "missed".
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class Grade(StrEnum):
    SUCCESS = "success"
    PROGRESS = "progress"
    MISSED = "missed"


def final_score(progress: float) -> float:
    return min(1.0, max(0.0, progress))


def objective_score(key_results: Sequence[tuple[float, float]]) -> float | None:
    """From (final score, weight) pairs."""
    weighted = [(s, w) for s, w in key_results if w > 0]
    total = sum(w for _s, w in weighted)
    if not total:
        return None
    return sum(s * w for s, w in weighted) / total


def grade(score: float, committed: bool, *, aspirational: float = 0.7, committed_at: float = 1.0) -> Grade:
    threshold = committed_at if committed else aspirational
    if score >= threshold - 1e-9:
        return Grade.SUCCESS
    if score >= threshold / 2:
        return Grade.PROGRESS
    return Grade.MISSED
