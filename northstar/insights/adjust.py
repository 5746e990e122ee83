"""Proposals for key results at risk (core.adjust), fed from the OKRs, the roadmap and the scores — and turned
into a what-if scenario with one click. A fixed number of queries whatever the size of the workspace."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from northstar.core.adjust import KeyResultInput, Proposal, SpareInput, WorkInput, proposals_for
from northstar.core.pace import Status
from northstar.insights.scores import load_scores
from northstar.okrs.models import CheckIn, Objective, Period
from northstar.okrs.queries import KeyResultView, check_in_days, forecastable, okr_tree
from northstar.roadmap.models import Contribution, WorkItem, WorkItemStatus
from northstar.roadmap.queries import load_roadmap
from northstar.workspaces.permissions import Actor

OPEN = (WorkItemStatus.PLANNED, WorkItemStatus.IN_PROGRESS)
LOW_SCORE_SHARE = 0.25  # work in the lowest quarter of its team's strategic scores may give way


@dataclass
class AtRisk:
    view: KeyResultView
    proposals: list[Proposal]
    items: dict[int, WorkItem]  # the items the proposals name


# a key result at risk, with its objective (the period and team its proposals are made for)
Endangered = tuple[KeyResultView, Objective]


def key_results_at_risk(actor: Actor, *, today: dt.date, period: Period | None) -> list[Endangered]:
    """The key results at risk or off track that have a forecast, with their objectives, in the tree's order."""
    tree = okr_tree(actor, today=today, period=period)
    return [
        (k, o.objective)
        for o in tree.all_objectives()
        for k in o.key_results
        if k.status.status in (Status.AT_RISK, Status.OFF_TRACK) and forecastable(k.kr, o.objective.period)
    ]


def load_adjustments(actor: Actor, *, today: dt.date, period: Period | None) -> list[AtRisk]:
    """The proposals for every key result at risk in the period (a page asks ``adjustments_for`` its own)."""
    return adjustments_for(actor, key_results_at_risk(actor, today=today, period=period), today=today)


def adjustment_of(
    actor: Actor, key_result: int | None, *, today: dt.date, period: Period | None
) -> AtRisk | None:
    """The proposals for one key result, if it is at risk in the period."""
    views = [v for v in key_results_at_risk(actor, today=today, period=period) if v[0].kr.pk == key_result]
    return next(iter(adjustments_for(actor, views, today=today)), None)


def adjustments_for(actor: Actor, views: list[Endangered], *, today: dt.date) -> list[AtRisk]:
    """The proposals for the key results given (from ``key_results_at_risk``): each key result's depend on its own
    history and work and on the spare work of the whole roadmap, so a page of them is worked out alone."""
    if not views:
        return []
    ids = [k.kr.pk for k, _o in views]
    history: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for kr_id, day, value in check_in_days(
        CheckIn.objects.restrict(actor).filter(key_result_id__in=ids), "value"
    ):
        history[kr_id].append((day, value))
    links: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for kr_id, item_id, weight in (
        Contribution.objects.restrict(actor)
        .filter(key_result_id__in=ids)
        .values_list("key_result_id", "work_item_id", "weight")
    ):
        links[kr_id].append((item_id, weight))
    rm = load_roadmap(actor, today=today)
    items = {v.item.pk: v.item for v in rm.items}
    scores = load_scores(actor, rm)
    score_of = {pk: s.score.value for pk, s in scores.items.items()}
    spare = _spare(rm.items, score_of)

    asked = []
    for view, objective in views:
        kr = view.kr
        assert objective.period is not None and kr.start is not None and kr.target is not None
        work = [
            WorkInput(pk, items[pk].team_id, items[pk].start, items[pk].end, items[pk].status, weight)
            for pk, weight in links.get(kr.pk, [])
            if pk in items
        ]
        asked.append((
            KeyResultInput(
                kr.pk, objective.team_id, kr.start, kr.target, objective.period.start, objective.period.end,
                tuple(history.get(kr.pk, [])),
            ),
            work,
        ))  # fmt: skip
    found = []
    for (view, _objective), found_proposals in zip(views, proposals_for(asked, spare, today), strict=True):
        named = {pk for p in found_proposals for pk in (p.item, p.freed_from) if pk is not None}
        found.append(AtRisk(view, found_proposals, {pk: items[pk] for pk in named}))
    return found


def _spare(views: list, score_of: dict[int, float]) -> list[SpareInput]:  # type: ignore[type-arg]
    """Open, estimated work that serves no key result, or sits in the lowest quarter of its team's scores."""
    by_team: dict[int, list[float]] = defaultdict(list)
    for v in views:
        by_team[v.item.team_id].append(score_of.get(v.item.pk, 0.0))
    cut = {
        team: sorted(values)[int(len(values) * LOW_SCORE_SHARE)] if values else 0.0
        for team, values in by_team.items()
    }
    return [
        SpareInput(v.item.pk, v.item.team_id, score_of.get(v.item.pk, 0.0), v.item.estimate_days)
        for v in views
        if v.item.status in OPEN
        and v.item.estimate_days
        and v.item.parent_id is None
        and (not v.links or score_of.get(v.item.pk, 0.0) <= cut[v.item.team_id])
    ]
