import datetime as dt
import re

import pytest
from typer.testing import CliRunner

from northstar.cli import app
from northstar.exchange.demo import load_demo
from northstar.insights.optimise import plan_period
from northstar.okrs.models import Period
from northstar.roadmap.models import Scenario
from northstar.workspaces.models import Team, User, Workspace
from northstar.workspaces.permissions import actor_for

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def finvest(db):
    load_demo(today=TODAY, shift=False)
    workspace = Workspace.objects.get(slug="finvest")
    return actor_for(User.objects.get(email="maria.lind@finvest.example"), workspace)


def test_with_growth_cut_to_40_days_the_optimiser_drops_dark_mode_and_says_why(finvest):
    growth = Team.objects.get(workspace=finvest.workspace, key="growth")
    quarter = Period.objects.get(workspace=finvest.workspace, key="FY27-Q2")
    result = plan_period(finvest, quarter, today=TODAY, capacity_overrides={growth.pk: 40})
    keys = {result.initiatives[pk].key for pk in result.plan.selected}
    # Growth's open work in the quarter: the checkout (20 days, all inside it) for the annual offer, and dark
    # mode (25). Both do not fit in 40; dark mode serves no key result, so it is the one to drop.
    assert (
        result.effort[next(pk for pk, i in result.initiatives.items() if i.key == "annual-plan-offer")] == 20
    )
    assert "annual-plan-offer" in keys and "dark-mode" not in keys
    dropped = {result.initiatives[d.id].key: d.reason for d in result.plan.dropped}
    assert dropped == {"dark-mode": "no_value"}
    # Done work is not planned again: the team invitations initiative is not a candidate.
    assert "team-invitations" not in {i.key for i in result.initiatives.values()}


def test_an_outsider_plans_nothing_of_the_workspace(finvest, world):
    quarter = Period.objects.get(workspace=finvest.workspace, key="FY27-Q2")
    outsider = actor_for(world.outsider, finvest.workspace)
    result = plan_period(outsider, quarter, today=TODAY)
    assert result.initiatives == {} and result.plan.selected == frozenset()


def test_cli_optimise_explains_the_decisions(finvest):
    args = ["optimise", "--workspace", "finvest", "--period", "FY27-Q2", "--capacity", "growth=40"]
    result = CliRunner(env={"NORTHSTAR_LANGUAGE": "en", "COLUMNS": "200"}).invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "dropped: serves no key result" in result.output and "selected" in result.output
    bad = CliRunner().invoke(app, [*args[:-1], "growth=lots"])
    assert bad.exit_code == 1
    assert not Scenario.objects.exists()


def test_cli_optimise_saves_its_choice_as_a_scenario(finvest):
    from northstar.roadmap.models import WorkItem

    args = ["optimise", "--workspace", "finvest", "--period", "FY27-Q2", "--capacity", "growth=40"]
    result = CliRunner(env={"NORTHSTAR_LANGUAGE": "en", "COLUMNS": "200"}).invoke(
        app, [*args, "--save-as", "Lean Q2"]
    )
    assert result.exit_code == 0, result.output
    scenario = Scenario.objects.get(name="Lean Q2")
    assert f"(id {scenario.pk})" in result.output
    dark = WorkItem.objects.get(workspace=finvest.workspace, title="Dark mode for the mobile app")
    assert scenario.changes.filter(kind="drop", work_item=dark).exists()
    assert dark.status != "cancelled"  # nothing applied


def test_the_api_optimises_without_changing_anything(finvest, client):
    from northstar.roadmap.models import WorkItem

    growth = Team.objects.get(workspace=finvest.workspace, key="growth")
    quarter = Period.objects.get(workspace=finvest.workspace, key="FY27-Q2")
    versions = list(WorkItem.objects.order_by("pk").values_list("version", flat=True))
    client.force_login(finvest.user)
    body = {"period": quarter.pk, "capacity": {str(growth.pk): 40}}
    response = client.post("/api/v1/optimise", body, content_type="application/json")
    assert response.status_code == 200, response.content
    plan = response.json()
    dark = WorkItem.objects.get(key="dark-mode").pk
    assert [d["reason"] for d in plan["dropped"] if d["work_item"] == dark] == ["no_value"]
    assert plan["status"] == "optimal" and plan["capacity"][str(growth.pk)] == 40
    assert list(WorkItem.objects.order_by("pk").values_list("version", flat=True)) == versions
    # Pinning dark mode in makes room for it by dropping what no longer fits in Growth's 40 days.
    pinned = client.post(
        "/api/v1/optimise", {**body, "pinned_in": [dark]}, content_type="application/json"
    ).json()
    assert dark in {c["work_item"] for c in pinned["candidates"] if c["selected"]}
    assert {d["reason"] for d in pinned["dropped"]} == {"capacity"}


def test_the_api_hides_other_workspaces_periods(finvest, client, world):
    quarter = Period.objects.get(workspace=finvest.workspace, key="FY27-Q2")
    client.force_login(world.outsider)
    response = client.post("/api/v1/optimise", {"period": quarter.pk}, content_type="application/json")
    assert response.status_code == 404


def test_the_optimise_page_tries_another_capacity_and_explains(db, client):
    from django.utils import timezone

    load_demo(today=timezone.localdate())  # the page reads the real date
    workspace = Workspace.objects.get(slug="finvest")
    growth = Team.objects.get(workspace=workspace, key="growth")
    quarter = Period.objects.get(workspace=workspace, key="FY27-Q2")
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    html = client.get(f"/insights/optimise/?period={quarter.pk}&capacity_{growth.pk}=40").content.decode()
    assert "dropped: serves no key result" in html and 'value="40"' in html
    row = html[html.index("Dark mode for the mobile app") :]
    assert "dropped: serves no key result" in row[: row.index("</tr>")]


@pytest.mark.parametrize("persona", ["viewer", "outsider"])
def test_the_optimise_page_for_readers_and_outsiders(world, client, persona):
    client.force_login(world.persona(persona))
    response = client.get("/insights/optimise/")
    assert response.status_code == 200
    if persona == "outsider":
        assert "Growth" not in response.content.decode()


def test_the_optimise_page_lists_its_plan_a_page_at_a_time_by_strategic_score(db, client, monkeypatch):
    from django.utils import timezone

    from northstar.insights import views

    monkeypatch.setattr(views, "OPTIMISE_PAGE_SIZE", 2)
    load_demo(today=timezone.localdate())
    workspace = Workspace.objects.get(slug="finvest")
    growth = Team.objects.get(workspace=workspace, key="growth")
    quarter = Period.objects.get(workspace=workspace, key="FY27-Q2")
    client.force_login(User.objects.get(email="maria.lind@finvest.example"))
    query = f"period={quarter.pk}&capacity_{growth.pk}=40"
    pages, number = [], 1
    while True:
        html = client.get(f"/insights/optimise/?{query}&page={number}").content.decode()
        table = html[html.index('id="plan-heading"') : html.index("</table>")]
        pages.append(re.findall(r'<th scope="row"><a href="/roadmap/items/(\d+)/">', table))
        scores = [
            float(s.replace(",", "")) for s in re.findall(r'<td class="num">([\d.,]+)</td>', table)[::2]
        ]
        assert scores == sorted(scores, reverse=True) and len(scores) == len(pages[-1])
        if f"&amp;page={number + 1}" not in html:  # the link to the next page keeps the capacities tried
            break
        assert f"?{query.replace('&', '&amp;')}&amp;page={number + 1}" in html
        number += 1
    listed = [int(pk) for page in pages for pk in page]
    assert all(len(page) == 2 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 2 and len(pages) > 1
    plan = plan_period(
        actor_for(User.objects.get(email="maria.lind@finvest.example"), workspace),
        quarter,
        today=timezone.localdate(),
        capacity_overrides={growth.pk: 40.0},
    )
    assert sorted(listed) == sorted(plan.initiatives)  # each initiative once, on one page


def test_the_plan_with_the_saved_capacities_is_solved_once_until_the_plan_changes(
    db, client, monkeypatch, settings
):
    from django.utils import timezone

    from northstar.insights import optimise as optimise_module
    from northstar.roadmap import actions as roadmap_actions

    settings.NORTHSTAR_ROADMAPS_KEPT = 2
    solved = []
    solve = optimise_module.optimise
    monkeypatch.setattr(optimise_module, "optimise", lambda *a, **k: solved.append(1) or solve(*a, **k))
    load_demo(today=timezone.localdate())
    workspace = Workspace.objects.get(slug="finvest")
    growth = Team.objects.get(workspace=workspace, key="growth")
    quarter = Period.objects.get(workspace=workspace, key="FY27-Q2")
    maria = User.objects.get(email="maria.lind@finvest.example")
    client.force_login(maria)
    for page in (1, 2, 1):
        assert client.get(f"/insights/optimise/?period={quarter.pk}&page={page}").status_code == 200
    assert len(solved) == 1  # the pages of one plan
    for _ in range(2):
        client.get(f"/insights/optimise/?period={quarter.pk}&capacity_{growth.pk}=40")
    assert len(solved) == 3  # capacities tried: solved each time
    roadmap_actions.set_capacity(
        actor_for(maria, workspace), team=growth.pk, period=quarter.pk, person_days=40
    )
    html = client.get(f"/insights/optimise/?period={quarter.pk}").content.decode()
    assert len(solved) == 4 and 'value="40"' in html  # a saved capacity moves the plan: solved again
