"""Adjusting the roadmap: for each key result at risk, proposals ranked by the difference they are expected to
make, each one click away from a what-if scenario."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from northstar.insights.adjust import adjustment_of, adjustments_for, key_results_at_risk
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import Period
from northstar.roadmap.scenario_actions import scenario_from_proposal
from northstar.workspaces.errors import NotFound
from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import int_param, query_without_page, requested_page, today, workspace_view

ADJUST_PAGE_SIZE = 20  # key results at risk a page works out proposals for (about 2,600 at medium scale)


def _period(actor: Actor, wanted: object) -> tuple[list[Period], Period | None]:
    return okr_queries.chosen_period(actor, wanted, today())


@workspace_view()
def adjustments(request: HttpRequest, actor: Actor) -> HttpResponse:
    periods, period = _period(actor, request.GET.get("period"))
    now = today()
    every = key_results_at_risk(actor, today=now, period=period)
    page = requested_page(request, every, ADJUST_PAGE_SIZE)
    return render(
        request,
        "insights/adjustments.html",
        {
            "periods": periods,
            "period": period,
            "at_risk": adjustments_for(actor, list(page.object_list), today=now),
            "page": page,
            "page_base": query_without_page(request),
            "can_edit": actor.can_edit,
        },
    )


@require_POST
@workspace_view("editor")
def adjustment_scenario(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Turn one proposal (key result + its rank on the page) into a scenario; recomputed, so it is current."""
    _periods, period = _period(actor, request.POST.get("period"))
    kr_id, rank = int_param(request.POST.get("key_result")), int_param(request.POST.get("proposal"))
    found = adjustment_of(actor, kr_id, today=today(), period=period)
    if found is None or rank is None or not 0 <= rank < len(found.proposals):
        raise NotFound
    proposal = found.proposals[rank]
    if proposal.kind == "rescope":
        return HttpResponseRedirect(reverse("key-result-edit", args=[found.view.kr.pk]))
    scenario = scenario_from_proposal(actor, found.view.kr, found.view.kr.objective.team_id, proposal)
    messages.success(
        request, _("The proposal is a scenario now: compare it with the plan, then apply it or not.")
    )
    return HttpResponseRedirect(reverse("scenario", args=[scenario.pk]))
