from hypothesis import given
from hypothesis import strategies as st

from northstar.core.paging import pages_by_size


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=60), st.integers(min_value=1, max_value=80))
def test_every_item_is_on_one_page_in_order_and_each_page_is_as_full_as_the_budget_allows(
    sizes: list[int], budget: int
) -> None:
    pages = pages_by_size(sizes, budget)
    assert [i for start, end in pages for i in range(start, end)] == list(range(len(sizes)))
    assert all(end > start for start, end in pages) or sizes == []
    for n, (start, end) in enumerate(pages):
        total = sum(sizes[start:end])
        assert total <= budget or end - start == 1  # too big for the budget: alone on its page
        if n + 1 < len(pages):
            assert total + sizes[end] > budget  # the next item would not have fitted


def test_an_item_larger_than_the_budget_has_its_own_page() -> None:
    assert pages_by_size([3, 40, 2, 2, 5], 10) == [(0, 1), (1, 2), (2, 5)]
    assert pages_by_size([3, 40, 2, 2, 9], 10) == [(0, 1), (1, 2), (2, 4), (4, 5)]
    assert pages_by_size([], 10) == [(0, 0)]
