from datetime import date, timedelta

from northstar.core.adjust import KeyResultInput, SpareInput, WorkInput, proposals

START, END = date(2026, 10, 1), date(2026, 12, 31)
TODAY = date(2026, 11, 15)


def behind(team: int = 1) -> KeyResultInput:
    """0 → 20 over the quarter, at 4 half-way: well behind."""
    return KeyResultInput(
        1, team, 0.0, 20.0, START, END, tuple((START + timedelta(days=7 * i), 0.6 * i) for i in range(7))
    )


def test_work_planned_after_the_period_is_pulled_into_it() -> None:
    late = WorkInput(10, 1, date(2026, 12, 20), date(2027, 1, 20), "planned")
    found = proposals(behind(), [late], [], TODAY)
    pull = next(p for p in found if p.kind == "pull_forward")
    [move] = pull.changes
    assert move.kind == "move" and move.item == 10 and move.end is not None and move.end <= END
    assert move.start is not None and (move.end - move.start) == timedelta(days=31)  # its length is kept
    assert pull.effect > 0


def test_new_work_is_paid_for_by_spare_work_of_the_same_team() -> None:
    linked = WorkInput(10, 2, date(2026, 10, 1), date(2026, 11, 1), "done")
    spare = [SpareInput(20, 2, 0.0, 25), SpareInput(21, 2, 0.5, 5), SpareInput(22, 3, 0.0, 40)]
    found = proposals(behind(team=1), [linked], spare, TODAY)
    kinds = [p.kind for p in found]
    assert kinds.index("move_capacity") < kinds.index("add_work")
    funded = next(p for p in found if p.kind == "move_capacity")
    assert funded.freed_from == 20 and funded.freed_days == 25  # the lowest score per day, of team 2
    drop, add = funded.changes
    assert (drop.kind, drop.item) == ("drop", 20) and add.kind == "add" and add.team == 2
    assert add.end == TODAY + (END - TODAY) / 2


def test_proposals_are_ranked_by_effect_and_never_harm() -> None:
    work = [
        WorkInput(10, 1, date(2026, 12, 1), date(2027, 2, 1), "planned"),
        WorkInput(11, 1, None, None, "planned"),
    ]
    found = proposals(behind(), work, [SpareInput(30, 1, 0.0, 10)], TODAY)
    roadmap = [p for p in found if p.kind != "rescope"]
    assert roadmap and all(p.effect > 0 for p in roadmap)
    assert [round(p.effect, 6) for p in roadmap] == sorted(
        (round(p.effect, 6) for p in roadmap), reverse=True
    )


def test_rescope_offers_a_target_the_forecast_expects_to_reach() -> None:
    [*_, last] = proposals(behind(), [], [], TODAY)
    assert last.kind == "rescope" and last.new_target is not None and 0 < last.new_target < 20
    assert last.probability_after > last.probability_before


def test_nothing_to_add_once_the_period_is_over() -> None:
    assert [p.kind for p in proposals(behind(), [], [], END)] in ([], ["rescope"])
