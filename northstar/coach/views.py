"""The coach's pages: advice beside the objective and key result editors (HTMX, as you type), the workspace's
OKR-quality report, and the rule catalogue where admins switch rules off."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from northstar.coach import actions, checks, queries
from northstar.core.lint import RULES, KeyResultDraft
from northstar.okrs import queries as okr_queries
from northstar.workspaces.permissions import Actor
from northstar.workspaces.web import int_param, today, workspace_view


def _number(value: str | None) -> float | None:
    try:
        return float((value or "").replace(",", ".").replace(" ", "")) if (value or "").strip() else None
    except ValueError:
        return None


def draft_from_form(data: QueryDict) -> KeyResultDraft:
    """A key result as typed so far (numbers that do not parse yet count as missing)."""
    return KeyResultDraft(
        title=data.get("title", ""),
        kind=data.get("kind") or "increase",
        unit=data.get("unit", ""),
        start=_number(data.get("start")),
        target=_number(data.get("target")),
        low=_number(data.get("low")),
        high=_number(data.get("high")),
    )


def _panel(request: HttpRequest, advice: list[Any], *, objective_level: bool) -> HttpResponse:
    checked = bool(request.POST.get("title", "").strip())  # nothing typed yet: nothing to say yet
    return render(
        request,
        "coach/panel.html",
        {"advice": advice if checked else [], "objective_level": objective_level, "checked": checked},
    )


@workspace_view()
@require_POST
def check_key_result(request: HttpRequest, actor: Actor, objective_pk: int) -> HttpResponse:
    """Advice on the key result being typed, in the light of its objective and its siblings."""
    draft = draft_from_form(request.POST)
    advice = checks.check_key_result(actor, objective_pk, draft, editing=int_param(request.GET.get("kr")))
    return _panel(request, advice, objective_level=False)


@workspace_view()
@require_POST
def check_objective(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Advice on the objective being typed: its title, its alignment and, when it exists, its key results.
    A choice that does not exist (a stale page) is left out rather than refused: the form says so on save."""
    data = request.POST
    advice = checks.check_objective(
        actor,
        data.get("title", ""),
        team=int_param(data.get("team")),
        period=int_param(data.get("period")),
        parents=[p for p in (int_param(v) for v in data.getlist("parents")) if p is not None],
        existing=int_param(request.GET.get("objective")),
        strict=False,
    )
    return _panel(request, advice, objective_level=True)


@workspace_view()
def quality(request: HttpRequest, actor: Actor) -> HttpResponse:
    periods, period = okr_queries.chosen_period(actor, request.GET.get("period"), today())
    report = queries.quality_report(actor, period)
    return render(request, "coach/quality.html", {"report": report, "periods": periods, "period": period})


@workspace_view()
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, actor: Actor) -> HttpResponse:
    if request.method == "POST":
        enabled = set(request.POST.getlist("enabled"))
        actions.set_disabled_rules(actor, [r.id for r in RULES if r.id not in enabled])
        messages.success(request, _("Coach rules saved."))
        return HttpResponseRedirect(reverse("coach-rules"))
    off = set(queries.disabled_rules(actor))
    catalogue = [(r, r.id not in off) for r in RULES]
    return render(request, "coach/rules.html", {"catalogue": catalogue, "can_change": actor.is_admin})
