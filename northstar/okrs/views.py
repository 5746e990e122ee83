"""OKR pages: thin views over okrs.queries (reads) and okrs.actions (writes).

HTMX requests get the fragment (a template partial), normal requests the page, from the same URL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from northstar.coach import queries as coach_queries
from northstar.core.chart import ForecastBand, Point, chart_geometry
from northstar.okrs import actions, queries
from northstar.okrs.forms import CheckInForm, KeyResultForm, ObjectiveForm
from northstar.okrs.models import KeyResult, Objective, ObjectiveStatus, Period
from northstar.roadmap.pickers import ObjectivePicker, PersonPicker, TeamPicker
from northstar.workspaces import audit
from northstar.workspaces.errors import StaleVersion, ValidationFailed
from northstar.workspaces.forms import apply_errors
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import CHANGE, CHECK_IN, Actor, access
from northstar.workspaces.queries import chosen
from northstar.workspaces.web import (
    first_of,
    int_param,
    query_without_page,
    requested_page,
    saved,
    submit_form,
    today,
    workspace_view,
)

STATUS_CHOICES = ["on_track", "at_risk", "off_track", "done", "no_data"]


# --- dashboard --------------------------------------------------------------------------------------------------


DASHBOARD_PAGE_SIZE = 50  # objectives in the outcomes-and-outputs table
DASHBOARD_LIST_SIZE = 10  # key results waiting for a check-in, divergences, dependency risks: the first ones


@workspace_view()
def dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Outcomes beside outputs for the workspace, a team (``?team=``) or a person (``?person=``)."""
    from northstar.insights.progress import load_progress  # insights builds on the OKRs and the roadmap

    now = today()
    periods, period = queries.chosen_period(actor, request.GET.get("period"), now)
    team_id = int_param(request.GET.get("team"))
    team = Team.objects.restrict(actor).filter(pk=team_id).first() if team_id is not None else None
    person = queries.member(actor, int_param(request.GET.get("person")))
    board = load_progress(
        actor,
        today=now,
        period=period,
        team_id=team.pk if team else None,
        person_id=person.pk if person else None,
    )
    my_key_results = [
        k
        for o in board.objectives
        for k in o.view.key_results
        if k.kr.owner_id == actor.user_id and k.kr.kind != "milestone"
    ]
    table = requested_page(request, board.objectives, DASHBOARD_PAGE_SIZE)
    stale, more_stale = first_of(
        sorted(board.stale, key=lambda k: (k.kr.last_check_in_at is not None, k.kr.last_check_in_at or 0)),
        DASHBOARD_LIST_SIZE,
    )
    divergences, more_divergences = first_of(board.divergences, DASHBOARD_LIST_SIZE)
    risks, more_risks = first_of(sorted(board.risks, key=lambda r: -r.risk.days_late), DASHBOARD_LIST_SIZE)
    return render(
        request,
        "okrs/dashboard.html",
        {
            "period": period,
            "periods": periods,
            "team_filter": TeamPicker(actor, "workspace").render(
                "team", "dash-team", team.pk if team else None
            ),
            "person_filter": PersonPicker(actor, "everyone").render(
                "person", "dash-person", person.pk if person else None
            ),
            "team": team,
            "person": person,
            "board": board,
            "objectives": table.object_list,
            "table": table,
            "page_base": query_without_page(request),
            "counts": board.counts,
            "my_key_results": my_key_results,
            "stale": stale,
            "more_stale": more_stale,
            "divergences": divergences,
            "more_divergences": more_divergences,
            "risks": risks,
            "more_risks": more_risks,
            "today": now,
            "orphan_report": board.coverage,
        },
    )


# --- OKR page ---------------------------------------------------------------------------------------------------


@workspace_view()
def okr_page(request: HttpRequest, actor: Actor) -> HttpResponse:
    now = today()
    periods = list(Period.objects.restrict(actor))
    period_param = request.GET.get("period")
    if period_param == "none":
        period = None
    else:
        wanted = int_param(period_param)
        period = chosen(periods, wanted) or queries.default_period(actor, now)
    status = request.GET.get("status") if request.GET.get("status") in STATUS_CHOICES else None
    filters = {
        "team_id": int_param(request.GET.get("team")),
        "owner_id": int_param(request.GET.get("owner")),
        "status": status,
        "q": (request.GET.get("q") or "").strip()[:100] or None,
    }
    tree = queries.okr_tree(
        actor, today=now, period=period, page=int_param(request.GET.get("page")) or 1, **filters
    )
    shown = list(tree.all_objectives())
    for view, badge in zip(shown, coach_queries.badges(actor, shown).values(), strict=True):
        view.quality = badge
    context = {
        "tree": tree,
        "shown_count": len(shown),
        "page_base": query_without_page(request),
        "period": period,
        "periods": periods,
        "team_filter": TeamPicker(actor, "all-teams").render("team", "filter-team", filters["team_id"]),
        "owner_filter": PersonPicker(actor, "anyone").render("owner", "filter-owner", filters["owner_id"]),
        "filters": filters,
        "status_choices": STATUS_CHOICES,
        "today": now,
        "can_create": actor.can_edit,
    }
    if request.htmx and request.htmx.target == "okr-tree":
        return render(request, "okrs/okr_page.html#tree", context)
    return render(request, "okrs/okr_page.html", context)


# --- objectives -------------------------------------------------------------------------------------------------


def _objective_form(
    actor: Actor, data: Any = None, initial: dict[str, Any] | None = None, exclude: int | None = None
) -> ObjectiveForm:
    return ObjectiveForm(
        data,
        initial=initial,
        teams=TeamPicker(actor),
        periods=list(Period.objects.restrict(actor)),
        people=PersonPicker(actor, "nobody"),
        parents=ObjectivePicker(actor, frozenset({exclude}) if exclude is not None else frozenset()),
    )


def _objective_values(form: ObjectiveForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    data["parents"] = data.get("parents") or []
    return data


@workspace_view("editor")
@require_http_methods(["GET", "POST"])
def objective_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method == "POST":
        return submit_form(
            request,
            _objective_form(actor, request.POST),
            "okrs/objective_form.html",
            {"creating": True},
            values=_objective_values,
            save=lambda values, _version: actions.create_objective(actor, **values),
            done=lambda objective: saved(
                request,
                _("Objective created. Now add its key results."),
                reverse("key-result-create", args=[objective.pk]),
            ),
        )
    initial = {"period": (queries.default_period(actor, today()) or Period()).pk, "owner": actor.user_id}
    team = next(iter(sorted(actor.team_ids)), None)
    if team is not None:
        initial["team"] = team
    form = _objective_form(actor, initial=initial)
    return render(request, "okrs/objective_form.html", {"form": form, "creating": True})


@workspace_view()
def objective_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    view = queries.objective_detail(actor, pk, today=today())
    entries = audit.history(actor, "objective", view.objective.pk)
    advice = coach_queries.advice_for_objective(actor, view.objective)
    return render(
        request,
        "okrs/objective_detail.html",
        {"o": view, "entries": entries, "today": today(), "advice": advice},
    )


@workspace_view("editor")
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    objective = access(Objective.objects, actor, pk, CHANGE)
    context: dict[str, Any] = {"objective": objective, "creating": False}
    if request.method == "POST":
        return submit_form(
            request,
            _objective_form(actor, request.POST, exclude=objective.pk),
            "okrs/objective_form.html",
            context,
            values=_objective_values,
            save=lambda values, version: actions.update_objective(
                actor, objective.pk, expected_version=version, **values
            ),
            done=lambda _saved_objective: saved(
                request, _("Objective saved."), reverse("objective", args=[objective.pk])
            ),
        )
    initial = {
        "title": objective.title,
        "description": objective.description,
        "team": objective.team_id,
        "period": objective.period_id,
        "owner": objective.owner_id,
        "status": objective.status,
        "visibility": objective.visibility,
        "weight": objective.weight,
        "committed": objective.committed,
        "parents": list(objective.alignments_up.values_list("parent_id", flat=True)),
        "version": objective.version,
    }
    context["form"] = _objective_form(actor, initial=initial, exclude=objective.pk)
    return render(request, "okrs/objective_form.html", context)


@workspace_view("editor")
@require_POST
def objective_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    actions.delete_objective(actor, pk)
    messages.success(request, _("Objective deleted."))
    return HttpResponseRedirect(reverse("okrs"))


@workspace_view("editor")
@require_POST
def objective_close(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    objective = access(Objective.objects, actor, pk, CHANGE)
    new_status = (
        ObjectiveStatus.ACTIVE if objective.status == ObjectiveStatus.CLOSED else ObjectiveStatus.CLOSED
    )
    actions.update_objective(actor, pk, status=new_status)
    return HttpResponseRedirect(reverse("objective", args=[pk]))


# --- key results ------------------------------------------------------------------------------------------------


def _kr_values(form: KeyResultForm) -> dict[str, Any]:
    data = form.measure_values()
    data.pop("version", None)
    data["unit"] = data.get("unit") or ""
    data["description"] = data.get("description") or ""
    if data.get("weight") is None:
        data["weight"] = 1.0
    return data


@workspace_view("editor")
@require_http_methods(["GET", "POST"])
def key_result_create(request: HttpRequest, actor: Actor, objective_pk: int) -> HttpResponse:
    objective = access(Objective.objects, actor, objective_pk, CHANGE)
    people = PersonPicker(actor, "nobody")
    context: dict[str, Any] = {"objective": objective, "creating": True}
    if request.method == "POST":
        next_url = reverse(
            "key-result-create" if request.POST.get("_another") else "objective", args=[objective.pk]
        )
        return submit_form(
            request,
            KeyResultForm(request.POST, people=people),
            "okrs/key_result_form.html",
            context,
            values=_kr_values,
            save=lambda values, _version: actions.create_key_result(actor, objective.pk, **values),
            done=lambda _kr: saved(request, _("Key result added."), next_url),
        )
    context["form"] = KeyResultForm(people=people, initial={"owner": actor.user_id})
    return render(request, "okrs/key_result_form.html", context)


@workspace_view()
def key_result_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    now = today()
    view, check_ins = queries.key_result_detail(actor, pk, today=now)
    kr = view.kr
    period = kr.objective.period
    start_date = (
        period.start
        if period
        else (check_ins[0].checked_in_at.date() if check_ins else now - dt.timedelta(days=90))
    )
    end_date = period.end if period else now
    work = queries.linked_work(actor, kr, check_ins, today=now)
    prediction = view.forecast
    band = (
        ForecastBand(
            since=min(now, end_date),
            value=kr.current_value if kr.current_value is not None else prediction.expected,
            expected=prediction.expected,
            low=prediction.low,
            high=prediction.high,
        )
        if prediction is not None and now < end_date
        else None
    )
    chart = chart_geometry(
        [Point(c.checked_in_at.date(), c.value) for c in check_ins],
        start_date=start_date,
        end_date=end_date,
        start=kr.start,
        target=kr.target,
        low=kr.low,
        high=kr.high,
        today=now,
        band_ahead=band,
        deliveries=[w.item.end for w in work if w.item.end is not None],
        width=960,
        height=260,
    )
    entries = audit.key_result_history(actor, kr.pk)
    from northstar.integrations.models import LiveSource, SourceKind

    live_source = LiveSource.objects.restrict(actor).filter(key_result=kr).first()
    return render(
        request,
        "okrs/key_result_detail.html",
        {
            "k": view,
            "check_ins": list(reversed(check_ins)),
            "chart": chart,
            "band_height": (chart.band[1] - chart.band[0]) if chart.band else 0,
            "work": work,
            "forecast": prediction,
            "now": now,
            "entries": entries,
            "form": check_in_form(kr),
            "live_source": live_source,
            "source_kinds": SourceKind.choices,
            "can_change": actor.can_edit,
        },
    )


@workspace_view("editor")
@require_http_methods(["GET", "POST"])
def key_result_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    kr = access(KeyResult.objects.select_related("objective"), actor, pk, CHANGE)
    people = PersonPicker(actor, "nobody")
    context: dict[str, Any] = {"objective": kr.objective, "kr": kr, "creating": False}
    if request.method == "POST":
        return submit_form(
            request,
            KeyResultForm(request.POST, people=people),
            "okrs/key_result_form.html",
            context,
            values=_kr_values,
            save=lambda values, version: actions.update_key_result(
                actor, kr.pk, expected_version=version, **values
            ),
            done=lambda _kr: saved(request, _("Key result saved."), reverse("key-result", args=[kr.pk])),
        )
    fields = ["title", "kind", "unit", "start", "target", "low", "high", "weight", "description"]
    initial = {f: getattr(kr, f) for f in fields} | {"owner": kr.owner_id, "version": kr.version}
    context["form"] = KeyResultForm(people=people, initial=initial)
    return render(request, "okrs/key_result_form.html", context)


@workspace_view("editor")
@require_POST
def key_result_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    kr = access(KeyResult.objects, actor, pk, CHANGE)
    actions.delete_key_result(actor, pk)
    messages.success(request, _("Key result deleted."))
    return HttpResponseRedirect(reverse("objective", args=[kr.objective_id]))


# --- check-ins --------------------------------------------------------------------------------------------------


def check_in_form(kr: KeyResult, data: Any = None, **initial: Any) -> CheckInForm:
    form = CheckInForm(data, initial={"version": kr.version, **initial})
    if kr.kind == "boolean":
        form.fields["value"].label = _("Done? (1 = yes, 0 = no)")
    elif kr.unit:
        form.fields["value"].label = _("Current value (%(unit)s)") % {"unit": kr.unit}
    return form


@workspace_view()
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """GET: the inline check-in form for a KR row. POST: record it and answer with the updated row (HTMX) and the
    objective's new progress (out of band), or redirect (no JavaScript)."""
    access(KeyResult.objects, actor, pk, CHECK_IN)
    view, _check_ins = queries.key_result_detail(actor, pk, today=today())
    kr = view.kr
    if request.method == "GET":
        form = check_in_form(kr, value=kr.current_value, confidence=view.confidence_score)
        return render(request, "okrs/okr_page.html#check_in_form", {"k": view, "form": form})
    form = check_in_form(kr, request.POST)
    status = 200
    if form.is_valid():
        try:
            actions.do_check_in(
                actor,
                kr.pk,
                value=form.cleaned_data["value"],
                confidence=form.confidence_fraction(),
                comment=form.cleaned_data.get("comment") or "",
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
            status = 422
        except StaleVersion as exc:
            form.add_error(None, str(exc))
            status = 409
    else:
        status = 422
    if status != 200:
        view, _check_ins = queries.key_result_detail(actor, pk, today=today())
        if request.htmx:
            response = render(
                request, "okrs/okr_page.html#check_in_form", {"k": view, "form": form}, status=status
            )
            return reswap(retarget(response, f"#kr-{kr.pk}-form"), "innerHTML")
        if status == 409:
            # Shown again on a page of its own: with the version it has now, so that sending it again works.
            data = request.POST.copy()
            data["version"] = str(view.kr.version)
            form = check_in_form(kr, data)
            form.is_valid()
            form.add_error(None, str(StaleVersion(view.kr.version)))
        context = {
            "k": view,
            "form": form,
            "whole_page": True,
            "next_is_detail": request.POST.get("next_is_detail"),
        }
        return render(request, "okrs/check_in_page.html", context, status=status)
    if not request.htmx:
        messages.success(request, _("Check-in recorded."))
        return HttpResponseRedirect(
            request.POST.get("next_is_detail") and reverse("key-result", args=[pk]) or reverse("okrs")
        )
    objective_view = queries.objective_detail(actor, kr.objective_id, today=today())
    row = next(k for k in objective_view.key_results if k.kr.pk == kr.pk)
    return render(
        request,
        "okrs/okr_page.html#check_in_result",
        {"k": row, "o": objective_view, "just_checked_in": True},
    )
