"""What a review shows: wins first (key results achieved or ahead, the biggest movers, milestones reached, who
checked in), then misses and slips, risks, and the decisions taken since the last review (from the audit log).
Computed from the data for the review's team and period as of its date (core.review decides the sections), in
a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from northstar.core.chart import ChartGeometry, Point, chart_geometry
from northstar.core.divergence import Divergence
from northstar.core.review import KeyResultState, MilestoneState, Sections, sections
from northstar.insights.models import Review
from northstar.insights.progress import ProgressBoard, RiskView, load_progress
from northstar.okrs.models import CheckIn, Period
from northstar.okrs.queries import KeyResultView
from northstar.roadmap.models import WorkItem, WorkItemKind
from northstar.workspaces.models import AuditEntry, Team
from northstar.workspaces.permissions import Actor

DECISION_TYPES = (
    "objective",
    "keyresult",
    "workitem",
    "scenario",
    "teamcapacity",
    "dependency",
    "contribution",
)
DECISIONS_SHOWN = 40
ALERTS_SHOWN = 20  # dependency risks (the worst) and divergences (the first): a meeting reads a short list


@dataclass
class ReviewContent:
    review: Review
    board: ProgressBoard
    key_results: dict[int, KeyResultView]
    sections: Sections
    movers: list[tuple[KeyResultView, float]]
    check_ins_by: list[tuple[str, int]]
    milestones_reached: list[WorkItem]
    milestones_missed: list[WorkItem]
    risks: list[RiskView]  # the worst ALERTS_SHOWN
    risk_count: int
    divergences: list[tuple[Divergence, KeyResultView]]  # the first ALERTS_SHOWN
    divergence_count: int
    decisions: list[AuditEntry]
    decision_count: int
    charts: dict[int, ChartGeometry]

    def views(self, ids: tuple[int, ...]) -> list[KeyResultView]:
        return [self.key_results[pk] for pk in ids if pk in self.key_results]

    @property
    def achieved(self) -> list[KeyResultView]:
        return self.views(self.sections.achieved)

    @property
    def ahead(self) -> list[KeyResultView]:
        return self.views(self.sections.ahead)

    @property
    def missed(self) -> list[KeyResultView]:
        return self.views(self.sections.missed)

    @property
    def behind(self) -> list[KeyResultView]:
        return self.views(self.sections.behind)


def load_review(actor: Actor, review: Review) -> ReviewContent:
    period, since, until = review.period, review.since, review.as_of
    board = load_progress(actor, today=until, period=period, team_id=review.team_id)
    key_results = {k.kr.pk: k for o in board.objectives for k in o.view.key_results}
    # the check-ins the board read already, up to the review's date
    history = {
        pk: [(d, v) for d, v, _c in rows if d <= until]
        for pk, rows in board.history.items()
        if pk in key_results
    }
    states = [
        KeyResultState(
            pk, k.kr.kind, k.kr.start, k.kr.target, tuple(history.get(pk, [])), k.progress.value,
            k.progress.has_data, str(k.status.status),
        )
        for pk, k in key_results.items()
    ]  # fmt: skip
    rm = board.roadmap
    objective_ids = {o.view.objective.pk for o in board.objectives}
    served = {i.pk for o in board.objectives for i in o.items}
    milestones = [
        v.item
        for v in rm.items
        if v.item.kind == WorkItemKind.MILESTONE
        and (review.team_id is None or v.item.team_id == review.team_id or v.item.pk in served)
    ]
    found = sections(
        states,
        [MilestoneState(m.pk, m.end, m.status) for m in milestones],
        since=since,
        until=until,
        period_end=period.end,
    )
    by_id = {m.pk: m for m in milestones}
    authors = (
        CheckIn.objects.restrict(actor)
        .filter(
            key_result_id__in=list(key_results), checked_in_at__date__gt=since, checked_in_at__date__lte=until
        )
        .values("author__name", "author__email")
        .annotate(n=Count("id"))
        .order_by("-n", "author__name")
    )
    decisions = (
        AuditEntry.objects.restrict(actor)
        .filter(at__date__gt=since, at__date__lte=until, object_type__in=DECISION_TYPES)
        .exclude(action="check_in")
        .select_related("actor")
        .order_by("-at", "-id")
    )
    if review.team_id is not None:
        decisions = decisions.filter(
            Q(objective_ref__in=objective_ids) | Q(object_type="workitem", object_id__in=served | set(by_id))
        )
    charts = {
        pk: chart_geometry(
            [Point(d, v) for d, v in history.get(pk, [])],
            start_date=period.start,
            end_date=period.end,
            start=k.kr.start,
            target=k.kr.target,
            low=k.kr.low,
            high=k.kr.high,
            today=until,
            width=320,
            height=120,
            padding=24,
        )
        for pk, k in key_results.items()
        if k.kr.kind in ("increase", "decrease", "range")
    }
    return ReviewContent(
        review=review,
        board=board,
        key_results=key_results,
        sections=found,
        movers=[(key_results[pk], gain) for pk, gain in found.movers],
        check_ins_by=[(row["author__name"] or row["author__email"] or "—", row["n"]) for row in authors],
        milestones_reached=[by_id[pk] for pk in found.milestones_reached],
        milestones_missed=[by_id[pk] for pk in found.milestones_missed],
        risks=board.risks[:ALERTS_SHOWN],
        risk_count=len(board.risks),
        divergences=board.divergences[:ALERTS_SHOWN],
        divergence_count=len(board.divergences),
        decisions=list(decisions[:DECISIONS_SHOWN]),
        decision_count=decisions.count(),
        charts=charts,
    )


def default_since(actor: Actor, review: Review) -> dt.date:
    """The day of the last review of the same team and period before this one, else the period's start."""
    earlier = (
        Review.objects.restrict(actor)
        .filter(period=review.period, team=review.team, as_of__lt=review.as_of)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )
    return earlier or review.period.start


def draft_review(actor: Actor, period: Period, team: Team | None, kind: str, as_of: dt.date) -> Review:
    """An unsaved review of ``period`` as of ``as_of`` (never beyond the period's end), looking back to the last
    review of the same team and period."""
    review = Review(
        workspace=actor.workspace,
        period=period,
        team=team,
        kind=kind,
        as_of=min(as_of, period.end),
        created_by=actor.user,
    )
    review.since = default_since(actor, review)
    return review
