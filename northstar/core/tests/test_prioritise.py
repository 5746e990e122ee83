import pytest
from hypothesis import given
from hypothesis import strategies as st

from northstar.core.output import Link
from northstar.core.prioritise import (
    Ranked,
    StrategicScore,
    kr_shares,
    objective_weights,
    rank_backlog,
    rice,
    strategic_score,
    wsjf,
)

# --- objective weights ------------------------------------------------------------------------------


def test_objective_weights_multiply_down_the_tree() -> None:
    weights = {1: 2.0, 2: 1.0, 3: 0.5, 4: 1.5, 5: 3.0, 6: 0.8}
    parents = {2: [1], 3: [2], 4: [1, 5], 6: [99]}  # 99 is not visible
    assert objective_weights(weights, parents) == pytest.approx(
        {
            1: 2.0,  # a root keeps its weight
            2: 1.0 * 2.0,
            3: 0.5 * 2.0,  # 0.5 × its parent's 2
            4: 1.5 * 3.0,  # the heavier of its parents, 5, counts
            5: 3.0,
            6: 0.8,  # its only parent is unknown, so it is a root
        }
    )


def test_a_cycle_of_objectives_does_not_hang() -> None:
    result = objective_weights({1: 2.0, 2: 3.0, 3: 5.0}, {1: [2], 2: [1], 3: [3]})
    # one of the pair keeps its own weight and the other is multiplied by it; a self-loop is ignored
    assert sorted(result.values()) == [3.0, 5.0, 6.0]


def test_a_deep_alignment_chain() -> None:
    n = 5000
    result = objective_weights(dict.fromkeys(range(n), 1.0) | {0: 2.0}, {i: [i - 1] for i in range(1, n)})
    assert result[n - 1] == 2.0


def test_negative_weights_are_rejected() -> None:
    with pytest.raises(ValueError, match="objective 1"):
        objective_weights({1: -1.0}, {})


@st.composite
def forests(draw: st.DrawFn) -> tuple[dict[int, float], dict[int, list[int]]]:
    n = draw(st.integers(1, 15))
    weights = {i: draw(st.floats(0, 5)) for i in range(n)}
    parents = {i: draw(st.lists(st.integers(0, i - 1), max_size=3)) if i else [] for i in range(n)}
    return weights, parents


@given(forests())
def test_each_weight_is_its_own_times_its_heaviest_parent(
    forest: tuple[dict[int, float], dict[int, list[int]]],
) -> None:
    weights, parents = forest
    result = objective_weights(weights, parents)
    for oid, weight in weights.items():
        if parents[oid]:
            assert result[oid] == weight * max(result[p] for p in parents[oid])
        else:
            assert result[oid] == weight


# --- strategic score --------------------------------------------------------------------------------


def test_kr_shares() -> None:
    shares = kr_shares({1: 3.0, 2: 1.0, 3: 2.0, 4: 0.0}, {1: 100, 2: 100, 3: 101, 4: 102})
    assert shares == pytest.approx({1: 0.75, 2: 0.25, 3: 1.0, 4: 0.0})


KR_SHARE = {1: 0.75, 2: 0.25, 3: 1.0}
KR_OBJECTIVE = {1: 100, 2: 100, 3: 101, 9: 100}
OBJECTIVE_WEIGHT = {100: 2.0, 101: 0.5}


def test_strategic_score_by_hand() -> None:
    annual, seats, revenue, hidden = (
        Link(("kr", 1), 0.7),
        Link(("kr", 3), 0.3),
        Link(("objective", 100), 0.5),
        Link(("kr", 9), 1.0),  # not visible: no share
    )
    score = strategic_score([annual, seats, revenue, hidden], KR_SHARE, KR_OBJECTIVE, OBJECTIVE_WEIGHT)
    # 0.7 × 0.75 × 2 = 1.05; 0.3 × 1 × 0.5 = 0.15; a whole objective: 0.5 × 1 × 2 = 1.0
    assert score.value == pytest.approx(2.2)
    assert score.reason == "linked"
    assert [t.link for t in score.terms] == [annual, seats, revenue]
    first = score.terms[0]
    assert (first.link_weight, first.kr_share, first.objective_weight) == (0.7, 0.75, 2.0)
    assert [t.value for t in score.terms] == pytest.approx([1.05, 0.15, 1.0])


def test_an_item_that_serves_nothing_visible() -> None:
    assert strategic_score([], KR_SHARE, KR_OBJECTIVE, OBJECTIVE_WEIGHT) == StrategicScore(0.0, (), "no_link")
    hidden = [Link(("kr", 9), 1.0), Link(("objective", 555), 1.0), Link(("kr", 404), 1.0)]
    assert strategic_score(hidden, KR_SHARE, KR_OBJECTIVE, OBJECTIVE_WEIGHT).reason == "no_link"
    zero = strategic_score([Link(("kr", 1), 0.0)], KR_SHARE, KR_OBJECTIVE, OBJECTIVE_WEIGHT)
    assert zero.value == 0 and zero.reason == "linked" and len(zero.terms) == 1


def test_a_negative_link_weight_is_rejected() -> None:
    with pytest.raises(ValueError, match="link"):
        strategic_score([Link(("kr", 1), -0.5)], KR_SHARE, KR_OBJECTIVE, OBJECTIVE_WEIGHT)


link_lists = st.lists(
    st.builds(
        Link,
        st.tuples(st.sampled_from(["kr", "objective"]), st.sampled_from([1, 2, 3, 9, 100, 101, 404])),
        st.floats(0, 10),
    ),
    max_size=6,
)


@given(link_lists)
def test_strategic_score_stays_within_its_bounds(links: list[Link]) -> None:
    score = strategic_score(links, KR_SHARE, KR_OBJECTIVE, OBJECTIVE_WEIGHT)
    top = sum(link.weight for link in links) * max(OBJECTIVE_WEIGHT.values())
    assert 0 <= score.value <= top * (1 + 1e-12)


# --- classic scores ---------------------------------------------------------------------------------


def test_rice_and_wsjf() -> None:
    assert rice(reach=1000, impact=2, confidence=0.8, effort=4) == pytest.approx(400)
    assert wsjf(cost_of_delay=21, job_size=3) == 7
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="effort"):
            rice(1, 1, 1, bad)
        with pytest.raises(ValueError, match="job size"):
            wsjf(1, bad)


# --- ranking ----------------------------------------------------------------------------------------


def score(value: float) -> StrategicScore:
    return StrategicScore(value, (), "linked" if value > 0 else "no_link")


BACKLOG = [
    (1, score(2.0), 100.0),
    (2, score(1.0), 400.0),
    (3, score(0.0), 800.0),
    (4, score(0.5), None),
    (5, score(0.0), None),
]


def test_rank_backlog_by_hand() -> None:
    # max strategic 2, max classic 800
    # 1: 0.5 × 2/2 + 0.5 × 100/800 = 0.5625
    # 2: 0.5 × 1/2 + 0.5 × 400/800 = 0.5
    # 4: 0.5 × 0.5/2 + 0.5 × 0 = 0.125
    # 3: 0 + 0.5 × 800/800 = 0.5, but it serves nothing, so it goes after every linked item
    # 5: 0
    assert rank_backlog(BACKLOG) == [
        Ranked(1, 2.0, 100.0, 0.5625, "linked"),
        Ranked(2, 1.0, 400.0, 0.5, "linked"),
        Ranked(4, 0.5, None, 0.125, "linked"),
        Ranked(3, 0.0, 800.0, 0.5, "no_link"),
        Ranked(5, 0.0, None, 0.0, "no_link"),
    ]


def test_blend_moves_between_the_scores() -> None:
    # classic only: 2 (400/800) before 1 (100/800) before 4 (no classic score)
    assert [r.id for r in rank_backlog(BACKLOG, blend=0)] == [2, 1, 4, 3, 5]
    # strategic only: the unlinked pair ties at 0 and goes by id
    assert [(r.id, r.combined) for r in rank_backlog(BACKLOG, blend=1)] == [
        (1, 1.0),
        (2, 0.5),
        (4, 0.25),
        (3, 0.0),
        (5, 0.0),
    ]
    with pytest.raises(ValueError, match="blend"):
        rank_backlog(BACKLOG, blend=1.5)


def test_ties_go_by_id_and_nothing_to_rank() -> None:
    assert [r.id for r in rank_backlog([(9, score(1), 5.0), (3, score(1), 5.0), (7, score(1), 5.0)])] == [
        3,
        7,
        9,
    ]
    assert rank_backlog([]) == []
    only_unlinked = rank_backlog([(1, score(0), None), (2, score(0), 3.0)])
    assert [(r.id, r.combined) for r in only_unlinked] == [(2, 0.5), (1, 0.0)]


def test_negative_scores_are_rejected() -> None:
    with pytest.raises(ValueError, match="classic"):
        rank_backlog([(1, score(1), -2.0)])


# Integer scores times an integer keep the products exact, so the normalised scores are the same floats.
strategic_values = st.integers(0, 1000)
classic_values = st.none() | st.integers(0, 1000).map(float)


@st.composite
def backlogs(draw: st.DrawFn) -> list[tuple[int, StrategicScore, float | None]]:
    ids = draw(st.lists(st.integers(1, 100), min_size=1, max_size=12, unique=True))
    return [(i, score(draw(strategic_values)), draw(classic_values)) for i in ids]


@given(
    backlogs(),
    st.integers(1, 10**6) | st.sampled_from([0.5, 0.125, 2.0**-20]),
    st.sampled_from([0, 0.3, 0.5, 1]),
)
def test_ranking_ignores_the_scale_of_strategic_scores(
    backlog: list[tuple[int, StrategicScore, float | None]], factor: float, blend: float
) -> None:
    scaled = [(i, score(s.value * factor), c) for i, s, c in backlog]
    assert [r.id for r in rank_backlog(scaled, blend=blend)] == [
        r.id for r in rank_backlog(backlog, blend=blend)
    ]


@given(backlogs(), st.floats(0, 1))
def test_an_item_without_link_is_never_above_a_linked_one(
    backlog: list[tuple[int, StrategicScore, float | None]], blend: float
) -> None:
    ranked = rank_backlog(backlog, blend=blend)
    first_unlinked = next((n for n, r in enumerate(ranked) if r.strategic == 0), len(ranked))
    assert all(r.strategic > 0 and r.reason == "linked" for r in ranked[:first_unlinked])
    assert all(r.strategic == 0 and r.reason == "no_link" for r in ranked[first_unlinked:])


@given(backlogs(), st.data(), st.floats(0, 1))
def test_raising_a_strategic_score_never_moves_an_item_down(
    backlog: list[tuple[int, StrategicScore, float | None]], data: st.DataObject, blend: float
) -> None:
    n = data.draw(st.integers(0, len(backlog) - 1))
    raise_by = data.draw(st.floats(0.001, 1000))
    item, old, classic = backlog[n]
    raised = [*backlog[:n], (item, score(old.value + raise_by), classic), *backlog[n + 1 :]]
    before = [r.id for r in rank_backlog(backlog, blend=blend)].index(item)
    after = [r.id for r in rank_backlog(raised, blend=blend)].index(item)
    assert after <= before
