from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from northstar.core.output import Link, Task, effective_links, output_progress

TODAY = date(2026, 11, 25)


def task(id: int, status: str = "planned", estimate: float | None = None, done: float = 0, kind: str = "task",
         end: date | None = None) -> Task:  # fmt: skip
    return Task(id=id, kind=kind, status=status, estimate_days=estimate, effort_done_days=done, end=end)


def test_children_inherit_their_parents_links_unless_they_have_their_own() -> None:
    annual = Link(("kr", 1), 0.7)
    churn = Link(("kr", 2), 0.3)
    own_link = Link(("kr", 3), 1.0)
    parents = {10: None, 11: 10, 12: 11, 13: 10, 20: None}
    links = effective_links(parents, {10: [annual, churn], 13: [own_link]})
    assert links[10] == links[11] == links[12] == (annual, churn)
    assert links[13] == (own_link,)
    assert links[20] == ()


def test_a_loop_in_bad_data_does_not_hang() -> None:
    assert effective_links({1: 2, 2: 1}, {}) == {1: (), 2: ()}


@given(st.lists(st.integers(0, 30), min_size=1, max_size=30), st.sets(st.integers(0, 30)))
def test_every_item_gets_the_links_of_its_nearest_linked_ancestor(
    parent_choices: list[int], linked: set[int]
) -> None:
    # Item i's parent is a lower-numbered item (a forest), chosen by the strategy.
    parents: dict[int, int | None] = {
        i: (parent_choices[i] % i if i else None) for i in range(len(parent_choices))
    }
    own = {i: [Link(("kr", i), 1.0)] for i in linked if i in parents}
    links = effective_links(parents, own)
    for item in parents:
        node: int | None = item
        while node is not None and node not in own:
            node = parents[node]
        assert links[item] == (tuple(own[node]) if node is not None else ())


def test_output_progress_counts_effort_and_milestones() -> None:
    items = [
        task(1, "done", estimate=8, done=8),
        task(2, "in_progress", estimate=20, done=5),
        task(3, "cancelled", estimate=50, done=0),
        task(4, "planned", kind="milestone", end=date(2027, 1, 15)),
        task(5, "done", kind="milestone", end=date(2026, 10, 1)),
    ]
    out = output_progress(items, TODAY)
    assert (out.effort_done, out.effort_planned) == (13, 28)  # the cancelled task does not count
    assert abs(out.share - 13 / 28) < 1e-12
    assert (out.milestones_reached, out.milestones_due, out.milestones_total) == (1, 1, 2)
    assert out.work_left_days == 15


def test_without_estimates_progress_counts_done_tasks() -> None:
    out = output_progress([task(1, "done"), task(2), task(3), task(4, "done")], TODAY)
    assert out.effort_planned == 0 and out.share == 0.5


@given(
    st.lists(
        st.tuples(st.sampled_from(["planned", "in_progress", "done"]), st.floats(0, 100), st.floats(0, 200))
    )
)
def test_share_stays_between_zero_and_one(rows: list[tuple[str, float, float]]) -> None:
    items = [task(i, status, estimate=est, done=done) for i, (status, est, done) in enumerate(rows)]
    assert 0 <= output_progress(items, TODAY).share <= 1
