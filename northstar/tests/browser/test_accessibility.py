"""axe-core finds no serious or critical accessibility violations on any page."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from northstar.exchange.demo import DEMO_LOGIN
from northstar.insights.actions import create_review
from northstar.insights.optimise import plan_period
from northstar.okrs.models import KeyResult, Objective, Period
from northstar.roadmap import scenario_actions
from northstar.roadmap.models import ChangeKind, WorkItem
from northstar.workspaces.models import Team, User
from northstar.workspaces.permissions import actor_for

from .conftest import NARROW, WIDE

BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']} at "
        + ", ".join(str(n["target"]) for n in v["nodes"])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def scenarios(team, period, initiative):
    """Two draft scenarios for the period: one made by hand whose changes, comparison and forecast tables all have
    rows, and one from the optimiser (with its "why" section)."""
    owner = actor_for(User.objects.get(email=DEMO_LOGIN), team.workspace)
    scenario = scenario_actions.create_scenario(owner, name="Accessibility check", period=period.pk)
    dark = WorkItem.objects.get(title="Dark mode for the mobile app")
    kr = KeyResult.objects.get(title__startswith="Håll andelen ärenden lösta inom 24 timmar")
    support = Team.objects.get(workspace=team.workspace, name="Kundsupport")
    add = scenario_actions.add_change
    add(owner, scenario.pk, kind=ChangeKind.DROP, work_item=dark.pk)
    later = initiative.start + dt.timedelta(days=7)
    add(owner, scenario.pk, kind=ChangeKind.MOVE, work_item=initiative.pk, start=later)
    add(owner, scenario.pk, kind=ChangeKind.ESTIMATE, work_item=initiative.pk, estimate_days=60)
    add(owner, scenario.pk, kind=ChangeKind.CAPACITY, team=team.pk, period=period.pk, person_days=40)
    add(
        owner, scenario.pk, kind=ChangeKind.ADD, title="Triage rules", item_kind="initiative", team=support.pk,
        key_result=kr.pk, start=period.start + dt.timedelta(days=14), end=period.end, estimate_days=12,
    )  # fmt: skip
    overrides = {team.pk: 40.0}
    result = plan_period(owner, period, today=timezone.localdate(), capacity_overrides=overrides)
    optimised = scenario_actions.scenario_from_plan(owner, result, name="Optimised", overrides=overrides)
    return scenario, optimised


@pytest.mark.browser
def test_every_page_has_no_serious_accessibility_violations(ui, demo):
    page = ui.page
    objective = Objective.objects.get(title="Increase recurring revenues over the next year")
    key_result = KeyResult.objects.filter(objective=objective).order_by("pk").first()
    team = Team.objects.get(name="Growth")
    period = Period.objects.get(name="FY27 Q2")
    initiative = WorkItem.objects.get(title="Annual plan offer at renewal")
    scenario, optimised = scenarios(team, period, initiative)
    support = Team.objects.get(workspace=team.workspace, name="Kundsupport")
    owner = actor_for(User.objects.get(email=DEMO_LOGIN), team.workspace)
    review = create_review(owner, period=period.pk, team=support.pk, as_of=timezone.localdate())
    found: list[str] = []

    ui.visit("/login/")  # signed out
    found += blocking_violations(page)

    ui.sign_in()
    pages = [
        "/",
        "/okrs/",
        f"/okrs/{objective.pk}/",
        f"/key-results/{key_result.pk}/",
        "/okrs/new/",
        f"/okrs/{objective.pk}/key-results/new/",
        f"/okrs/{objective.pk}/edit/",
        f"/key-results/{key_result.pk}/edit/",
        "/settings/teams/",
        f"/settings/teams/{team.pk}/",
        "/settings/periods/",
        f"/settings/periods/{period.pk}/",
        "/settings/members/",
        "/settings/",
        "/settings/tokens/",
        "/password/",
        "/roadmap/",
        "/roadmap/board/",
        "/roadmap/list/",
        f"/roadmap/items/{initiative.pk}/",
        "/roadmap/items/new/",
        f"/roadmap/items/{initiative.pk}/edit/",
        f"/roadmap/items/{initiative.pk}/dependencies/new/",
        f"/roadmap/items/{initiative.pk}/serves/new/",
        "/insights/coverage/",
        "/insights/backlog/",
        "/insights/optimise/",
        "/scenarios/",
        f"/scenarios/{scenario.pk}/",
        f"/scenarios/{optimised.pk}/",
        f"/?period={period.pk}&team={support.pk}",
        "/insights/adjust/",
        "/reviews/",
        f"/reviews/{review.pk}/",
        "/coach/",
        "/coach/rules/",
        "/exchange/",
        "/settings/webhooks/",
        "/calendar/",
        f"/okrs/{Objective.objects.get(title__startswith='Achieve maximum uptime').pk}/",
    ]
    for path in pages:
        ui.visit(path)
        found += blocking_violations(page)
        if path == "/okrs/":
            ui.shot("okr-page-1440.png")

    # The scenario page's add-change forms are folded away in <details>: unfold them all and look again.
    ui.visit(f"/scenarios/{scenario.pk}/")
    page.locator("details.change-form > summary").evaluate_all("(all) => all.forEach((s) => s.click())")
    page.wait_for_function("() => [...document.querySelectorAll('details.change-form')].every((d) => d.open)")
    found += blocking_violations(page)

    page.set_viewport_size(NARROW)
    for path in ("/okrs/", "/roadmap/"):
        ui.visit(path)
        found += blocking_violations(page)
    ui.shot("roadmap-390.png")
    page.set_viewport_size(WIDE)
    ui.settled()

    assert not found, "serious or critical accessibility violations:\n" + "\n".join(found)
