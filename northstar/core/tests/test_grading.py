from hypothesis import given
from hypothesis import strategies as st

from northstar.core.grading import Grade, final_score, grade, objective_score


def test_by_hand() -> None:
    assert final_score(1.4) == 1.0 and final_score(-0.2) == 0.0 and final_score(0.55) == 0.55
    assert objective_score([(1.0, 1), (0.4, 2)]) == 0.6
    assert objective_score([(1.0, 0)]) is None and objective_score([]) is None
    assert grade(0.7, committed=False) == Grade.SUCCESS
    assert grade(0.7, committed=True) == Grade.PROGRESS
    assert grade(0.3, committed=True) == Grade.MISSED
    assert grade(0.95, committed=True, committed_at=0.9) == Grade.SUCCESS


@given(st.lists(st.tuples(st.floats(-2, 3), st.floats(0.01, 10)), min_size=1, max_size=8))
def test_an_objective_score_lies_between_its_key_results(pairs: list[tuple[float, float]]) -> None:
    scores = [(final_score(p), w) for p, w in pairs]
    result = objective_score(scores)
    assert result is not None
    assert min(s for s, _w in scores) - 1e-9 <= result <= max(s for s, _w in scores) + 1e-9


@given(st.floats(0, 1), st.floats(0, 1))
def test_a_higher_score_never_grades_lower(a: float, b: float) -> None:
    order = [Grade.MISSED, Grade.PROGRESS, Grade.SUCCESS]
    for committed in (False, True):
        low, high = sorted((a, b))
        assert order.index(grade(low, committed)) <= order.index(grade(high, committed))
