from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from northstar.insights.forms import CapacityForm
from northstar.insights.queries import TeamLine, coverage_report
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import Period
from northstar.roadmap import actions as roadmap_actions
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.forms import apply_errors
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor, access
from northstar.workspaces.web import first_of, query_without_page, requested_page, today, workspace_view

# dependencies across teams the report lists (19,890 at medium scale); the API's report has them all
CROSS_TEAM_SHOWN = 200
# orphan work items, key results and objectives without work, and full teams, each list shows (1,393 rows in all
# at medium scale); the API's report has them all
COVERAGE_LISTED = 50
# team lines a page of the coverage table shows, in the team tree's order (2,000 teams at enterprise scale)
COVERAGE_TEAMS_PAGE_SIZE = 100
# initiatives a page of the optimiser's plan lists (1,666 of a period at medium scale)
OPTIMISE_PAGE_SIZE = 100


@dataclass
class CapacityRow:
    """One team line of the coverage table, with the inline capacity form when the actor may set capacities."""

    line: TeamLine
    form: CapacityForm | None


def _coverage_context(
    actor: Actor,
    period: Period | None,
    periods: list[Period],
    now: dt.date,
    *,
    page: Any = None,
    team_id: int | None = None,
    failed: CapacityForm | None = None,
) -> dict[str, Any]:
    """The coverage page's context: the ``page`` of its team lines, or the page that holds ``team_id``'s line
    (where ``failed``, a capacity form with errors, is shown), and the first rows of each of its lists."""
    report = coverage_report(actor, period, today=now) if period else None
    lines = report.teams if report else []
    if team_id is not None:
        at = next((n for n, line in enumerate(lines) if line.team.pk == team_id), 0)
        page = at // COVERAGE_TEAMS_PAGE_SIZE + 1
    shown = Paginator(lines, COVERAGE_TEAMS_PAGE_SIZE).get_page(page)
    rows = []
    for line in shown:
        form = None
        if actor.is_admin:
            if failed is not None and team_id == line.team.pk:
                form = failed
            else:
                form = CapacityForm.for_team(line.team.pk, report.period.pk, line.load.capacity)  # type: ignore[union-attr]
        rows.append(CapacityRow(line, form))
    context = {
        "report": report,
        "periods": periods,
        "period": period,
        "rows": rows,
        "team_page": shown,
        "page_base": f"period={period.pk}" if period else "",
    }
    for name, listed in (("orphans", COVERAGE_LISTED), ("unsupported_key_results", COVERAGE_LISTED),
                         ("unsupported_objectives", COVERAGE_LISTED), ("full_teams", COVERAGE_LISTED),
                         ("cross_team", CROSS_TEAM_SHOWN)):  # fmt: skip
        context[name], context[f"{name}_more"] = first_of(getattr(report, name) if report else [], listed)
    return context


def _coverage_url(period: Period) -> str:
    return f"{reverse('coverage')}?period={period.pk}"


@workspace_view()
def coverage(request: HttpRequest, actor: Actor) -> HttpResponse:
    now = today()
    periods, period = okr_queries.chosen_period(actor, request.GET.get("period"), now)
    context = _coverage_context(actor, period, periods, now, page=request.GET.get("page"))
    return render(request, "insights/coverage.html", context)


@require_POST
@workspace_view("admin")
def capacity(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Set one team's capacity for one period. HTMX gets the team's re-rendered row (with the new load, or the
    field's error); without JavaScript a redirect back to the report, or the report with the error (422)."""
    team = access(Team.objects, actor, request.POST.get("team"))
    period = access(Period.objects, actor, request.POST.get("period"))
    form = CapacityForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            roadmap_actions.set_capacity(
                actor, team=team.pk, period=period.pk, person_days=form.cleaned_data["person_days"]
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            saved = True
    if saved and not request.htmx:  # type: ignore[attr-defined]
        messages.success(
            request,
            _("The capacity of %(team)s in %(period)s is saved.")
            % {"team": team.name, "period": period.name},
        )
        return HttpResponseRedirect(_coverage_url(period))
    now = today()
    periods = list(Period.objects.restrict(actor))
    context = _coverage_context(actor, period, periods, now, team_id=team.pk, failed=None if saved else form)
    status = 200 if saved else 422
    if not request.htmx:  # type: ignore[attr-defined]
        return render(request, "insights/coverage.html", context, status=status)
    row = next((r for r in context["rows"] if r.line.team.pk == team.pk), None)
    if row is None:
        # The team has no line in this period (no work, no capacity): show the whole report afresh.
        return HttpResponseClientRefresh()
    return render(
        request,
        "insights/coverage.html#team_row",
        {**context, "row": row, "row_saved": saved},
        status=status,
    )


def capacity_overrides(actor: Actor, data: QueryDict) -> dict[int, float]:
    """Capacities to try instead of the saved ones, from ``capacity_<team id>`` fields; blanks and nonsense are
    left out (the saved capacity stands)."""
    overrides = {}
    for team in Team.objects.restrict(actor):
        raw = data.get(f"capacity_{team.pk}", "").replace(",", ".").strip()
        try:
            value = float(raw)
        except ValueError:
            continue
        if value >= 0 and value != float("inf"):
            overrides[team.pk] = value
    return overrides


@workspace_view()
def optimise_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Try the optimiser on a period with other capacities; nothing is changed."""
    from northstar.insights.optimise import plan_period  # builds on the scores, the roadmap and the solver

    now = today()
    periods, period = okr_queries.chosen_period(actor, request.GET.get("period"), now)
    result, overrides = None, {}
    if period is not None:
        overrides = capacity_overrides(actor, request.GET)
        result = plan_period(actor, period, today=now, capacity_overrides=overrides)
    rows = []
    by_value = sorted(result.initiatives.items(), key=lambda kv: -result.value[kv[0]]) if result else []
    page = requested_page(request, by_value, OPTIMISE_PAGE_SIZE)
    if result is not None:
        dropped = {d.id: d for d in result.plan.dropped}
        for pk, item in page:
            drop = dropped.get(pk)
            detail = drop.detail if drop is not None and isinstance(drop.detail, dict) else {}
            rows.append(
                {
                    "item": item,
                    "value": result.value[pk],
                    "effort": result.effort[pk],
                    "selected": pk in result.plan.selected,
                    "reason": drop.reason if drop else None,
                    "team": result.teams.get(detail.get("team")) if detail.get("team") else None,
                    "lacking": detail.get("lacking"),
                    "requires": result.initiatives.get(detail.get("requires"))
                    if detail.get("requires")
                    else None,
                }
            )
    teams = (
        [
            (
                team,
                result.capacity.get(team.pk),
                result.plan.load.get(team.pk, 0.0),
                result.plan.marginal_value.get(team.pk),
            )
            for team in sorted(result.teams.values(), key=lambda t: t.name)
            if team.pk in result.capacity or result.plan.load.get(team.pk)
        ]
        if result
        else []
    )
    context = {
        "periods": periods,
        "period": period,
        "result": result,
        "rows": rows,
        "teams": teams,
        "overrides": sorted(overrides.items()),
        "page": page,
        "page_base": query_without_page(request),
        "can_edit": actor.can_edit,
    }
    return render(request, "insights/optimise.html", context)
