"""REST endpoint of the ranked backlog: strategic, classic and combined scores (see `insights/scores.py`)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from northstar.insights.scores import BacklogRow, load_scores
from northstar.workspaces.api import ERRORS, actor_of, page_of
from northstar.workspaces.errors import NotFound
from northstar.workspaces.schemas import PageQuery

router = Router(tags=["insights"])

DESCRIPTION = """
**Strategic score** = the sum over the key results an item serves (its own links, or else its nearest parent's)
of link weight × the key result's share of its objective's key result weights × the objective's weight along the
alignment tree (its own weight × the largest effective weight among the objectives it aligns to). Only active
objectives you can see count.

**Classic score**, as the workspace's `classic_score` says: RICE = reach × impact × confidence ÷ effort (the
estimate in person-days), or WSJF = cost of delay ÷ job size; null when an input is missing or the workspace uses
neither.

**Combined** = ½ × strategic ÷ the highest strategic score in the backlog + ½ × classic ÷ the highest classic
score in the backlog (an item without a classic score counts 0 for it; with no classic score in the workspace,
combined = strategic ÷ highest strategic). Items that serve no key result (`reason: no_link`) come last, whatever
their classic score; ties go to the smaller id.

Done and cancelled items are left out. The number of queries does not grow with the items.
"""


class ScoreTermOut(Schema):
    key_result: int | None = Field(
        description="The key result served, or null for a link to a whole objective."
    )
    objective: int
    link_weight: float
    kr_share: float = Field(
        description="The key result's weight ÷ the sum of the weights of its objective's key results (1 for a "
        "link to a whole objective)."
    )
    objective_weight: float = Field(
        description="The objective's weight × the largest effective weight among the objectives it aligns to."
    )
    value: float = Field(description="link_weight × kr_share × objective_weight.")


class ScoreOut(Schema):
    work_item: int
    team: int
    rank: int = Field(description="1 for the best item of the backlog.")
    strategic: float = Field(
        description="The sum of the terms' values; 0 when the item serves no key result."
    )
    classic: float | None = Field(
        description="RICE or WSJF, as the workspace chooses; null when an input is missing or it uses neither."
    )
    combined: float = Field(description="0..1, the blend the backlog is ranked by.")
    reason: Literal["linked", "no_link"] = Field(
        description="no_link: the item serves no key result you can see, so it comes last."
    )
    terms: list[ScoreTermOut]


class ScorePage(Schema):
    count: int
    items: list[ScoreOut]


class ScoreQuery(Schema):
    team: int | None = Field(
        None, description="The backlog of this team and its sub-teams; leave out for every team together."
    )


def score_out(row: BacklogRow) -> dict[str, Any]:
    return {
        "work_item": row.item.pk,
        "team": row.item.team_id,
        "rank": row.rank,
        "strategic": row.ranked.strategic,
        "classic": row.ranked.classic,
        "combined": row.ranked.combined,
        "reason": row.ranked.reason,
        "terms": [
            {
                "key_result": line.key_result,
                "objective": line.objective,
                "link_weight": line.term.link_weight,
                "kr_share": line.term.kr_share,
                "objective_weight": line.term.objective_weight,
                "value": line.term.value,
            }
            for line in row.scored.terms
        ],
    }


@router.get(
    "/scores",
    response={200: ScorePage, **ERRORS},
    summary="The ranked backlog: strategic, classic and combined score of each open work item",
    description=DESCRIPTION,
)
def scores(request: HttpRequest, filters: Query[ScoreQuery], page: Query[PageQuery]) -> dict[str, Any]:
    found = load_scores(actor_of(request))
    if filters.team is not None and found.team(filters.team) is None:
        raise NotFound
    return page_of(found.backlog(filters.team), page, score_out)
