import itertools
import math
from collections.abc import Mapping, Sequence
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from northstar.core import optimise as optimise_module
from northstar.core.bench_optimise import _portfolio, run
from northstar.core.optimise import Candidate, Dropped, Plan, greedy, optimise

A, B, C = 1, 2, 3  # teams


def fits(plan: Plan, items: Sequence[Candidate], capacity: Mapping[int, float]) -> None:
    """The selection keeps every team within capacity, includes every requirement and honours the pins."""
    by_id = {c.id: c for c in items}
    load: dict[int, float] = {}
    for i in plan.selected:
        load[by_id[i].team] = load.get(by_id[i].team, 0.0) + by_id[i].effort
        assert all(r in plan.selected for r in by_id[i].requires if r in by_id)
        assert by_id[i].pinned is not False
    assert all(c.id in plan.selected for c in items if c.pinned)
    for team, cap in capacity.items():
        assert load.get(team, 0.0) <= cap + 1e-9
    for team, total in plan.load.items():
        assert total == pytest.approx(load.get(team, 0.0))
    assert plan.value == pytest.approx(sum(by_id[i].value for i in plan.selected))


def explained(plan: Plan, items: Sequence[Candidate], capacity: Mapping[int, float]) -> None:
    """Every item left out is there once, in candidate order, with a reason that holds."""
    assert [d.id for d in plan.dropped] == [c.id for c in items if c.id not in plan.selected]
    by_id = {c.id: c for c in items}
    for d in plan.dropped:
        c = by_id[d.id]
        assert isinstance(d.detail, Mapping)
        if d.reason == "pinned_out":
            assert c.pinned is False
        elif d.reason == "dependency":
            assert d.detail["requires"] in c.requires and d.detail["requires"] not in plan.selected
        elif d.reason == "no_value":
            assert c.value == 0
        else:
            assert d.reason == "capacity" and d.detail["team"] == c.team
            free = capacity[c.team] - plan.load[c.team]
            assert d.detail["lacking"] == pytest.approx(c.effort - free)
            assert d.detail["lacking"] > 0


# --- hand-worked examples ---------------------------------------------------------------------------


def test_the_brief_example_where_greedy_happens_to_be_optimal() -> None:
    # Ratios 5/6 > 4/5 > 3/4. Greedy takes 1 (6 days, 4 left), cannot take 2 (5 days), takes 3 (4 days): 8.
    # The pairs are 1+2 (11 days, too many), 1+3 (10 days, value 8) and 2+3 (9 days, value 7): 8 is best.
    items = [Candidate(1, A, 5, 6), Candidate(2, A, 4, 5), Candidate(3, A, 3, 4)]
    for plan in (optimise(items, {A: 10}), greedy(items, {A: 10})):
        assert plan.selected == {1, 3}
        assert plan.value == 8
        assert plan.load == {A: 10}
        assert plan.dropped == (Dropped(2, "capacity", {"team": A, "lacking": 5.0}),)
    # LP relaxation: all of item 1 and 4 of item 2's 5 days; the next day would buy 4/5 of a point.
    assert optimise(items, {A: 10}).marginal_value == {A: pytest.approx(0.8)}
    assert greedy(items, {A: 10}).marginal_value == {}


def test_greedy_is_led_astray_by_the_best_ratio() -> None:
    # Ratios 6/4 = 1.5 > 7/6. Greedy takes 1 (4 days, 8 left) and 2 (6 days, 2 left), then 3 does not fit:
    # 13. Leaving the best ratio out makes room for 2 and 3: 14 on exactly 12 days.
    items = [Candidate(1, A, 6, 4), Candidate(2, A, 7, 6), Candidate(3, A, 7, 6)]
    best, baseline = optimise(items, {A: 12}), greedy(items, {A: 12})
    assert best.selected == {2, 3} and best.value == 14
    assert best.status == "optimal" and best.gap == 0
    assert baseline.selected == {1, 2} and baseline.value == 13
    assert baseline.status == "heuristic"
    assert best.dropped == (Dropped(1, "capacity", {"team": A, "lacking": 4.0}),)
    assert baseline.dropped == (Dropped(3, "capacity", {"team": A, "lacking": 4.0}),)


def test_dependencies_are_respected() -> None:
    # 3 is worth most but needs 2, which needs 1; all 5 days on team A.
    items = [
        Candidate(1, A, 1, 5),
        Candidate(2, A, 1, 5, requires=(1,)),
        Candidate(3, A, 10, 5, requires=(2,)),
    ]
    assert optimise(items, {A: 15}).selected == {1, 2, 3}
    # Room for two: 3 would need both others, so 1 and 2 it is (greedy tries 3 first and gets the same).
    for plan in (optimise(items, {A: 10}), greedy(items, {A: 10})):
        assert plan.selected == {1, 2}
        assert plan.dropped == (Dropped(3, "capacity", {"team": A, "lacking": 5.0}),)
    # Room for one: only 1 stands alone.
    plan = optimise(items, {A: 5})
    assert plan.selected == {1}
    assert plan.dropped == (
        Dropped(2, "capacity", {"team": A, "lacking": 5.0}),
        Dropped(3, "dependency", {"requires": 2}),
    )


def test_a_requirement_on_another_team_uses_that_teams_capacity() -> None:
    items = [Candidate(1, A, 5, 2, requires=(2,)), Candidate(2, B, 0, 8)]
    assert optimise(items, {A: 10, B: 8}).selected == {1, 2}
    plan = optimise(items, {A: 10, B: 7})
    assert plan.selected == set()
    assert plan.dropped == (
        Dropped(1, "dependency", {"requires": 2}),
        Dropped(2, "no_value", {}),
    )


def test_requirement_cycles_go_together_and_unknown_requirements_are_met() -> None:
    items = [
        Candidate(1, A, 3, 4, requires=(2,)),
        Candidate(2, A, 3, 4, requires=(1, 99)),  # 99 is done, or not in this period: ignored
        Candidate(3, A, 5, 4, requires=(3,)),  # a requirement on itself means nothing
    ]
    assert optimise(items, {A: 8}).selected == {1, 2}
    assert optimise(items, {A: 7}).selected == {3}
    assert greedy(items, {A: 8}).selected == {3}  # 3 first, then the 1+2 cycle needs 8 more days


def test_pins_are_respected() -> None:
    items = [
        Candidate(1, A, 10, 5, pinned=False),
        Candidate(2, A, 1, 5, pinned=True),
        Candidate(3, A, 4, 5),
        Candidate(4, A, 3, 5),
    ]
    for plan in (optimise(items, {A: 10}), greedy(items, {A: 10})):
        assert plan.selected == {2, 3}
        assert plan.dropped == (
            Dropped(1, "pinned_out", {}),
            Dropped(4, "capacity", {"team": A, "lacking": 5.0}),
        )


def test_a_pin_pulls_in_what_it_requires() -> None:
    items = [Candidate(1, A, 0, 5), Candidate(2, A, 1, 2, requires=(1,), pinned=True), Candidate(3, A, 9, 4)]
    plan = optimise(items, {A: 10})
    assert plan.selected == {1, 2}
    assert plan.dropped == (Dropped(3, "capacity", {"team": A, "lacking": 1.0}),)


def test_pinned_items_beyond_capacity_are_infeasible() -> None:
    items = [
        Candidate(1, A, 1, 6, pinned=True),
        Candidate(2, A, 1, 6, pinned=True),
        Candidate(3, B, 1, 6, pinned=True),
        Candidate(4, A, 5, 1),
    ]
    for plan in (optimise(items, {A: 10, B: 10}), greedy(items, {A: 10, B: 10})):
        assert plan.status == "infeasible"
        assert plan.selected == set() and plan.value == 0
        assert plan.load == {A: 0, B: 0}
        # Only the clash is named: the two pinned A items need 2 days more than A has.
        assert plan.dropped == (
            Dropped(1, "capacity", {"team": A, "lacking": 2.0}),
            Dropped(2, "capacity", {"team": A, "lacking": 2.0}),
        )
        assert plan.marginal_value == {}


def test_a_pinned_item_needing_a_pinned_out_one_is_infeasible() -> None:
    items = [
        Candidate(1, A, 1, 1, requires=(2,), pinned=True),
        Candidate(2, A, 1, 1, requires=(3,)),
        Candidate(3, A, 1, 1, pinned=False),
        Candidate(4, A, 1, 1),
    ]
    plan = optimise(items, {})
    assert plan.status == "infeasible"
    assert plan.dropped == (
        Dropped(1, "dependency", {"requires": 2}),
        Dropped(2, "dependency", {"requires": 3}),
        Dropped(3, "pinned_out", {}),
    )
    assert greedy(items, {}) == plan


def test_a_team_without_capacity_is_unlimited() -> None:
    items = [Candidate(1, A, 1, 500), Candidate(2, A, 2, 700), Candidate(3, B, 1, 9), Candidate(4, B, 2, 9)]
    for plan in (optimise(items, {B: 10}), optimise(items, {A: math.inf, B: 10})):
        assert plan.selected == {1, 2, 4}
        # LP relaxation on B: all of 4 (9 days), then the last day on 3, worth 1/9 of a point a day
        assert plan.marginal_value[B] == pytest.approx(1 / 9)
        assert plan.marginal_value.get(A, 0.0) == 0


def test_items_without_value_are_left_out_unless_needed() -> None:
    items = [Candidate(1, A, 0, 0), Candidate(2, A, 0, 1), Candidate(3, A, 0, 1, pinned=True)]
    for plan in (optimise(items, {}), greedy(items, {})):
        assert plan.selected == {3}
        assert plan.dropped == (Dropped(1, "no_value", {}), Dropped(2, "no_value", {}))


def test_free_items_are_always_taken() -> None:
    items = [Candidate(1, A, 1, 0), Candidate(2, A, 2, 3)]
    assert optimise(items, {A: 0}).selected == {1}
    assert greedy(items, {A: 0}).selected == {1}


def test_nothing_to_choose() -> None:
    plan = optimise([], {A: 10})
    assert plan == Plan(frozenset(), (), 0.0, {A: 0.0}, {A: 10}, {A: 0.0}, "optimal", 0.0)


def test_bad_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="more than once"):
        optimise([Candidate(1, A, 1, 1), Candidate(1, B, 1, 1)], {})
    with pytest.raises(ValueError, match="value"):
        greedy([Candidate(1, A, -1, 1)], {})
    with pytest.raises(ValueError, match="effort"):
        optimise([Candidate(1, A, 1, math.nan)], {})
    with pytest.raises(ValueError, match="capacity"):
        optimise([], {A: -1})
    with pytest.raises(ValueError, match="time limit"):
        optimise([], {}, time_limit_s=0)


# --- Finvest ----------------------------------------------------------------------------------------

GROWTH, IT = 10, 20
ANNUAL_OFFER, BILLING, DARK_MODE, SYNTHETIC_CHECKS = 1, 2, 3, 4
# Team invitations are done, so they are no candidate. Values are the items' weights on the key results
# they serve (each key result weighing 1): the annual offer 0.7 on annual conversion and 0.3 on churn,
# billing 0.3 on annual conversion, synthetic checks 1 on synthetic monitoring, dark mode nothing.
FINVEST = [
    Candidate(ANNUAL_OFFER, GROWTH, 0.7 + 0.3, 28, requires=(BILLING,)),
    Candidate(BILLING, IT, 0.3, 50),
    Candidate(DARK_MODE, GROWTH, 0.0, 25),
    Candidate(SYNTHETIC_CHECKS, IT, 1.0, 25),
]
FINVEST_CAPACITY = {GROWTH: 40.0, IT: 70.0}  # Growth cut from 90 to 40


def test_finvest_with_growth_cut_to_40() -> None:
    plan = optimise(FINVEST, FINVEST_CAPACITY)
    # IT cannot do billing (50) and synthetic checks (25) in 70 days. Billing with the offer it enables is
    # worth 1.3, the checks 1.0; dark mode is worth nothing.
    assert plan.selected == {ANNUAL_OFFER, BILLING}
    assert plan.value == pytest.approx(1.3)
    assert plan.load == {GROWTH: 28, IT: 50}
    assert plan.dropped == (
        Dropped(DARK_MODE, "no_value", {}),
        Dropped(SYNTHETIC_CHECKS, "capacity", {"team": IT, "lacking": 5.0}),  # 25 days, 20 free
    )
    # LP relaxation: the checks (0.04 a day) fill 25 IT days, billing and the offer (1.3 for 50 IT days,
    # 0.026 a day) take 90% of the rest; Growth has days to spare.
    assert plan.marginal_value == {GROWTH: 0.0, IT: pytest.approx(0.026)}


def test_finvest_greedy_takes_the_checks_first() -> None:
    # The checks have the best ratio (1/25 > 1/28); then the offer needs billing's 50 days, with 45 free.
    plan = greedy(FINVEST, FINVEST_CAPACITY)
    assert plan.selected == {SYNTHETIC_CHECKS}
    assert plan.dropped == (
        Dropped(ANNUAL_OFFER, "dependency", {"requires": BILLING}),
        Dropped(BILLING, "capacity", {"team": IT, "lacking": 5.0}),
        Dropped(DARK_MODE, "no_value", {}),
    )


# --- properties on small random portfolios ------------------------------------------------------------


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[list[Candidate], dict[int, float]]:
    """Up to 12 items on 3 teams; half-day efforts and whole-day capacities keep the sums exact."""
    n = draw(st.integers(min_value=0, max_value=12))
    ids = draw(st.lists(st.integers(min_value=1, max_value=40), min_size=n, max_size=n, unique=True))
    items = []
    for i in ids:
        value = draw(st.one_of(st.just(0.0), st.floats(min_value=0, max_value=10)))
        effort = draw(st.integers(min_value=0, max_value=24)) / 2
        requires = draw(st.lists(st.sampled_from([*ids, 99]), max_size=2)) if draw(st.booleans()) else []
        pinned = draw(st.sampled_from([None, None, None, None, True, False]))
        items.append(Candidate(i, draw(st.sampled_from([A, B, C])), value, effort, tuple(requires), pinned))
    teams = draw(st.lists(st.sampled_from([A, B, C]), unique=True))
    capacity = {t: float(draw(st.integers(min_value=0, max_value=25))) for t in teams}
    return items, capacity


def brute_force(items: Sequence[Candidate], capacity: Mapping[int, float]) -> float | None:
    """The best value over all subsets that satisfy the constraints, or None when none does."""
    ids = {c.id for c in items}
    best: float | None = None
    for mask in itertools.product((False, True), repeat=len(items)):
        chosen = {c.id for c, x in zip(items, mask, strict=True) if x}
        load: dict[int, float] = {}
        ok = True
        for c, x in zip(items, mask, strict=True):
            if c.pinned is not None and x != c.pinned:
                ok = False
            if x:
                load[c.team] = load.get(c.team, 0.0) + c.effort
                ok = ok and all(r in chosen for r in c.requires if r in ids)
        if ok and all(load.get(t, 0.0) <= cap for t, cap in capacity.items()):
            value = math.fsum(c.value for c in items if c.id in chosen)
            best = value if best is None else max(best, value)
    return best


@settings(max_examples=250, deadline=None)
@given(portfolio=portfolios())
def test_optimise_matches_brute_force_and_beats_greedy(
    portfolio: tuple[list[Candidate], dict[int, float]],
) -> None:
    items, capacity = portfolio
    best = brute_force(items, capacity)
    plan, baseline = optimise(items, capacity), greedy(items, capacity)
    if best is None:
        assert plan.status == baseline.status == "infeasible"
        assert plan.selected == baseline.selected == set()
        assert plan.dropped == baseline.dropped and plan.dropped
        return
    assert plan.status == "optimal" and plan.gap == 0
    assert baseline.status == "heuristic"
    assert plan.value == pytest.approx(best, rel=1e-6, abs=1e-9)
    assert plan.value >= baseline.value - 1e-9
    for p in (plan, baseline):
        fits(p, items, capacity)
        explained(p, items, capacity)
    assert set(plan.marginal_value) == set(capacity)
    assert all(v >= 0 for v in plan.marginal_value.values())


@settings(max_examples=200, deadline=None)
@given(portfolio=portfolios(), ample=st.booleans())
def test_a_plan_that_takes_everything_of_value_is_the_one_highs_proves_best(
    portfolio: tuple[list[Candidate], dict[int, float]], ample: bool
) -> None:
    """When the greedy plan already holds every candidate of value that may be taken, HiGHS is not asked:
    the plan is the one it would have proved best, to the dropped reasons and the marginal values."""
    items, capacity = portfolio
    if ample:  # room for everything: the case that skips the solver
        capacity = {team: cap + sum(c.effort for c in items) for team, cap in capacity.items()}
    plan = optimise(items, capacity)
    with mock.patch.object(optimise_module, "_takes_everything_of_value", return_value=False):
        solved = optimise(items, capacity)
    assert plan == solved


def test_a_portfolio_with_room_for_everything_is_not_handed_to_highs() -> None:
    items, capacity = _portfolio(300, 10, 3)
    roomy = {team: sum(c.effort for c in items) for team in capacity}
    solver = optimise_module._solver
    asked: list[bool] = []

    def solver_asked(inst: object, integer: bool, time_limit_s: float) -> object:
        asked.append(integer)
        return solver(inst, integer, time_limit_s)  # type: ignore[arg-type]

    with mock.patch.object(optimise_module, "_solver", side_effect=solver_asked):
        plan = optimise(items, roomy)
        assert asked == [False]  # the relaxation for the marginal values alone
        optimise(items, capacity)
        assert asked == [False, True, False]  # tight capacities: the 0/1 programme too
    assert plan.status == "optimal" and plan.gap == 0
    not_taken = {d.id for d in plan.dropped if d.reason in {"pinned_out", "dependency"}}
    assert {c.id for c in items if c.value > 0} - not_taken <= plan.selected
    assert all(d.reason != "capacity" for d in plan.dropped)


# --- benchmark ------------------------------------------------------------------------------------


def test_benchmark_smoke() -> None:
    result = run(n_items=60, n_teams=5)
    assert (result["items"], result["teams"]) == (60, 5)
    assert result["optimise_s"] > 0 and result["greedy_s"] > 0
    assert result["value"] >= result["greedy_value"] > 0
    assert result["ratio"] == pytest.approx(result["value"] / result["greedy_value"])
    assert result["gap"] == 0


def test_a_time_limit_keeps_at_least_the_greedy_plan() -> None:
    items, capacity = _portfolio(2000, 50, 7)  # takes HiGHS about 2 seconds
    plan = optimise(items, capacity, time_limit_s=0.01)
    assert plan.status == "time_limit"
    assert plan.value >= greedy(items, capacity).value
    assert plan.gap > 0
    fits(plan, items, capacity)
    explained(plan, items, capacity)
