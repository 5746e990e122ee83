from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from northstar.core.alignment import (
    KeyResultNode,
    Misalignment,
    ObjectiveNode,
    WorkNode,
    coverage,
    misalignments,
)
from northstar.core.capacity import Span
from northstar.core.output import Link


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def kr(kid: int, weight: float = 1.0) -> Link:
    return Link(("kr", kid), weight)


def item(id: int, team: int, start: date | None, end: date | None, estimate: float | None,
         links: tuple[Link, ...] = (), parent: int | None = None, kind: str = "task",
         status: str = "planned") -> WorkNode:  # fmt: skip
    span = Span(start, end) if start is not None and end is not None else None
    return WorkNode(id, team, parent, kind, status, estimate, span, links)


Q2 = Span(d(10, 1), d(12, 31))  # FY27-Q2

# --- Finvest in FY27-Q2 -----------------------------------------------------------------------------

GROWTH, PLATFORM = 1, 2
ANNUAL, SEATS, REFUNDS, EXPORTS = 1, 2, 3, 4  # key results
REVENUE, TEAMS, COMPLIANCE, SECURITY = 100, 101, 102, 103  # objectives
ACTIVE_KRS = {ANNUAL: REVENUE, SEATS: TEAMS, REFUNDS: REVENUE, EXPORTS: COMPLIANCE}
ACTIVE_OBJECTIVES = {REVENUE, TEAMS, COMPLIANCE, SECURITY}

OFFER, DESIGN, CHECKOUT, LAUNCH, INVITATIONS, DARK_MODE = 10, 11, 12, 13, 20, 30
SSO, LEGACY_EXPORT, BILLING_REFACTOR = 40, 41, 42
FINVEST = [
    item(OFFER, GROWTH, d(9, 15), d(1, 31, 2027), 45, (kr(ANNUAL),), kind="initiative", status="in_progress"),
    item(DESIGN, GROWTH, d(9, 15), d(10, 10), 8, (kr(ANNUAL),), OFFER, status="done"),
    item(CHECKOUT, GROWTH, d(11, 23), d(12, 18), 20, (kr(ANNUAL),), OFFER, status="in_progress"),
    item(LAUNCH, GROWTH, d(1, 15, 2027), d(1, 15, 2027), None, (kr(ANNUAL),), OFFER, kind="milestone"),
    item(INVITATIONS, GROWTH, d(8, 15), d(10, 20), 30, (kr(SEATS),), kind="initiative", status="done"),
    item(DARK_MODE, GROWTH, d(11, 1), d(12, 20), 25, (), kind="initiative"),
    item(SSO, PLATFORM, d(10, 1), d(11, 30), 30, (Link(("objective", SECURITY), 1.0),)),
    item(LEGACY_EXPORT, PLATFORM, d(10, 1), d(10, 31), 10, (kr(EXPORTS),), status="cancelled"),
    item(BILLING_REFACTOR, PLATFORM, d(12, 1), d(1, 30, 2027), 61, (kr(99),)),  # last quarter's key result
]


def test_finvest_orphan_share_by_hand() -> None:
    c = coverage(FINVEST, ACTIVE_KRS, ACTIVE_OBJECTIVES, Q2)
    # Growth, spread over each item's days (inclusive):
    # - the offer initiative (45) has estimated children, so only they count
    # - design, Sep 15..Oct 10 = 16 + 10 = 26 days, 10 of them in the quarter: 8 × 10/26 = 40/13
    # - checkout, Nov 23..Dec 18, entirely inside: 20
    # - the launch milestone has no estimate: 0
    # - invitations, Aug 15..Oct 20 = 17 + 30 + 20 = 67 days, 20 in the quarter: 30 × 20/67 = 600/67
    # - dark mode, Nov 1..Dec 20, entirely inside: 25, and it serves nothing
    # planned = 25 + 40/13 + 20 + 600/67 = (45·871 + 40·67 + 600·13)/871 = 49675/871 ≈ 57.032
    # orphan share = 25 / (49675/871) = 25·871/49675 = 871/1987 ≈ 0.43835
    assert c.planned_effort[GROWTH] == pytest.approx(49675 / 871)
    assert c.orphan_effort[GROWTH] == pytest.approx(25)
    assert c.orphan_share(GROWTH) == pytest.approx(871 / 1987)
    # Platform: SSO Oct 1..Nov 30 inside, 30; the billing refactor Dec 1..Jan 30 = 31 + 30 = 61 days,
    # 31 in the quarter: 61 × 31/61 = 31, serving a key result that is no longer active; the cancelled
    # export counts for nothing.
    assert c.planned_effort[PLATFORM] == pytest.approx(61)
    assert c.orphan_effort[PLATFORM] == pytest.approx(31)
    assert c.orphan_share(PLATFORM) == pytest.approx(31 / 61)
    # Company: (25 + 31) / (49675/871 + 61)
    assert c.orphan_share() == pytest.approx(56 / (49675 / 871 + 61))


def test_finvest_unsupported_goals_and_orphans() -> None:
    c = coverage(FINVEST, ACTIVE_KRS, ACTIVE_OBJECTIVES, Q2)
    # refunds has no work; exports only had the cancelled item
    assert c.unsupported_key_results == (REFUNDS, EXPORTS)
    # revenue and teams through their key results, security through SSO's objective-level link
    assert c.unsupported_objectives == (COMPLIANCE,)
    assert c.orphans == (DARK_MODE, BILLING_REFACTOR)


def test_an_objective_level_link_does_not_support_its_key_results() -> None:
    work = [item(1, GROWTH, Q2.start, Q2.end, 5, (Link(("objective", REVENUE), 1.0),))]
    c = coverage(work, {ANNUAL: REVENUE}, {REVENUE}, Q2)
    assert c.unsupported_key_results == (ANNUAL,)
    assert c.unsupported_objectives == ()
    assert c.orphans == ()


def test_an_initiative_without_estimated_children_counts_its_own_estimate() -> None:
    work = [
        item(1, GROWTH, d(10, 1), d(10, 31), 40, (kr(ANNUAL),), kind="initiative"),
        item(2, GROWTH, d(10, 1), d(10, 10), None, (), 1),
        item(3, GROWTH, d(10, 11), d(10, 11), None, (), 1, kind="milestone"),
        item(4, GROWTH, d(10, 1), d(10, 31), 12, (), 1, status="cancelled"),  # cancelled work is not planned
        item(5, GROWTH, d(10, 1), d(10, 31), 0, (), 1),  # an estimate of 0 is no estimate
    ]
    c = coverage(work, {ANNUAL: REVENUE}, {REVENUE}, Q2)
    assert c.planned_effort == {GROWTH: 40}
    assert c.orphan_effort == {GROWTH: 0}


def test_estimated_grandchildren_replace_the_estimates_above_them() -> None:
    work = [
        item(1, GROWTH, d(10, 1), d(10, 31), 100, (), kind="initiative"),
        item(2, GROWTH, d(10, 1), d(10, 31), 50, (), 1),
        item(3, PLATFORM, d(10, 1), d(10, 10), 7, (), 2),  # another team's sub-task
    ]
    c = coverage(work, {}, set(), Q2)
    assert c.planned_effort == {GROWTH: 0, PLATFORM: 7}
    assert c.orphans == (1, 2, 3)


def test_links_that_serve_nothing_active() -> None:
    work = [
        item(1, GROWTH, None, None, 5, (kr(ANNUAL, 0),)),  # weight 0 serves nothing
        item(2, GROWTH, None, None, 5, (Link(("objective", 999), 1.0),)),  # inactive objective
        item(3, GROWTH, None, None, 5, (Link(("objective", REVENUE), 0.5), kr(42))),
    ]
    c = coverage(work, {ANNUAL: REVENUE}, {REVENUE}, Q2)
    assert c.orphans == (1, 2)
    assert c.unsupported_key_results == (ANNUAL,)
    # nothing has dates, so nothing is planned in the quarter
    assert c.planned_effort == {GROWTH: 0} and c.orphan_share() == 0 and c.orphan_share(GROWTH) == 0
    assert c.orphan_share(PLATFORM) == 0


def test_a_parent_loop_in_bad_data_does_not_hang() -> None:
    work = [item(1, GROWTH, Q2.start, Q2.end, 3, (), 2), item(2, GROWTH, Q2.start, Q2.end, 4, (), 1)]
    c = coverage(work, {}, set(), Q2)
    # each is the other's estimated descendant, so neither counts
    assert c.planned_effort == {GROWTH: 0}


def test_nothing_at_all() -> None:
    c = coverage([], {ANNUAL: REVENUE}, {REVENUE, TEAMS}, Q2)
    assert c.unsupported_key_results == (ANNUAL,)
    assert c.unsupported_objectives == (REVENUE, TEAMS)
    assert c.orphans == () and c.orphan_share() == 0


# --- coverage properties ----------------------------------------------------------------------------

BASE = d(9, 1)


@st.composite
def work_lists(draw: st.DrawFn) -> list[WorkNode]:
    n = draw(st.integers(1, 12))
    nodes = []
    for i in range(n):
        parent = draw(st.none() | st.integers(0, i - 1)) if i else None
        start = BASE + timedelta(days=draw(st.integers(0, 150)))
        end = start + timedelta(days=draw(st.integers(0, 90)))
        links = tuple(
            draw(st.lists(st.builds(kr, st.integers(1, 6), st.sampled_from([0.0, 0.5, 1.0])), max_size=2))
        )
        nodes.append(
            WorkNode(
                id=i,
                team=draw(st.integers(1, 3)),
                parent=parent,
                kind=draw(st.sampled_from(["initiative", "task", "milestone"])),
                status=draw(st.sampled_from(["planned", "in_progress", "done", "cancelled"])),
                estimate_days=draw(st.none() | st.floats(0, 100)),
                span=Span(start, end),
                links=links,
            )
        )
    return nodes


ACTIVE = {1: 100, 2: 100, 3: 101}


@given(work_lists())
def test_orphan_effort_is_part_of_planned_effort(work: list[WorkNode]) -> None:
    c = coverage(work, ACTIVE, {100, 101}, Q2)
    for team, planned in c.planned_effort.items():
        assert 0 <= c.orphan_effort[team] <= planned + 1e-9
        assert 0 <= c.orphan_share(team) <= 1 + 1e-12
    assert 0 <= c.orphan_share() <= 1 + 1e-12
    assert set(c.orphans) <= {w.id for w in work if w.status != "cancelled"}


@given(work_lists(), st.floats(0, 1000))
def test_an_estimate_above_estimated_work_never_counts(work: list[WorkNode], new_estimate: float) -> None:
    live = {w.id for w in work if w.status != "cancelled"}
    covered = {w.parent for w in work if w.id in live and w.estimate_days and w.parent in live}
    changed = [replace(w, estimate_days=new_estimate) if w.id in covered else w for w in work]
    before = coverage(work, ACTIVE, {100}, Q2).planned_effort
    after = coverage(changed, ACTIVE, {100}, Q2).planned_effort
    assert before == after


@given(work_lists())
def test_work_that_all_serves_an_active_key_result_leaves_no_orphans(work: list[WorkNode]) -> None:
    linked = [replace(w, links=(*w.links, kr(1))) for w in work]
    c = coverage(linked, ACTIVE, {100, 101}, Q2)
    assert c.orphans == () and c.orphan_share() == 0
    assert (1 in c.unsupported_key_results) == all(w.status == "cancelled" for w in work)


# --- misalignments ----------------------------------------------------------------------------------

FY27 = Span(d(7, 1), d(6, 30, 2027))


def objective(
    id: int, parents: tuple[int, ...] = (), period: Span | None = Q2, root: bool = False
) -> ObjectiveNode:
    return ObjectiveNode(id=id, team=0 if root else 1, is_root_team=root, parents=parents, period=period)


def test_misaligned_objectives() -> None:
    objectives = [
        objective(1, period=FY27, root=True),  # the company objective
        objective(2, (1,)),
        objective(3),  # a team objective aligned to nothing
        objective(4, (1,), Span(d(4, 1, 2027), d(9, 30, 2027))),  # runs past the fiscal year
        objective(5, root=True),  # root team objectives need no parent
        objective(6, (2, 99), Span(d(10, 1), d(1, 15, 2027))),  # past Q2; 99 is not visible
        objective(7, (1,), None),  # no period to compare
        objective(8, (7,)),  # the parent has no period
        objective(9, (1,), Span(d(7, 1), d(6, 30, 2027))),  # exactly the parent's period is inside
    ]
    found = misalignments(objectives, [])
    assert [(m.kind, m.subject) for m in found] == [
        ("team_objective_unaligned", 3),
        ("period_outside_parent", 4),
        ("period_outside_parent", 6),
    ]
    assert "parent 2" in found[2].detail


DONE_BY = d(11, 1)


def key_result(id: int, direction: int, then: float | None, now: float | None,
               done_by: date | None = DONE_BY) -> KeyResultNode:  # fmt: skip
    return KeyResultNode(id, 100, direction, done_by, then, now)


def test_work_done_but_the_number_did_not_move() -> None:
    krs = [
        key_result(10, +1, 12.0, 12.0),  # flat
        key_result(11, +1, 12.0, 15.0),
        key_result(12, -1, 3.0, 3.5),  # churn went up: the wrong way
        key_result(13, -1, 3.0, 2.5),
        key_result(14, +1, 12.0, 12.0, done_by=None),  # work still open
        key_result(15, 0, 12.0, 12.0),  # no direction to judge by
        key_result(16, +1, 12.0, None),  # no value to judge by
        key_result(17, +1, None, 12.0),
    ]
    assert misalignments([], krs) == [
        Misalignment("work_done_number_flat", 10, "work done by 2026-11-01; value 12 then, 12 now"),
        Misalignment("work_done_number_flat", 12, "work done by 2026-11-01; value 3 then, 3.5 now"),
    ]
