"""The ranked backlog: a team's open work, ordered by how much it serves the goals, blended with RICE or WSJF.

The scores come from `insights.scores` (a fixed number of queries); HTMX requests that target the table get only
the table (the `backlog` partial), normal requests the page.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from northstar.insights.scores import COMBINED_FORMULA, STRATEGIC_FORMULA, Scores, load_scores
from northstar.roadmap.pickers import TeamPicker
from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import query_without_page, requested_page, workspace_view

ALL_TEAMS = "all"
BACKLOG_PAGE_SIZE = (
    100  # ranked rows a page shows (the company's backlog holds every team's: 10,000 at medium scale)
)


def chosen_team(actor: Actor, scores: Scores, wanted: str | None) -> int | None:
    """The team asked for (404 when unknown), else the actor's first team in tree order; None means every team."""
    if wanted == ALL_TEAMS:
        return None
    if wanted:
        try:
            team = scores.team(int(wanted))
        except ValueError:
            team = None
        if team is None:
            raise Http404
        return team.pk
    return next((t.pk for t, _depth in scores.teams if t.pk in actor.team_ids), None)


@workspace_view()
def backlog(request: HttpRequest, actor: Actor) -> HttpResponse:
    scores = load_scores(actor)
    team_id = chosen_team(actor, scores, request.GET.get("team"))
    ranked = requested_page(request, scores.backlog(team_id), BACKLOG_PAGE_SIZE)
    context = {
        "scores": scores,
        "rows": ranked.object_list,
        "ranked": ranked,
        "page_base": query_without_page(request),
        "team": scores.team(team_id) if team_id is not None else None,
        "team_id": team_id,
        "team_filter": TeamPicker(actor, "every-team").render(
            "team", "backlog-team", ALL_TEAMS if team_id is None else team_id
        ),
        "combined_formula": COMBINED_FORMULA,
        "strategic_formula": STRATEGIC_FORMULA,
    }
    if request.htmx and request.htmx.target == "backlog-table":
        return render(request, "insights/backlog.html#table", context)
    return render(request, "insights/backlog.html", context)
