"""What-if scenario pages: the list, one scenario beside the plan (with its changes and the forms to add more),
applying it, and keeping the optimiser's choice as one. Reads in insights.scenarios, writes in
roadmap.scenario_actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from northstar.insights.forms import ChangeForm, ScenarioForm
from northstar.insights.scenarios import compare
from northstar.okrs import queries as okr_queries
from northstar.okrs.models import Period
from northstar.roadmap import scenario_actions
from northstar.roadmap.models import ChangeKind, Scenario, ScenarioStatus, WorkItemKind
from northstar.roadmap.pickers import ItemPicker, KeyResultPicker, TeamPicker
from northstar.roadmap.queries import PlanRows, fetch_plan
from northstar.roadmap.scenarios import scenario_changes
from northstar.workspaces.errors import StaleVersion, ValidationFailed
from northstar.workspaces.forms import apply_errors
from northstar.workspaces.permissions import Actor, access
from northstar.workspaces.queries import chosen
from northstar.workspaces.web import int_param, today, workspace_view


def _periods(actor: Actor) -> list[Period]:
    return list(Period.objects.restrict(actor))


@workspace_view()
def scenario_list(request: HttpRequest, actor: Actor, form: ScenarioForm | None = None) -> HttpResponse:
    periods = _periods(actor)
    default = okr_queries.default_period(actor, today())
    form = form or ScenarioForm(
        periods=[(p.pk, p.name) for p in periods], initial={"period": default.pk if default else None}
    )
    scenarios = (
        Scenario.objects.restrict(actor).select_related("period", "created_by").order_by("-created_at", "-id")
    )
    return render(
        request,
        "insights/scenarios.html",
        {"scenarios": scenarios, "form": form},
        status=422 if form.errors else 200,
    )


@require_POST
@workspace_view("editor")
def scenario_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ScenarioForm(request.POST, periods=[(p.pk, p.name) for p in _periods(actor)])
    if form.is_valid():
        try:
            scenario = scenario_actions.create_scenario(actor, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return HttpResponseRedirect(reverse("scenario", args=[scenario.pk]))
    return scenario_list(request, form=form)


def _change_form(actor: Actor, plan: PlanRows, data: Any = None, kind: str = "") -> ChangeForm:
    return ChangeForm(
        data,
        kind=kind,
        items=ItemPicker(actor, open_only=True),
        teams=TeamPicker(actor, "dash"),
        key_results=KeyResultPicker(actor),
        periods=[(p.pk, p.name) for p in plan.periods],
        item_kinds=list(WorkItemKind.choices),
    )


def _detail_context(
    request: HttpRequest, actor: Actor, scenario: Scenario, failed: ChangeForm | None = None
) -> dict[str, Any]:
    periods = _periods(actor)
    period = chosen(periods, int_param(request.GET.get("period")))
    # Once applied, the plan has the changes: comparing would count them twice.
    compared = (
        compare(actor, scenario, today=today(), period=period)
        if scenario.status == ScenarioStatus.DRAFT
        else None
    )
    plan = compared.plan_rows if compared is not None else fetch_plan(actor)
    forms = {
        kind: failed
        if failed is not None and failed.data.get("kind") == kind
        else _change_form(actor, plan, kind=kind)
        for kind in ChangeKind.values
    }
    titles = {w.pk: w for w in plan.work}
    explanation = scenario.explanation or {}
    teams = {t.pk: t for t in plan.teams}
    dropped = [
        {
            "item": titles.get(d.get("work_item")),
            "reason": d.get("reason"),
            "team": teams.get(d.get("team")),
            "lacking": d.get("lacking"),
            "requires": titles.get(d.get("requires")),
        }
        for d in explanation.get("dropped", [])
    ]
    worth = [
        (
            teams.get(int(team)),
            value,
            explanation.get("capacity", {}).get(team),
            explanation.get("load", {}).get(team),
        )
        for team, value in explanation.get("marginal_value", {}).items()
        if int(team) in teams
    ]
    return {
        "scenario": scenario,
        "c": compared,
        "changes": compared.changes if compared is not None else scenario_changes(actor, scenario),
        "periods": periods,
        "forms": forms,
        "failed_kind": failed.data.get("kind") if failed is not None else None,
        "dropped": dropped,
        "worth": worth,
        "can_edit": actor.can_edit and scenario.status == ScenarioStatus.DRAFT,
        "visible_krs": plan.key_results,
        "new_conflicts": [
            (compared.what_if.roadmap.by_id[x.item_id].item.title, x.message) for x in compared.new_conflicts
        ]
        if compared
        else [],
        "solved_conflicts": [
            (compared.plan.roadmap.by_id[x.item_id].item.title, x.message) for x in compared.solved_conflicts
        ]
        if compared
        else [],
    }


@workspace_view()
def scenario_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    scenario = access(Scenario.objects.select_related("period", "created_by", "applied_by"), actor, pk)
    return render(request, "insights/scenario.html", _detail_context(request, actor, scenario))


@require_POST
@workspace_view("editor")
def scenario_change_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    scenario = access(Scenario.objects.select_related("period"), actor, pk)
    form = _change_form(actor, fetch_plan(actor), request.POST, kind=request.POST.get("kind", ""))
    if form.is_valid():
        try:
            scenario_actions.add_change(actor, scenario.pk, **form.change())  # type: ignore[arg-type]
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Change added. The comparison below includes it."))
            return HttpResponseRedirect(reverse("scenario", args=[scenario.pk]))
    context = _detail_context(request, actor, scenario, failed=form)
    return render(request, "insights/scenario.html", context, status=422)


@require_POST
@workspace_view("editor")
def scenario_change_remove(request: HttpRequest, actor: Actor, pk: int, change_id: int) -> HttpResponse:
    scenario = access(Scenario.objects, actor, pk)
    try:
        scenario_actions.remove_change(actor, access(scenario.changes.all(), actor, change_id).pk)
    except ValidationFailed as exc:
        messages.error(request, exc.sentence())
    else:
        messages.success(request, _("Change removed."))
    return HttpResponseRedirect(reverse("scenario", args=[scenario.pk]))


@require_POST
@workspace_view("editor")
def scenario_apply(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    scenario = access(Scenario.objects, actor, pk)
    try:
        scenario_actions.apply_scenario(
            actor, scenario.pk, expected_version=int_param(request.POST.get("version"))
        )
    except (ValidationFailed, StaleVersion) as exc:
        messages.error(request, exc.sentence() if isinstance(exc, ValidationFailed) else str(exc))
        return HttpResponseRedirect(reverse("scenario", args=[scenario.pk]))
    messages.success(request, _("Scenario applied: the roadmap now has its changes."))
    return HttpResponseRedirect(reverse("scenario", args=[scenario.pk]))


@require_POST
@workspace_view("editor")
def scenario_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    scenario = access(Scenario.objects, actor, pk)
    scenario_actions.delete_scenario(actor, scenario.pk)
    messages.success(request, _("Scenario “%(name)s” thrown away.") % {"name": scenario.name})
    return HttpResponseRedirect(reverse("scenarios"))


@require_POST
@workspace_view("editor")
def scenario_from_optimiser(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Keep what the optimiser chose, with the capacities it was given, as a scenario."""
    from northstar.insights.optimise import plan_period
    from northstar.insights.views import capacity_overrides

    period = access(Period.objects, actor, request.POST.get("period"))
    overrides = capacity_overrides(actor, request.POST)
    result = plan_period(actor, period, today=today(), capacity_overrides=overrides)
    name = request.POST.get("name") or _("Optimised plan for %(period)s") % {"period": period.name}
    scenario = scenario_actions.scenario_from_plan(actor, result, name=name, overrides=overrides)
    messages.success(
        request, _("The optimiser's choice is saved as a scenario. Nothing is changed until you apply it.")
    )
    return HttpResponseRedirect(reverse("scenario", args=[scenario.pk]))
