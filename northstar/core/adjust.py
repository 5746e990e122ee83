"""What to change on the roadmap when a key result is at risk, ranked by the difference it is expected to make.

Each proposal is measured with the forecast itself (``core.forecast``): the key result's check-ins stay as they
are, the planned deliveries of its linked work change as the proposal says, and the proposal's expected effect
is the change in the chance of reaching the target. The kinds:

* ``pull_forward``: deliver an open linked item earlier, moved as a whole (its length kept): one planned to end
  after the period into its last ``PULL_DAYS``, others ``PULL_DAYS`` sooner, never before today. The forecast
  counts a delivery's effect from its date on, so work brought into the period is what raises the chance.
* ``add_work``: plan a new initiative serving the key result, for the team doing most of its linked work (else
  its objective's team), ending half-way through
  the time left (for a key result with no linked work at all, the first step to take). The forecast expects
  each delivery to help a little (its prior), so this raises the chance by that much until data say more.
* ``move_capacity``: the same new work, paid for by dropping orphan or low-score work of that team (the
  candidate with the lowest score per person-day first); the dropped item is named with the person-days it
  frees. Same effect as ``add_work``, listed before it because it asks for no extra capacity.
* ``rescope``: lower the target to the pessimistic end of the forecast's 80 % interval — not a change to the
  roadmap, but an honest option to discuss; its "effect" is the chance of reaching that target.

Proposals that do not raise the chance are left out (except ``rescope``, always last). The rest are sorted by
effect, largest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from northstar.core.forecast import Case, Delivery, forecast_all

PULL_DAYS = 14


@dataclass(frozen=True)
class WorkInput:
    id: int
    team: int
    start: date | None
    end: date | None
    status: str
    weight: float = 1.0


@dataclass(frozen=True)
class SpareInput:
    """Work that could give way: orphan or low-score, open, with an estimate in person-days."""

    id: int
    team: int
    score: float
    estimate_days: float


@dataclass(frozen=True)
class KeyResultInput:
    id: int
    team: int
    start_value: float
    target: float
    period_start: date
    period_end: date
    check_ins: tuple[tuple[date, float], ...]


@dataclass(frozen=True)
class Change:
    kind: str  # "move" | "drop" | "add" (scenario changes)
    item: int | None = None
    start: date | None = None
    end: date | None = None
    team: int | None = None  # for "add": the team to do the new work


@dataclass(frozen=True)
class Proposal:
    kind: str  # "pull_forward" | "move_capacity" | "add_work" | "rescope"
    probability_before: float
    probability_after: float
    changes: tuple[Change, ...] = ()
    item: int | None = None  # the linked item it moves
    freed_from: int | None = None  # the item it drops to free capacity
    freed_days: float = 0.0
    new_target: float | None = None
    details: dict[str, float] = field(default_factory=dict)

    @property
    def effect(self) -> float:
        return self.probability_after - self.probability_before


def _case(kr: KeyResultInput, deliveries: Sequence[Delivery], target: float | None = None) -> Case:
    target = kr.target if target is None else target
    return Case(kr.check_ins, kr.start_value, target, kr.period_start, kr.period_end, deliveries)


def _pulled(item: WorkInput, today: date, period_end: date) -> tuple[date, date] | None:
    if item.end is None or item.status in ("done", "cancelled") or item.end <= today:
        return None
    if item.end > period_end:
        new_end = max(today, period_end - timedelta(days=PULL_DAYS))
    else:
        new_end = max(today, item.end - timedelta(days=PULL_DAYS))
    if new_end >= item.end:
        return None
    length = (item.end - item.start) if item.start is not None else timedelta(0)
    return new_end - length, new_end


def proposals(
    kr: KeyResultInput, work: Sequence[WorkInput], spare: Sequence[SpareInput], today: date
) -> list[Proposal]:
    """The proposals for one key result with its linked work (see ``proposals_for``)."""
    return proposals_for([(kr, work)], spare, today)[0]


@dataclass
class _Asked:
    kr: KeyResultInput
    live: list[WorkInput]
    base: list[Delivery]
    pulls: list[tuple[WorkInput, tuple[date, date]]]
    new_end: date | None  # where new work would end; None when the period is over


def proposals_for(
    asked: Sequence[tuple[KeyResultInput, Sequence[WorkInput]]], spare: Sequence[SpareInput], today: date
) -> list[list[Proposal]]:
    """The proposals for each key result with its linked work. Every forecast they need is made in one of two
    batches (``forecast_all``): first the key results as planned and with each change, then each rescope,
    whose target the first batch gives."""
    plans: list[_Asked] = []
    cases: list[Case] = []
    for kr, work in asked:
        live = [w for w in work if w.status != "cancelled" and w.end is not None]
        plan = _Asked(kr, live, [Delivery(w.end, w.weight) for w in live if w.end is not None], [], None)
        cases.append(_case(kr, plan.base))
        for item in live:
            moved = _pulled(item, today, kr.period_end)
            if moved is not None:
                plan.pulls.append((item, moved))
                moves = [Delivery(moved[1] if w.id == item.id else w.end, w.weight) for w in live if w.end]
                cases.append(_case(kr, moves))
        if today < kr.period_end:
            plan.new_end = today + (kr.period_end - today) / 2
            cases.append(_case(kr, [*plan.base, Delivery(plan.new_end)]))
        plans.append(plan)
    made = iter(forecast_all(cases, today))
    answers: list[list[Proposal]] = []
    rescopes: list[tuple[int, float, float, Case]] = []
    for plan in plans:
        kr, live, now = plan.kr, plan.live, next(made)
        before = now.probability
        found = [
            Proposal("pull_forward", before, next(made).probability, (Change("move", item.id, *moved),), item=item.id)
            for item, moved in plan.pulls
        ]  # fmt: skip
        if plan.new_end is not None:
            after = next(made).probability
            # new work goes to the team doing most of the linked work (else the key result's own team)
            team = max(live, key=lambda w: (w.weight, -w.id)).team if live else kr.team
            add = Change("add", None, today, plan.new_end, team)
            found.append(
                Proposal("add_work", before, after, (add,), details={"unsupported": float(not live)})
            )
            givers = sorted(
                (s for s in spare if s.team == team and s.id not in {w.id for w in live}),
                key=lambda s: (s.score / s.estimate_days if s.estimate_days else s.score, s.id),
            )
            if givers:
                giver = givers[0]
                found.append(
                    Proposal(
                        "move_capacity",
                        before,
                        after,
                        (Change("drop", giver.id), add),
                        freed_from=giver.id,
                        freed_days=giver.estimate_days,
                    )
                )
        useful = [p for p in found if p.effect > 1e-6]
        # the same effect for less new effort first: capacity moved from spare work before new work on top
        order = {"pull_forward": 0, "move_capacity": 1, "add_work": 2}
        useful.sort(key=lambda p: (-round(p.effect, 6), order[p.kind], p.item or 0))
        low = now.low if kr.target > kr.start_value else now.high  # the pessimistic end, whichever way is up
        towards = (low - kr.start_value) / (kr.target - kr.start_value)
        if 0 < towards < 1:
            rescopes.append((len(answers), before, low, _case(kr, plan.base, target=low)))
        answers.append(useful)
    for (index, before, low, _asked_for), made_then in zip(
        rescopes, forecast_all([case for *_, case in rescopes], today), strict=True
    ):
        answers[index].append(Proposal("rescope", before, made_then.probability, new_target=low))
    return answers
