from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from northstar.core.pace import (
    Status,
    StatusCall,
    confidence_level,
    confidence_score,
    expected_progress,
    is_stale,
    status_for,
    status_for_band,
)

RANK = {Status.OFF_TRACK: 0, Status.AT_RISK: 1, Status.ON_TRACK: 2, Status.DONE: 3}
JAN1, JAN31 = date(2025, 1, 1), date(2025, 1, 31)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
unit = st.floats(min_value=0, max_value=1, allow_nan=False)


# --- expected_progress ------------------------------------------------------------------------------


def test_expected_progress_is_share_of_period_elapsed() -> None:
    # January 1 -> 31 is 30 days long
    assert expected_progress(JAN1, JAN31, date(2025, 1, 16)) == pytest.approx(15 / 30)
    assert expected_progress(JAN1, JAN31, date(2025, 1, 7)) == pytest.approx(6 / 30)
    assert expected_progress(JAN1, JAN31, JAN1) == 0.0
    assert expected_progress(JAN1, JAN31, JAN31) == 1.0


def test_expected_progress_is_clamped_outside_the_period() -> None:
    assert expected_progress(JAN1, JAN31, date(2024, 12, 1)) == 0.0
    assert expected_progress(JAN1, JAN31, date(2025, 6, 1)) == 1.0


def test_expected_progress_for_empty_or_reversed_period() -> None:
    assert expected_progress(JAN1, JAN1, JAN1) == 1.0
    assert expected_progress(JAN1, JAN1, date(2024, 12, 31)) == 0.0
    assert expected_progress(JAN31, JAN1, JAN1) == 1.0
    assert expected_progress(JAN31, JAN1, date(2024, 12, 31)) == 0.0


@settings(max_examples=200)
@given(start=dates, end=dates, a=dates, b=dates)
def test_expected_progress_is_monotonic_in_today(start: date, end: date, a: date, b: date) -> None:
    early, late = sorted((a, b))
    e1, e2 = expected_progress(start, end, early), expected_progress(start, end, late)
    assert 0.0 <= e1 <= e2 <= 1.0


# --- status_for -------------------------------------------------------------------------------------


def call(progress: float, expected: float | None, confidence: float | None = None) -> tuple[Status, str]:
    c = status_for(progress, True, expected, confidence)
    return c.status, c.reason


def test_no_data() -> None:
    assert status_for(0.7, False, 0.5, 0.9) == StatusCall(Status.NO_DATA, 0.5, None, "no_data")


def test_done_beats_everything_else() -> None:
    c = status_for(1.0, True, 0.2, 0.1)
    assert (c.status, c.reason) == (Status.DONE, "complete")
    assert call(1.3, None, 0.0) == (Status.DONE, "complete")


@pytest.mark.parametrize(
    ("progress", "expected", "result"),
    [
        (0.6, 0.5, (Status.ON_TRACK, "ahead_of_pace")),
        (0.5, 0.5, (Status.ON_TRACK, "ahead_of_pace")),
        (0.45, 0.5, (Status.ON_TRACK, "near_pace")),
        (0.3, 0.4, (Status.ON_TRACK, "near_pace")),  # exactly 10 points behind is still on track
        (0.39, 0.5, (Status.AT_RISK, "behind_pace")),
        (0.3, 0.5, (Status.AT_RISK, "behind_pace")),
        (0.5, 0.75, (Status.AT_RISK, "behind_pace")),  # exactly 25 points behind
        (0.5, 0.8, (Status.OFF_TRACK, "far_behind_pace")),
        (0.0, 1.0, (Status.OFF_TRACK, "far_behind_pace")),
    ],
)
def test_status_against_pace(progress: float, expected: float, result: tuple[Status, str]) -> None:
    assert call(progress, expected) == result
    assert call(progress, expected, 0.9) == result


def test_gap_is_expected_minus_progress() -> None:
    c = status_for(0.3, True, 0.5, None)
    assert c.expected == 0.5
    assert c.gap == pytest.approx(0.2)


def test_low_confidence_downgrades_on_track_only() -> None:
    assert call(0.6, 0.5, 0.39) == (Status.AT_RISK, "low_confidence")
    assert call(0.6, 0.5, 0.4) == (Status.ON_TRACK, "ahead_of_pace")
    assert call(0.3, 0.5, 0.1) == (Status.AT_RISK, "behind_pace")
    assert call(0.5, 0.8, 0.1) == (Status.OFF_TRACK, "far_behind_pace")


@pytest.mark.parametrize(
    ("confidence", "result"),
    [
        (0.7, (Status.ON_TRACK, "no_period_confident")),
        (0.95, (Status.ON_TRACK, "no_period_confident")),
        (0.69, (Status.AT_RISK, "no_period_unsure")),
        (0.4, (Status.AT_RISK, "no_period_unsure")),
        (None, (Status.AT_RISK, "no_period_unsure")),
        (0.39, (Status.OFF_TRACK, "no_period_unsure")),
        (0.0, (Status.OFF_TRACK, "no_period_unsure")),
    ],
)
def test_without_a_period_confidence_decides(confidence: float | None, result: tuple[Status, str]) -> None:
    c = status_for(0.2, True, None, confidence)
    assert (c.status, c.reason) == result
    assert c.expected is None
    assert c.gap is None


@settings(max_examples=300)
@given(
    a=st.floats(min_value=0, max_value=1.2),
    b=st.floats(min_value=0, max_value=1.2),
    expected=st.none() | unit,
    confidence=st.none() | unit,
)
def test_more_progress_never_worsens_status(
    a: float, b: float, expected: float | None, confidence: float | None
) -> None:
    low, high = sorted((a, b))
    worse = status_for(low, True, expected, confidence).status
    better = status_for(high, True, expected, confidence).status
    assert RANK[better] >= RANK[worse]


@settings(max_examples=200)
@given(progress=unit, expected=unit, confidence=st.none() | unit)
def test_status_matches_cut_offs(progress: float, expected: float, confidence: float | None) -> None:
    c = status_for(progress, True, expected, confidence)
    gap = expected - progress
    assert c.gap == pytest.approx(gap)
    if progress >= 1:
        assert c.status is Status.DONE
    elif gap < 0.0999:
        low = confidence is not None and confidence < 0.4
        assert c.status is (Status.AT_RISK if low else Status.ON_TRACK)
    elif 0.1001 < gap < 0.2499:
        assert c.status is Status.AT_RISK
    elif gap > 0.2501:
        assert c.status is Status.OFF_TRACK


# --- staleness and confidence -----------------------------------------------------------------------


def test_is_stale() -> None:
    assert is_stale(None, JAN1, 7)
    assert not is_stale(JAN1, date(2025, 1, 8), 7)  # 7 days: still within cadence
    assert is_stale(JAN1, date(2025, 1, 9), 7)  # 8 days
    assert not is_stale(JAN1, JAN1, 0)
    assert is_stale(JAN1, date(2025, 1, 2), 0)
    assert not is_stale(date(2025, 1, 10), JAN1, 7)  # a check-in dated after today is not stale


@settings(max_examples=100)
@given(
    last=dates, days=st.integers(min_value=0, max_value=400), cadence=st.integers(min_value=0, max_value=90)
)
def test_is_stale_exactly_after_cadence(last: date, days: int, cadence: int) -> None:
    assert is_stale(last, last + timedelta(days=days), cadence) == (days > cadence)


@pytest.mark.parametrize(
    ("confidence", "level"),
    [
        (None, None),
        (0.0, "low"),
        (0.39, "low"),
        (0.4, "medium"),
        (0.69, "medium"),
        (0.7, "high"),
        (1.0, "high"),
    ],
)
def test_confidence_level(confidence: float | None, level: str | None) -> None:
    assert confidence_level(confidence) == level


@pytest.mark.parametrize(
    ("confidence", "score"),
    [(None, None), (0.0, 1), (0.04, 1), (0.12, 1), (0.3, 3), (0.73, 7), (0.78, 8), (1.0, 10), (1.5, 10)],
)
def test_confidence_score(confidence: float | None, score: int | None) -> None:
    assert confidence_score(confidence) == score


@settings(max_examples=100)
@given(a=unit, b=unit)
def test_confidence_score_is_bounded_and_monotonic(a: float, b: float) -> None:
    low, high = sorted((a, b))
    s_low, s_high = confidence_score(low), confidence_score(high)
    assert s_low is not None and s_high is not None
    assert 1 <= s_low <= s_high <= 10


class TestBand:
    def test_inside_the_band_is_on_track_not_done(self) -> None:
        assert status_for_band(1.0, True, 0.8).status is Status.ON_TRACK

    def test_low_confidence_inside_the_band_is_at_risk(self) -> None:
        assert status_for_band(1.0, True, 0.2).status is Status.AT_RISK

    def test_just_outside_is_at_risk_and_far_outside_is_off_track(self) -> None:
        # 95..100 % band, value 93.8: 1.2 below on a band 5 wide -> progress 0.76
        assert status_for_band(0.76, True, None).status is Status.AT_RISK
        assert status_for_band(0.4, True, None).status is Status.OFF_TRACK
        assert status_for_band(0.0, False, None).status is Status.NO_DATA

    @given(st.floats(0, 1), st.floats(0, 1))
    def test_more_progress_never_worsens_a_band_call(self, a: float, b: float) -> None:
        low, high = sorted((a, b))
        order = [Status.OFF_TRACK, Status.AT_RISK, Status.ON_TRACK]
        assert order.index(status_for_band(low, True, None).status) <= order.index(
            status_for_band(high, True, None).status
        )
