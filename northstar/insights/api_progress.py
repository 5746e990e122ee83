"""REST endpoints for progress twice (outcomes beside outputs), forecasts and impact attributions.

Reads only, through `insights.progress.load_progress` and `okrs.queries` (fixed query counts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from northstar.insights.progress import ProgressBoard, load_progress
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import Period
from northstar.roadmap.api_scenarios import ScenarioDetailOut, period_field, scenario_detail
from northstar.workspaces.api import ERRORS, WRITE_ERRORS, actor_of, page_of, paginate
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.models import Membership, Team
from northstar.workspaces.schemas import InputSchema, PageQuery
from northstar.workspaces.web import today

router = Router(tags=["progress"])


class DashboardQuery(Schema):
    period: int | None = Field(None, description="Default: the shortest period containing today.")
    team: int | None = None
    person: int | None = Field(None, description="Objectives this person owns or owns a key result of.")


class OutputOut(Schema):
    share: float | None = Field(description="Effort done ÷ effort planned (else tasks done ÷ tasks).")
    effort_done_days: float
    effort_planned_days: float
    work_left_days: float
    tasks_done: int
    tasks_total: int
    milestones_reached: int
    milestones_due: int
    milestones_total: int


class ObjectiveProgressOut(Schema):
    objective: int
    title: str
    team: int
    outcome: float = Field(description="Roll-up of its key results, 0..1.")
    output: OutputOut | None = Field(description="Its linked work; null when none is linked.")
    status: str
    probability: float | None = Field(
        description="Weighted chance of its key results reaching their targets."
    )
    confidence_trend: int = Field(description="+1 rising, 0 steady or unknown, -1 falling.")
    stale_key_results: int
    conflicts: int


class DivergenceOut(Schema):
    kind: str = Field(description="work_without_outcome | outcome_without_work")
    key_result: int
    title: str
    done_share: float | None
    moved: float = Field(description="Share of the way from start to target gained over the window.")
    since: dt.date | None


class RiskOut(Schema):
    late_item: int = Field(description="The worst of the late items that reach the key result.")
    days_late: int
    late_items: int = Field(
        description="How many late or pushed items reach the key result, the worst included."
    )
    chain: list[int] = Field(
        description="From the late item along its successors to the item that serves it."
    )
    titles: list[str]
    key_result: int
    objective: int


BOARD_LIST_SIZE = 10  # divergences and dependency risks on the board: the first ones, as on the page


class DashboardOut(Schema):
    period: int | None
    counts: dict[str, int]
    orphan_share: float | None
    objective_count: int = Field(description="Objectives on the board; `limit` and `offset` page them.")
    objectives: list[ObjectiveProgressOut]
    divergence_count: int
    divergences: list[DivergenceOut] = Field(
        description="The first ten; every one, a page at a time, at `/dashboard/divergences`."
    )
    risk_count: int
    risks: list[RiskOut] = Field(
        description="The ten worst; every one, a page at a time, at `/dashboard/risks`."
    )


class DivergencePage(Schema):
    count: int
    items: list[DivergenceOut]


class RiskPage(Schema):
    count: int
    items: list[RiskOut]


def _period(actor: Any, pk: int | None) -> Period | None:
    return okr_queries.default_period(actor, today()) if pk is None else period_field(actor, pk)


def _board(request: HttpRequest, query: DashboardQuery) -> tuple[Period | None, ProgressBoard]:
    """The board the filters ask for; an unknown team or person is a 422 naming the field."""
    actor = actor_of(request)
    period = _period(actor, query.period)
    if query.team is not None and not Team.objects.restrict(actor).filter(pk=query.team).exists():
        raise ValidationFailed.one("team", _("No such team in this workspace."))
    if (
        query.person is not None
        and not Membership.objects.restrict(actor).filter(user_id=query.person).exists()
    ):
        raise ValidationFailed.one("person", _("No such member of this workspace."))
    board = load_progress(actor, today=today(), period=period, team_id=query.team, person_id=query.person)
    return period, board


def divergence_out(d: Any, k: okr_queries.KeyResultView) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "key_result": k.kr.pk,
        "title": k.kr.title,
        "done_share": d.done_share,
        "moved": d.moved,
        "since": d.since,
    }


def risk_out(r: Any) -> dict[str, Any]:
    return {
        "late_item": r.risk.late_item,
        "days_late": r.risk.days_late,
        "late_items": r.risk.late_items,
        "chain": list(r.risk.chain),
        "titles": [i.title for i in r.chain],
        "key_result": r.key_result.pk,
        "objective": r.objective.pk,
    }


@router.get(
    "/dashboard", response={200: DashboardOut, **ERRORS}, summary="Outcomes beside outputs, with alerts"
)
def dashboard(request: HttpRequest, query: Query[DashboardQuery], page: Query[PageQuery]) -> dict[str, Any]:
    period, board = _board(request, query)
    objectives = []
    for p in board.objectives[page.offset : page.offset + page.limit]:
        view, o = p.view, p.output
        rated = [(k.probability, k.kr.weight) for k in view.key_results if k.probability is not None]
        weight = sum(w for _p, w in rated)
        objectives.append(
            {
                "objective": view.objective.pk,
                "title": view.objective.title,
                "team": view.objective.team_id,
                "outcome": view.rollup.progress,
                "output": None
                if o is None
                else {
                    "share": p.output_share,
                    "effort_done_days": o.effort_done,
                    "effort_planned_days": o.effort_planned,
                    "work_left_days": o.work_left_days,
                    "tasks_done": o.tasks_done,
                    "tasks_total": o.tasks_total,
                    "milestones_reached": o.milestones_reached,
                    "milestones_due": o.milestones_due,
                    "milestones_total": o.milestones_total,
                },
                "status": view.status.status,
                "probability": sum(pr * w for pr, w in rated) / weight if weight else None,
                "confidence_trend": p.confidence_trend,
                "stale_key_results": view.stale_count,
                "conflicts": len(p.conflicts),
            }
        )
    return {
        "period": period.pk if period else None,
        "counts": board.counts,
        "orphan_share": board.coverage.company_orphan_share if board.coverage else None,
        "objective_count": len(board.objectives),
        "objectives": objectives,
        "divergence_count": len(board.divergences),
        "divergences": [divergence_out(d, k) for d, k in board.divergences[:BOARD_LIST_SIZE]],
        "risk_count": len(board.risks),
        "risks": [risk_out(x) for x in board.risks[:BOARD_LIST_SIZE]],
    }


@router.get(
    "/dashboard/divergences",
    response={200: DivergencePage, **ERRORS},
    summary="Where work and number disagree on the board, a page at a time",
)
def dashboard_divergences(
    request: HttpRequest, query: Query[DashboardQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    _period_shown, board = _board(request, query)
    return page_of(board.divergences, page, lambda found: divergence_out(*found))


@router.get(
    "/dashboard/risks",
    response={200: RiskPage, **ERRORS},
    summary="Late work that reaches the board's key results, worst first, a page at a time",
)
def dashboard_risks(
    request: HttpRequest, query: Query[DashboardQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    _period_shown, board = _board(request, query)
    return page_of(board.risks, page, risk_out)


class AttributionOut(Schema):
    work_item: int
    title: str
    delivered: dt.date | None
    weight: float
    effect: float | None = Field(
        description="Estimated change of the number at the delivery, beyond its trend."
    )
    low: float | None = Field(description="80 % interval of the effect.")
    high: float | None
    check_ins_before: int | None
    check_ins_after: int | None


class ForecastOut(Schema):
    key_result: int
    probability: float | None = Field(description="Chance of reaching the target by the end of the period.")
    expected: float | None = Field(description="Expected value at the end of the period.")
    low: float | None = Field(description="80 % interval of the end value.")
    high: float | None
    status: str
    check_ins: int
    trend_per_month: float | None
    needed_per_month: float | None
    pace_probability: float | None = Field(description="The straight-line pace call read as a probability.")
    attributions: list[AttributionOut]


@router.get(
    "/key-results/{int:id}/forecast",
    response={200: ForecastOut, **ERRORS},
    summary="A key result's forecast and what its linked work did to it",
)
def key_result_forecast(request: HttpRequest, id: int) -> dict[str, Any]:
    actor = actor_of(request)
    when = today()
    view, check_ins = okr_queries.key_result_detail(actor, id, today=when)
    work = okr_queries.linked_work(actor, view.kr, check_ins, today=when)
    f = view.forecast
    return {
        "key_result": view.kr.pk,
        "probability": f.probability if f else None,
        "expected": f.expected if f else None,
        "low": f.low if f else None,
        "high": f.high if f else None,
        "status": view.status.status,
        "check_ins": len(check_ins),
        "trend_per_month": f.trend_per_month if f else None,
        "needed_per_month": f.needed_per_month if f and f.needed_per_month != float("inf") else None,
        "pace_probability": None if f is None else view_pace(view),
        "attributions": [
            {
                "work_item": w.item.pk,
                "title": w.item.title,
                "delivered": w.item.end,
                "weight": w.weight,
                "effect": w.attribution.effect if w.attribution else None,
                "low": w.attribution.low if w.attribution else None,
                "high": w.attribution.high if w.attribution else None,
                "check_ins_before": w.attribution.check_ins_before if w.attribution else None,
                "check_ins_after": w.attribution.check_ins_after if w.attribution else None,
            }
            for w in work
        ],
    }


def view_pace(view: okr_queries.KeyResultView) -> float | None:
    from northstar.core.forecast import probability_of_pace

    if view.status.expected is None or not view.progress.has_data:
        return None
    return probability_of_pace(view.progress.value, view.status.expected)


class ProposalOut(Schema):
    rank: int
    kind: str = Field(description="pull_forward | move_capacity | add_work | rescope")
    probability_before: float
    probability_after: float
    effect: float
    work_item: int | None = Field(description="pull_forward: the linked item delivered earlier.")
    freed_from: int | None = Field(description="move_capacity: the item dropped to free capacity.")
    freed_days: float
    new_target: float | None = Field(description="rescope: the target proposed.")
    changes: list[dict[str, Any]] = Field(description="The scenario changes it stands for.")


class AtRiskOut(Schema):
    key_result: int
    title: str
    status: str
    probability: float | None
    proposals: list[ProposalOut]


class ProposalQuery(Schema):
    period: int | None = None


class ProposalPick(Schema):
    period: int | None = None
    key_result: int
    rank: int = Field(description="The proposal's rank in GET /proposals.")


class AtRiskPage(Schema):
    count: int
    items: list[AtRiskOut]


def at_risk_out(a: Any) -> dict[str, Any]:
    return {
        "key_result": a.view.kr.pk,
        "title": a.view.kr.title,
        "status": a.view.status.status,
        "probability": a.view.forecast.probability if a.view.forecast else None,
        "proposals": [
            {
                "rank": rank,
                "kind": p.kind,
                "probability_before": p.probability_before,
                "probability_after": p.probability_after,
                "effect": p.effect,
                "work_item": p.item,
                "freed_from": p.freed_from,
                "freed_days": p.freed_days,
                "new_target": p.new_target,
                "changes": [
                    {"kind": c.kind, "work_item": c.item, "start": c.start, "end": c.end, "team": c.team}
                    for c in p.changes
                ],
            }
            for rank, p in enumerate(a.proposals)
        ],
    }


@router.get(
    "/proposals",
    response={200: AtRiskPage, **ERRORS},
    summary="Key results at risk in the OKR tree's order, a page at a time, with roadmap changes ranked by "
    "expected effect",
)
def list_proposals(
    request: HttpRequest, query: Query[ProposalQuery], page: Query[PageQuery]
) -> dict[str, Any]:
    from northstar.insights.adjust import adjustments_for, key_results_at_risk

    actor, now = actor_of(request), today()
    every = key_results_at_risk(actor, today=now, period=_period(actor, query.period))
    shown = adjustments_for(actor, every[page.offset : page.offset + page.limit], today=now)
    return {"count": len(every), "items": [at_risk_out(a) for a in shown]}


@router.post(
    "/proposals/scenario",
    response={201: ScenarioDetailOut, **ERRORS},
    summary="Turn a proposal into a what-if scenario (re-scoping is not a roadmap change: 422)",
)
def proposal_scenario(request: HttpRequest, payload: ProposalPick) -> Status[dict[str, Any]]:
    from northstar.insights.adjust import adjustment_of
    from northstar.roadmap.scenario_actions import scenario_from_proposal

    actor = actor_of(request)
    actor.require("editor")
    found = adjustment_of(actor, payload.key_result, today=today(), period=_period(actor, payload.period))
    if found is None:
        raise ValidationFailed.one("key_result", _("This key result is not at risk in this period."))
    if not 0 <= payload.rank < len(found.proposals):
        raise ValidationFailed.one("rank", _("No proposal with this rank."))
    proposal = found.proposals[payload.rank]
    if proposal.kind == "rescope":
        raise ValidationFailed.one(
            "rank", _("Re-scoping changes the key result, not the roadmap: edit the key result.")
        )
    scenario = scenario_from_proposal(actor, found.view.kr, found.view.kr.objective.team_id, proposal)
    return Status(201, scenario_detail(actor, scenario))


# --- reviews --------------------------------------------------------------------------------------------------


class ReviewIn(InputSchema):
    period: int
    team: int | None = Field(None, description="Empty: the whole company.")
    kind: str = Field("monthly", description="weekly | monthly | period_end")


class ReviewPatch(InputSchema):
    version: int = Field(description="The version you last read; a different current version gives 409.")
    notes: str = None  # type: ignore[assignment]
    learnings: str = None  # type: ignore[assignment]


class ReviewLineOut(Schema):
    key_result: int
    title: str
    progress: float
    status: str
    probability: float | None
    moved: float | None = Field(None, description="For movers: share of the way to the target gained.")


class ReviewOut(Schema):
    id: int
    period: int
    team: int | None
    kind: str
    since: dt.date
    as_of: dt.date
    notes: str
    learnings: str
    version: int
    movers: list[ReviewLineOut]
    achieved: list[ReviewLineOut]
    on_track: list[ReviewLineOut]
    missed: list[ReviewLineOut]
    behind: list[ReviewLineOut]
    milestones_reached: list[int]
    milestones_missed: list[int]
    checked_in: list[tuple[str, int]] = Field(description="Who checked in during the stretch, and how often.")
    risk_count: int
    risks: list[RiskOut] = Field(description="The twenty worst; `/dashboard/risks` pages every one.")
    decisions: int = Field(description="Changes to the OKRs and the roadmap since the last review.")


class ReviewSummaryOut(Schema):
    id: int
    period: int
    team: int | None
    kind: str
    since: dt.date
    as_of: dt.date


def _line(k: okr_queries.KeyResultView, moved: float | None = None) -> dict[str, Any]:
    return {
        "key_result": k.kr.pk,
        "title": k.kr.title,
        "progress": k.progress.value,
        "status": k.status.status,
        "probability": k.forecast.probability if k.forecast else None,
        "moved": moved,
    }


def review_out(actor: Any, review: Any) -> dict[str, Any]:
    from northstar.insights.reviews import load_review

    r = load_review(actor, review)
    return {
        "id": review.pk,
        "period": review.period_id,
        "team": review.team_id,
        "kind": review.kind,
        "since": review.since,
        "as_of": review.as_of,
        "notes": review.notes,
        "learnings": review.learnings,
        "version": review.version,
        "movers": [_line(k, gain) for k, gain in r.movers],
        "achieved": [_line(k) for k in r.achieved],
        "on_track": [_line(k) for k in r.ahead],
        "missed": [_line(k) for k in r.missed],
        "behind": [_line(k) for k in r.behind],
        "milestones_reached": [m.pk for m in r.milestones_reached],
        "milestones_missed": [m.pk for m in r.milestones_missed],
        "checked_in": r.check_ins_by,
        "risk_count": r.risk_count,
        "risks": [risk_out(x) for x in r.risks],
        "decisions": r.decision_count,
    }


class ReviewPage(Schema):
    count: int
    items: list[ReviewSummaryOut]


@router.get(
    "/reviews",
    response={200: ReviewPage, **ERRORS},
    tags=["reviews"],
    summary="Reviews, newest first",
)
def list_reviews(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    from northstar.insights.models import Review

    count, reviews = paginate(Review.objects.restrict(actor_of(request)), page)
    return {
        "count": count,
        "items": [
            {
                "id": r.pk,
                "period": r.period_id,
                "team": r.team_id,
                "kind": r.kind,
                "since": r.since,
                "as_of": r.as_of,
            }
            for r in reviews
        ],
    }


@router.post(
    "/reviews", response={201: ReviewOut, **ERRORS}, tags=["reviews"], summary="Start a review as of today"
)
def create_review(request: HttpRequest, payload: ReviewIn) -> Status[dict[str, Any]]:
    from northstar.insights import actions

    actor = actor_of(request)
    review = actions.create_review(
        actor, period=payload.period, team=payload.team, kind=payload.kind, as_of=today()
    )
    return Status(201, review_out(actor, review))


def _review(actor: Any, pk: int) -> Any:
    from northstar.insights.models import Review
    from northstar.workspaces.permissions import access

    return access(Review.objects.select_related("period", "team"), actor, pk)


@router.get(
    "/reviews/{int:id}", response={200: ReviewOut, **ERRORS}, tags=["reviews"], summary="A review's content"
)
def get_review(request: HttpRequest, id: int) -> dict[str, Any]:
    actor = actor_of(request)
    return review_out(actor, _review(actor, id))


@router.patch(
    "/reviews/{int:id}",
    response={200: ReviewOut, **WRITE_ERRORS},
    tags=["reviews"],
    summary="Save notes and learnings",
)
def update_review(request: HttpRequest, id: int, payload: ReviewPatch) -> dict[str, Any]:
    from northstar.insights import actions

    actor = actor_of(request)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    actions.update_review(actor, id, expected_version=version, **changes)
    return review_out(actor, _review(actor, id))


@router.get(
    "/reviews/{int:id}/pdf", tags=["reviews"], summary="The review as a PDF", response={200: None, **ERRORS}
)
def review_pdf(request: HttpRequest, id: int) -> HttpResponse:
    from northstar.insights.views_reviews import review_pdf_bytes

    actor = actor_of(request)
    review = _review(actor, id)
    return HttpResponse(review_pdf_bytes(actor, review), content_type="application/pdf")
