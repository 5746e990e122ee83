"""The scenario pages: who may see and change what, errors beside the fields, apply, the optimiser's choice kept
as a scenario, and a page that reads the same number of queries whatever the size of the plan."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.roadmap import actions, scenario_actions
from northstar.roadmap.models import Scenario, ScenarioChange, WorkItem
from northstar.roadmap.testing import make_roadmap
from northstar.testing import PERSONAS

D = dt.date


@pytest.fixture
def scene(world):
    rm = make_roadmap(world)
    boss = world.actor(world.owner)
    s = scenario_actions.create_scenario(boss, name="Trim the quarter", period=world.quarter.pk)
    scenario_actions.add_change(boss, s.pk, kind="drop", work_item=rm.wiki.pk)
    return world, rm, s


PAGE_STATUS = {"owner": 200, "admin": 200, "editor": 200, "viewer": 200, "other_team": 200, "outsider": 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_sees_the_scenario_pages(scene, client, persona):
    world, rm, s = scene
    user = world.persona(persona)
    if user is None:
        assert client.get(f"/scenarios/{s.pk}/").status_code == 302  # to the sign-in page
        return
    client.force_login(user)
    listing = client.get("/scenarios/")
    detail = client.get(f"/scenarios/{s.pk}/")
    if persona == "outsider":
        assert "Trim the quarter" not in listing.content.decode()
        assert detail.status_code == 404
        return
    assert detail.status_code == PAGE_STATUS[persona]
    html = detail.content.decode()
    assert "Tidy the wiki" in html and 'id="compare-summary"' in html
    can_change = persona != "viewer"
    assert ('id="apply-form"' in html) is can_change
    assert ('id="change-form-drop"' in html) is can_change
    assert ('action="/scenarios/new/"' in listing.content.decode()) is can_change


@pytest.mark.parametrize(("persona", "expected"), [("viewer", 403), ("outsider", 404), ("anonymous", 302)])
def test_readers_and_strangers_change_nothing(scene, client, persona, expected):
    world, rm, s = scene
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    acme = Scenario.objects.filter(workspace=world.workspace)
    before = list(ScenarioChange.objects.values_list("pk", "kind")), acme.count()
    posts = [] if persona == "outsider" else [("/scenarios/new/", {"name": "Mine"})]  # (Otto's lands in Bolt)
    posts += [
        (f"/scenarios/{s.pk}/changes/", {"kind": "drop", "work_item": rm.build.pk}),
        (f"/scenarios/{s.pk}/changes/{s.changes.get().pk}/delete/", {}),
        (f"/scenarios/{s.pk}/apply/", {}),
        (f"/scenarios/{s.pk}/delete/", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == expected, url
    assert (list(ScenarioChange.objects.values_list("pk", "kind")), acme.count()) == before
    assert WorkItem.objects.get(pk=rm.wiki.pk).status == "planned"


def test_a_bad_change_shows_its_error_beside_the_field_and_keeps_the_form_open(scene, client):
    world, rm, s = scene
    client.force_login(world.owner)
    response = client.post(
        f"/scenarios/{s.pk}/changes/",
        {"kind": "move", "work_item": rm.wiki.pk, "start": "2026-12-09", "end": "2026-12-01"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="change-move-end_error">The end must be on or after the start.' in html
    assert '<details class="change-form" open>' in html
    assert ScenarioChange.objects.filter(scenario=s).count() == 1


def test_swedish_readers_get_swedish_errors(scene, client):
    world, rm, s = scene
    client.force_login(world.owner)
    response = client.post(
        f"/scenarios/{s.pk}/changes/",
        {"kind": "estimate", "work_item": rm.wiki.pk},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 422
    assert "Det här fältet är obligatoriskt." in response.content.decode()


def test_adding_a_change_then_applying_it_from_the_page(scene, client):
    world, rm, s = scene
    client.force_login(world.owner)
    response = client.post(
        f"/scenarios/{s.pk}/changes/", {"kind": "move", "work_item": rm.hosting.pk, "start": "2026-11-15"}
    )
    assert response.status_code == 302
    page = client.get(f"/scenarios/{s.pk}/").content.decode()
    assert "Move to new hosting" in page and 'id="compare-ends"' in page
    version = Scenario.objects.get(pk=s.pk).version
    applied = client.post(f"/scenarios/{s.pk}/apply/", {"version": version}, follow=True)
    assert "Scenario applied" in applied.content.decode()
    hosting = WorkItem.objects.get(pk=rm.hosting.pk)
    assert (hosting.start, hosting.end) == (D(2026, 11, 15), D(2027, 1, 20))
    assert WorkItem.objects.get(pk=rm.wiki.pk).status == "cancelled"


def test_a_stale_apply_says_who_changed_what(scene, client):
    world, rm, s = scene
    client.force_login(world.owner)
    actions.update_work_item(world.actor(world.editor), rm.wiki.pk, title="Tidy the whole wiki")
    response = client.post(f"/scenarios/{s.pk}/apply/", {}, follow=True)
    assert "Someone changed “Tidy the whole wiki”" in response.content.decode()
    assert WorkItem.objects.get(pk=rm.wiki.pk).status == "planned"


def test_the_optimisers_choice_is_saved_as_a_scenario_from_its_page(scene, client):
    world, rm, s = scene
    client.force_login(world.owner)
    actions.update_work_item(world.actor(world.owner), rm.hosting.pk, estimate_days=20)
    page = client.get(
        f"/insights/optimise/?period={world.quarter.pk}&capacity_{world.it.pk}=5"
    ).content.decode()
    assert 'action="/insights/optimise/scenario/"' in page
    assert f'name="capacity_{world.it.pk}" value="5"' in page
    response = client.post(
        "/insights/optimise/scenario/", {"period": world.quarter.pk, f"capacity_{world.it.pk}": "5"}
    )
    made = Scenario.objects.get(origin="optimiser")
    assert response.status_code == 302 and response["Location"] == f"/scenarios/{made.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Why the optimiser chose this" in html
    assert "dropped: IT lacks 15 person-days" in html
    assert set(made.changes.values_list("kind", flat=True)) == {"capacity", "drop"}


def test_the_scenario_page_reads_a_fixed_number_of_queries(scene, client):
    world, rm, s = scene
    boss = world.actor(world.owner)
    client.force_login(world.owner)

    def grow(n: int) -> None:
        for i in range(n):
            item = actions.create_work_item(
                boss, title=f"Extra {i}", kind="initiative", team=world.growth.pk,
                start=D(2026, 10, 1), end=D(2026, 11, 1), estimate_days=2,
            )  # fmt: skip
            scenario_actions.add_change(boss, s.pk, kind="move", work_item=item.pk, start=D(2026, 12, 1))
            scenario_actions.add_change(
                boss, s.pk, kind="add", title=f"New {i}", team=world.it.pk, start=D(2026, 12, 1),
                end=D(2026, 12, 5), key_result=world.key_result.pk,
            )  # fmt: skip

    grow(1)
    client.get(f"/scenarios/{s.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/scenarios/{s.pk}/")
    grow(6)
    with CaptureQueriesContext(connection) as many:
        html = client.get(f"/scenarios/{s.pk}/").content.decode()
    assert "New 5" in html and "Extra 5" in html
    assert len(many) <= len(few), (len(few), len(many))


def test_an_applied_scenario_is_not_compared_again(scene, client):
    """After applying, the plan has the changes: a comparison would lay them over the plan a second time."""
    world, rm, s = scene
    client.force_login(world.owner)
    scenario_actions.apply_scenario(world.actor(world.owner), s.pk)
    html = client.get(f"/scenarios/{s.pk}/").content.decode()
    assert "The roadmap has its changes now." in html and "Tidy the wiki" in html
    assert 'id="compare-summary"' not in html and 'id="apply-form"' not in html
    response = client.get(f"/api/v1/scenarios/{s.pk}/compare")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"


def test_the_optimiser_scenario_only_changes_capacities_that_differ(scene, client):
    world, rm, s = scene
    boss = world.actor(world.owner)
    actions.set_capacity(boss, team=world.growth.pk, period=world.quarter.pk, person_days=30)
    client.force_login(world.owner)
    client.post(
        "/insights/optimise/scenario/",
        {"period": world.quarter.pk, f"capacity_{world.growth.pk}": "30", f"capacity_{world.it.pk}": "7"},
    )
    made = Scenario.objects.get(origin="optimiser")
    assert list(made.changes.filter(kind="capacity").values_list("team_id", "person_days")) == [
        (world.it.pk, 7)
    ]
