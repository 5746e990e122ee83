"""Progress of a single key result, computed from its definition and latest check-in."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum


class KRKind(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    RANGE = "range"
    BOOLEAN = "boolean"
    MILESTONE = "milestone"


@dataclass(frozen=True)
class Measure:
    kind: KRKind
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None
    current: float | None = None
    milestones_reached: int = 0
    milestones_total: int = 0


@dataclass(frozen=True)
class Progress:
    value: float
    raw: float
    has_data: bool
    note: str | None


@dataclass(frozen=True)
class DefinitionError:
    field: str
    code: str


NO_CHECK_IN = "no_check_in"
NO_MILESTONES = "no_milestones"
INVALID_DEFINITION = "invalid_definition"


def check_definition(
    kind: KRKind, start: float | None, target: float | None, low: float | None, high: float | None
) -> list[DefinitionError]:
    errors: list[DefinitionError] = []
    if kind in (KRKind.INCREASE, KRKind.DECREASE):
        if start is None:
            errors.append(DefinitionError("start", "required"))
        if target is None:
            errors.append(DefinitionError("target", "required"))
        if start is not None and target is not None:
            if start == target:
                errors.append(DefinitionError("target", "start_equals_target"))
            elif kind is KRKind.INCREASE and target < start:
                errors.append(DefinitionError("target", "increase_target_below_start"))
            elif kind is KRKind.DECREASE and target > start:
                errors.append(DefinitionError("target", "decrease_target_above_start"))
    elif kind is KRKind.RANGE:
        if low is None:
            errors.append(DefinitionError("low", "required"))
        if high is None:
            errors.append(DefinitionError("high", "required"))
        if low is not None and high is not None and low > high:
            errors.append(DefinitionError("low", "range_low_above_high"))
    return errors


def _no_data(note: str) -> Progress:
    return Progress(value=0.0, raw=0.0, has_data=False, note=note)


def _clamp01(x: float) -> float:
    return min(1.0, max(0.0, x))


def _is_valid(m: Measure) -> bool:
    if check_definition(m.kind, m.start, m.target, m.low, m.high):
        return False
    if m.kind in (KRKind.INCREASE, KRKind.DECREASE):
        bounds = (m.start, m.target)
    elif m.kind is KRKind.RANGE:
        bounds = (m.low, m.high)
    else:
        return True
    # NaN/inf slip through check_definition's comparisons but would still poison the arithmetic.
    return all(b is not None and math.isfinite(b) for b in bounds)


def _range_value(low: float, high: float, v: float) -> float:
    if low <= v <= high:
        return 1.0
    width = high - low
    falloff = width if width > 0 else max(abs(low) * 0.1, 1.0)
    distance = low - v if v < low else v - high
    return _clamp01(1.0 - distance / falloff)


def progress(m: Measure) -> Progress:
    """Progress of one key result; an invalid definition is reported before a missing check-in."""
    if m.kind is KRKind.MILESTONE:
        if m.milestones_total <= 0:
            return _no_data(NO_MILESTONES)
        raw = m.milestones_reached / m.milestones_total
        return Progress(value=_clamp01(raw), raw=raw, has_data=True, note=None)

    if not _is_valid(m):
        return _no_data(INVALID_DEFINITION)
    v = m.current
    if v is None:
        return _no_data(NO_CHECK_IN)

    if m.kind is KRKind.BOOLEAN:
        done = 1.0 if v >= 0.5 else 0.0
        return Progress(value=done, raw=done, has_data=True, note=None)
    if m.kind is KRKind.RANGE:
        assert m.low is not None and m.high is not None
        value = _range_value(m.low, m.high, v)
        return Progress(value=value, raw=value, has_data=True, note=None)

    assert m.start is not None and m.target is not None
    if m.kind is KRKind.INCREASE:
        raw = (v - m.start) / (m.target - m.start)
    else:
        raw = (m.start - v) / (m.start - m.target)
    return Progress(value=_clamp01(raw), raw=raw, has_data=True, note=None)
