from collections.abc import Iterable
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from northstar.core.divergence import (
    FLAT,
    MOVED,
    KeyResultTrack,
    LinkedItem,
    ScheduledItem,
    dependency_risks,
    divergences,
    done_share,
)

D = date
TODAY = D(2026, 11, 25)
JULY = D(2026, 7, 1)


def track(
    history: Iterable[tuple[date, float]],
    work: Iterable[LinkedItem] = (),
    start: float = 4.5,
    target: float = 5.4,
    period_start: date = JULY,
) -> KeyResultTrack:
    return KeyResultTrack(1, start, target, period_start, tuple(history), tuple(work))


def test_work_delivered_number_flat() -> None:
    """Seats: the invitations work is done in October, the number went from 4.5 to 4.6 of a 5.4 target."""
    work = [LinkedItem(10, "done", D(2026, 8, 15), 30)]
    [found] = divergences([track([(D(2026, 9, 1), 4.5), (D(2026, 11, 2), 4.6)], work)], TODAY)
    assert found.kind == "work_without_outcome" and found.done_share == 1.0
    assert abs(found.moved - 0.1 / 0.9) < 1e-9 and found.since == D(2026, 8, 15)


def test_no_alert_when_the_number_moves_or_the_work_is_not_done() -> None:
    done = [LinkedItem(10, "done", D(2026, 8, 15), 30)]
    assert divergences([track([(D(2026, 9, 1), 4.5), (D(2026, 11, 2), 5.0)], done)], TODAY) == []
    half = [LinkedItem(10, "done", D(2026, 8, 15), 10), LinkedItem(11, "in_progress", D(2026, 9, 1), 20)]
    assert divergences([track([(D(2026, 9, 1), 4.5), (D(2026, 11, 2), 4.5)], half)], TODAY) == []


def test_a_number_moving_without_work_is_worth_knowing_about() -> None:
    # a decrease: churn from 3.5 towards 2.0 by itself
    [found] = divergences(
        [track([(D(2026, 7, 5), 3.5), (D(2026, 10, 1), 2.9)], start=3.5, target=2.0)], TODAY
    )
    assert found.kind == "outcome_without_work" and abs(found.moved - 0.4) < 1e-9
    assert (
        divergences([track([(D(2026, 7, 5), 3.5), (D(2026, 10, 1), 3.4)], start=3.5, target=2.0)], TODAY)
        == []
    )


@given(
    st.floats(-100, 100), st.floats(0.1, 50), st.lists(st.floats(-2, 2), min_size=1, max_size=8),
    st.lists(st.sampled_from(["planned", "in_progress", "done", "cancelled"]), max_size=5),
)  # fmt: skip
def test_direction_and_units_do_not_matter(
    start: float, span: float, path: list[float], statuses: list[str]
) -> None:
    days = [D(2026, 7, 1) + timedelta(days=10 * i) for i in range(len(path))]
    work = [LinkedItem(i, s, D(2026, 7, 1), 5.0) for i, s in enumerate(statuses)]
    up = divergences(
        [track(zip(days, [start + span * u for u in path], strict=True), work, start, start + span)], TODAY
    )
    down = divergences(
        [track(zip(days, [-start - span * u for u in path], strict=True), work, -start, -start - span)], TODAY
    )
    assert [(d.kind, round(d.moved, 9)) for d in up] == [(d.kind, round(d.moved, 9)) for d in down]
    for d in up:
        assert d.moved < FLAT if d.kind == "work_without_outcome" else d.moved >= MOVED


def test_done_share_by_effort_else_by_count() -> None:
    assert done_share([LinkedItem(1, "done", None, 30), LinkedItem(2, "planned", None, 10)]) == 0.75
    assert done_share([LinkedItem(1, "done", None, None), LinkedItem(2, "planned", None, None)]) == 0.5
    assert done_share([LinkedItem(1, "cancelled", None, 3)]) is None


def test_a_late_task_is_traced_along_its_successors_to_the_key_results_they_serve() -> None:
    items = [
        ScheduledItem(1, D(2026, 11, 20), "in_progress"),  # Migrate subscriptions, 5 days late
        ScheduledItem(2, D(2026, 12, 18), "planned"),  # Annual option in checkout
        ScheduledItem(3, D(2027, 1, 15), "planned"),  # Offer live
        ScheduledItem(4, D(2026, 11, 1), "done"),  # late but done: no risk
    ]
    risks = dependency_risks(items, [(1, 2), (2, 3), (4, 3)], {1: [70], 2: [71], 3: [71, 72]}, TODAY)
    assert [(r.late_item, r.days_late, r.chain, r.key_result, r.late_items) for r in risks] == [
        (1, 5, (1, 2), 71, 1),
        (1, 5, (1, 2, 3), 72, 1),
    ]


def test_a_key_result_reached_by_many_late_items_is_one_risk_naming_the_worst() -> None:
    items = [
        ScheduledItem(1, D(2026, 11, 20), "in_progress"),  # 5 days late
        ScheduledItem(2, D(2026, 11, 5), "planned"),  # 20 days late
        ScheduledItem(3, D(2026, 11, 5), "planned"),  # 20 days late too, but further from the work
        ScheduledItem(4, D(2027, 1, 15), "planned"),
        ScheduledItem(5, D(2027, 2, 15), "planned"),
    ]
    deps = [(1, 4), (2, 4), (3, 5), (5, 4)]
    [risk] = dependency_risks(items, deps, {4: [71]}, TODAY)
    assert (risk.late_item, risk.days_late, risk.chain, risk.late_items) == (2, 20, (2, 4), 3)


def _every_pair(
    items: list[ScheduledItem], deps: list[tuple[int, int]], serves: dict[int, list[int]]
) -> dict[int, list[tuple[int, int, int]]]:
    """The reference: for each key result, every late item that reaches it as (days late, chain length, id) —
    each pair found by its own search of all paths, without the product's breadth-first bookkeeping."""
    successors: dict[int, list[int]] = {}
    for a, b in deps:
        successors.setdefault(a, []).append(b)
    out: dict[int, list[tuple[int, int, int]]] = {}
    for item in items:
        if item.status in ("done", "cancelled") or item.end is None:
            continue
        days = max((TODAY - item.end).days, (item.pushed_end - item.end).days if item.pushed_end else 0)
        if days <= 0:
            continue
        shortest: dict[int, int] = {}
        frontier, length = {item.id}, 1
        seen = {item.id}
        while frontier:
            nxt = {b for a in frontier for b in successors.get(a, ()) if b not in seen}
            length += 1
            for node in nxt:
                for kr in serves.get(node, ()):
                    shortest.setdefault(kr, length)
            seen |= nxt
            frontier = nxt
        for kr, chain_length in shortest.items():
            out.setdefault(kr, []).append((days, chain_length, item.id))
    return out


STATUSES = ["planned", "done", "in_progress"]


@st.composite
def plans(
    draw: st.DrawFn, forward_only: bool
) -> tuple[list[ScheduledItem], list[tuple[int, int]], dict[int, list[int]]]:
    """Up to 16 items, each late, on time or done, with dependencies and key results among them only — so that
    chains of late items feeding each other, which decide the worst, come up often."""
    n = draw(st.integers(1, 16))
    ids = st.integers(0, n - 1)
    items = [
        ScheduledItem(pk, TODAY + timedelta(days=draw(st.integers(-30, 30))), draw(st.sampled_from(STATUSES)))
        for pk in range(n)
    ]
    deps = draw(st.lists(st.tuples(ids, ids), min_size=n, max_size=3 * n))
    if forward_only:  # a plan has no cycles
        deps = [(min(a, b), max(a, b)) for a, b in deps if a != b]
    serves = draw(st.dictionaries(ids, st.lists(st.integers(100, 104), min_size=1, max_size=2), max_size=n))
    return items, deps, serves


def _assert_risks_name_the_worst(
    items: list[ScheduledItem], deps: list[tuple[int, int]], serves: dict[int, list[int]]
) -> None:
    expected = _every_pair(items, deps, serves)
    risks = dependency_risks(items, deps, serves, TODAY)
    assert {r.key_result for r in risks} == set(expected)
    by_id = {i.id: i for i in items}
    for r in risks:
        assert (r.days_late, len(r.chain), r.late_item) == max(
            expected[r.key_result], key=lambda x: (x[0], -x[1], -x[2])
        )
        assert r.late_items == len(expected[r.key_result])
        assert r.chain[0] == r.late_item and r.key_result in serves[r.chain[-1]]
        assert all((a, b) in deps for a, b in pairwise(r.chain))
        assert by_id[r.late_item].status != "done"
    assert [(-r.days_late, len(r.chain), r.key_result) for r in risks] == sorted(
        (-r.days_late, len(r.chain), r.key_result) for r in risks
    )


@given(plans(forward_only=True))
def test_each_risk_names_the_worst_late_item_of_all_that_reach_its_key_result(
    plan: tuple[list[ScheduledItem], list[tuple[int, int]], dict[int, list[int]]],
) -> None:
    _assert_risks_name_the_worst(*plan)


@given(plans(forward_only=False))
def test_a_plan_with_a_cycle_still_gets_every_risk_right(
    plan: tuple[list[ScheduledItem], list[tuple[int, int]], dict[int, list[int]]],
) -> None:
    # any edges, cycles and an item depending on itself among them: the search from each late item
    _assert_risks_name_the_worst(*plan)


def test_a_late_item_upstream_of_a_less_late_one_is_the_worst_for_what_both_reach() -> None:
    items = [
        ScheduledItem(1, D(2026, 11, 5), "planned"),  # 20 days late
        ScheduledItem(2, D(2026, 11, 20), "planned"),  # 5 days late
        ScheduledItem(3, D(2027, 1, 1), "planned"),
    ]
    risks = dependency_risks(items, [(1, 2), (2, 3)], {2: [8], 3: [9]}, TODAY)
    assert [(r.key_result, r.late_item, r.days_late, r.chain, r.late_items) for r in risks] == [
        (8, 1, 20, (1, 2), 1),
        (9, 1, 20, (1, 2, 3), 2),
    ]


def test_a_late_item_inside_a_cycle_reaches_the_work_around_it() -> None:
    items = [
        ScheduledItem(1, D(2026, 11, 15), "planned"),  # 10 days late
        ScheduledItem(2, D(2026, 12, 15), "planned"),
        ScheduledItem(3, D(2027, 1, 15), "planned"),
    ]
    risks = dependency_risks(items, [(1, 2), (2, 3), (3, 1)], {1: [70], 3: [71]}, TODAY)
    assert [(r.late_item, r.chain, r.key_result) for r in risks] == [(1, (1, 2, 3), 71)]


def test_work_pushed_by_its_dependencies_counts_as_slipping() -> None:
    items = [
        ScheduledItem(1, D(2026, 12, 1), "planned", pushed_end=D(2026, 12, 8)),
        ScheduledItem(2, D(2027, 1, 1), "planned"),
    ]
    [risk] = dependency_risks(items, [(1, 2)], {2: [9]}, TODAY)
    assert risk.days_late == 7
    assert dependency_risks(items, [(1, 2)], {}, TODAY) == []
