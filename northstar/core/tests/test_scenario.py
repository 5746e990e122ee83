from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from northstar.core.scenario import (
    Add,
    Change,
    Drop,
    Move,
    PlanRow,
    Reestimate,
    SetCapacity,
    descendants,
    differences,
    forecast_ends,
    overlay,
)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def row(
    pk: int,
    *,
    parent: int | None = None,
    kind: str = "task",
    status: str = "planned",
    start: date | None = None,
    end: date | None = None,
    estimate: float | None = None,
    team: int = 1,
) -> PlanRow:
    return PlanRow(pk, parent, team, kind, status, start, end, estimate)


# An initiative with a task, a done task and a milestone; and another initiative.
PLAN = {
    1: row(1, kind="initiative", start=d(10, 1), end=d(12, 31)),
    2: row(2, parent=1, start=d(10, 1), end=d(10, 31), estimate=10),
    3: row(3, parent=1, status="done", start=d(10, 1), end=d(10, 15), estimate=5),
    4: row(4, parent=1, kind="milestone", start=d(12, 15), end=d(12, 15)),
    5: row(5, parent=2, start=d(10, 20), end=d(10, 25), estimate=2),
    9: row(9, kind="initiative", team=2, start=d(11, 1), end=d(11, 30), estimate=20),
}


def test_drop_cancels_the_item_and_its_open_parts_only() -> None:
    result = overlay(PLAN, {}, [Drop(1)])
    assert {pk for pk, r in result.rows.items() if r.status == "cancelled"} == {1, 2, 4, 5}
    assert result.rows[3].status == "done"  # finished work stays finished
    assert result.rows[9] == PLAN[9]
    assert PLAN[1].status == "planned"  # the plan itself is untouched


def test_move_shifts_open_parts_by_the_start_difference() -> None:
    result = overlay(PLAN, {}, [Move(1, d(11, 1), d(1, 31, 2027))])
    assert (result.rows[1].start, result.rows[1].end) == (d(11, 1), d(1, 31, 2027))
    assert (result.rows[2].start, result.rows[2].end) == (d(11, 1), d(12, 1))  # +31 days
    assert (result.rows[5].start, result.rows[5].end) == (d(11, 20), d(11, 25))  # a part of a part too
    assert result.rows[4].start == result.rows[4].end == d(1, 15, 2027)
    assert result.rows[3] == PLAN[3]  # done work keeps its dates


def test_a_moved_milestone_keeps_one_date() -> None:
    result = overlay(PLAN, {}, [Move(4, d(12, 20), d(12, 31))])
    assert result.rows[4].start == result.rows[4].end == d(12, 20)


def test_reestimate_add_and_capacity() -> None:
    new = row(-7, parent=1, start=d(11, 1), end=d(11, 10), estimate=4)
    result = overlay(
        PLAN, {(1, 5): 90.0}, [Reestimate(2, 12), Add(new), SetCapacity(1, 5, 40), SetCapacity(2, 5, 10)]
    )
    assert result.rows[2].estimate_days == 12
    assert result.rows[-7] == new and result.added == (-7,)
    assert result.capacity == {(1, 5): 40, (2, 5): 10}
    # an added part moves with its parent
    moved = overlay(PLAN, {}, [Add(new), Move(1, d(10, 11), d(1, 10, 2027))])
    assert moved.rows[-7].start == d(11, 11)


def test_changes_to_missing_items_are_reported_not_applied() -> None:
    result = overlay(PLAN, {}, [Drop(404), Move(405, d(1, 1), d(1, 2)), Reestimate(2, 3)])
    assert [getattr(c, "item", None) for c in result.missing] == [404, 405]
    assert differences(PLAN, result.rows) == {2: {"estimate_days": 3}}


def test_an_added_id_may_not_clash() -> None:
    with pytest.raises(ValueError):
        overlay(PLAN, {}, [Add(row(2))])


def test_forecast_ends_take_the_latest_open_part() -> None:
    finish = {1: d(12, 31), 2: d(10, 31), 3: d(10, 15), 4: d(1, 20, 2027), 5: d(10, 25), 9: d(11, 30)}
    assert forecast_ends(PLAN, finish) == {1: d(1, 20, 2027), 9: d(11, 30)}
    dropped = overlay(PLAN, {}, [Drop(9)]).rows
    assert 9 not in forecast_ends(dropped, finish)


def test_descendants_survive_a_parent_loop() -> None:
    assert sorted(descendants(1, {1: [2], 2: [3], 3: [1]})) == [2, 3]


# --- properties ---------------------------------------------------------------------------------------------

day = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


@st.composite
def plans(draw: st.DrawFn) -> dict[int, PlanRow]:
    n = draw(st.integers(1, 12))
    rows: dict[int, PlanRow] = {}
    for pk in range(1, n + 1):
        parent = draw(st.one_of(st.none(), st.integers(1, pk - 1))) if pk > 1 else None
        start = draw(st.one_of(st.none(), day))
        end = None if start is None else start + timedelta(days=draw(st.integers(0, 90)))
        status = draw(st.sampled_from(["planned", "in_progress", "done", "cancelled"]))
        estimate = draw(st.one_of(st.none(), st.floats(0, 100)))
        rows[pk] = row(pk, parent=parent, status=status, start=start, end=end, estimate=estimate)
    return rows


@st.composite
def changes(draw: st.DrawFn, ids: list[int]) -> Change:
    kind = draw(st.sampled_from(["drop", "move", "estimate", "capacity"]))
    pk = draw(st.sampled_from(ids))
    if kind == "drop":
        return Drop(pk)
    if kind == "move":
        start = draw(day)
        return Move(pk, start, start + timedelta(days=draw(st.integers(0, 60))))
    if kind == "estimate":
        return Reestimate(pk, draw(st.floats(0, 100)))
    return SetCapacity(draw(st.integers(1, 3)), 1, draw(st.floats(0, 500)))


@given(st.data())
def test_overlay_never_touches_the_plan_and_only_changes_what_it_names(data: st.DataObject) -> None:
    plan = data.draw(plans())
    before = dict(plan)
    todo = data.draw(st.lists(changes(list(plan)), max_size=6))
    result = overlay(plan, {}, todo)
    assert plan == before
    assert set(result.rows) == set(plan)
    touched: set[int] = set()
    children: dict[int, list[int]] = {}
    for r in plan.values():
        if r.parent is not None:
            children.setdefault(r.parent, []).append(r.id)
    for c in todo:
        if isinstance(c, (Drop, Move)):
            touched |= {c.item, *descendants(c.item, children)}
        elif isinstance(c, Reestimate):
            touched.add(c.item)
    assert set(differences(plan, result.rows)) <= touched
    for pk, fields in differences(plan, result.rows).items():
        if plan[pk].status in {"done", "cancelled"} and not any(getattr(c, "item", None) == pk for c in todo):
            assert fields == {}, "finished parts never change along with their parent"


@given(st.data())
def test_a_move_keeps_the_shape_of_the_open_parts(data: st.DataObject) -> None:
    plan = data.draw(plans())
    pk = data.draw(st.sampled_from(list(plan)))
    old_start = plan[pk].start
    if old_start is None:
        return
    start = data.draw(day)
    result = overlay(plan, {}, [Move(pk, start, start + timedelta(days=10))]).rows
    shift = start - old_start
    children: dict[int, list[int]] = {}
    for r in plan.values():
        if r.parent is not None:
            children.setdefault(r.parent, []).append(r.id)
    for part in descendants(pk, children):
        old, new = plan[part], result[part]
        if old.status in {"done", "cancelled"} or old.start is None:
            assert new == old
        else:
            assert new.start is not None and new.end is not None and old.end is not None
            assert new.start - old.start == shift and new.end - old.end == shift


@given(st.data())
def test_the_last_change_to_an_estimate_wins(data: st.DataObject) -> None:
    plan = data.draw(plans())
    pk = data.draw(st.sampled_from(list(plan)))
    values = data.draw(st.lists(st.floats(0, 100), min_size=1, max_size=4))
    result = overlay(plan, {}, [Reestimate(pk, v) for v in values])
    assert result.rows[pk].estimate_days == values[-1]
