"""Pace and status calls for key results and objectives.

Pace is a straight line from 0 at the start of the period to 1 at its end. The status call compares
progress (0..1) with that pace, using ``gap = expected - progress``:

* no data                         -> NO_DATA   ("no_data")
* progress >= 1                   -> DONE      ("complete")
* with a period (expected known):
    - gap <= 0                    -> ON_TRACK  ("ahead_of_pace")
    - 0 < gap <= 0.10             -> ON_TRACK  ("near_pace")
    - 0.10 < gap <= 0.25          -> AT_RISK   ("behind_pace")
    - gap > 0.25                  -> OFF_TRACK ("far_behind_pace")
    - and an ON_TRACK call with confidence < 0.4 is downgraded to AT_RISK ("low_confidence")
* without a period (expected None), confidence decides:
    - confidence >= 0.7           -> ON_TRACK  ("no_period_confident")
    - confidence None or >= 0.4   -> AT_RISK   ("no_period_unsure")
    - confidence < 0.4            -> OFF_TRACK ("no_period_unsure")

Key results that hold a value inside a band (range kind) have no pace: the band must hold all the time, so
``status_for_band`` calls them on track inside the band (confidence permitting), at risk when progress is
0.75 or more (just outside) and off track below that.

Confidence is on a 0..1 scale: below 0.4 is "low", below 0.7 "medium", otherwise "high".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

NEAR_PACE_GAP = 0.10
BEHIND_PACE_GAP = 0.25
LOW_CONFIDENCE = 0.4
HIGH_CONFIDENCE = 0.7

# Gaps are differences of fractions such as 0.4 - 0.3 == 0.10000000000000003; without a little slack
# someone exactly ten points behind pace would flip to AT_RISK on float noise.
_EPS = 1e-9


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    DONE = "done"


@dataclass(frozen=True)
class StatusCall:
    status: Status
    expected: float | None
    gap: float | None
    reason: str


def expected_progress(start: date, end: date, today: date) -> float:
    if end <= start:
        return 1.0 if today >= end else 0.0
    share = (today - start).days / (end - start).days
    return min(1.0, max(0.0, share))


def status_for(
    progress: float, has_data: bool, expected: float | None, confidence: float | None
) -> StatusCall:
    if not has_data:
        return StatusCall(Status.NO_DATA, expected, None, "no_data")
    gap = None if expected is None else expected - progress
    if progress >= 1:
        return StatusCall(Status.DONE, expected, gap, "complete")

    if gap is None:
        if confidence is not None and confidence >= HIGH_CONFIDENCE:
            return StatusCall(Status.ON_TRACK, None, None, "no_period_confident")
        if confidence is None or confidence >= LOW_CONFIDENCE:
            return StatusCall(Status.AT_RISK, None, None, "no_period_unsure")
        return StatusCall(Status.OFF_TRACK, None, None, "no_period_unsure")

    if gap <= NEAR_PACE_GAP + _EPS:
        if confidence is not None and confidence < LOW_CONFIDENCE:
            return StatusCall(Status.AT_RISK, expected, gap, "low_confidence")
        return StatusCall(Status.ON_TRACK, expected, gap, "ahead_of_pace" if gap <= 0 else "near_pace")
    if gap <= BEHIND_PACE_GAP + _EPS:
        return StatusCall(Status.AT_RISK, expected, gap, "behind_pace")
    return StatusCall(Status.OFF_TRACK, expected, gap, "far_behind_pace")


BAND_AT_RISK = 0.75


def status_for_band(progress: float, has_data: bool, confidence: float | None) -> StatusCall:
    if not has_data:
        return StatusCall(Status.NO_DATA, 1.0, None, "no_data")
    gap = 1.0 - progress
    if progress >= 1 - _EPS:
        if confidence is not None and confidence < LOW_CONFIDENCE:
            return StatusCall(Status.AT_RISK, 1.0, gap, "low_confidence")
        return StatusCall(Status.ON_TRACK, 1.0, gap, "inside_band")
    if progress >= BAND_AT_RISK - _EPS:
        return StatusCall(Status.AT_RISK, 1.0, gap, "just_outside_band")
    return StatusCall(Status.OFF_TRACK, 1.0, gap, "far_outside_band")


def is_stale(last_check_in: date | None, today: date, cadence_days: int) -> bool:
    if last_check_in is None:
        return True
    return (today - last_check_in).days > cadence_days


def confidence_level(confidence: float | None) -> str | None:
    if confidence is None:
        return None
    if confidence < LOW_CONFIDENCE:
        return "low"
    if confidence < HIGH_CONFIDENCE:
        return "medium"
    return "high"


def confidence_score(confidence: float | None) -> int | None:
    if confidence is None:
        return None
    return max(1, min(10, round(confidence * 10)))
