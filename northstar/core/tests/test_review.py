from collections.abc import Iterable
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from northstar.core.review import KeyResultState, MilestoneState, movement, sections

SINCE, UNTIL, END = date(2026, 10, 1), date(2026, 11, 25), date(2026, 12, 31)


def state(
    id: int,
    kind: str = "increase",
    history: Iterable[tuple[date, float]] = (),
    progress: float = 0.5,
    status: str = "on_track",
    start: float = 78.0,
    target: float = 90.0,
) -> KeyResultState:
    history = tuple(history)
    return KeyResultState(id, kind, start, target, history, progress, bool(history), status)


def test_the_support_review_by_hand() -> None:
    csat = state(1, history=[(date(2026, 10, 1), 78.0), (date(2026, 11, 2), 85.0)], progress=7 / 12)
    resolved = state(2, kind="range", history=[(date(2026, 11, 2), 91.0)], progress=0.9, status="at_risk")
    chat = state(
        3,
        kind="decrease",
        history=[(date(2026, 10, 1), 6.0)],
        start=6,
        target=2,
        progress=0,
        status="off_track",
    )
    s = sections([csat, resolved, chat], [MilestoneState(9, date(2026, 11, 1), "done"), MilestoneState(8, date(2026, 11, 20), "planned")],
                 since=SINCE, until=UNTIL, period_end=END)  # fmt: skip
    assert s.movers == ((1, 7 / 12),)
    assert s.ahead == (1,) and s.missed == (2,) and s.behind == (3,)
    assert s.milestones_reached == (9,) and s.milestones_missed == (8,)


def test_at_the_end_of_the_period_everything_short_of_its_target_is_missed() -> None:
    short = state(1, history=[(SINCE, 80.0)], progress=0.2)
    done = state(2, history=[(SINCE, 90.0)], progress=1.0, status="done")
    s = sections([short, done], [], since=SINCE, until=END, period_end=END)
    assert s.missed == (1,) and s.achieved == (2,) and s.ahead == ()


@given(st.lists(st.floats(-100, 100), min_size=1, max_size=6), st.floats(-50, 50), st.floats(0.5, 40))
def test_movement_does_not_depend_on_direction(values: list[float], start: float, span: float) -> None:
    days = [date(2026, 10, 1 + 3 * i) for i in range(len(values))]
    up = state(
        1,
        history=list(zip(days, [start + span * v for v in values], strict=True)),
        start=start,
        target=start + span,
    )
    down = state(
        1,
        history=list(zip(days, [-start - span * v for v in values], strict=True)),
        start=-start,
        target=-start - span,
    )
    a, b = movement(up, SINCE, UNTIL), movement(down, SINCE, UNTIL)
    assert a is not None and b is not None and abs(a - b) < 1e-9
