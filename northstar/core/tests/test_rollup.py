import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from northstar.core.rollup import Part, Rollup, rollup, rollup_tree

unit = st.floats(min_value=0, max_value=1, allow_nan=False)
positive_weights = st.floats(min_value=0.01, max_value=100, allow_nan=False)
weights = st.just(0.0) | positive_weights


@st.composite
def part_lists(draw: st.DrawFn, min_size: int = 1, weight: st.SearchStrategy[float] = weights) -> list[Part]:
    n = draw(st.integers(min_value=min_size, max_value=8))
    return [
        Part(
            id=f"kr:{i}",
            label=f"KR {i}",
            progress=draw(unit),
            weight=draw(weight),
            has_data=draw(st.booleans()),
        )
        for i in range(n)
    ]


def part(
    pid: str, progress: float, weight: float = 1.0, has_data: bool = True, label: str | None = None
) -> Part:
    return Part(id=pid, label=label or pid, progress=progress, weight=weight, has_data=has_data)


# --- rollup examples --------------------------------------------------------------------------------


def test_weighted_mean_and_drag() -> None:
    a, b = part("kr:1", 0.5, 1), part("kr:2", 1.0, 3)
    r = rollup([a, b])
    # (0.5*1 + 1.0*3) / 4
    assert r.progress == pytest.approx(0.875)
    assert r.parts == (a, b)
    # only kr:1 costs anything: 1 * (1 - 0.5) / 4
    assert len(r.drag) == 1
    assert r.drag[0].part == a
    assert r.drag[0].share == pytest.approx(0.125)
    assert r.has_data


def test_drag_sorted_by_share_then_label() -> None:
    parts = [
        part("kr:1", 0.6, label="Bravo"),
        part("kr:2", 0.2, label="Zulu"),
        part("kr:3", 0.2, label="Alpha"),
        part("kr:4", 1.0, label="Done"),
    ]
    r = rollup(parts)
    assert [d.part.label for d in r.drag] == ["Alpha", "Zulu", "Bravo"]
    assert [d.share for d in r.drag] == pytest.approx([0.8 / 4, 0.8 / 4, 0.4 / 4])
    assert r.progress == pytest.approx((0.6 + 0.2 + 0.2 + 1.0) / 4)


def test_empty_rollup() -> None:
    assert rollup([]) == Rollup(progress=0.0, parts=(), has_data=False)
    assert rollup([]).drag == ()


def test_all_zero_weights() -> None:
    r = rollup([part("kr:1", 0.3, 0), part("kr:2", 0.9, 0)])
    assert r.progress == 0.0
    assert r.drag == ()
    assert r.has_data


def test_zero_weight_part_does_not_count() -> None:
    r = rollup([part("kr:1", 0.4, 1), part("kr:2", 0.0, 0)])
    assert r.progress == pytest.approx(0.4)
    assert [d.part.id for d in r.drag] == ["kr:1"]


def test_part_without_data_counts_at_its_progress() -> None:
    r = rollup([part("kr:1", 1.0), part("kr:2", 0.0, has_data=False)])
    assert r.progress == pytest.approx(0.5)
    assert r.has_data
    assert not rollup([part("kr:1", 0.0, has_data=False)]).has_data


def test_negative_weight_is_rejected() -> None:
    with pytest.raises(ValueError):
        rollup([part("kr:1", 0.5, -1)])


# --- rollup properties ------------------------------------------------------------------------------


@settings(max_examples=200)
@given(p=unit, ws=st.lists(positive_weights, min_size=1, max_size=8))
def test_equal_progresses_roll_up_to_that_progress(p: float, ws: list[float]) -> None:
    r = rollup([part(f"kr:{i}", p, w) for i, w in enumerate(ws)])
    assert r.progress == p


@settings(max_examples=200)
@given(parts=part_lists(), factor=st.floats(min_value=1e-3, max_value=1e3))
def test_scaling_weights_changes_nothing(parts: list[Part], factor: float) -> None:
    scaled = [Part(p.id, p.label, p.progress, p.weight * factor, p.has_data) for p in parts]
    before, after = rollup(parts), rollup(scaled)
    assert after.progress == pytest.approx(before.progress, abs=1e-9)
    before_shares = {d.part.id: d.share for d in before.drag}
    after_shares = {d.part.id: d.share for d in after.drag}
    assert after_shares.keys() == before_shares.keys()
    for pid, share in after_shares.items():
        assert share == pytest.approx(before_shares[pid], abs=1e-9)


@settings(max_examples=200)
@given(parts=part_lists(weight=positive_weights))
def test_rollup_lies_between_min_and_max(parts: list[Part]) -> None:
    r = rollup(parts)
    assert min(p.progress for p in parts) <= r.progress <= max(p.progress for p in parts)


@settings(max_examples=200)
@given(parts=part_lists())
def test_drag_shares_add_up_to_what_is_missing(parts: list[Part]) -> None:
    r = rollup(parts)
    total = sum(p.weight for p in parts)
    shares = [d.share for d in r.drag]
    assert all(s > 0 for s in shares)
    assert shares == sorted(shares, reverse=True)
    if total > 0:
        assert sum(shares) == pytest.approx(1 - r.progress, abs=1e-9)
        for d in r.drag:
            assert d.share == pytest.approx(d.part.weight * (1 - d.part.progress) / total)
    else:
        assert r.progress == 0.0
        assert shares == []


@settings(max_examples=200)
@given(parts=part_lists(), data=st.data())
def test_raising_one_part_never_lowers_the_rollup(parts: list[Part], data: st.DataObject) -> None:
    i = data.draw(st.integers(min_value=0, max_value=len(parts) - 1))
    old = parts[i]
    new_progress = data.draw(st.floats(min_value=old.progress, max_value=1))
    raised = [*parts[:i], Part(old.id, old.label, new_progress, old.weight, old.has_data), *parts[i + 1 :]]
    assert rollup(raised).progress >= rollup(parts).progress


@settings(max_examples=100)
@given(parts=part_lists(min_size=0))
def test_has_data_means_any_part_has_data(parts: list[Part]) -> None:
    assert rollup(parts).has_data == any(p.has_data for p in parts)


# --- rollup_tree ------------------------------------------------------------------------------------

OWN = {"o1": [part("kr:1", 0.5), part("kr:2", 1.0)], "o2": [part("kr:3", 0.0)]}
LABELS = {"o1": "Grow revenue", "o2": "Win EMEA"}


def test_tree_without_children_uses_own_parts_only() -> None:
    result = rollup_tree(OWN, {"o1": [("o2", 1.0)]}, LABELS, include_children=False)
    assert result["o1"].progress == pytest.approx(0.75)
    assert result["o2"].progress == 0.0
    assert set(result) == {"o1", "o2"}


def test_tree_with_children_adds_child_as_part() -> None:
    result = rollup_tree(OWN, {"o1": [("o2", 2.0)]}, LABELS, include_children=True)
    # (0.5 + 1.0 + 2 * 0.0) / (1 + 1 + 2)
    assert result["o1"].progress == pytest.approx(0.375)
    child_part = result["o1"].parts[-1]
    assert child_part == Part(id="o2", label="Win EMEA", progress=0.0, weight=2.0, has_data=True)
    assert result["o1"].drag[0].part.id == "o2"  # it costs 2 * 1 / 4 = 0.5 points, the most


def test_three_levels() -> None:
    own = {"top": [part("kr:1", 0.2)], "mid": [part("kr:2", 0.0)], "leaf": [part("kr:3", 1.0)]}
    children = {"top": [("mid", 1.0)], "mid": [("leaf", 1.0)]}
    result = rollup_tree(own, children, {}, include_children=True)
    assert result["leaf"].progress == 1.0
    assert result["mid"].progress == pytest.approx(0.5)  # (0 + 1) / 2
    assert result["top"].progress == pytest.approx(0.35)  # (0.2 + 0.5) / 2
    assert result["top"].parts[-1].label == "mid"  # falls back to the id without a label


def test_objective_without_own_parts_takes_childrens_progress() -> None:
    own = {"a": [part("kr:1", 0.4)], "b": [part("kr:2", 0.8)]}
    result = rollup_tree(own, {"parent": [("a", 1.0), ("b", 3.0)]}, {}, include_children=True)
    assert result["parent"].progress == pytest.approx((0.4 + 3 * 0.8) / 4)


def test_child_without_data_propagates_has_data() -> None:
    own = {"a": [part("kr:1", 0.0, has_data=False)]}
    result = rollup_tree(own, {"p": [("a", 1.0)]}, {}, include_children=True)
    assert not result["p"].has_data


def test_two_cycle_ignores_one_back_edge_and_terminates() -> None:
    own = {"a": [part("kr:1", 0.2)], "b": [part("kr:2", 0.8)]}
    result = rollup_tree(own, {"a": [("b", 1.0)], "b": [("a", 1.0)]}, {}, include_children=True)
    a, b = result["a"].progress, result["b"].progress
    # Either b->a is dropped (b = 0.8, a = (0.2 + 0.8) / 2) or a->b is (a = 0.2, b = (0.8 + 0.2) / 2).
    assert (a, b) == pytest.approx((0.5, 0.8)) or (a, b) == pytest.approx((0.2, 0.5))


def test_self_loop_is_ignored() -> None:
    own = {"a": [part("kr:1", 0.3)]}
    result = rollup_tree(own, {"a": [("a", 1.0)]}, {}, include_children=True)
    assert result["a"].progress == pytest.approx(0.3)
    assert len(result["a"].parts) == 1


def test_negative_child_weight_is_rejected() -> None:
    with pytest.raises(ValueError):
        rollup_tree(OWN, {"o1": [("o2", -1.0)]}, LABELS, include_children=True)


def test_ten_thousand_deep_chain() -> None:
    n = 10_000
    own = {f"o{n - 1}": [part("kr:leaf", 1.0)]}
    children = {f"o{i}": [(f"o{i + 1}", 1.0)] for i in range(n - 1)}
    result = rollup_tree(own, children, {}, include_children=True)
    assert len(result) == n
    # every objective's only part is its child, which is (eventually) the finished leaf
    assert all(r.progress == 1.0 for r in result.values())


def test_ten_thousand_wide() -> None:
    n = 10_000
    own = {f"c{i}": [part(f"kr:{i}", 1.0 if i % 2 else 0.0)] for i in range(n)}
    result = rollup_tree(own, {"root": [(f"c{i}", 1.0) for i in range(n)]}, {}, include_children=True)
    assert result["root"].progress == pytest.approx(0.5)


@st.composite
def dags(draw: st.DrawFn) -> tuple[dict[str, list[Part]], dict[str, list[tuple[str, float]]]]:
    n = draw(st.integers(min_value=1, max_value=12))
    own = {f"o{i}": draw(part_lists(min_size=0, weight=positive_weights)) for i in range(n)}
    children: dict[str, list[tuple[str, float]]] = {}
    for parent in range(n):
        for child in range(parent + 1, n):
            if draw(st.booleans()):
                children.setdefault(f"o{parent}", []).append((f"o{child}", draw(positive_weights)))
    return own, children


@settings(max_examples=150)
@given(graph=dags())
def test_tree_matches_the_weighted_mean_definition(
    graph: tuple[dict[str, list[Part]], dict[str, list[tuple[str, float]]]],
) -> None:
    own, children = graph
    result = rollup_tree(own, children, {}, include_children=True)

    # Children have higher numbers, so computing from the highest number down sees every child first.
    expected: dict[str, float] = {}
    for oid in sorted(own, key=lambda k: -int(k[1:])):
        terms = [(p.weight, p.progress) for p in own[oid]]
        terms += [(w, expected[c]) for c, w in children.get(oid, [])]
        total = sum(w for w, _ in terms)
        expected[oid] = sum(w * p for w, p in terms) / total if total > 0 else 0.0

    assert set(result) == set(own)
    for oid, value in expected.items():
        assert result[oid].progress == pytest.approx(value, abs=1e-9)
