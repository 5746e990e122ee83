"""Reads for OKR pages, the API and the CLI. Each function runs a fixed number of queries, whatever the data size."""

from __future__ import annotations

import bisect
import copy
import datetime as dt
import hashlib
import itertools
import operator
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db.models import CharField, Count, DateField, IntegerField, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from northstar.core.attribution import Attribution, attribute
from northstar.core.forecast import (
    Case,
    Delivery,
    Forecast,
    forecast_all,
    probability_of_pace,
    status_from_probability,
)
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
from northstar.core.progress import KRKind as CoreKind
from northstar.core.progress import Measure, Progress, progress
from northstar.core.rollup import Part, Rollup, rollup, rollup_tree
from northstar.okrs.models import Alignment, CheckIn, KeyResult, Objective, Period
from northstar.workspaces import revisions
from northstar.workspaces.kept import Kept
from northstar.workspaces.lookups import among
from northstar.workspaces.models import Membership, Team, User
from northstar.workspaces.permissions import VIEW, Actor, access, descendants
from northstar.workspaces.queries import attach, build_tree


@dataclass
class KeyResultView:
    kr: KeyResult
    progress: Progress
    status: StatusCall
    stale: bool
    confidence_level: str | None
    confidence_score: int | None
    can_check_in: bool = False
    milestones: tuple[int, int] = (0, 0)  # (reached, linked), for milestone-kind key results
    forecast: Forecast | None = None  # numeric key results of a period with check-ins

    @property
    def probability(self) -> float | None:
        """The chance of reaching the target by the end of the period: the forecast's, or for key results
        without one the straight-line pace call read as a probability."""
        if self.forecast is not None:
            return self.forecast.probability
        if not self.progress.has_data or self.status.expected is None:
            return None
        return probability_of_pace(self.progress.value, self.status.expected)

    @property
    def percent(self) -> int:
        return round(self.progress.value * 100)


@dataclass
class ObjectiveView:
    objective: Objective
    key_results: list[KeyResultView]
    rollup: Rollup
    status: StatusCall
    parents: list[Objective] = field(default_factory=list)
    children: list[Objective] = field(default_factory=list)
    can_change: bool = False
    quality: Any = None  # the OKR coach's badge (coach.queries.Badge), where a page shows it

    @property
    def percent(self) -> int:
        return round(self.rollup.progress * 100)

    @property
    def confidence(self) -> float | None:
        values = [k.kr.current_confidence for k in self.key_results if k.kr.current_confidence is not None]
        return min(values) if values else None

    @property
    def stale_count(self) -> int:
        return sum(1 for k in self.key_results if k.stale)


@dataclass
class TeamSection:
    team: Team
    depth: int
    objectives: list[ObjectiveView]


@dataclass
class OkrTree:
    sections: list[TeamSection]
    period: Period | None
    objective_count: int  # on every page
    key_result_count: int  # on every page
    page: int = 1
    pages: int = 1
    first: int = 1  # the place of the page's first objective among them all, from 1
    # all the viewer's teams in tree order, with their depth (for the page's team filter)
    teams: list[tuple[Team, int]] = field(default_factory=list)

    def all_objectives(self) -> Iterable[ObjectiveView]:
        for section in self.sections:
            yield from section.objectives


def measure_of(kr: KeyResult, *, milestones: tuple[int, int] = (0, 0)) -> Measure:
    return Measure(
        kind=CoreKind(kr.kind),
        start=kr.start,
        target=kr.target,
        low=kr.low,
        high=kr.high,
        current=kr.current_value,
        milestones_reached=milestones[0],
        milestones_total=milestones[1],
    )


def linked_milestones(actor: Actor, key_results: list[KeyResult]) -> dict[int, tuple[int, int]]:
    """(reached, linked) milestones of the roadmap for each milestone-kind key result; no query without any."""
    wanted = [kr.pk for kr in key_results if kr.kind == CoreKind.MILESTONE]
    if not wanted:
        return {}
    from northstar.roadmap.queries import milestone_counts  # the roadmap app builds on this one

    return milestone_counts(actor, wanted)


NUMERIC = {CoreKind.INCREASE, CoreKind.DECREASE}


def forecastable(kr: KeyResult, period: Period | None) -> bool:
    return (
        kr.kind in NUMERIC
        and period is not None
        and kr.start is not None
        and kr.target is not None
        and kr.start != kr.target
    )


def check_in_days(check_ins: QuerySet[CheckIn], *fields: str) -> QuerySet[CheckIn, tuple[Any, ...]]:
    """(key result, day, *fields) of these check-ins, oldest first. Check-ins are dated by their UTC day, as
    everywhere in the product; the database turns the times into days, which for the dashboard's 200,000
    check-ins takes half the time Python did."""
    return (
        check_ins.annotate(day=Cast("checked_in_at", DateField()))
        .order_by("checked_in_at", "id")
        .values_list("key_result_id", "day", *fields)
    )


History = tuple[tuple[dt.date, float, float | None], ...]  # (day, value, confidence), oldest first
Deliveries = tuple[Delivery, ...]  # a key result's dated linked work, oldest first

# Check-in histories this process has read, by the key result as it is (its version moves with every check-in,
# added or deleted; its creation time tells apart rows that reuse an id; its last check-in's time, a version
# read inside a transaction that was then rolled back), counted in check-ins past
# NORTHSTAR_CHECK_INS_KEPT (the least recently used key results dropped first). The dashboard reads the history
# of every key result it shows: after a check-in, only that key result's is read again.
histories_kept = Kept(lambda: settings.NORTHSTAR_CHECK_INS_KEPT, size=lambda history: len(history) + 1)


def check_in_histories(actor: Actor, key_results: Iterable[KeyResult]) -> dict[int, History]:
    """Each key result's check-ins as (day, value, confidence), oldest first, for key results the actor can see
    (the caller read them through the gate) — one query at most, for the histories this process does not keep."""
    states = {kr.pk: (kr.pk, kr.version, kr.created_at, kr.last_check_in_at) for kr in key_results}
    out: dict[int, History] = {}
    missing = []
    for pk, state in states.items():
        known = histories_kept.get(state)
        if known is None:
            missing.append(pk)
        else:
            out[pk] = known
    if missing:
        read: dict[int, History] = {}
        # each day read as ISO text and made a date once: one object a day, which kept histories share, and a
        # quarter less time for 200,000 check-ins than the database driver's conversion of every row; in the
        # order of the index on (key result, time), so that each key result's rows come together
        days: dict[str, dt.date] = {}
        rows = (
            CheckIn.objects.restrict(actor)
            .filter(among("key_result_id", missing))
            .annotate(day=Cast(Cast("checked_in_at", DateField()), CharField()))
            .order_by("key_result_id", "checked_in_at", "id")
            .values_list("key_result_id", "day", "value", "confidence")
        )
        for kr_id, group in itertools.groupby(rows, key=operator.itemgetter(0)):
            history = []
            for _kr, text, value, confidence in group:
                day = days.get(text)
                if day is None:
                    day = days[text] = dt.date.fromisoformat(text)
                history.append((day, value, confidence))
            read[kr_id] = tuple(history)
        fresh = {pk: read.get(pk, ()) for pk in missing}
        histories_kept.put((states[pk], history) for pk, history in fresh.items())
        out.update(fresh)
    return out


FORECAST_CACHE_SECONDS = 24 * 3600

# Forecasts this process has made or fetched, by everything they depend on (the least recently used dropped
# first past NORTHSTAR_FORECASTS_KEPT): the whole tree's 8,000 look-ups cost 0.4 s through Django's cache (key
# checks and unpickling each entry), a few milliseconds here. Django's cache stays behind it, shared between
# processes when it is a shared one.
forecasts_kept = Kept(lambda: settings.NORTHSTAR_FORECASTS_KEPT)
# In front of it, the same forecasts by the key result as it is and the workspace's plan revision, which moves
# with every change to linked work: a page finds its forecasts without reading the work linked to its key results
# (for the whole tree, 8,000 key results' links and the look-ups by them: a third of its time). After a change
# to the plan, the links are read once and the forecasts found again by everything they depend on, most of them
# unchanged.
forecasts_by_plan = Kept(lambda: settings.NORTHSTAR_FORECASTS_KEPT)
_UNKNOWN = object()


def forget_forecasts() -> None:
    """Forget the forecasts, check-in histories, OKR page layouts and whole trees this process keeps."""
    forecasts_kept.clear()
    forecasts_by_plan.clear()
    histories_kept.clear()
    layouts_kept.clear()
    last_team_orders.clear()
    trees_kept.clear()
    last_trees.clear()


def _forecast_state(
    kr: KeyResult, period: Period, today: dt.date, deliveries: Iterable[Delivery]
) -> tuple[Any, ...]:
    """Everything a forecast depends on: the key result as it is now (its version moves with every check-in and
    edit; its creation time tells apart rows that reuse an id), its period, today, and its linked work."""
    return (
        kr.pk, kr.version, kr.created_at, kr.start, kr.target, kr.last_check_in_at, period.start, period.end, today,
        tuple(sorted((d.day, d.weight) for d in deliveries)),
    )  # fmt: skip


def _shared_cache() -> BaseCache | None:
    """Django's cache, for forecasts, when it is shared between processes (or the process keeps none itself):
    local memory, the default, is this process's own, where ``forecasts_kept`` already keeps them — writing a new
    process's 8,000 forecasts there too cost a tenth of making them."""
    backend = cache if isinstance(cache, BaseCache) else caches[DEFAULT_CACHE_ALIAS]
    if isinstance(backend, DummyCache):
        return None
    if isinstance(backend, LocMemCache) and settings.NORTHSTAR_FORECASTS_KEPT > 0:
        return None
    return backend


def _forecast_key(state: tuple[Any, ...]) -> str:
    return f"forecast:{state[0]}:{hashlib.sha1(repr(state[1:]).encode()).hexdigest()}"


def forecasts_for(
    actor: Actor,
    key_results: list[KeyResult],
    periods: dict[int, Period | None],
    *,
    today: dt.date,
    plan: tuple[Any, ...] | None = None,
    deliveries: dict[int, Deliveries] | None = None,
) -> dict[int, Forecast]:
    """The forecast of every numeric key result of a period that has check-ins, from its check-ins and the
    planned end dates of the work linked to it — at most three queries, whatever the number of key results.
    Forecasts are remembered (in this process, and in Django's cache) until the key result, its work, its period
    or the day changes; only the key results not remembered read their check-ins. ``plan``: the plan revision,
    when the caller has read it (``plan_stamp``); ``deliveries``, each key result's linked work, when the caller
    has read it (``deliveries_of``)."""
    wanted = {kr.pk: kr for kr in key_results if forecastable(kr, periods.get(kr.pk))}
    if not wanted:
        return {}
    if deliveries is not None:
        made = _forecasts_by_state(actor, wanted, periods, today, deliveries)
        return {pk: f for pk, f in made.items() if f is not None}
    out: dict[int, Forecast] = {}
    by_plan: dict[int, tuple[Any, ...]] = {}
    pending = list(wanted)
    if settings.NORTHSTAR_FORECASTS_KEPT > 0:
        plan = plan or revisions.stamp(actor.workspace, plan=True)
        for pk, kr in wanted.items():
            period = periods[pk]
            assert period is not None
            by_plan[pk] = (
                pk, kr.version, kr.created_at, kr.start, kr.target, kr.last_check_in_at, period.start, period.end,
                today, revisions.plan_only(plan),
            )  # fmt: skip
        pending = []
        for pk, known in zip(by_plan, forecasts_by_plan.get_many(by_plan.values(), _UNKNOWN), strict=True):
            if known is _UNKNOWN:
                pending.append(pk)
            elif known is not None:
                out[pk] = known
        if not pending:
            return out
    made = _forecasts_by_state(actor, {pk: wanted[pk] for pk in pending}, periods, today)
    out.update((pk, f) for pk, f in made.items() if f is not None)
    if by_plan:
        forecasts_by_plan.put((by_plan[pk], f) for pk, f in made.items())
    return out


# Past this many key results, their links are read all at once and filtered here: an id list that long costs more
# to send (80,000 ids: 2 s at enterprise scale, after every change to the plan) than the links no one asked for.
MANY_KEY_RESULTS = 1_000


def deliveries_of(actor: Actor, key_result_ids: Collection[int]) -> dict[int, Deliveries]:
    """The dated, not cancelled work linked to each of these key results (those with any), in one query."""
    from northstar.roadmap.models import Contribution  # the roadmap app builds on this one

    links = (
        Contribution.objects.restrict(actor)
        .filter(key_result__isnull=False, work_item__end__isnull=False)
        .exclude(work_item__status="cancelled")
    )
    if len(key_result_ids) <= MANY_KEY_RESULTS:
        links = links.filter(key_result_id__in=list(key_result_ids))
    wanted = set(key_result_ids)
    read: dict[int, list[tuple[dt.date, float]]] = {}
    for kr_id, end, weight in links.values_list("key_result_id", "work_item__end", "weight"):
        if kr_id in wanted:
            read.setdefault(kr_id, []).append((end, weight))
    # links share their few days and weights: one Delivery for each pair, not one per link (150,000 at enterprise)
    made: dict[tuple[dt.date, float], Delivery] = {}

    def delivery(pair: tuple[dt.date, float]) -> Delivery:
        found = made.get(pair)
        if found is None:
            found = made[pair] = Delivery(*pair)
        return found

    return {pk: tuple(map(delivery, sorted(found))) for pk, found in read.items()}


def _forecasts_by_state(
    actor: Actor,
    wanted: dict[int, KeyResult],
    periods: dict[int, Period | None],
    today: dt.date,
    deliveries: dict[int, Deliveries] | None = None,
) -> dict[int, Forecast | None]:
    """Each key result's forecast (None without check-ins), found by everything it depends on — its linked work
    read here unless given — in this process, else in Django's cache, else made from its check-ins."""
    if deliveries is None:
        deliveries = deliveries_of(actor, wanted.keys())
    states = {pk: _forecast_state(kr, periods[pk], today, deliveries.get(pk, ())) for pk, kr in wanted.items()}  # type: ignore[arg-type]  # fmt: skip
    out: dict[int, Forecast | None] = {}
    unknown = []
    for pk, known in zip(states, forecasts_kept.get_many(states.values(), _UNKNOWN), strict=True):
        if known is _UNKNOWN:
            unknown.append(pk)
        else:
            out[pk] = known
    if not unknown:
        return out
    shared = _shared_cache()
    keys = {pk: _forecast_key(states[pk]) for pk in unknown} if shared else {}
    remembered = shared.get_many(list(keys.values())) if shared else {}
    missing = []
    for pk in unknown:
        if pk in keys and keys[pk] in remembered:
            out[pk] = remembered[keys[pk]]
        else:
            missing.append(pk)
    histories = check_in_histories(actor, [wanted[pk] for pk in missing]) if missing else {}
    with_history = [pk for pk in missing if histories[pk]]
    cases = []
    for pk in with_history:
        kr, period = wanted[pk], periods[pk]
        assert period is not None and kr.start is not None and kr.target is not None
        cases.append(
            Case(histories[pk], kr.start, kr.target, period.start, period.end, deliveries.get(pk, ()))
        )
    made = dict(zip(with_history, forecast_all(cases, today), strict=True))
    for pk in missing:
        out[pk] = made.get(pk)
    if shared and missing:
        shared.set_many({keys[pk]: out[pk] for pk in missing}, FORECAST_CACHE_SECONDS)
    forecasts_kept.put((states[pk], out[pk]) for pk in unknown)
    return out


@dataclass
class LinkedWork:
    """A work item linked to a key result, with what its delivery seems to have done to the number."""

    item: Any  # roadmap.WorkItem
    weight: float
    attribution: Attribution | None  # None until it is delivered


def linked_work(actor: Actor, kr: KeyResult, check_ins: list[CheckIn], *, today: dt.date) -> list[LinkedWork]:
    """The work linked to this key result (its own links), with each delivered item's estimated effect on the
    number — one query."""
    from northstar.roadmap.models import Contribution  # the roadmap app builds on this one

    links = list(
        Contribution.objects.restrict(actor)
        .filter(key_result=kr)
        .exclude(work_item__status="cancelled")
        .select_related("work_item")
        .order_by("work_item__end", "work_item_id")
    )
    period = kr.objective.period
    found: dict[int, Attribution] = {}
    if period is not None and kr.start is not None and kr.target is not None and kr.start != kr.target:
        dated = [c for c in links if c.work_item.end is not None]
        estimates = attribute(
            [(c.checked_in_at.date(), c.value) for c in check_ins],
            start_value=kr.start,
            target=kr.target,
            period_start=period.start,
            period_end=period.end,
            today=today,
            deliveries=[Delivery(c.work_item.end, c.weight) for c in dated],
        )
        delivered = [c for c in dated if c.work_item.end <= today]
        found = {c.work_item_id: a for c, a in zip(delivered, estimates, strict=True)}
    return [LinkedWork(c.work_item, c.weight, found.get(c.work_item_id)) for c in links]


def forecast_status(call: StatusCall, prediction: Forecast | None) -> StatusCall:
    """A key result's status from its forecast's probability; without a forecast, or once the target is
    reached or when there is no data, the pace call stands."""
    if prediction is None or call.status in (Status.DONE, Status.NO_DATA):
        return call
    return StatusCall(status_from_probability(prediction.probability), call.expected, call.gap, "forecast")


def period_pace(period: Period | None, today: dt.date) -> float | None:
    return expected_progress(period.start, period.end, today) if period is not None else None


def key_result_view(
    kr: KeyResult,
    period: Period | None,
    today: dt.date,
    cadence_days: int,
    milestones: tuple[int, int] = (0, 0),
    prediction: Forecast | None = None,
) -> KeyResultView:
    p = progress(measure_of(kr, milestones=milestones))
    last = kr.last_check_in_at.date() if kr.last_check_in_at else None
    return KeyResultView(
        kr=kr,
        progress=p,
        status=(
            status_for_band(p.value, p.has_data, kr.current_confidence)
            if kr.kind == CoreKind.RANGE
            else forecast_status(
                status_for(p.value, p.has_data, period_pace(period, today), kr.current_confidence), prediction
            )
        ),
        forecast=prediction,
        stale=kr.kind != CoreKind.MILESTONE and is_stale(last, today, cadence_days),
        confidence_level=confidence_level(kr.current_confidence),
        confidence_score=confidence_score(kr.current_confidence),
        milestones=milestones,
    )


def kr_part(view: KeyResultView) -> Part:
    return Part(
        id=f"kr:{view.kr.pk}",
        label=view.kr.title,
        progress=view.progress.value,
        weight=view.kr.weight,
        has_data=view.progress.has_data,
    )


def default_period(actor: Actor, today: dt.date) -> Period | None:
    """The shortest period that contains today, else the latest that started, else the first."""
    return default_among(list(Period.objects.restrict(actor)), today)


def chosen_period(actor: Actor, wanted: Any, today: dt.date) -> tuple[list[Period], Period | None]:
    """The actor's periods, and the one a page was asked for (a period id), else the default — one query."""
    periods = list(Period.objects.restrict(actor))
    return periods, next((p for p in periods if str(p.pk) == str(wanted)), None) or default_among(
        periods, today
    )


def default_among(periods: list[Period], today: dt.date) -> Period | None:
    current = [p for p in periods if p.start <= today <= p.end]
    if current:
        return min(current, key=lambda p: (p.end - p.start, p.start))
    started = [p for p in periods if p.start <= today]
    return max(started, key=lambda p: p.start) if started else (periods[0] if periods else None)


def period_family(period: Period, periods: Iterable[Period]) -> set[int]:
    """A period and the periods that contain it or that it contains: FY27's view shows FY27-Q2's objectives."""
    ids = {period.pk}
    for p in periods:
        if (p.start <= period.start and p.end >= period.end) or (
            p.start >= period.start and p.end <= period.end
        ):
            ids.add(p.pk)
    return ids


# What OKR pages work out from the plan alone — a period's family, the teams in tree order, where each objective
# of a view falls among all of them (its page) and how many key results they hold, the alignments between
# objectives — kept per plan revision (which every change to periods, objectives, key results, teams and
# alignments moves, and check-ins do not) and viewer, counted in rows past NORTHSTAR_OKR_LAYOUTS_KEPT. Without it
# every page of an enterprise workspace reads 20,000 objective ids, 2,000 teams and every alignment to show 50
# objectives.
layouts_kept = Kept(
    lambda: settings.NORTHSTAR_OKR_LAYOUTS_KEPT, size=lambda layout: getattr(layout, "rows", 1)
)


def plan_stamp(actor: Actor) -> tuple[Any, ...] | None:
    """The workspace's plan revision, read once per page for what is kept under it (None when nothing is)."""
    rooms = (
        settings.NORTHSTAR_OKR_LAYOUTS_KEPT,
        settings.NORTHSTAR_OKR_TREES_KEPT,
        settings.NORTHSTAR_FORECASTS_KEPT,
    )
    if all(room <= 0 for room in rooms):
        return None
    return revisions.stamp(actor.workspace, plan=True)


def kept_by_plan[T](
    actor: Actor, plan: tuple[Any, ...] | None, what: tuple[Any, ...], make: Callable[[], T]
) -> T:
    """What ``make`` works out from the plan's OKRs, for this viewer, kept under the OKR revision of ``plan``
    (changes to the roadmap's own rows leave it standing)."""
    if plan is None or settings.NORTHSTAR_OKR_LAYOUTS_KEPT <= 0:
        return make()
    found: T = layouts_kept.get_or_make((revisions.okr_stamp(plan), actor.rights_key, *what), make)
    return found


@dataclass(frozen=True)
class TeamOrder:
    placed: list[tuple[Team, int]]  # in tree order, with their depth
    by_id: dict[int, Team]
    order: dict[int, int]  # each team's place in the tree

    @property
    def rows(self) -> int:
        return len(self.placed) + 1

    def place(self, team_id: int) -> int:
        """Where a team's objectives come in the tree: teams the viewer cannot see, last."""
        return self.order.get(team_id, len(self.order))


# The teams each viewer was last shown in tree order, with the rows they were made from, whatever the OKR
# revision: after a change to the OKRs that left the teams as they were (most do), their rows are read and, found
# the same, the order is taken again — reading plain rows is a fraction of making 2,000 teams and their tree.
last_team_orders = Kept(lambda: settings.NORTHSTAR_OKR_LAYOUTS_KEPT, size=lambda kept: kept[1].rows)
TEAM_FIELDS = [field.attname for field in Team._meta.concrete_fields]


def team_order(actor: Actor, plan: tuple[Any, ...] | None = None) -> TeamOrder:
    """The viewer's teams in tree order — one query, none while kept."""

    def make() -> TeamOrder:
        teams_qs = Team.objects.restrict(actor)
        rows = list(teams_qs.values_list(*TEAM_FIELDS))
        viewer = (actor.workspace.pk, actor.rights_key)
        last = last_team_orders.get(viewer)
        if last is not None and last[0] == rows:
            found: TeamOrder = last[1]
            return found
        teams = [Team.from_db(teams_qs.db, TEAM_FIELDS, row) for row in rows]
        placed = team_tree(teams)
        order = TeamOrder(placed, {t.pk: t for t in teams}, {t.pk: n for n, (t, _d) in enumerate(placed)})
        last_team_orders.put([(viewer, (rows, order))])
        return order

    return kept_by_plan(actor, plan, ("teams",), make)


@dataclass(frozen=True)
class Placement:
    """How many objectives of a view each team holds, in the tree's order (teams as in the team tree, then one
    group of those in teams the viewer cannot see), and how many key results they hold."""

    groups: list[tuple[int | None, int]]  # (team — None: those the viewer cannot see —, its objectives)
    key_results: int

    @property
    def objectives(self) -> int:
        return sum(count for _team, count in self.groups)

    @property
    def rows(self) -> int:
        return len(self.groups) + 1


# okrs_objective.key_result_count: kept by the database's triggers, read by name (migration okrs 0006 says why)
KEY_RESULT_COUNT = RawSQL('"okrs_objective"."key_result_count"', (), output_field=IntegerField())


def _placement(objectives: QuerySet[Objective], teams: TeamOrder, *, joined: bool) -> Placement:
    """Counted by team in one query: a team tree's worth of rows, whatever the number of objectives. ``joined``:
    the objectives are filtered across their key results (and read distinct)."""
    if joined:
        objectives = Objective.objects.filter(pk__in=objectives.order_by().values("pk"))
    counted = objectives.order_by().values_list("team_id").annotate(n=Count("pk"), krs=Sum(KEY_RESULT_COUNT))
    by_team: dict[int, int] = {}
    unseen = key_results = 0
    for team_id, count, krs in counted:
        key_results += krs or 0
        if team_id in teams.order:
            by_team[team_id] = count
        else:
            unseen += count
    groups: list[tuple[int | None, int]] = [
        (t.pk, by_team[t.pk]) for t, _depth in teams.placed if t.pk in by_team
    ]
    if unseen:
        groups.append((None, unseen))
    return Placement(groups, key_results)


def _page_ids(
    objectives: QuerySet[Objective], placement: Placement, teams: TeamOrder, number: int
) -> list[int]:
    """The objectives of a page, in the tree's order: the ids of the teams it spans alone are read (one query)."""
    start = (number - 1) * OKR_PAGE_SIZE
    spanned: list[int | None] = []
    skipped, at = 0, 0
    for team_id, count in placement.groups:
        if at + count > start and at < start + OKR_PAGE_SIZE:
            if not spanned:
                skipped = start - at
            spanned.append(team_id)
        at += count
    if not spanned:
        return []
    seen = [t for t in spanned if t is not None]
    which = among("team_id", seen) if seen else Q(pk__in=[])
    if None in spanned:
        which |= ~among("team_id", list(teams.order))
    at_place: dict[int, list[int]] = {}
    place = teams.place
    for pk, team_id in objectives.filter(which).values_list("pk", "team_id"):  # by position
        at_place.setdefault(place(team_id), []).append(pk)
    in_order = [pk for place in sorted(at_place) for pk in at_place[place]]
    return in_order[skipped : skipped + OKR_PAGE_SIZE]


def okr_tree(
    actor: Actor,
    *,
    today: dt.date,
    period: Period | None = None,
    team_id: int | None = None,
    owner_id: int | None = None,
    status: str | None = None,
    q: str | None = None,
    include_periodless: bool = True,
    page: int | None = None,
) -> OkrTree:
    """The company → team tree of objectives with their key results, progress and status for a period.

    With ``page``, only that page's objectives (``OKR_PAGE_SIZE`` of them, in the tree's order: teams as in the
    team tree, then each team's objectives by position) are read and rolled up, with what lies below them, so the
    page costs the same in a workspace of any size. Filtering by status needs every objective's status: it reads
    them all and then pages."""
    plan = plan_stamp(actor)  # before anything is read: what is kept under it is at least as new
    objectives_qs: QuerySet[Objective] = Objective.objects.restrict(actor)
    if period is not None:
        family = kept_by_plan(
            actor, plan, ("family", period.pk), lambda: period_family(period, Period.objects.restrict(actor))
        )
        period_q = Q(period_id__in=family)
        if include_periodless:
            period_q |= Q(period__isnull=True)
        objectives_qs = objectives_qs.filter(period_q)
    teams = team_order(actor, plan)
    if team_id is not None:
        objectives_qs = objectives_qs.filter(team_id=team_id)
    if owner_id is not None:
        objectives_qs = objectives_qs.filter(
            Q(owner_id=owner_id) | Q(key_results__owner_id=owner_id)
        ).distinct()
    if q:
        objectives_qs = objectives_qs.filter(
            Q(title__icontains=q) | Q(key_results__title__icontains=q)
        ).distinct()
    objectives_qs = objectives_qs.order_by("position", "id")
    what: tuple[Any, ...] = (period.pk if period else None, include_periodless, team_id, owner_id, q)
    if (q or owner_id is not None) and plan is not None:
        # a renamed objective, a key result's new owner, may match now, or no longer: kept until the next change
        what = (*what, revisions.search_stamp(plan))
    if page is None or status:

        def in_tree_order() -> list[Objective]:
            return sorted(objectives_qs, key=lambda o: teams.place(o.team_id))

        def in_view(ids: Collection[int]) -> list[Objective]:
            return list(objectives_qs.filter(among("pk", ids)))

        views = _kept_views(
            actor, ("tree", *what), in_tree_order, today=today, teams=teams, plan=plan, in_view=in_view
        )
        if status:
            # paged across teams: in the teams' order now (a tree kept before a team was renamed or moved under
            # another keeps its views, each team's in their order)
            views = sorted(
                (v for v in views if v.status.status == status),
                key=lambda v: teams.place(v.objective.team_id),
            )
        total, key_results = len(views), sum(len(v.key_results) for v in views)
        number, pages = _page_of(page or 1, total, OKR_PAGE_SIZE if page else max(total, 1))
        if page:
            views = views[(number - 1) * OKR_PAGE_SIZE : number * OKR_PAGE_SIZE]
    else:
        joined = bool(q) or owner_id is not None
        placement = kept_by_plan(
            actor, plan, ("placement", *what), lambda: _placement(objectives_qs, teams, joined=joined)
        )
        total, key_results = placement.objectives, placement.key_results
        number, pages = _page_of(page, total, OKR_PAGE_SIZE)
        wanted = kept_by_plan(
            actor,
            plan,
            ("page ids", *what, number, OKR_PAGE_SIZE),
            lambda: _page_ids(objectives_qs, placement, teams, number),
        )

        def on_the_page() -> list[Objective]:
            found = {o.pk: o for o in objectives_qs.filter(pk__in=wanted)}
            return [found[pk] for pk in wanted if pk in found]

        views = _kept_views(
            actor, ("page", *what, tuple(wanted)), on_the_page, today=today, teams=teams, plan=plan
        )
    by_team: dict[int, list[ObjectiveView]] = {}
    for view in views:
        by_team.setdefault(view.objective.team_id, []).append(view)
    sections = [
        TeamSection(team=team, depth=depth, objectives=by_team.get(team.pk, []))
        for team, depth in teams.placed
        if team.pk in by_team
    ]
    return OkrTree(
        sections=sections,
        period=period,
        objective_count=total,
        key_result_count=key_results,
        page=number,
        pages=pages,
        first=(number - 1) * OKR_PAGE_SIZE + 1 if page else 1,
        teams=teams.placed,
    )


OKR_PAGE_SIZE = 50

# Whole trees and pages of them, kept per OKR revision, viewer, view and day: their frames (objectives, key
# results as read, milestones, rights, alignments), each key result's view by the values it was worked out from,
# the linked work its forecast was made from, and the objective views last made. Check-ins and values fed in
# change only key results' latest values (KeyResult.plan_ignores; every check-in, added or deleted, moves the
# version too), so the next read of a kept tree reads those alone — one narrow query — and works out again only
# the key results whose values moved and the objectives they roll up into (when aligned objectives count in
# roll-ups, every roll-up, and the views of those objectives and the ones above them): after a check-in, the
# whole-company tree costs a read of its key results' latest values, not of everything. A change to the roadmap's own rows (a work item's dates, a link) adds a read of the
# linked work and the milestones, and works out again the key results whose linked work moved. Counted in key
# results past NORTHSTAR_OKR_TREES_KEPT.
trees_kept = Kept(lambda: settings.NORTHSTAR_OKR_TREES_KEPT, size=lambda tree: len(tree.views) + 1)
LATEST = ("version", "current_value", "current_confidence", "last_check_in_at")
_latest_of = operator.attrgetter(*LATEST)


@dataclass(frozen=True)
class _KeptTree:
    """Never changed once kept: a tree with new values is kept anew (other requests may be reading this one)."""

    frame: _Frame
    views: dict[int, tuple[KeyResultView, Part]]  # by key result
    objective_views: list[ObjectiveView]  # handed out as copies
    plan: tuple[Any, ...]  # the plan revision it is up to date with
    deliveries: dict[int, Deliveries]  # the linked work its forecasts were made from
    cadence: int  # the workspace's check-in cadence its staleness was judged by


# The key of the tree last kept for each viewer, view and day, whatever the OKR revision: after a change to the
# OKRs, the new tree takes from it the views of key results whose rows and inputs are as they were.
last_trees = Kept(lambda: settings.NORTHSTAR_OKR_TREES_KEPT)


def _kept_views(
    actor: Actor,
    what: tuple[Any, ...],
    objectives: Callable[[], list[Objective]],
    *,
    today: dt.date,
    teams: TeamOrder,
    plan: tuple[Any, ...] | None,
    in_view: Callable[[Collection[int]], list[Objective]] | None = None,
) -> list[ObjectiveView]:
    """The views of a tree or a page (``what``) of ``objectives`` (read only when nothing is kept for it).
    ``in_view``: which of some objectives the view shows now, read whole — for a whole tree, which a tree kept
    before changes that reshaped objectives (made, removed, moved, aligned) brings up to date by reading those."""
    if plan is None or settings.NORTHSTAR_OKR_TREES_KEPT <= 0:
        frame = _frame(actor, objectives(), teams=teams.by_id, plan=plan)
        return _views_of(actor, frame, frame.key_results, today=today, plan=plan, known={}).views
    okrs, view = revisions.okr_stamp(plan), (actor.rights_key, *what, today)
    key = (okrs, *view)
    kept: _KeptTree | None = trees_kept.get(key)
    fresh = _kept_tree_now(actor, kept, today=today, plan=plan) if kept is not None else None
    last, before = (okrs[:2], *view), None
    if fresh is None:
        before = trees_kept.get(last_trees.get(last))
        if kept is None and before is not None:
            # kept under an OKR revision before changes that wrote key results alone: brought up to date
            fresh = _kept_tree_now(
                actor, before, today=today, plan=plan, across=True, in_view=in_view, teams=teams
            )
    if fresh is None:
        frame = _frame(actor, objectives(), teams=teams.by_id, plan=plan)
        # read before the forecasts are made from it: what a later change to the roadmap is compared with
        deliveries = deliveries_of(actor, [kr.pk for kr in frame.key_results])
        cadence = actor.workspace.check_in_cadence_days
        known = _unchanged_views(before, frame, deliveries, cadence) if before is not None else {}
        made = _views_of(
            actor, frame, frame.key_results, today=today, plan=plan, known=known, deliveries=deliveries
        )
        fresh = _KeptTree(frame, {**known, **made.made}, made.views, plan, deliveries, cadence)
    if fresh is not kept:
        last_trees.put([(last, key)])
        trees_kept.put([(key, fresh)])
    return [copy.copy(view) for view in fresh.objective_views]


_row_of = operator.attrgetter(*(f.attname for f in KeyResult._meta.concrete_fields))


def _unchanged_views(
    before: _KeptTree, frame: _Frame, deliveries: dict[int, Deliveries], cadence: int
) -> dict[int, tuple[KeyResultView, Part]]:
    """Of a tree kept before a change to the OKRs, the views of the key results of the new ``frame`` whose every
    input is as it was — their row, their period's dates, milestones, linked work, right to check in and the
    cadence — each with the key result as read now (its owner, as read now, may be named anew)."""
    if before.cadence != cadence:
        return {}
    periods = {pk: _dates(o.period) for pk, o in frame.objectives.items()}
    periods_before = {pk: _dates(o.period) for pk, o in before.frame.objectives.items()}
    milestones, milestones_before = frame.milestones, before.frame.milestones
    found = {}
    for kr in frame.key_results:
        pk = kr.id  # id, not pk: 8,000 times in a whole tree
        entry = before.views.get(pk)
        if entry is None:
            continue
        view, part = entry
        if (
            _row_of(view.kr) == _row_of(kr)
            and periods_before[kr.objective_id] == periods[kr.objective_id]
            and milestones_before.get(pk) == milestones.get(pk)
            and before.deliveries.get(pk) == deliveries.get(pk)
            and view.can_check_in == (pk in frame.check_in_ok)
        ):
            again = object.__new__(KeyResultView)  # a copy: copy.copy costs ten times more, 8,000 times
            again.__dict__.update(view.__dict__, kr=kr)
            found[pk] = (again, part)
    return found


def _dates(period: Period | None) -> tuple[Any, ...] | None:
    return None if period is None else (period.pk, period.start, period.end)


def _kept_tree_now(
    actor: Actor,
    kept: _KeptTree,
    *,
    today: dt.date,
    plan: tuple[Any, ...] | None,
    across: bool = False,
    in_view: Callable[[Collection[int]], list[Objective]] | None = None,
    teams: TeamOrder | None = None,
) -> _KeptTree | None:
    """The kept tree brought up to date: itself when nothing it shows moved, a new one when some key results did
    (their rows read again, their views worked out again, the objectives they count in rolled up again), None when
    key results came or went meanwhile (a change to the OKRs committed before their revision moved). The key
    results looked at again are those the log of changes names since the tree was kept (all of them, when it does
    not know): their latest values are compared and, after a change to the roadmap, their linked work (and the
    milestones of milestone key results). ``across``: the tree was kept under an OKR revision before this one,
    and only the changes the log names since, each of key results' rows alone (made, removed, moved) or, with
    ``in_view`` (and ``teams``), of objectives' rows and alignments, are brought in; None when the log does not
    know them."""
    assert plan is not None
    touched = revisions.changes_since(kept.plan, plan)
    if touched is None and across:
        return None
    reshaped = touched.reshaped if touched is not None else frozenset()
    whole = touched.reshaped_objectives if touched is not None else frozenset()
    if whole and (in_view is None or teams is None):
        return None  # a page: read again
    rows = KeyResult.objects.order_by()
    if touched is None:
        looked_at: Collection[int] = kept.views
        rows = rows.filter(among("objective_id", kept.frame.objectives))
    else:
        looked_at = [pk for pk in touched.key_results if pk in kept.views and pk not in reshaped]
        rows = rows.filter(among("pk", looked_at))
    latest = {row[0]: row[1:] for row in rows.values_list("id", *LATEST)} if looked_at else {}
    if len(latest) != len(looked_at) or not latest.keys() <= kept.views.keys():
        return None
    renamed = _renamed(kept.frame, None if touched is None else touched.objectives - whole)
    if renamed is None:
        return None
    moved = [pk for pk, values in latest.items() if _latest_of(kept.views[pk][0].kr) != values]
    frame, deliveries, again = _with_objectives(kept.frame, renamed), kept.deliveries, set(moved)
    frame, flipped = _with_objective_rights(actor, frame, renamed, kept.frame)
    again.update(flipped)
    dropped: set[int] = set()
    came: dict[int, KeyResult] = {}
    regrouped: set[int] = set()
    if whole:
        assert in_view is not None and teams is not None
        frame, came, regrouped, dropped = _objectives_reshaped(actor, frame, whole, in_view, teams, plan)
        again.update(came)
    frame, came_too, regrouped_too = _reshaped(actor, frame, kept.views, reshaped)
    came.update(came_too)
    regrouped.update(regrouped_too)
    again.update(came_too)
    gone = reshaped | dropped
    # the roadmap changed (always, when key results came: a change to the OKRs is one to the plan)
    if revisions.plan_only(plan) != revisions.plan_only(kept.plan):
        read_again = deliveries_of(actor, [*looked_at, *came]) if looked_at or came else {}
        deliveries = {
            pk: d for pk, d in kept.deliveries.items() if pk not in latest and pk not in gone
        } | read_again
        milestones = linked_milestones(actor, frame.key_results)
        again.update(pk for pk in looked_at if deliveries.get(pk) != kept.deliveries.get(pk))
        again.update(pk for pk in milestones.keys() | frame.milestones.keys()
                     if milestones.get(pk) != frame.milestones.get(pk))  # fmt: skip
        if milestones != frame.milestones:
            frame = replace(frame, milestones=milestones)
    if not again and not renamed and not regrouped:
        return kept if plan == kept.plan else replace(kept, plan=plan, deliveries=deliveries)
    read = {kr.pk: kr for kr in KeyResult.objects.filter(among("pk", moved))} if moved else {}
    if read.keys() != set(moved):
        return None
    standing = {pk: e for pk, e in kept.views.items() if pk not in gone} if gone else kept.views
    known = {pk: entry for pk, entry in standing.items() if pk not in again}
    frame = _with_owners(actor, frame, read, kept.views)
    now = [read.get(kr.id) or came.get(kr.id) or standing[kr.id][0].kr for kr in frame.key_results]
    views = _views_of(
        actor,
        frame,
        now,
        today=today,
        plan=plan,
        known=known,
        previous=kept.objective_views,
        deliveries=deliveries,
        renamed=renamed.keys(),
        regrouped=regrouped,
    )
    return _KeptTree(frame, {**standing, **views.made}, views.views, plan, deliveries, kept.cadence)


_in_page_order = operator.attrgetter("position", "id")


def _reshaped(
    actor: Actor, frame: _Frame, views: dict[int, tuple[KeyResultView, Part]], reshaped: Collection[int]
) -> tuple[_Frame, dict[int, KeyResult], set[int]]:
    """The frame with these key results' rows read again whole — after changes that made, removed, moved or
    reordered them: those under one of its objectives now put in their place, with their owners and the viewer's
    right to check in on them and their milestones worked out again, the others taken out (four queries at most;
    none without such key results). Returns the frame, the key results it holds now of these (by id), and the
    objectives whose key results came, went or moved."""
    if not reshaped:
        return frame, {}, set()
    visible = KeyResult.objects.restrict(actor).filter(pk__in=list(reshaped))
    came = {kr.pk: kr for kr in visible if kr.objective_id in frame.objectives}
    regrouped = {kr.objective_id for kr in came.values()}
    regrouped.update(views[pk][0].kr.objective_id for pk in reshaped if pk in views)
    return _with_key_results(actor, frame, reshaped, came), came, regrouped


def _with_key_results(
    actor: Actor, frame: _Frame, gone: Collection[int], came: dict[int, KeyResult]
) -> _Frame:
    """The frame without these key results (``gone``) and with those read now (``came``) in their place, with
    their owners, the viewer's right to check in on them and their milestones (three queries at most, none when
    none came)."""
    gone = set(gone)
    key_results = [kr for kr in frame.key_results if kr.id not in gone]
    for kr in came.values():
        bisect.insort(key_results, kr, key=_in_page_order)
    attach(list(came.values()), "owner")
    check_in_ok = (frame.check_in_ok - gone) | (_may_check_in(actor, among("pk", came)) if came else set())
    milestones = {pk: m for pk, m in frame.milestones.items() if pk not in gone}
    milestones.update(linked_milestones(actor, list(came.values())) if came else {})
    return replace(frame, key_results=key_results, check_in_ok=check_in_ok, milestones=milestones)


def _objectives_reshaped(
    actor: Actor,
    frame: _Frame,
    ids: Collection[int],
    in_view: Callable[[Collection[int]], list[Objective]],
    teams: TeamOrder,
    plan: tuple[Any, ...] | None,
) -> tuple[_Frame, dict[int, KeyResult], set[int], set[int]]:
    """The frame with these objectives read again whole — after changes that made, removed, moved or aligned
    them, renamed their team or moved it under another, or renamed their owners or their key results' owners:
    those the view shows now put in their place with their key results, owners, rights, milestones and
    alignments, the others taken out, and the alignments of the objectives beside them read again (nine queries
    at most). Where aligned objectives count in roll-ups, the objectives below the shown ones are found again
    from every alignment (one query, kept per OKR revision), those now below read with their key results, those
    no longer below taken out, and every list of alignments made again (``_frame_below``).
    Returns the frame, these objectives' key results it holds now (by id), the objectives whose views are to be
    made again or dropped, and the key results it held of these objectives."""
    ids = set(ids)
    kept = frame.objectives
    # the other end of a new alignment is read too: its row and team as they were, it keeps its key results and
    # rights
    read = in_view(ids)
    same = {
        o.pk
        for o in read
        if o.pk in kept and _objective_row(o) == _objective_row(kept[o.pk]) and _same_team(kept[o.pk], teams)
    }
    people, renamed = _people_now(frame, read, same)
    same -= renamed
    fresh = {o.pk: o for o in read if o.pk not in same}
    rewritten = ids - same  # made, changed, removed or out of the view
    shown = sorted(
        [o for o in frame.shown if o.pk not in rewritten] + list(fresh.values()),
        key=lambda o: (teams.place(o.team_id), o.position, o.pk),
    )
    objectives = {o.pk: o for o in shown}
    aligned = actor.workspace.rollup_includes_aligned
    if aligned:
        edges, beneath = _frame_below(actor, frame, objectives, ids, plan)
        fresh.update(beneath)
    else:
        edges = list(
            Alignment.objects.filter(workspace=actor.workspace)
            .filter(among("child_id", ids) | among("parent_id", ids))
            .values_list("child_id", "parent_id")
        )
    made = list(fresh.values())
    attach(made, "team", known=teams.by_id)
    attach(made, "period")
    attach(made, "owner", known=people)
    # of these objectives, of those read again below the shown ones, and of those no longer in the frame
    dropped = {
        kr.id for kr in frame.key_results if kr.objective_id in rewritten or kr.objective_id not in objectives
    }
    came = {kr.pk: kr for kr in KeyResult.objects.filter(among("objective_id", fresh))} if fresh else {}
    changeable = ((frame.changeable & objectives.keys()) - fresh.keys() - rewritten) | (
        _may_change(actor, among("pk", fresh)) if fresh else set()
    )
    parents: dict[int, list[Objective]]
    children: dict[int, list[Objective]]
    child_edges: dict[str, list[tuple[str, float]]]
    if aligned:  # every list made again; the views of objectives whose parts or lists moved, and above them
        parents, children, child_edges = {}, {}, {}
        _link(actor, edges, objectives, {o.pk for o in shown}, parents, children, child_edges)
        # as in the other branch: of the frame before, those that are or name one of these (a tree without them
        # is a new one)
        regrouped = _naming(frame, ids) | ((ids | fresh.keys()) & objectives.keys())
        regrouped.update(
            pk
            for pk in objectives
            if parents.get(pk) != frame.parents.get(pk) or children.get(pk) != frame.children.get(pk)
        )
        regrouped.update(
            int(pk)
            for pk in child_edges.keys() | frame.child_edges.keys()
            if child_edges.get(pk) != frame.child_edges.get(pk)
        )
    else:
        # the alignments of these objectives are all read again: each list loses them, and gets those there are
        # now
        parents = {
            pk: [o for o in listed if o.pk not in ids]
            for pk, listed in frame.parents.items()
            if pk not in ids
        }
        children = {
            pk: [o for o in listed if o.pk not in ids]
            for pk, listed in frame.children.items()
            if pk not in ids
        }
        child_edges = {
            parent: [(child, weight) for child, weight in listed if int(child) not in ids]
            for parent, listed in frame.child_edges.items()
            if int(parent) not in ids
        }
        # shown now, or no longer, or listing one of them; and those given new alignments
        regrouped = _naming(frame, ids) | (ids & objectives.keys())
        regrouped |= _link(actor, edges, objectives, objectives.keys(), parents, children, child_edges)
    changed = replace(
        _with_key_results(actor, frame, dropped, came),
        shown=shown,
        objectives=objectives,
        changeable=changeable,
        parents={pk: listed for pk, listed in parents.items() if listed and pk in objectives},
        children={pk: listed for pk, listed in children.items() if listed and pk in objectives},
        child_edges={parent: listed for parent, listed in child_edges.items() if listed},
    )
    return changed, came, regrouped, dropped


_person_row = operator.attrgetter("name", "email")  # what a tree shows of an owner (User.__str__)


def _people_now(frame: _Frame, read: list[Objective], same: set[int]) -> tuple[dict[int, User], set[int]]:
    """The owners of these objectives read again, and those of the key results a kept frame holds of those whose
    rows are as they were (``same``) — one query, none without owners — and of these, the objectives whose owner,
    or an owner of one of whose key results, shows under another name now."""
    kept = frame.objectives
    theirs = [kr for kr in frame.key_results if kr.objective_id in same] if same else []
    wanted = {o.owner_id for o in read} | {kr.owner_id for kr in theirs}
    wanted.discard(None)
    people = User.objects.in_bulk(wanted) if wanted else {}

    def anew(row: Objective | KeyResult) -> bool:
        if row.owner_id is None:
            return False
        was, now = row._state.fields_cache.get("owner"), people.get(row.owner_id)
        return was is None or now is None or _person_row(was) != _person_row(now)

    renamed = {pk for pk in same if anew(kept[pk])}
    renamed.update(kr.objective_id for kr in theirs if anew(kr))
    return people, renamed


def _frame_below(
    actor: Actor, frame: _Frame, objectives: dict[int, Objective], ids: set[int], plan: tuple[Any, ...] | None
) -> tuple[list[tuple[int, int]], dict[int, Objective]]:
    """Where aligned objectives count in roll-ups: every alignment between objectives the viewer sees, and the
    objectives below the shown ones (``objectives``) that are not shown, put into ``objectives`` — those of the
    kept frame as they were, unless among these changed ones (``ids``), the others read (one query). Returns the
    alignments and the objectives read."""
    edges, below = _aligned_below(actor, list(objectives), plan)
    below -= objectives.keys()
    standing = {pk: frame.objectives[pk] for pk in below if pk in frame.objectives and pk not in ids}
    wanted = below - standing.keys()
    read = Objective.objects.filter(among("pk", wanted), workspace=actor.workspace) if wanted else []
    beneath = {o.pk: o for o in read}
    objectives.update(standing)
    objectives.update(beneath)
    return edges, beneath


def _link(
    actor: Actor,
    edges: list[tuple[int, int]],
    objectives: dict[int, Objective],
    shown: Collection[int],
    parents: dict[int, list[Objective]],
    children: dict[int, list[Objective]],
    child_edges: dict[str, list[tuple[str, float]]],
) -> set[int]:
    """Puts these alignments (child, parent) into a frame's lists: each shown objective's parents and children
    — the objectives at their other ends, when not of the frame's ``objectives``, read through the gate (one
    query at most: an alignment with an objective the actor cannot see is left out) — and the edges between two
    of its objectives, which roll-ups across alignments follow. Returns the shown objectives whose lists grew
    (sorted by id, so that a frame made afresh and one brought up to date list them alike)."""
    others = {pk for edge in edges for pk in edge if edge[0] in shown or edge[1] in shown} - objectives.keys()
    related = (
        {o.pk: o for o in Objective.objects.restrict(actor).filter(among("pk", others))} if others else {}
    )
    related.update(objectives)
    grown = set()
    for child, parent in edges:
        if child not in related or parent not in related:
            continue
        if child in shown:
            parents.setdefault(child, []).append(related[parent])
            grown.add(child)
        if parent in shown:
            children.setdefault(parent, []).append(related[child])
            grown.add(parent)
        if child in objectives and parent in objectives:
            child_edges.setdefault(str(parent), []).append((str(child), objectives[child].weight))
    for pk in grown:
        for lists in (parents, children):
            if pk in lists:
                lists[pk].sort(key=_by_pk)
    return grown


_by_pk = operator.attrgetter("pk")
_objective_row = operator.attrgetter(*(f.attname for f in Objective._meta.concrete_fields))
_team_row = operator.attrgetter(*TEAM_FIELDS)


def _same_team(objective: Objective, teams: TeamOrder) -> bool:
    """Whether the team a kept objective was shown with is the viewer's team as it is now (not renamed, not
    moved under another)."""
    was, now = objective._state.fields_cache.get("team"), teams.by_id.get(objective.team_id)
    return was is now or (was is not None and now is not None and _team_row(was) == _team_row(now))


def _with_owners(
    actor: Actor, frame: _Frame, read: dict[int, KeyResult], views: dict[int, tuple[KeyResultView, Part]]
) -> _Frame:
    """Key results read again, given their owners — those they had, or for a new owner the person read (one
    query) — and the frame with the actor's right to check in on those whose owner changed worked out again (one
    query: an owner may check in on their key results)."""
    new_owner = []
    for pk, kr in read.items():
        was = views[pk][0].kr
        if kr.owner_id == was.owner_id:
            kr.owner = was.owner
        else:
            new_owner.append(kr)
    if not new_owner:
        return frame
    attach(new_owner, "owner")
    ids = {kr.pk for kr in new_owner}
    return replace(frame, check_in_ok=(frame.check_in_ok - ids) | _may_check_in(actor, among("pk", ids)))


def _may_check_in(actor: Actor, which: Q) -> set[int]:
    """Of these key results (``which``), those the actor may check in on — one query, none for a viewer."""
    return _allowed(actor, KeyResult, "check_in", which)


def _may_change(actor: Actor, which: Q) -> set[int]:
    """Of these objectives (``which``), those the actor may change — one query, none for a viewer."""
    return _allowed(actor, Objective, "change", which)


def _allowed(actor: Actor, model: type[KeyResult] | type[Objective], action: str, which: Q) -> set[int]:
    if not actor.can_edit:
        return set()
    return set(model.objects.restrict(actor, action).filter(which).values_list("pk", flat=True))


# What an edit of an objective's words or owner may change (Objective.okr_ignored): read again, and compared by
# version.
WORDS = ("version", "owner_id", *sorted(Objective.okr_ignores - {"version"}))


def _renamed(frame: _Frame, touched: Collection[int] | None) -> dict[int, Objective] | None:
    """The objectives of a kept frame (shown, rolled up, or named as aligned) whose words or owner changed, as new
    copies with those read again — of those the log names (``touched``; when it does not know, of those whose
    version moved, read first in one more query): one query, and one for new owners; none when no objective of the
    frame moved; None when one is gone (a change to the OKRs since)."""
    if touched is not None and not touched:
        return {}  # the usual case after a check-in: spares gathering the frame's objectives
    kept = _objectives_in(frame)
    if touched is None:
        versions = dict(Objective.objects.filter(among("pk", kept)).values_list("id", "version"))
        if len(versions) != len(kept):
            return None
        looked_at = [pk for pk, version in versions.items() if kept[pk].version != version]
    else:
        looked_at = [pk for pk in touched if pk in kept]
    if not looked_at:
        return {}
    words = {
        row[0]: row[1:] for row in Objective.objects.filter(among("pk", looked_at)).values_list("id", *WORDS)
    }
    if len(words) != len(looked_at):
        return None
    renamed = {}
    for pk, values in words.items():
        if kept[pk].version != values[0]:
            fresh = copy.copy(kept[pk])  # with its team, period and owner as attached
            for name, value in zip(WORDS, values, strict=True):
                setattr(fresh, name, value)  # a new owner_id forgets the copy's owner
            renamed[pk] = fresh
    attach(renamed.values(), "owner")
    return renamed


def _with_objective_rights(
    actor: Actor, frame: _Frame, renamed: dict[int, Objective], before: _Frame
) -> tuple[_Frame, set[int]]:
    """The frame with the viewer's rights worked out again on the objectives of its own that have a new owner and
    on their key results (two queries: an objective's owner may change it and check in on its key results), and
    the key results whose right to check in changed."""
    ids = {
        pk
        for pk, o in renamed.items()
        if pk in before.objectives and o.owner_id != before.objectives[pk].owner_id
    }
    if not ids or not actor.can_edit:
        return frame, set()
    theirs = {kr.id for kr in frame.key_results if kr.objective_id in ids}
    check_in_ok = (frame.check_in_ok - theirs) | _may_check_in(actor, among("objective_id", ids))
    changeable = (frame.changeable - ids) | _may_change(actor, among("pk", ids))
    changed = replace(frame, changeable=changeable, check_in_ok=check_in_ok)
    return changed, theirs & (check_in_ok ^ frame.check_in_ok)


def _objectives_in(frame: _Frame) -> dict[int, Objective]:
    found = dict(frame.objectives)
    for listed in itertools.chain(frame.parents.values(), frame.children.values()):
        found.update((o.pk, o) for o in listed)
    return found


def _with_objectives(frame: _Frame, renamed: dict[int, Objective]) -> _Frame:
    """The frame with these objectives in place of its copies of them (a new frame: the kept one may be being
    read)."""
    if not renamed:
        return frame

    def now(objectives: list[Objective]) -> list[Objective]:
        return [renamed.get(o.pk, o) for o in objectives]

    return replace(
        frame,
        shown=now(frame.shown),
        objectives={pk: renamed.get(pk, o) for pk, o in frame.objectives.items()},
        parents={pk: now(listed) for pk, listed in frame.parents.items()},
        children={pk: now(listed) for pk, listed in frame.children.items()},
    )


def _page_of(wanted: int, total: int, size: int) -> tuple[int, int]:
    """The page to show (a page past the end shows the last) and how many there are."""
    pages = max(1, -(-total // size))
    return min(max(1, wanted), pages), pages


@dataclass(frozen=True)
class Alignments:
    edges: list[tuple[int, int]]  # (child, parent) between objectives the viewer can see
    below: dict[int, list[int]]  # each parent's children

    @property
    def rows(self) -> int:
        return len(self.edges) + 1


def _alignments(alignments: QuerySet[Alignment]) -> Alignments:
    edges = list(alignments.values_list("child_id", "parent_id"))
    below: dict[int, list[int]] = {}
    for child, parent in edges:
        below.setdefault(parent, []).append(child)
    return Alignments(edges, below)


def _aligned_below(
    actor: Actor, ids: list[int], plan: tuple[Any, ...] | None = None
) -> tuple[list[tuple[int, int]], set[int]]:
    """The alignments between objectives the actor can see, as (child, parent), and which of those objectives lie
    below these ones — in one query (none while kept), so that a page of objectives rolls up exactly as the whole
    tree does. When aligned objectives do not count in roll-ups, only the alignments of these objectives are
    read, whatever the objective at their other end: the caller reads those through the gate and leaves out the
    alignments with one the actor cannot see (asking the gate here made PostgreSQL read every objective of the
    workspace twice, 15 ms at enterprise scale, for a page's few dozen alignments)."""
    alignments = Alignment.objects.filter(workspace=actor.workspace)
    if actor.workspace.rollup_includes_aligned:
        visible = Objective.objects.restrict(actor).values("pk")
        found_alignments = kept_by_plan(
            actor,
            plan,
            ("alignments",),
            lambda: _alignments(alignments.filter(child_id__in=visible, parent_id__in=visible)),
        )
    else:
        found_alignments = _alignments(alignments.filter(among("child_id", ids) | among("parent_id", ids)))
    below = found_alignments.below
    found: set[int] = set()
    pending = list(ids)
    while pending:
        for child in below.get(pending.pop(), ()):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found_alignments.edges, found


def objective_views(
    actor: Actor,
    objectives: list[Objective],
    *,
    today: dt.date,
    teams: dict[int, Team] | None = None,
    plan: tuple[Any, ...] | None = None,
) -> list[ObjectiveView]:
    """Progress, status and alignment for these objectives in a fixed number of queries (key results, alignments,
    rights). When aligned objectives count in roll-ups, the objectives below these ones are read and rolled up
    too (not shown), so an objective's progress is the same on every page and in every list. ``teams`` (by id),
    when the caller has read them already, are not read again; ``plan``, the plan revision the caller read first
    (``plan_stamp``), for what is kept under it."""
    frame = _frame(actor, objectives, teams=teams, plan=plan)
    return _views_of(actor, frame, frame.key_results, today=today, plan=plan, known={}).views


@dataclass(frozen=True)
class _Frame:
    """What objective views are made of besides their key results' latest values: the objectives shown, with
    those below them that roll up into them; their key results as read; milestones, rights and alignments."""

    shown: list[Objective]
    objectives: dict[int, Objective]  # shown and below, by id
    key_results: list[KeyResult]  # in the order pages show them
    milestones: dict[int, tuple[int, int]]
    check_in_ok: set[int]
    changeable: set[int]
    parents: dict[int, list[Objective]]
    children: dict[int, list[Objective]]
    child_edges: dict[str, list[tuple[str, float]]]


def _frame(
    actor: Actor, objectives: list[Objective], *, teams: dict[int, Team] | None, plan: tuple[Any, ...] | None
) -> _Frame:
    shown, shown_ids = objectives, {o.pk for o in objectives}
    edges, below = _aligned_below(actor, list(shown_ids), plan)
    if actor.workspace.rollup_includes_aligned and below - shown_ids:
        objectives = objectives + list(
            Objective.objects.filter(among("pk", below - shown_ids), workspace=actor.workspace)
        )
    attach(objectives, "team", known=teams)
    attach(objectives, "period")
    people = attach(objectives, "owner")
    ids = [o.pk for o in objectives]
    objectives_by_id = {o.pk: o for o in objectives}
    key_results = list(KeyResult.objects.filter(among("objective_id", ids)).order_by("position", "id"))
    attach(key_results, "owner", known=people)
    check_in_ok = _may_check_in(actor, among("objective_id", ids))
    changeable = _may_change(actor, among("pk", ids))
    parents: dict[int, list[Objective]] = {}
    children: dict[int, list[Objective]] = {}
    child_edges: dict[str, list[tuple[str, float]]] = {}
    _link(actor, edges, objectives_by_id, shown_ids, parents, children, child_edges)
    return _Frame(
        shown=shown,
        objectives=objectives_by_id,
        key_results=key_results,
        milestones=linked_milestones(actor, key_results),
        check_in_ok=check_in_ok,
        changeable=changeable,
        parents=parents,
        children=children,
        child_edges=child_edges,
    )


@dataclass(frozen=True)
class _Views:
    views: list[ObjectiveView]  # of the frame's shown objectives
    made: dict[int, tuple[KeyResultView, Part]]  # the key results' views worked out here, by key result


def _views_of(
    actor: Actor,
    frame: _Frame,
    key_results: list[KeyResult],
    *,
    today: dt.date,
    plan: tuple[Any, ...] | None,
    known: dict[int, tuple[KeyResultView, Part]],
    previous: list[ObjectiveView] | None = None,
    deliveries: dict[int, Deliveries] | None = None,
    renamed: Collection[int] = (),
    regrouped: Collection[int] = (),
) -> _Views:
    """The frame's objective views from its key results as they are now (``key_results``, in the frame's order);
    the views of key results in ``known`` (whose values have not changed since) are not worked out again. With
    ``previous`` (the views made when those were worked out), only the views of objectives with a key result
    worked out again change — and, where aligned objectives count in roll-ups, of those they roll up into.
    ``deliveries``: the work linked to the key results, when the caller has read it (forecasts are then found by
    it, not by the plan revision); ``renamed``: objectives whose words changed since ``previous`` (their views, and
    those of the objectives aligned with them, are made again); ``regrouped``: objectives whose key results came,
    went or moved since ``previous`` (their views are made again)."""
    objectives = frame.objectives
    cadence = actor.workspace.check_in_cadence_days
    unknown = [kr for kr in key_results if kr.id not in known]
    predictions = forecasts_for(
        actor,
        unknown,
        {kr.pk: objectives[kr.objective_id].period for kr in unknown},
        today=today,
        plan=plan,
        deliveries=deliveries,
    )
    made: dict[int, tuple[KeyResultView, Part]] = {}
    for kr in unknown:
        view = key_result_view(
            kr,
            objectives[kr.objective_id].period,
            today,
            cadence,
            frame.milestones.get(kr.pk, (0, 0)),
            predictions.get(kr.pk),
        )
        view.can_check_in = kr.pk in frame.check_in_ok
        made[kr.pk] = (view, kr_part(view))
    aligned = actor.workspace.rollup_includes_aligned
    if previous is not None:
        again = (
            {kr.objective_id for kr in unknown}
            | _naming(frame, renamed)
            | (set(regrouped) & objectives.keys())
        )
        if aligned:
            again = _and_above(frame, again)
    else:
        again = set(objectives)
    # rolled up across alignments, every objective's parts are needed; its view is made again only when one of
    # the objectives it rolls up moved
    rolled = set(objectives) if aligned else again
    krs_by_objective: dict[int, list[KeyResultView]] = {pk: [] for pk in again}
    parts_by_objective: dict[int, list[Part]] = {pk: [] for pk in rolled}
    for kr in key_results:
        pk = kr.objective_id
        if pk in rolled:
            view, part = known.get(kr.id) or made[kr.id]  # id, not pk: 8,000 times in a whole tree
            parts_by_objective[pk].append(part)
            if pk in again:
                krs_by_objective[pk].append(view)
    if aligned:
        by_id = rollup_tree(
            {str(pk): parts for pk, parts in parts_by_objective.items()},
            frame.child_edges,
            {str(o.pk): o.title for o in objectives.values()},
            aligned,
        )
        rollups = {pk: by_id[str(pk)] for pk in objectives}
    else:
        rollups = {pk: rollup(parts) for pk, parts in parts_by_objective.items()}  # as rollup_tree does
    result = []
    before = {view.objective.pk: view for view in previous} if previous is not None else {}
    for o in frame.shown:
        if o.pk not in again:
            result.append(before[o.pk])
            continue
        krs = krs_by_objective[o.pk]
        r = rollups[o.pk]
        confidences = [k.kr.current_confidence for k in krs if k.kr.current_confidence is not None]
        result.append(
            ObjectiveView(
                objective=o,
                key_results=krs,
                rollup=r,
                status=objective_status(
                    status_for(
                        r.progress, r.has_data, period_pace(o.period, today), min(confidences, default=None)
                    ),
                    krs,
                ),
                parents=frame.parents.get(o.pk, []),
                children=frame.children.get(o.pk, []),
                can_change=o.pk in frame.changeable,
            )
        )
    return _Views(result, made)


def _and_above(frame: _Frame, ids: set[int]) -> set[int]:
    """These objectives and every objective of the frame they roll up into, along its roll-up edges."""
    above: dict[int | None, list[int]] = {}
    for parent, listed in frame.child_edges.items():
        for child, _weight in listed:
            above.setdefault(int(child), []).append(int(parent))
    return set(descendants(above, frozenset(ids)))  # the tree turned upside down


def _naming(frame: _Frame, renamed: Collection[int]) -> set[int]:
    """The shown objectives that are, or name among their aligned objectives, one of these."""
    if not renamed:
        return set()
    names = set(renamed)
    found = names & frame.objectives.keys()
    for links in (frame.parents, frame.children):
        found.update(pk for pk, listed in links.items() if any(o.pk in names for o in listed))
    return found


def objective_status(call: StatusCall, krs: list[KeyResultView]) -> StatusCall:
    """An objective's status from the weighted mean of its key results' chances of reaching their targets,
    once any of them has a forecast; done and no-data calls stand."""
    if call.status in (Status.DONE, Status.NO_DATA) or not any(k.forecast for k in krs):
        return call
    rated = [(k.probability, k.kr.weight) for k in krs if k.probability is not None and k.kr.weight > 0]
    total = sum(w for _p, w in rated)
    if not total:
        return call
    chance = sum(p * w for p, w in rated) / total
    return StatusCall(status_from_probability(chance), call.expected, call.gap, "forecast")


def team_tree(teams: list[Team]) -> list[tuple[Team, int]]:
    """Teams in tree order (company first, then its teams, depth-first, by name) with their depth."""
    return [(row.obj, row.depth) for row in build_tree(sorted(teams, key=lambda t: t.name))]


def objective_detail(actor: Actor, objective_id: Any, *, today: dt.date) -> ObjectiveView:
    objective = access(Objective.objects.select_related("team", "owner", "period"), actor, objective_id, VIEW)
    return objective_views(actor, [objective], today=today)[0]


def key_result_detail(
    actor: Actor, key_result_id: Any, *, today: dt.date
) -> tuple[KeyResultView, list[CheckIn]]:
    kr = access(
        KeyResult.objects.select_related("objective__period", "objective__team", "owner"),
        actor,
        key_result_id,
        VIEW,
    )
    view = key_result_view(
        kr,
        kr.objective.period,
        today,
        actor.workspace.check_in_cadence_days,
        linked_milestones(actor, [kr]).get(kr.pk, (0, 0)),
        forecasts_for(actor, [kr], {kr.pk: kr.objective.period}, today=today).get(kr.pk),
    )
    view.can_check_in = KeyResult.objects.restrict(actor, "check_in").filter(pk=kr.pk).exists()
    check_ins = list(kr.check_ins.select_related("author").order_by("checked_in_at", "id"))
    return view, check_ins


def member(actor: Actor, pk: int | None) -> User | None:
    """The workspace's member of that id, if there is one."""
    if pk is None:
        return None
    return User.objects.filter(pk=pk, pk__in=Membership.objects.restrict(actor).values("user_id")).first()  # type: ignore[no-any-return]


def workspace_people(actor: Actor) -> list[User]:
    return list(
        User.objects.filter(pk__in=Membership.objects.restrict(actor).values("user_id")).order_by(
            "name", "email"
        )
    )
