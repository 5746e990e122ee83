from collections.abc import Iterable, Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from northstar.core.graph import find_cycle


def is_cycle_through(cycle: list[int], edges: Mapping[int, Iterable[int]], new_edge: tuple[int, int]) -> bool:
    a, _ = new_edge
    allowed = {(u, v) for u, vs in edges.items() for v in vs} | {new_edge}
    pairs = list(zip(cycle, cycle[1:], strict=False))
    return cycle[0] == a and cycle[-1] == a and new_edge == pairs[0] and all(p in allowed for p in pairs)


def test_spec_example() -> None:
    # B -> C -> A already exists; A -> B closes A -> B -> C -> A
    assert find_cycle({"B": ["C"], "C": ["A"]}, ("A", "B")) == ["A", "B", "C", "A"]


def test_two_cycle() -> None:
    assert find_cycle({"B": ["A"]}, ("A", "B")) == ["A", "B", "A"]


def test_self_edge() -> None:
    assert find_cycle({}, ("A", "A")) == ["A", "A"]
    assert find_cycle({"A": ["B"]}, ("A", "A")) == ["A", "A"]


def test_acyclic_additions() -> None:
    edges = {"A": ["B"], "B": ["C"]}
    assert find_cycle(edges, ("A", "C")) is None
    assert find_cycle(edges, ("A", "B")) is None  # a duplicate edge is not a cycle
    assert find_cycle(edges, ("D", "A")) is None
    assert find_cycle({}, ("A", "B")) is None


def test_reports_the_shortest_cycle() -> None:
    edges = {"B": ["C", "A"], "C": ["D"], "D": ["A"]}
    assert find_cycle(edges, ("A", "B")) == ["A", "B", "A"]


def test_accepts_sets_and_tuples_as_neighbours() -> None:
    assert find_cycle({1: {2}, 2: (3,)}, (3, 1)) == [3, 1, 2, 3]


def test_hundred_thousand_node_chain() -> None:
    n = 100_000
    edges = {i: [i + 1] for i in range(n - 1)}
    assert find_cycle(edges, (0, n - 1)) is None
    cycle = find_cycle(edges, (n - 1, 0))
    assert cycle == [n - 1, *range(n)]


@st.composite
def dags(draw: st.DrawFn) -> dict[int, list[int]]:
    n = draw(st.integers(min_value=2, max_value=15))
    return {u: [v for v in range(u + 1, n) if draw(st.booleans())] for u in range(n)}


def reachable(edges: Mapping[int, Iterable[int]], start: int) -> set[int]:
    seen, todo = {start}, [start]
    while todo:
        for v in edges.get(todo.pop(), ()):
            if v not in seen:
                seen.add(v)
                todo.append(v)
    return seen


@settings(max_examples=200)
@given(edges=dags(), data=st.data())
def test_random_dags(edges: dict[int, list[int]], data: st.DataObject) -> None:
    n = len(edges)
    low = data.draw(st.integers(min_value=0, max_value=n - 2))
    high = data.draw(st.integers(min_value=low + 1, max_value=n - 1))

    assert find_cycle(edges, (low, high)) is None

    cycle = find_cycle(edges, (high, low))
    if high in reachable(edges, low):
        assert cycle is not None
        assert is_cycle_through(cycle, edges, (high, low))
    else:
        assert cycle is None
