"""What-if scenarios (roadmap/scenario_actions.py, insights/scenarios.py, roadmap/api_scenarios.py): an overlay
that leaves the live plan alone until it is applied, a comparison with the plan, and apply as one audited
transaction — through the actions and the REST API, for every persona.

The roadmap is `make_roadmap` (northstar/roadmap/testing.py): "Launch annual plans" (Growth initiative, serves
the annual-plans key result) ▸ Design (done) → Build (in progress) and the milestone "Annual plans live";
"Move to new hosting" (IT initiative, serves uptime); "Tidy the wiki" (Growth task, serves nothing).
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.insights.scenarios import compare
from northstar.okrs import actions as okr_actions
from northstar.roadmap import actions, scenario_actions
from northstar.roadmap.models import (
    Contribution,
    Scenario,
    ScenarioChange,
    TeamCapacity,
    WorkItem,
)
from northstar.roadmap.testing import RoadmapScene, make_roadmap
from northstar.testing import API, PERSONAS, World, call_api, check_persona_call, status_row
from northstar.workspaces.errors import PermissionDenied, StaleVersion, ValidationFailed
from northstar.workspaces.models import AuditEntry

D = dt.date
TODAY = D(2026, 11, 25)


@pytest.fixture
def rm(world) -> RoadmapScene:
    return make_roadmap(world)


@pytest.fixture
def boss(world):
    return world.actor(world.owner)


def live(item: WorkItem) -> WorkItem:
    return WorkItem.objects.get(pk=item.pk)


def plan_state() -> tuple:
    return (
        tuple(
            WorkItem.objects.order_by("pk").values_list(
                "pk", "version", "status", "start", "end", "estimate_days"
            )
        ),
        tuple(Contribution.objects.order_by("pk").values_list("pk", "weight")),
        tuple(TeamCapacity.objects.order_by("pk").values_list("pk", "person_days")),
    )


# --- the overlay leaves the plan alone -------------------------------------------------------------------------


@pytest.mark.django_db
def test_changes_touch_nothing_until_applied_and_the_comparison_shows_them(world, rm, boss):
    actions.set_capacity(boss, team=world.growth.pk, period=world.quarter.pk, person_days=30)
    before = plan_state()
    s = scenario_actions.create_scenario(boss, name="Trim", period=world.quarter.pk)
    scenario_actions.add_change(boss, s.pk, kind="drop", work_item=rm.wiki.pk)
    scenario_actions.add_change(boss, s.pk, kind="move", work_item=rm.initiative.pk, start=D(2026, 11, 1))
    scenario_actions.add_change(
        boss, s.pk, kind="add", title="Private pricing page", team=world.growth.pk,
        start=D(2026, 12, 1), end=D(2026, 12, 20), estimate_days=8, key_result=world.private_key_result.pk,
    )  # fmt: skip
    scenario_actions.add_change(
        boss, s.pk, kind="capacity", team=world.growth.pk, period=world.quarter.pk, person_days=50
    )
    assert plan_state() == before

    c = compare(boss, Scenario.objects.get(pk=s.pk), today=TODAY)
    # coverage: the private key result had no work; the added item serves it
    line = next(k for k in c.key_results if k.key_result.pk == world.private_key_result.pk)
    assert (line.plan_supported, line.scenario_supported) == (False, True)
    # the move takes the open parts along by the same 31 days; Design (done) stays where it was
    moved = c.laid.changed
    assert moved[rm.initiative.pk] == {"start": D(2026, 11, 1), "end": D(2027, 5, 1)}
    assert moved[rm.build.pk] == {"start": D(2026, 12, 17), "end": D(2027, 3, 3)}
    assert moved[rm.milestone.pk] == {"start": D(2027, 3, 4), "end": D(2027, 3, 4)}
    assert rm.design.pk not in moved and moved[rm.wiki.pk] == {"status": "cancelled"}
    # the forecast end follows the parts
    end = next(e for e in c.ends if e.item.pk == rm.initiative.pk)
    assert (end.plan_end, end.scenario_end) == (D(2027, 3, 31), D(2027, 5, 1))
    assert next(e for e in c.ends if e.item.pk == rm.wiki.pk).scenario_end is None
    # load: capacity from the scenario, the wiki gone, the new item's 8 days in, Build partly moved out
    growth = next(t for t in c.teams if t.team.pk == world.growth.pk)
    assert (growth.plan_capacity, growth.scenario_capacity) == (30, 50)
    # Design (done, 10 days) counts on both sides; Build's 30 days spread over its 77 days, 46 of them in the
    # quarter in the plan and 15 once moved to 17 Dec; the new item adds its 8 days.
    assert growth.plan_load == pytest.approx(10 + 30 * 46 / 77)
    assert growth.scenario_load == pytest.approx(10 + 30 * 15 / 77 + 8)
    assert plan_state() == before


@pytest.mark.django_db
def test_apply_writes_everything_in_one_audited_transaction(world, rm, boss):
    s = scenario_actions.create_scenario(boss, name="Trim", period=world.quarter.pk)
    scenario_actions.add_change(boss, s.pk, kind="drop", work_item=rm.wiki.pk)
    scenario_actions.add_change(boss, s.pk, kind="estimate", work_item=rm.build.pk, estimate_days=45)
    scenario_actions.add_change(
        boss, s.pk, kind="add", title="Pricing page", item_kind="task", team=world.growth.pk,
        parent=rm.initiative.pk, start=D(2026, 12, 1), end=D(2026, 12, 20), estimate_days=8,
        key_result=world.key_result.pk, weight=3,
    )  # fmt: skip
    scenario_actions.add_change(
        boss, s.pk, kind="capacity", team=world.it.pk, period=world.quarter.pk, person_days=12
    )
    marker = AuditEntry.objects.order_by("-pk").first().pk
    applied = scenario_actions.apply_scenario(
        boss, s.pk, expected_version=Scenario.objects.get(pk=s.pk).version
    )
    assert applied.status == "applied" and applied.applied_by == world.owner
    assert live(rm.wiki).status == "cancelled"
    assert live(rm.build).estimate_days == 45
    added = WorkItem.objects.get(title="Pricing page")
    assert (added.parent_id, added.team_id, added.estimate_days) == (rm.initiative.pk, world.growth.pk, 8)
    assert Contribution.objects.get(work_item=added).weight == 3
    assert TeamCapacity.objects.get(team=world.it, period=world.quarter).person_days == 12
    entries = list(AuditEntry.objects.filter(pk__gt=marker).values_list("action", "object_type"))
    assert ("apply", "scenario") in [(a, t.split(".")[-1]) for a, t in entries]
    assert sum(a == "update" for a, _t in entries) == 2 and sum(a == "create" for a, _t in entries) >= 3
    with pytest.raises(ValidationFailed) as refused:
        scenario_actions.add_change(boss, s.pk, kind="drop", work_item=rm.hosting.pk)
    assert refused.value.errors[0].field == "status"


@pytest.mark.django_db
def test_apply_refuses_when_an_item_changed_since_and_writes_nothing(world, rm, boss):
    s = scenario_actions.create_scenario(boss, name="Trim")
    scenario_actions.add_change(boss, s.pk, kind="drop", work_item=rm.wiki.pk)
    scenario_actions.add_change(boss, s.pk, kind="estimate", work_item=rm.build.pk, estimate_days=45)
    actions.update_work_item(boss, rm.build.pk, title="Build the new checkout")
    before = plan_state()
    with pytest.raises(StaleVersion) as stale:
        scenario_actions.apply_scenario(boss, s.pk)
    assert "Build the new checkout" in str(stale.value)
    assert plan_state() == before
    assert Scenario.objects.get(pk=s.pk).status == "draft"


@pytest.mark.django_db
def test_apply_is_all_or_nothing_when_one_write_is_not_allowed(world, rm, boss):
    """Edith plans Growth only: a scenario that also moves IT's work cannot be applied by her, not even partly."""
    edith = world.actor(world.editor)
    s = scenario_actions.create_scenario(edith, name="Mixed")
    scenario_actions.add_change(edith, s.pk, kind="drop", work_item=rm.wiki.pk)
    scenario_actions.add_change(edith, s.pk, kind="move", work_item=rm.hosting.pk, start=D(2026, 11, 1))
    before = plan_state()
    with pytest.raises(PermissionDenied):
        scenario_actions.apply_scenario(edith, s.pk)
    assert plan_state() == before
    scenario_actions.apply_scenario(boss, s.pk)
    assert live(rm.hosting).start == D(2026, 11, 1) and live(rm.hosting).end == D(2027, 1, 6)


@pytest.mark.django_db
def test_a_deleted_item_makes_its_change_gone(world, rm, boss):
    s = scenario_actions.create_scenario(boss, name="Trim")
    scenario_actions.add_change(boss, s.pk, kind="drop", work_item=rm.wiki.pk)
    actions.delete_work_item(boss, rm.wiki.pk)
    c = compare(boss, Scenario.objects.get(pk=s.pk), today=TODAY)
    assert [g.item_title for g in c.laid.gone] == ["Tidy the wiki"]
    with pytest.raises(ValidationFailed) as refused:
        scenario_actions.apply_scenario(boss, s.pk)
    assert "Tidy the wiki" in str(refused.value.errors[0].message)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "drop"}, "work_item"),
        ({"kind": "drop", "work_item": "design"}, "work_item"),  # done already
        ({"kind": "move", "work_item": "wiki"}, "start"),
        ({"kind": "move", "work_item": "wiki", "start": D(2026, 12, 5), "end": D(2026, 12, 1)}, "end"),
        ({"kind": "estimate", "work_item": "wiki", "estimate_days": -1}, "estimate_days"),
        ({"kind": "add", "title": " ", "team": "growth"}, "title"),
        ({"kind": "add", "title": "X"}, "team"),
        ({"kind": "add", "title": "X", "team": "growth", "start": D(2026, 12, 5)}, "end"),
        ({"kind": "capacity", "team": "growth", "person_days": 5}, "period"),
        ({"kind": "capacity", "team": "growth", "period": "quarter", "person_days": -5}, "person_days"),
        ({"kind": "rename"}, "kind"),
    ],
)
@pytest.mark.django_db
def test_bad_changes_are_refused_naming_the_field(world, rm, boss, change, field):
    s = scenario_actions.create_scenario(boss, name="Trim")
    names = {
        "design": rm.design.pk,
        "wiki": rm.wiki.pk,
        "growth": world.growth.pk,
        "quarter": world.quarter.pk,
    }
    args = {
        k: names.get(v, v) if isinstance(v, str) and k != "kind" and k != "title" else v
        for k, v in change.items()
    }
    with pytest.raises(ValidationFailed) as refused:
        scenario_actions.add_change(boss, s.pk, **args)
    assert [e.field for e in refused.value.errors] == [field]
    assert not ScenarioChange.objects.exists()


@pytest.mark.django_db
def test_a_second_change_to_the_same_item_replaces_the_first(world, rm, boss):
    s = scenario_actions.create_scenario(boss, name="Trim")
    scenario_actions.add_change(boss, s.pk, kind="estimate", work_item=rm.wiki.pk, estimate_days=3)
    scenario_actions.add_change(boss, s.pk, kind="estimate", work_item=rm.wiki.pk, estimate_days=5)
    scenario_actions.add_change(
        boss, s.pk, kind="capacity", team=world.it.pk, period=world.quarter.pk, person_days=1
    )
    scenario_actions.add_change(
        boss, s.pk, kind="capacity", team=world.it.pk, period=world.quarter.pk, person_days=2
    )
    assert sorted(ScenarioChange.objects.values_list("kind", "estimate_days", "person_days")) == [
        ("capacity", None, 2), ("estimate", 5, None)
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_optimisers_choice_becomes_a_scenario_with_its_reasons(world, rm, boss):
    from northstar.insights.optimise import plan_period

    for item, days in ((rm.initiative, 20), (rm.hosting, 10)):
        actions.update_work_item(boss, item.pk, estimate_days=days)
    actions.update_work_item(boss, rm.wiki.pk, kind="initiative", estimate_days=4)
    result = plan_period(boss, world.quarter, today=TODAY, capacity_overrides={world.it.pk: 2})
    s = scenario_actions.scenario_from_plan(boss, result, name="Optimised", overrides={world.it.pk: 2})
    reasons = {d["work_item"]: d for d in s.explanation["dropped"]}
    assert reasons[rm.wiki.pk]["reason"] == "no_value"
    assert reasons[rm.hosting.pk]["reason"] == "capacity" and reasons[rm.hosting.pk]["team"] == world.it.pk
    assert reasons[rm.hosting.pk]["lacking"] > 0
    assert sorted(ScenarioChange.objects.filter(scenario=s).values_list("kind", "work_item_id", "person_days")) == sorted(
        [("capacity", None, 2), ("drop", rm.wiki.pk, None), ("drop", rm.hosting.pk, None)]
    )  # fmt: skip
    assert s.origin == "optimiser" and live(rm.hosting).status != "cancelled"


@pytest.mark.django_db
def test_the_comparison_reads_a_fixed_number_of_queries(world, rm, boss):
    s = scenario_actions.create_scenario(boss, name="Trim", period=world.quarter.pk)
    scenario_actions.add_change(boss, s.pk, kind="drop", work_item=rm.wiki.pk)

    def grow(n: int) -> None:
        for i in range(n):
            item = actions.create_work_item(
                boss, title=f"Extra {i}", kind="initiative", team=world.it.pk,
                start=D(2026, 10, 1), end=D(2026, 11, 1), estimate_days=3,
            )  # fmt: skip
            actions.set_contribution(boss, item.pk, key_result=world.key_result.pk)
            scenario_actions.add_change(boss, s.pk, kind="move", work_item=item.pk, start=D(2026, 12, 1))
            okr_actions.create_objective(boss, title=f"Goal {i}", team=world.it.pk, period=world.quarter.pk)

    grow(1)
    scenario = Scenario.objects.get(pk=s.pk)
    with CaptureQueriesContext(connection) as few:
        compare(boss, scenario, today=TODAY)
    grow(6)
    with CaptureQueriesContext(connection) as many:
        c = compare(boss, scenario, today=TODAY)
    assert len(c.changes) == 8
    # (an `__in` over an empty list runs no query at all, so a count may drop, never grow)
    assert len(many) <= len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)


# --- the REST API, for every persona ---------------------------------------------------------------------------


@dataclass
class Scene:
    world: World
    rm: RoadmapScene
    scenario: Scenario  # drops the Growth wiki task
    capacity_scenario: Scenario  # sets IT's capacity

    def __getattr__(self, name):
        if hasattr(self.rm, name):
            return getattr(self.rm, name)
        return getattr(self.world, name)


@pytest.fixture
def scene(world, rm, boss) -> Scene:
    s = scenario_actions.create_scenario(boss, name="Trim", period=world.quarter.pk)
    scenario_actions.add_change(boss, s.pk, kind="drop", work_item=rm.wiki.pk)
    cap = scenario_actions.create_scenario(boss, name="More IT")
    scenario_actions.add_change(
        boss, cap.pk, kind="capacity", team=world.it.pk, period=world.quarter.pk, person_days=9
    )
    return Scene(world, rm, s, cap)


READ_ALL = status_row(200, 200, 200, 200, 200, 200)
READ_MEMBERS = status_row(200, 200, 200, 200, 200, 404)
EDITORS = status_row(201, 201, 201, 403, 201, 404)

CASES = [
    ("list scenarios", "get", lambda s: "/scenarios", None, READ_ALL),
    ("get scenario", "get", lambda s: f"/scenarios/{s.scenario.pk}", None, READ_MEMBERS),
    ("compare", "get", lambda s: f"/scenarios/{s.scenario.pk}/compare", None, READ_MEMBERS),
    ("list capacities", "get", lambda s: "/capacities", None, READ_ALL),
    (
        "start scenario",
        "post",
        lambda s: "/scenarios",
        lambda s: {"name": "Another"},
        status_row(201, 201, 201, 403, 201, 201),
    ),
    (
        "rename scenario",
        "patch",
        lambda s: f"/scenarios/{s.scenario.pk}",
        lambda s: {"name": "Renamed", "version": Scenario.objects.get(pk=s.scenario.pk).version},
        status_row(200, 200, 200, 403, 200, 404),
    ),
    (
        "add change",
        "post",
        lambda s: f"/scenarios/{s.scenario.pk}/changes",
        lambda s: {"kind": "estimate", "work_item": s.build.pk, "estimate_days": 40},
        EDITORS,
    ),
    (
        "remove change",
        "delete",
        lambda s: f"/scenarios/{s.scenario.pk}/changes/{s.scenario.changes.get().pk}",
        None,
        status_row(204, 204, 204, 403, 204, 404),
    ),
    (
        "apply a Growth change",
        "post",
        lambda s: f"/scenarios/{s.scenario.pk}/apply",
        lambda s: {},
        status_row(200, 200, 200, 403, 403, 404),
    ),
    (
        "apply a capacity change",
        "post",
        lambda s: f"/scenarios/{s.capacity_scenario.pk}/apply",
        lambda s: {},
        status_row(200, 200, 403, 403, 403, 404),
    ),
    (
        "throw away",
        "delete",
        lambda s: f"/scenarios/{s.scenario.pk}",
        None,
        status_row(204, 204, 204, 403, 204, 404),
    ),
    (
        "optimiser scenario",
        "post",
        lambda s: "/scenarios/from-optimiser",
        lambda s: {"name": "Best", "period": s.quarter.pk, "capacity": {str(s.growth.pk): 10}},
        status_row(201, 201, 201, 403, 201, 422),
    ),
    (
        "set capacity",
        "put",
        lambda s: "/capacities",
        lambda s: {"team": s.growth.pk, "period": s.quarter.pk, "person_days": 33},
        status_row(200, 200, 403, 403, 403, 422),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
@pytest.mark.django_db
def test_each_persona_gets_the_expected_status(scene, client, persona, method, path, body, expected):
    user = scene.persona(persona)
    check_persona_call(client, user, method, path(scene), body(scene) if body else None, expected[persona])


def everything() -> tuple:
    return (
        plan_state(),
        tuple(Scenario.objects.order_by("pk").values_list("pk", "name", "status", "version")),
        tuple(ScenarioChange.objects.order_by("pk").values_list("pk", "kind", "estimate_days")),
    )


REFUSED = [
    pytest.param(persona, *case[1:4], id=f"{persona}-{case[0]}")
    for case in CASES
    if case[1] != "get"
    for persona in PERSONAS
    if case[4][persona] in (401, 403, 404, 422)
]


@pytest.mark.parametrize(("persona", "method", "path", "body"), REFUSED)
@pytest.mark.django_db
def test_a_refused_write_changes_nothing(scene, client, persona, method, path, body):
    user = scene.persona(persona)
    if user is not None:
        client.force_login(user)
    before = everything()
    response = call_api(client, method, path(scene), body(scene) if body else None)
    assert response.status_code in (401, 403, 404, 422)
    assert everything() == before


@pytest.mark.django_db
def test_the_api_compares_and_applies(scene, client):
    client.force_login(scene.owner)
    s = scene.scenario
    actions.update_work_item(scene.world.actor(scene.owner), scene.wiki.pk, estimate_days=5)  # orphan effort
    call_api(client, "post", f"/scenarios/{s.pk}/changes", {"kind": "drop", "work_item": scene.wiki.pk})
    added = call_api(
        client, "post", f"/scenarios/{s.pk}/changes",
        {"kind": "add", "title": "Secret test", "team": scene.growth.pk, "start": "2026-12-01",
         "end": "2026-12-10", "estimate_days": 4, "key_result": scene.private_key_result.pk},
    ).json()  # fmt: skip
    assert [c["kind"] for c in added["changes"]] == ["drop", "add"]
    body = call_api(client, "get", f"/scenarios/{s.pk}/compare").json()
    assert body["period"] == scene.quarter.pk
    krs = {k["key_result"]: (k["plan_supported"], k["scenario_supported"]) for k in body["key_results"]}
    assert krs[scene.private_key_result.pk] == (False, True)
    assert body["plan"]["unsupported_key_results"] - body["what_if"]["unsupported_key_results"] == 1
    assert body["plan"]["orphan_share"] > body["what_if"]["orphan_share"] == 0
    assert {c["work_item"]: c["fields"] for c in body["changed_items"]} == {
        scene.wiki.pk: {"status": "cancelled"}
    }
    stale = call_api(client, "post", f"/scenarios/{s.pk}/apply", {"version": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == added["version"]
    done = call_api(client, "post", f"/scenarios/{s.pk}/apply", {"version": added["version"]})
    assert done.status_code == 200 and done.json()["status"] == "applied"
    assert live(scene.wiki).status == "cancelled"
    again = call_api(client, "post", f"/scenarios/{s.pk}/apply", {})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "status"


@pytest.mark.django_db
def test_bad_input_names_the_field(scene, client):
    client.force_login(scene.owner)
    s = scene.scenario
    cases = [
        ("post", "/scenarios", {"name": ""}, "name"),
        ("post", f"/scenarios/{s.pk}/changes", {"kind": "move", "work_item": scene.wiki.pk}, "start"),
        ("post", f"/scenarios/{s.pk}/changes", {"kind": "teleport"}, "kind"),
        ("get", f"/scenarios/{s.pk}/compare?period=999999", None, "period"),
        ("post", "/scenarios/from-optimiser", {"name": "x", "period": 999999}, "period"),
        (
            "put",
            "/capacities",
            {"team": scene.growth.pk, "period": scene.quarter.pk, "person_days": -1},
            "person_days",
        ),
    ]
    for method, path, body, field in cases:
        response = call_api(client, method, path, body)
        assert response.status_code == 422, (path, response.content)
        assert field in {e["field"].split(".")[-1] for e in response.json()["errors"]}, response.json()


@pytest.mark.django_db
def test_no_list_shows_a_row_of_the_other_workspace(scene, client):
    otto = scene.actor(scene.outsider, scene.other_workspace)
    bolt = scenario_actions.create_scenario(otto, name="Bolt's idea")
    for persona in ("owner", "admin", "editor", "viewer", "other_team"):
        client.force_login(scene.persona(persona))
        listed = {s["id"] for s in client.get(f"{API}/scenarios").json()["items"]}
        assert listed and bolt.pk not in listed
        assert client.get(f"{API}/scenarios/{bolt.pk}").status_code == 404
        assert client.get(f"{API}/scenarios/{bolt.pk}/compare").status_code == 404
    client.force_login(scene.outsider)
    assert {s["id"] for s in client.get(f"{API}/scenarios").json()["items"]} == {bolt.pk}
    assert client.get(f"{API}/capacities").json()["count"] == 0
