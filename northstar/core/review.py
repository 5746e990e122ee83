"""What a review says about a stretch of a period: wins first, then misses and slips.

* achieved: the key result has reached its target (a range key result: it is inside its range)
* ahead: not achieved yet, and its status is on track
* movers: the key results that moved furthest towards their targets over the stretch (progress units gained,
  0 = start value, 1 = target), largest first; only real gains
* missed: a range key result outside its range (it has to hold all the time), or, once the period is over,
  any key result short of its target
* behind: at risk or off track and not missed
* milestones reached in the stretch (done, due in it) and missed (due in it, not done)

"Today" is the review's date, passed in; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class KeyResultState:
    id: int
    kind: str  # increase | decrease | range | boolean | milestone
    start: float | None
    target: float | None
    history: tuple[tuple[date, float], ...]
    progress: float  # now, 0..1 (more when over-achieved)
    has_data: bool
    status: str  # on_track | at_risk | off_track | done | no_data


@dataclass(frozen=True)
class MilestoneState:
    id: int
    end: date | None
    status: str


@dataclass(frozen=True)
class Sections:
    achieved: tuple[int, ...]
    ahead: tuple[int, ...]
    movers: tuple[tuple[int, float], ...]
    missed: tuple[int, ...]
    behind: tuple[int, ...]
    milestones_reached: tuple[int, ...]
    milestones_missed: tuple[int, ...]


def _value_on(history: Sequence[tuple[date, float]], day: date) -> float | None:
    before = [v for d, v in history if d <= day]
    return before[-1] if before else None


def movement(kr: KeyResultState, since: date, until: date) -> float | None:
    """Progress units gained from ``since`` to ``until`` (from the first check-in when there was none then)."""
    if kr.start is None or kr.target is None or kr.target == kr.start or not kr.history:
        return None
    then = _value_on(kr.history, since)
    if then is None:
        inside = [v for d, v in kr.history if since < d <= until]
        then = inside[0] if inside else None
    now = _value_on(kr.history, until)
    if then is None or now is None:
        return None
    return (now - then) / (kr.target - kr.start)


def sections(
    krs: Sequence[KeyResultState],
    milestones: Sequence[MilestoneState],
    *,
    since: date,
    until: date,
    period_end: date,
    top_movers: int = 5,
) -> Sections:
    over = until >= period_end
    achieved = tuple(k.id for k in krs if k.has_data and k.progress >= 1.0)
    missed = tuple(
        k.id
        for k in krs
        if k.id not in achieved
        and k.has_data
        and ((k.kind == "range" and k.status in ("at_risk", "off_track")) or over)
    )
    ahead = tuple(k.id for k in krs if k.id not in achieved and k.id not in missed and k.status == "on_track")
    behind = tuple(
        k.id
        for k in krs
        if k.id not in achieved and k.id not in missed and k.status in ("at_risk", "off_track")
    )
    gains = [
        (k.id, m) for k in krs if k.kind != "range" and (m := movement(k, since, until)) is not None and m > 0
    ]
    gains.sort(key=lambda pair: (-pair[1], pair[0]))
    window = [
        m for m in milestones if m.end is not None and since <= m.end <= until and m.status != "cancelled"
    ]
    return Sections(
        achieved=achieved,
        ahead=ahead,
        movers=tuple(gains[:top_movers]),
        missed=missed,
        behind=behind,
        milestones_reached=tuple(m.id for m in window if m.status == "done"),
        milestones_missed=tuple(m.id for m in window if m.status != "done"),
    )
