from collections.abc import Iterable
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from northstar.core.bench_schedule import run
from northstar.core.schedule import (
    CycleError,
    Dep,
    DepKind,
    Item,
    PeriodConflict,
    Shift,
    Violation,
    critical_path_to,
    earliest_allowed_start,
    find_dependency_cycle,
    period_conflicts,
    propagate_delay,
    schedule,
    topological_order,
)

FS, SS, FF = DepKind.FS, DepKind.SS, DepKind.FF


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def task(id: int, start: date, end: date) -> Item:
    return Item(id, start, end)


def milestone(id: int, day: date) -> Item:
    return Item(id, day, day, milestone=True)


# --- the offer roadmap ------------------------------------------------------------------------------

MIGRATION, CUTOVER, DESIGN, CHECKOUT, LAUNCH = 1, 2, 3, 4, 5
ROADMAP = [
    task(MIGRATION, d(8, 1), d(11, 20)),  # 111 days long: 30 left in Aug + 30 + 31 + 20
    milestone(CUTOVER, d(12, 10)),
    task(DESIGN, d(9, 15), d(10, 10)),  # 25 days long
    task(CHECKOUT, d(11, 23), d(12, 18)),  # 25 days long
    milestone(LAUNCH, d(1, 15, 2027)),
]
ROADMAP_DEPS = [
    Dep(MIGRATION, CUTOVER),
    Dep(MIGRATION, CHECKOUT),
    Dep(DESIGN, CHECKOUT),
    Dep(CHECKOUT, LAUNCH),
]


def test_roadmap_schedule_by_hand() -> None:
    s = schedule(ROADMAP, ROADMAP_DEPS)
    assert s.violations == ()
    # Checkout may start on Nov 21 (the day after migration) but is planned for Nov 23; the launch may be on
    # Dec 19 but is planned for Jan 15. Nothing pushes anything, so the earliest dates are the plan.
    assert s.earliest_start == {
        MIGRATION: d(8, 1),
        CUTOVER: d(12, 10),
        DESIGN: d(9, 15),
        CHECKOUT: d(11, 23),
        LAUNCH: d(1, 15, 2027),
    }
    assert s.earliest_finish[CHECKOUT] == d(12, 18)
    # Backwards from the project end, Jan 15: checkout must finish the day before the launch, Jan 14, and so
    # start 25 days earlier, Dec 20; design and migration must finish by Dec 19. Migration must also finish
    # the day before the cut-over may be as late as Jan 15, which binds less.
    assert s.latest_finish == {
        MIGRATION: d(12, 19),
        CUTOVER: d(1, 15, 2027),
        DESIGN: d(12, 19),
        CHECKOUT: d(1, 14, 2027),
        LAUNCH: d(1, 15, 2027),
    }
    assert s.latest_start == {
        MIGRATION: d(8, 30),  # Dec 19 is 29 days after Nov 20
        CUTOVER: d(1, 15, 2027),
        DESIGN: d(11, 24),
        CHECKOUT: d(12, 20),
        LAUNCH: d(1, 15, 2027),
    }
    # Dec 10 -> Jan 15 is 21 + 15 days; Sep 15 -> Nov 24 is 30 + 31 + 9 days.
    assert s.slack_days == {MIGRATION: 29, CUTOVER: 36, DESIGN: 70, CHECKOUT: 27, LAUNCH: 0}
    assert s.critical == {LAUNCH}
    assert s.order == (1, 2, 3, 4, 5)


MOVED_MIGRATION = (d(8, 15), d(12, 4))  # two weeks later


def test_moving_the_migration_makes_checkout_late() -> None:
    shifted = [task(MIGRATION, *MOVED_MIGRATION), *ROADMAP[1:]]
    s = schedule(shifted, ROADMAP_DEPS)
    # Checkout may start Dec 5 at the earliest but is planned for Nov 23; the cut-over on Dec 10 still fits.
    assert s.violations == (Violation(Dep(MIGRATION, CHECKOUT), 12),)
    assert s.earliest_start[CHECKOUT] == d(12, 5)
    assert s.earliest_finish[CHECKOUT] == d(12, 30)
    assert s.earliest_start[LAUNCH] == d(1, 15, 2027)


def test_propagating_the_migration_delay() -> None:
    shifts = propagate_delay(ROADMAP, ROADMAP_DEPS, {MIGRATION: MOVED_MIGRATION})
    # Checkout keeps its 25 days: Dec 5 -> Dec 30. The launch (Jan 15) still comes after Dec 30.
    assert shifts == [Shift(CHECKOUT, d(12, 5), d(12, 30), 12)]


def test_checkout_is_on_the_critical_path_of_the_launch() -> None:
    # Migration lets checkout start Nov 21, design only Oct 11, so migration is the one that binds.
    assert critical_path_to(LAUNCH, ROADMAP, ROADMAP_DEPS) == [MIGRATION, CHECKOUT, LAUNCH]
    assert critical_path_to(CUTOVER, ROADMAP, ROADMAP_DEPS) == [MIGRATION, CUTOVER]
    assert critical_path_to(DESIGN, ROADMAP, ROADMAP_DEPS) == [DESIGN]


def test_a_launch_after_the_period_is_a_conflict() -> None:
    items = [task(1, d(11, 1), d(1, 20, 2027)), milestone(2, d(12, 31)), Item(3, None, None)]
    serves = [(1, 10, d(12, 31)), (2, 10, d(12, 31)), (3, 10, d(12, 31)), (1, 11, d(3, 31, 2027))]
    assert period_conflicts(items, serves) == [PeriodConflict(1, 10, d(1, 20, 2027), d(12, 31), 20)]


def test_period_conflicts_keep_the_order_of_serves_and_use_the_milestone_date() -> None:
    items = [task(1, d(1, 1), d(4, 2)), milestone(2, d(4, 5)), Item(3, None, d(4, 1)), Item(4, d(3, 1), None)]
    serves = [(2, 20, d(3, 31)), (1, 21, d(3, 31)), (9, 21, d(3, 31)), (3, 21, d(3, 31)), (4, 21, d(3, 31))]
    assert period_conflicts(items, serves) == [
        PeriodConflict(2, 20, d(4, 5), d(3, 31), 5),
        PeriodConflict(1, 21, d(4, 2), d(3, 31), 2),
        PeriodConflict(3, 21, d(4, 1), d(3, 31), 1),  # a task with only an end date still has an end
    ]


# --- earliest_allowed_start -------------------------------------------------------------------------

PRED = task(1, d(3, 2), d(3, 6))  # Monday to Friday
GATE = milestone(2, d(3, 10))
ITEM = task(3, d(3, 1), d(3, 4))  # duration 3


@pytest.mark.parametrize(
    ("pred", "kind", "lag", "allowed"),
    [
        (PRED, FS, 0, d(3, 7)),  # the day after Friday
        (PRED, FS, 2, d(3, 9)),
        (PRED, FS, -3, d(3, 4)),
        (PRED, SS, 0, d(3, 2)),
        (PRED, SS, 1, d(3, 3)),
        (PRED, FF, 0, d(3, 3)),  # end >= Mar 6, minus 3 days of duration
        (PRED, FF, 2, d(3, 5)),
        (GATE, FS, 0, d(3, 10)),  # a milestone finishes on its date
        (GATE, FS, 1, d(3, 11)),
        (GATE, SS, -2, d(3, 8)),
        (GATE, FF, 0, d(3, 7)),
    ],
)
def test_earliest_allowed_start(pred: Item, kind: DepKind, lag: int, allowed: date) -> None:
    assert earliest_allowed_start(ITEM, [(pred, Dep(pred.id, ITEM.id, kind, lag))]) == allowed


def test_earliest_allowed_start_takes_the_tightest_predecessor() -> None:
    preds = [(PRED, Dep(1, 3)), (GATE, Dep(2, 3, SS, -2)), (GATE, Dep(2, 3, FF, 0))]
    assert earliest_allowed_start(ITEM, preds) == d(3, 8)
    assert earliest_allowed_start(ITEM, []) is None
    assert earliest_allowed_start(ITEM, [(Item(1, None, None), Dep(1, 3))]) is None


def test_earliest_allowed_start_for_a_milestone_successor() -> None:
    gate = milestone(3, d(5, 1))
    assert earliest_allowed_start(gate, [(PRED, Dep(1, 3, FF, 1))]) == d(3, 7)  # no duration to subtract
    assert earliest_allowed_start(gate, [(PRED, Dep(1, 3))]) == d(3, 7)


def test_earliest_allowed_start_for_an_unscheduled_item() -> None:
    loose_task, loose_milestone = Item(3, None, None), Item(3, None, None, milestone=True)
    assert earliest_allowed_start(loose_task, [(PRED, Dep(1, 3, SS, 4))]) == d(3, 6)
    # a task without dates has no duration to finish with, so FF says nothing about its start
    assert earliest_allowed_start(loose_task, [(PRED, Dep(1, 3, FF))]) is None
    assert earliest_allowed_start(loose_milestone, [(PRED, Dep(1, 3, FF))]) == d(3, 6)


def test_earliest_allowed_start_rejects_a_dependency_between_other_items() -> None:
    with pytest.raises(ValueError, match="does not join"):
        earliest_allowed_start(ITEM, [(PRED, Dep(2, 3))])


# --- schedule: more hand-worked cases ---------------------------------------------------------------


def test_schedule_pushes_items_and_reports_the_chain() -> None:
    a = task(1, d(1, 1), d(1, 10))  # duration 9
    b = task(2, d(1, 5), d(1, 20))  # duration 15, planned to start before a finishes
    c = milestone(3, d(1, 20))
    x = task(4, d(1, 1), d(1, 5))  # duration 4
    deps = [Dep(1, 2), Dep(2, 3), Dep(4, 3, FS, 5)]
    s = schedule([c, x, b, a], deps)
    # b may start Jan 11 at the earliest, finishing Jan 26; so c may be on Jan 27. x only asks c for Jan 11.
    assert s.earliest_start == {1: d(1, 1), 2: d(1, 11), 3: d(1, 27), 4: d(1, 1)}
    assert s.earliest_finish == {1: d(1, 10), 2: d(1, 26), 3: d(1, 27), 4: d(1, 5)}
    # x must finish 5 days plus one before Jan 27: Jan 21, so start Jan 17, 16 days after Jan 1.
    assert s.latest_finish == {1: d(1, 10), 2: d(1, 26), 3: d(1, 27), 4: d(1, 21)}
    assert s.slack_days == {1: 0, 2: 0, 3: 0, 4: 16}
    assert s.critical == {1, 2, 3}
    # on the planned dates b starts 6 days too early and c is one day too early
    assert s.violations == (Violation(Dep(1, 2), 6), Violation(Dep(2, 3), 1))
    assert critical_path_to(3, [a, b, c, x], deps) == [1, 2, 3]
    assert critical_path_to(4, [a, b, c, x], deps) == [4]


def test_schedule_with_start_and_finish_links() -> None:
    p = task(1, d(2, 1), d(2, 10))  # duration 9
    q = task(2, d(2, 1), d(2, 5))  # duration 4
    r = task(3, d(2, 3), d(2, 4))  # duration 1
    deps = [Dep(1, 2, FF, 2), Dep(1, 3, SS, 3)]
    s = schedule([p, q, r], deps)
    # q must end by Feb 12 at the earliest, so starts Feb 8; r starts 3 days after p, Feb 4.
    assert s.earliest_start == {1: d(2, 1), 2: d(2, 8), 3: d(2, 4)}
    assert s.earliest_finish == {1: d(2, 10), 2: d(2, 12), 3: d(2, 5)}
    # p must end two days before q's latest end (Feb 12); r may finish as late as the project end.
    assert s.latest_start == {1: d(2, 1), 2: d(2, 8), 3: d(2, 11)}
    assert s.slack_days == {1: 0, 2: 0, 3: 7}
    assert s.critical == {1, 2}
    assert s.violations == (Violation(Dep(1, 2, FF, 2), 7), Violation(Dep(1, 3, SS, 3), 1))


def test_negative_lag_overlaps_but_never_pulls_an_item_earlier() -> None:
    p = task(1, d(3, 1), d(3, 10))
    q = task(2, d(3, 5), d(3, 8))
    s = schedule([p, q], [Dep(1, 2, FS, -2)])  # q may start Mar 9
    assert s.earliest_start[2] == d(3, 9)
    assert s.violations == (Violation(Dep(1, 2, FS, -2), 4),)
    s = schedule([p, q], [Dep(1, 2, FS, -20)])
    assert s.earliest_start[2] == d(3, 5)
    assert s.violations == ()


def test_unscheduled_items_are_ordered_but_cut_out_of_the_dates() -> None:
    a = task(1, d(1, 1), d(1, 31))
    hole = Item(2, None, None)
    b = task(3, d(1, 10), d(1, 12))
    deps = [Dep(1, 2), Dep(2, 3), Dep(1, 99)]  # 99 is not among the items
    s = schedule([b, hole, a], deps)
    assert s.order == (1, 2, 3)
    assert set(s.earliest_start) == {1, 3}
    assert s.earliest_start[3] == d(1, 10)  # a does not reach b through the unscheduled item
    assert s.violations == ()
    assert critical_path_to(3, [a, hole, b], deps) == [3]
    assert critical_path_to(2, [a, hole, b], deps) == [2]
    assert propagate_delay([a, hole, b], deps, {1: (d(2, 1), d(3, 2))}) == []


def test_schedule_of_nothing() -> None:
    s = schedule([], [])
    assert s.order == ()
    assert s.critical == frozenset()
    assert schedule([Item(1, None, None)], []).earliest_start == {}


def test_duplicate_items_are_rejected() -> None:
    with pytest.raises(ValueError, match="more than once"):
        schedule([task(1, d(1, 1), d(1, 2)), task(1, d(1, 1), d(1, 2))], [])


def test_unknown_items_are_rejected_where_named() -> None:
    with pytest.raises(ValueError, match="not among"):
        critical_path_to(9, ROADMAP, ROADMAP_DEPS)
    with pytest.raises(ValueError, match="not among"):
        propagate_delay(ROADMAP, ROADMAP_DEPS, {9: (d(1, 1), d(1, 2))})


# --- propagate_delay: more hand-worked cases --------------------------------------------------------

X = task(1, d(3, 1), d(3, 5))
Y = task(2, d(3, 6), d(3, 10))  # right after x
Z = milestone(3, d(3, 11))  # right after y
V = task(4, d(3, 1), d(3, 20))  # y already starts too early for v
CHAIN = [X, Y, Z, V]
CHAIN_DEPS = [Dep(1, 2), Dep(2, 3), Dep(4, 2)]


def test_a_delay_ripples_down_a_tight_chain() -> None:
    assert propagate_delay(CHAIN, CHAIN_DEPS, {1: (d(3, 3), d(3, 7))}) == [
        Shift(2, d(3, 8), d(3, 12), 2),
        Shift(3, d(3, 13), d(3, 13), 2),
    ]


def test_moving_earlier_or_within_slack_moves_nothing() -> None:
    assert propagate_delay(CHAIN, CHAIN_DEPS, {1: (d(2, 20), d(2, 24))}) == []
    assert propagate_delay(CHAIN, CHAIN_DEPS, {3: (d(3, 30), d(3, 30))}) == []
    assert propagate_delay(CHAIN, CHAIN_DEPS, {4: (d(2, 1), d(2, 10))}) == []


def test_a_moved_item_can_be_pushed_by_another_moved_item() -> None:
    # the user moves x two days and y one day; y must go one day further than asked
    moved = {1: (d(3, 3), d(3, 7)), 2: (d(3, 7), d(3, 11))}
    assert propagate_delay(CHAIN, CHAIN_DEPS, moved) == [
        Shift(2, d(3, 8), d(3, 12), 1),
        Shift(3, d(3, 13), d(3, 13), 2),
    ]


def test_moving_a_milestone_and_changing_a_duration() -> None:
    gate = milestone(1, d(4, 1))
    build = task(2, d(4, 1), d(4, 10))
    deps = [Dep(1, 2, SS, 0), Dep(2, 3, FF, 0)]
    review = task(3, d(4, 5), d(4, 12))
    # the gate moves to Apr 3: build (9 days) starts Apr 3, ends Apr 12, and review still ends Apr 12
    assert propagate_delay([gate, build, review], deps, {1: (d(4, 3), d(4, 3))}) == [
        Shift(2, d(4, 3), d(4, 12), 2)
    ]
    # build is stretched to Apr 15 instead: review must end Apr 15 too
    assert propagate_delay([gate, build, review], deps, {2: (d(4, 1), d(4, 15))}) == [
        Shift(3, d(4, 8), d(4, 15), 3)
    ]


# --- ordering and cycles ----------------------------------------------------------------------------


def test_topological_order_breaks_ties_by_id() -> None:
    assert topological_order([5, 3, 1, 4, 2], [Dep(5, 1), Dep(3, 1)]) == [2, 3, 4, 5, 1]
    assert topological_order([3, 1, 2], []) == [1, 2, 3]
    assert topological_order([1, 2, 2], [Dep(2, 1), Dep(2, 1, SS)]) == [2, 1]


def test_topological_order_ignores_links_to_other_items() -> None:
    assert topological_order([1, 2], [Dep(3, 1), Dep(2, 4), Dep(1, 2)]) == [1, 2]


@pytest.mark.parametrize(
    ("deps", "cycle"),
    [
        ([Dep(1, 2), Dep(2, 3), Dep(3, 1), Dep(3, 4)], [1, 2, 3, 1]),
        ([Dep(3, 1), Dep(1, 2), Dep(2, 3)], [1, 2, 3, 1]),
        ([Dep(4, 4)], [4, 4]),
        ([Dep(1, 2), Dep(2, 1), Dep(3, 4), Dep(4, 3)], [1, 2, 1]),
    ],
)
def test_cycles_are_reported(deps: list[Dep], cycle: list[int]) -> None:
    with pytest.raises(CycleError) as caught:
        topological_order([1, 2, 3, 4], deps)
    assert caught.value.cycle == cycle
    assert isinstance(caught.value, ValueError)
    assert " -> ".join(map(str, cycle)) in str(caught.value)


def test_schedule_refuses_a_cycle() -> None:
    with pytest.raises(CycleError):
        schedule(ROADMAP, [*ROADMAP_DEPS, Dep(LAUNCH, MIGRATION)])


def test_find_dependency_cycle() -> None:
    # B -> C -> A exists; A -> B closes A -> B -> C -> A
    assert find_dependency_cycle([Dep(2, 3), Dep(3, 1)], Dep(1, 2)) == [1, 2, 3, 1]
    assert find_dependency_cycle([Dep(2, 3, SS), Dep(3, 1, FF)], Dep(1, 2, SS, 4)) == [1, 2, 3, 1]
    assert find_dependency_cycle([Dep(1, 2)], Dep(1, 3)) is None
    assert find_dependency_cycle([Dep(1, 2)], Dep(1, 2, SS)) is None
    assert find_dependency_cycle([], Dep(5, 5)) == [5, 5]
    closing = Dep(LAUNCH, MIGRATION)
    assert find_dependency_cycle(ROADMAP_DEPS, closing) == [LAUNCH, MIGRATION, CHECKOUT, LAUNCH]


def test_hundred_thousand_item_chain() -> None:
    n = 100_000
    first = d(1, 1)
    items = [Item(i, first, first) for i in range(n)]  # one-day tasks
    deps = [Dep(i, i + 1) for i in range(n - 1)]
    assert topological_order(reversed(range(n)), deps) == list(range(n))
    s = schedule(items, deps)
    assert s.earliest_start[n - 1] == first + timedelta(days=n - 1)
    assert len(s.critical) == n
    assert critical_path_to(n - 1, items, deps) == list(range(n))
    with pytest.raises(CycleError) as caught:
        topological_order(range(n), [*deps, Dep(n - 1, 0)])
    assert caught.value.cycle == [*range(n), 0]


def test_benchmark_smoke() -> None:
    result = run(n_items=200, n_deps=400)
    assert (result["items"], result["deps"]) == (200, 400)
    assert result["baseline_s"] > 0 and result["schedule_s"] > 0
    assert result["ratio"] == pytest.approx(result["schedule_s"] / result["baseline_s"])


# --- properties on random plans ---------------------------------------------------------------------

FIRST = d(1, 1)


@st.composite
def plans(draw: st.DrawFn) -> tuple[list[Item], list[Dep]]:
    """Random items with ids in ascending order of position and dependencies only from lower to higher ids."""
    n = draw(st.integers(min_value=1, max_value=12))
    ids = sorted(draw(st.sets(st.integers(min_value=1, max_value=500), min_size=n, max_size=n)))
    items = []
    for i in ids:
        start = FIRST + timedelta(days=draw(st.integers(min_value=0, max_value=90)))
        shape = draw(st.sampled_from(["task", "task", "milestone", "unscheduled"]))
        if shape == "task":
            items.append(task(i, start, start + timedelta(days=draw(st.integers(min_value=0, max_value=30)))))
        elif shape == "milestone":
            items.append(milestone(i, start))
        else:
            items.append(Item(i, None, None, draw(st.booleans())))
    deps = [
        Dep(ids[a], ids[b], draw(st.sampled_from(DepKind)), draw(st.integers(min_value=-10, max_value=10)))
        for a in range(n)
        for b in range(a + 1, n)
        if draw(st.integers(min_value=0, max_value=3)) == 0
    ]
    return draw(st.permutations(items)), deps


def reaches(deps: Iterable[Dep], start: int, goal: int) -> bool:
    succs: dict[int, list[int]] = {}
    for dep in deps:
        succs.setdefault(dep.predecessor, []).append(dep.successor)
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for nxt in succs.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def scheduled(item: Item) -> bool:
    return item.start is not None and item.end is not None


def at(item: Item, start: date) -> Item:
    assert item.start is not None and item.end is not None
    return Item(item.id, start, start + (item.end - item.start), item.milestone)


def tight(dep: Dep, pred: Item, succ: Item) -> bool:
    return earliest_allowed_start(succ, [(pred, dep)]) == succ.start


@settings(max_examples=300)
@given(plan=plans())
def test_order_respects_every_edge(plan: tuple[list[Item], list[Dep]]) -> None:
    items, deps = plan
    order = topological_order([item.id for item in items], deps)
    assert sorted(order) == sorted(item.id for item in items)
    position = {i: k for k, i in enumerate(order)}
    assert all(position[dep.predecessor] < position[dep.successor] for dep in deps)
    assert topological_order(reversed([item.id for item in items]), reversed(deps)) == order


@settings(max_examples=300)
@given(plan=plans(), data=st.data())
def test_back_edges(plan: tuple[list[Item], list[Dep]], data: st.DataObject) -> None:
    items, deps = plan
    ids = sorted(item.id for item in items)
    low = data.draw(st.sampled_from(ids))
    high = data.draw(st.sampled_from([i for i in ids if i >= low]))
    if low != high:
        assert find_dependency_cycle(deps, Dep(low, high)) is None

    back = Dep(high, low)
    closes = low == high or reaches(deps, low, high)
    cycle = find_dependency_cycle(deps, back)
    edges = {(dep.predecessor, dep.successor) for dep in [*deps, back]}
    if not closes:
        assert cycle is None
        topological_order(ids, [*deps, back])
        return
    assert cycle is not None
    assert cycle[:2] == [high, low] and cycle[-1] == high
    assert all(pair in edges for pair in zip(cycle, cycle[1:], strict=False))
    with pytest.raises(CycleError) as caught:
        topological_order(ids, [*deps, back])
    found = caught.value.cycle
    assert found[0] == found[-1] and len(found) >= 2
    assert all(pair in edges for pair in zip(found, found[1:], strict=False))


@settings(max_examples=300)
@given(plan=plans())
def test_schedule_properties(plan: tuple[list[Item], list[Dep]]) -> None:
    items, deps = plan
    s = schedule(items, deps)
    by_id = {item.id: item for item in items}
    planned = {item.id: item for item in items if scheduled(item)}
    assert set(s.earliest_start) == set(s.latest_start) == set(s.slack_days) == set(planned)
    assert s.critical <= set(planned)
    if not planned:
        return
    project_end = max(s.earliest_finish.values())
    for i, item in planned.items():
        assert item.start is not None and item.end is not None
        duration = item.end - item.start
        assert s.earliest_start[i] >= item.start
        assert s.earliest_finish[i] - s.earliest_start[i] == duration
        assert s.latest_finish[i] - s.latest_start[i] == duration
        assert s.slack_days[i] >= 0
        assert s.slack_days[i] == (s.latest_start[i] - s.earliest_start[i]).days
        assert s.latest_finish[i] <= project_end
        assert (i in s.critical) == (s.slack_days[i] == 0)

    # both the earliest and the latest dates keep every dependency
    earliest = [at(planned[i], s.earliest_start[i]) for i in planned]
    latest = [at(planned[i], s.latest_start[i]) for i in planned]
    assert schedule(earliest, deps).violations == ()
    assert schedule(latest, deps).violations == ()

    # every critical item leads, over tight dependencies between critical items, to the project end
    at_earliest = {item.id: item for item in earliest}
    for i in s.critical:
        node = i
        while s.earliest_finish[node] < project_end:
            node = next(
                dep.successor
                for dep in deps
                if dep.predecessor == node
                and dep.successor in s.critical
                and tight(dep, at_earliest[node], at_earliest[dep.successor])
            )
    assert any(s.earliest_finish[i] == project_end for i in s.critical)

    # violations are exactly the dependencies the planned dates break
    expected = []
    for dep in deps:
        pred, succ = by_id[dep.predecessor], by_id[dep.successor]
        if scheduled(pred) and scheduled(succ):
            allowed = earliest_allowed_start(succ, [(pred, dep)])
            assert allowed is not None and succ.start is not None
            if allowed > succ.start:
                expected.append(Violation(dep, (allowed - succ.start).days))
    assert list(s.violations) == expected


@settings(max_examples=300)
@given(plan=plans(), data=st.data())
def test_critical_path_to_follows_the_binding_predecessor(
    plan: tuple[list[Item], list[Dep]], data: st.DataObject
) -> None:
    items, deps = plan
    target = data.draw(st.sampled_from(items))
    chain = critical_path_to(target.id, items, deps)
    assert chain[-1] == target.id
    if not scheduled(target):
        assert chain == [target.id]
        return
    s = schedule(items, deps)
    at_earliest = {item.id: at(item, s.earliest_start[item.id]) for item in items if scheduled(item)}

    def allowed(dep: Dep) -> date | None:
        succ = at_earliest[dep.successor]
        return earliest_allowed_start(succ, [(at_earliest[dep.predecessor], dep)])

    def into(i: int) -> list[Dep]:
        return [dep for dep in deps if dep.successor == i and dep.predecessor in at_earliest]

    assert into(chain[0]) == []
    for pred, succ in zip(chain, chain[1:], strict=False):
        best = max(a for dep in into(succ) if (a := allowed(dep)) is not None)
        assert any(dep.predecessor == pred and allowed(dep) == best for dep in into(succ))


@settings(max_examples=300)
@given(plan=plans(), data=st.data())
def test_propagated_shifts_leave_no_broken_dependency(
    plan: tuple[list[Item], list[Dep]], data: st.DataObject
) -> None:
    items, deps = plan
    chosen = data.draw(st.lists(st.sampled_from(items), min_size=1, max_size=3, unique_by=lambda it: it.id))
    moved: dict[int, tuple[date, date]] = {}
    for item in chosen:
        start = FIRST + timedelta(days=data.draw(st.integers(min_value=0, max_value=120)))
        length = 0 if item.milestone else data.draw(st.integers(min_value=0, max_value=30))
        moved[item.id] = (start, start + timedelta(days=length))

    shifts = propagate_delay(items, deps, moved)
    after = {
        item.id: Item(item.id, *moved[item.id], item.milestone) if item.id in moved else item
        for item in items
    }
    for shift in shifts:
        before = after[shift.id]
        assert before.start is not None and before.end is not None
        assert shift.days > 0
        assert shift.new_start == before.start + timedelta(days=shift.days)
        assert shift.new_end - shift.new_start == before.end - before.start
        assert any(reaches(deps, m, shift.id) for m in moved if m != shift.id)
        after[shift.id] = Item(shift.id, shift.new_start, shift.new_end, before.milestone)

    changed = set(moved) | {shift.id for shift in shifts}
    among = [dep for dep in deps if dep.predecessor in changed and dep.successor in changed]
    assert schedule(list(after.values()), among).violations == ()
    # and no item went further than it had to: each shift is tight against an item that changed
    for shift in shifts:
        assert any(
            tight(dep, after[dep.predecessor], after[shift.id])
            for dep in deps
            if dep.successor == shift.id and dep.predecessor in changed and scheduled(after[dep.predecessor])
        )
    order = topological_order([item.id for item in items], deps)
    assert [shift.id for shift in shifts] == [i for i in order if i in {shift.id for shift in shifts}]
