"""The roadmap REST API: work items, dependencies, contributions, baselines and the timeline.

Expected values are reasoned from the `world` fixture (northstar/testing.py) and `make_roadmap`
(northstar/roadmap/testing.py), on 2026-11-25:

    Launch annual plans      initiative, Growth, 2026-10-01..2027-03-31, serves "annual plans" KR (weight 2)
      ├ Design the plans page  task, done, 2026-10-01..2026-11-15, 10 of 10 days
      ├ Build the checkout     task, in progress, 2026-11-16..2027-01-31, 6 of 30 days (after Design: FS)
      └ Annual plans live      milestone, 2027-02-01
    Move to new hosting      initiative, IT, 2026-10-15..2026-12-20, serves the uptime KR (IT, FY27 Q2)
    Tidy the wiki            task, Growth, 2026-12-01..2026-12-10, serves nothing
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from northstar.roadmap import actions
from northstar.roadmap.models import Baseline, Contribution, Dependency, WorkItem
from northstar.roadmap.testing import RoadmapScene, make_roadmap
from northstar.testing import TODAY, World

API = "/api/v1"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("northstar.roadmap.api.today", lambda: TODAY)


class Api:
    """A JSON client for /api/v1 as one person."""

    def __init__(self, client: Client):
        self.client = client

    def get(self, path, **params):
        return self.client.get(API + path, params)

    def post(self, path, body=None):
        return self.client.post(API + path, body, content_type="application/json")

    def patch(self, path, body=None):
        return self.client.patch(API + path, body, content_type="application/json")

    def delete(self, path):
        return self.client.delete(API + path)


@pytest.fixture
def api_as(client):
    def _as(user):
        client.force_login(user)
        return Api(client)

    return _as


@pytest.fixture
def rm(world) -> RoadmapScene:
    return make_roadmap(world)


def ids(response):
    return {item["id"] for item in response.json()["items"]}


def fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


def item_ids(rm: RoadmapScene, *names: str) -> set[int]:
    return {getattr(rm, name).pk for name in names}


# --- work items: reads ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_every_work_item_in_plan_order(world, rm, api_as):
    body = api_as(world.viewer).get("/work-items").json()
    assert body["count"] == 6
    assert [i["title"] for i in body["items"]] == [
        "Launch annual plans",
        "Design the plans page",
        "Build the checkout",
        "Annual plans live",
        "Move to new hosting",
        "Tidy the wiki",
    ]


@pytest.mark.django_db
def test_an_initiative_shows_its_links_output_progress_and_lane(world, rm, api_as):
    body = api_as(world.viewer).get(f"/work-items/{rm.initiative.pk}").json()
    assert body["links"] == [
        {"key_result": world.key_result.pk, "objective": None, "weight": 2.0, "inherited": False}
    ]
    # Tasks: 10 of 10 days done + 6 of 30 → 16 / 40; the milestone (2027-02-01) is not due yet.
    assert body["output"] == {
        "effort_done": 16.0,
        "effort_planned": 40.0,
        "share": 0.4,
        "tasks_done": 1,
        "tasks_total": 2,
        "milestones_reached": 0,
        "milestones_due": 0,
        "milestones_total": 1,
        "work_left_days": 24.0,
    }
    assert body["lane"] == f"objective:{world.objective.pk}"
    assert (body["kind"], body["team"], body["owner"], body["parent"]) == (
        "initiative",
        world.growth.pk,
        world.editor.pk,
        None,
    )
    assert (body["start"], body["end"], body["status"], body["version"]) == (
        "2026-10-01",
        "2027-03-31",
        "in_progress",
        1,
    )
    assert body["conflicts"] == []
    assert body["can_change"] is False  # a viewer


@pytest.mark.django_db
def test_a_task_inherits_the_links_of_its_initiative(world, rm, api_as):
    body = api_as(world.editor).get(f"/work-items/{rm.build.pk}").json()
    assert body["links"] == [
        {"key_result": world.key_result.pk, "objective": None, "weight": 2.0, "inherited": True}
    ]
    assert body["output"] is None  # no parts of its own
    assert body["can_change"] is True


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"team": "it"}, {"hosting"}),
        ({"team": "growth"}, {"initiative", "design", "build", "milestone", "wiki"}),
        ({"kind": "milestone"}, {"milestone"}),
        ({"kind": "initiative"}, {"initiative", "hosting"}),
        ({"status": "done"}, {"design"}),
        ({"parent": "initiative"}, {"design", "build", "milestone"}),
        ({"key_result": "key_result"}, {"initiative", "design", "build", "milestone"}),
        ({"key_result": "uptime"}, {"hosting"}),
        ({"objective": "objective"}, {"initiative", "design", "build", "milestone"}),
        ({"objective": "it_objective"}, {"hosting"}),
        ({"unlinked": "true"}, {"wiki"}),
        ({"unlinked": "false"}, {"initiative", "design", "build", "milestone", "hosting"}),
        ({"conflict": "true"}, set()),
        ({"kind": "task", "team": "growth", "unlinked": "false"}, {"design", "build"}),
    ],
)
@pytest.mark.django_db
def test_it_filters_work_items(world, rm, api_as, params, expected):
    def value(key, name):
        if key in ("team", "objective") or (key == "key_result" and name == "key_result"):
            return getattr(world, name).pk
        if key in ("parent", "key_result"):
            return getattr(rm, name).pk
        return name

    response = api_as(world.owner).get("/work-items", **{k: value(k, v) for k, v in params.items()})
    assert response.status_code == 200
    assert ids(response) == item_ids(rm, *expected)
    assert response.json()["count"] == len(expected)


@pytest.mark.django_db
def test_it_pages_work_items_after_filtering(world, rm, api_as):
    api = api_as(world.owner)
    first = api.get("/work-items", team=world.growth.pk, limit=2).json()
    rest = api.get("/work-items", team=world.growth.pk, limit=10, offset=2).json()
    assert (first["count"], len(first["items"]), rest["count"], len(rest["items"])) == (5, 2, 5, 3)
    seen = [i["id"] for i in first["items"] + rest["items"]]
    assert seen == [rm.initiative.pk, rm.design.pk, rm.build.pk, rm.milestone.pk, rm.wiki.pk]


@pytest.mark.parametrize(
    "params", [{"kind": "epic"}, {"status": "late"}, {"limit": 501}, {"unlinked": "perhaps"}]
)
@pytest.mark.django_db
def test_it_names_a_bad_work_item_filter(world, rm, api_as, params):
    response = api_as(world.owner).get("/work-items", **params)
    assert response.status_code == 422
    assert fields(response) == list(params)


@pytest.mark.django_db
def test_a_dependency_violation_is_a_conflict_naming_the_other_item(world, rm, api_as):
    api = api_as(world.editor)
    api.patch(f"/work-items/{rm.build.pk}", {"version": 1, "start": "2026-11-10", "end": "2027-01-31"})
    body = api.get(f"/work-items/{rm.build.pk}").json()
    assert [(c["kind"], c["other"]) for c in body["conflicts"]] == [("dependency", rm.design.pk)]
    assert "Design the plans page" in body["conflicts"][0]["message"]
    assert ids(api.get("/work-items", conflict="true")) == {rm.build.pk}


@pytest.mark.django_db
def test_an_item_that_ends_after_its_key_results_period_is_a_conflict(world, rm, api_as):
    # The uptime key result belongs to FY27 Q2, which ends on 2026-12-31.
    api = api_as(world.other_team)
    api.patch(f"/work-items/{rm.hosting.pk}", {"version": 1, "end": "2027-01-10"})
    body = api.get(f"/work-items/{rm.hosting.pk}").json()
    assert [(c["kind"], c["other"]) for c in body["conflicts"]] == [("period", None)]
    assert "10 days" in body["conflicts"][0]["message"]


@pytest.mark.django_db
def test_an_unknown_work_item_is_a_json_404(world, rm, api_as):
    response = api_as(world.owner).get("/work-items/999999")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


# --- work items: writes ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_a_task_in_its_parents_team_serving_the_parents_key_result(world, rm, api_as):
    response = api_as(world.editor).post(
        "/work-items",
        {
            "title": "Write the launch post",
            "parent": rm.initiative.pk,
            "start": "2027-01-15",
            "end": "2027-01-29",
            "estimate_days": 3,
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["team"], body["parent"], body["kind"], body["status"]) == (
        world.growth.pk,
        rm.initiative.pk,
        "task",
        "planned",
    )
    assert body["links"][0]["inherited"] is True
    item = WorkItem.objects.get(pk=body["id"])
    assert (item.key, item.estimate_days, item.workspace_id) == (
        "write-the-launch-post",
        3,
        world.workspace.pk,
    )


@pytest.mark.django_db
def test_a_milestone_created_with_one_date_gets_it_as_start_and_end(world, rm, api_as):
    response = api_as(world.editor).post(
        "/work-items", {"title": "Beta", "kind": "milestone", "team": world.growth.pk, "start": "2027-01-05"}
    )
    assert response.status_code == 201
    assert (response.json()["start"], response.json()["end"]) == ("2027-01-05", "2027-01-05")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "Backwards", "start": "2027-02-01", "end": "2027-01-01"}, "end"),
        ({"title": "Half", "start": "2027-02-01"}, "end"),
        ({"title": " "}, "title"),
        ({"title": "Odd", "kind": "epic"}, "kind"),
        ({"title": "Big", "estimate_days": -1}, "estimate_days"),
        ({"title": "Lost", "owner": 999999}, "owner"),
        ({"title": "Orphan", "parent": 999999}, "parent"),
        ({"title": "When", "start": "soon", "end": "2027-01-01"}, "start"),
        ({"title": "Extra", "colour": "red"}, "colour"),
    ],
)
@pytest.mark.django_db
def test_it_rejects_an_invalid_work_item(world, rm, api_as, body, field):
    before = WorkItem.objects.count()
    response = api_as(world.editor).post("/work-items", {"team": world.growth.pk, **body})
    assert response.status_code == 422
    assert fields(response) == [field]
    assert WorkItem.objects.count() == before


@pytest.mark.django_db
def test_a_drag_on_the_timeline_moves_the_dates_and_bumps_the_version(world, rm, api_as):
    response = api_as(world.editor).patch(
        f"/work-items/{rm.build.pk}", {"version": 1, "start": "2026-11-23", "end": "2027-02-07"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["start"], body["end"], body["version"]) == ("2026-11-23", "2027-02-07", 2)
    rm.build.refresh_from_db()
    assert (rm.build.start, rm.build.end) == (dt.date(2026, 11, 23), dt.date(2027, 2, 7))


@pytest.mark.django_db
def test_dragging_a_milestone_moves_its_one_date(world, rm, api_as):
    response = api_as(world.editor).patch(
        f"/work-items/{rm.milestone.pk}", {"version": 1, "start": "2027-02-15"}
    )
    assert (response.json()["start"], response.json()["end"]) == ("2027-02-15", "2027-02-15")


@pytest.mark.django_db
def test_it_changes_the_fields_of_a_work_item(world, rm, api_as):
    response = api_as(world.owner).patch(
        f"/work-items/{rm.wiki.pk}",
        {
            "version": 1,
            "title": "Tidy the handbook",
            "description": "All of it",
            "team": world.it.pk,
            "owner": world.other_team.pk,
            "parent": rm.hosting.pk,
            "status": "in_progress",
            "estimate_days": 4,
            "effort_done_days": 1.5,
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["description"], body["team"], body["owner"], body["parent"]) == (
        "Tidy the handbook",
        "All of it",
        world.it.pk,
        world.other_team.pk,
        rm.hosting.pk,
    )
    assert (body["status"], body["estimate_days"], body["effort_done_days"]) == ("in_progress", 4.0, 1.5)
    # Now part of the hosting initiative, it serves the uptime key result through it.
    assert body["links"] == [
        {"key_result": rm.uptime.pk, "objective": None, "weight": 1.0, "inherited": True}
    ]


@pytest.mark.django_db
def test_it_rejects_stale_version_and_leaves_the_row_unchanged(world, rm, api_as):
    api = api_as(world.editor)
    assert api.patch(f"/work-items/{rm.build.pk}", {"version": 1, "title": "First"}).status_code == 200
    response = api.patch(
        f"/work-items/{rm.build.pk}", {"version": 1, "start": "2027-01-01", "end": "2027-02-01"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 2
    assert fields(response) == ["version"]
    rm.build.refresh_from_db()
    assert (rm.build.title, rm.build.start, rm.build.version) == ("First", dt.date(2026, 11, 16), 2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": None}, "title"),
        ({"end": "2026-01-01"}, "end"),
        ({"kind": "initiative"}, "parent"),
        ({"parent": "self"}, "parent"),
        ({}, "version"),
    ],
)
@pytest.mark.django_db
def test_it_rejects_a_patch_it_cannot_apply(world, rm, api_as, body, field):
    if body.get("parent") == "self":
        body = {"parent": rm.build.pk}
    payload = {"version": 1, **body} if body else {"title": "No version"}
    response = api_as(world.editor).patch(f"/work-items/{rm.build.pk}", payload)
    assert response.status_code == 422
    assert fields(response) == [field]
    rm.build.refresh_from_db()
    assert (rm.build.version, rm.build.title) == (1, "Build the checkout")


@pytest.mark.django_db
def test_deleting_an_initiative_deletes_its_parts_links_and_dependencies(world, rm, api_as):
    response = api_as(world.editor).delete(f"/work-items/{rm.initiative.pk}")
    assert response.status_code == 204
    assert set(WorkItem.objects.values_list("title", flat=True)) == {"Move to new hosting", "Tidy the wiki"}
    assert not Dependency.objects.exists()
    assert list(Contribution.objects.values_list("work_item_id", flat=True)) == [rm.hosting.pk]


# --- dependencies ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_dependencies_of_an_item_in_both_directions(world, rm, api_as):
    api = api_as(world.viewer)
    actions.add_dependency(world.actor(world.owner), predecessor=rm.build.pk, successor=rm.milestone.pk)
    assert api.get("/dependencies").json()["count"] == 2
    assert len(api.get("/dependencies", item=rm.build.pk).json()["items"]) == 2
    only = api.get("/dependencies", item=rm.design.pk).json()["items"]
    assert only == [
        {
            "id": rm.dependency.pk,
            "predecessor": rm.design.pk,
            "successor": rm.build.pk,
            "kind": "fs",
            "lag_days": 0,
            "created_at": only[0]["created_at"],
        }
    ]
    assert api.get("/dependencies", item=rm.wiki.pk).json() == {"count": 0, "items": []}


@pytest.mark.django_db
def test_it_adds_a_dependency_with_kind_and_lag(world, rm, api_as):
    response = api_as(world.editor).post(
        "/dependencies",
        {"predecessor": rm.build.pk, "successor": rm.milestone.pk, "kind": "ff", "lag_days": 2},
    )
    assert response.status_code == 201
    dep = Dependency.objects.get(pk=response.json()["id"])
    assert (dep.predecessor_id, dep.successor_id, dep.kind, dep.lag_days) == (
        rm.build.pk,
        rm.milestone.pk,
        "ff",
        2,
    )


@pytest.mark.django_db
def test_a_dependency_that_closes_a_loop_is_refused_with_the_loop_spelled_out(world, rm, api_as):
    api = api_as(world.editor)
    assert (
        api.post("/dependencies", {"predecessor": rm.build.pk, "successor": rm.milestone.pk}).status_code
        == 201
    )
    response = api.post("/dependencies", {"predecessor": rm.milestone.pk, "successor": rm.design.pk})
    assert response.status_code == 422
    assert fields(response) == ["predecessor"]
    message = response.json()["errors"][0]["message"]
    assert "Annual plans live → Design the plans page → Build the checkout → Annual plans live" in message
    assert Dependency.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"predecessor": "design", "successor": "build"}, "predecessor"),  # exists already
        ({"predecessor": "build", "successor": "build"}, "predecessor"),
        ({"predecessor": 999999, "successor": "build"}, "predecessor"),
        ({"predecessor": "design", "successor": "milestone", "kind": "sf"}, "kind"),
        ({"predecessor": "design", "successor": "milestone", "lag_days": 5000}, "lag_days"),
        ({"predecessor": "design", "successor": "milestone", "lag_days": 1.5}, "lag_days"),
    ],
)
@pytest.mark.django_db
def test_it_rejects_an_invalid_dependency(world, rm, api_as, body, field):
    payload = {k: getattr(rm, v).pk if isinstance(v, str) and k != "kind" else v for k, v in body.items()}
    response = api_as(world.editor).post("/dependencies", payload)
    assert response.status_code == 422
    assert fields(response) == [field]
    assert Dependency.objects.count() == 1


@pytest.mark.django_db
def test_it_removes_a_dependency(world, rm, api_as):
    assert api_as(world.editor).delete(f"/dependencies/{rm.dependency.pk}").status_code == 204
    assert not Dependency.objects.exists()


# --- contributions --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_contributions_by_work_item_and_key_result(world, rm, api_as):
    api = api_as(world.viewer)
    assert ids(api.get("/contributions")) == {rm.contribution.pk, rm.it_contribution.pk}
    assert ids(api.get("/contributions", work_item=rm.hosting.pk)) == {rm.it_contribution.pk}
    assert ids(api.get("/contributions", key_result=world.key_result.pk)) == {rm.contribution.pk}
    body = api.get(f"/contributions?work_item={rm.initiative.pk}").json()["items"][0]
    assert {k: body[k] for k in ("work_item", "key_result", "objective", "weight")} == {
        "work_item": rm.initiative.pk,
        "key_result": world.key_result.pk,
        "objective": None,
        "weight": 2.0,
    }


@pytest.mark.django_db
def test_linking_twice_changes_the_weight_instead_of_adding_a_link(world, rm, api_as):
    api = api_as(world.editor)
    first = api.post("/contributions", {"work_item": rm.wiki.pk, "key_result": world.key_result.pk})
    assert (first.status_code, first.json()["weight"]) == (201, 1.0)
    again = api.post(
        "/contributions", {"work_item": rm.wiki.pk, "key_result": world.key_result.pk, "weight": 3}
    )
    assert (again.status_code, again.json()["id"], again.json()["weight"]) == (200, first.json()["id"], 3.0)
    assert Contribution.objects.filter(work_item=rm.wiki).count() == 1
    assert rm.wiki.pk not in ids(api.get("/work-items", unlinked="true"))


@pytest.mark.django_db
def test_an_item_may_serve_a_whole_objective(world, rm, api_as):
    api = api_as(world.editor)
    response = api.post("/contributions", {"work_item": rm.wiki.pk, "objective": world.objective.pk})
    assert response.status_code == 201
    assert (response.json()["key_result"], response.json()["objective"]) == (None, world.objective.pk)
    assert rm.wiki.pk in ids(api.get("/work-items", objective=world.objective.pk))
    assert api.get(f"/work-items/{rm.wiki.pk}").json()["lane"] == f"objective:{world.objective.pk}"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "key_result"),
        ({"key_result": "key_result", "objective": "objective"}, "key_result"),
        ({"key_result": "other_key_result"}, "key_result"),
        ({"objective": "other_objective"}, "objective"),
        ({"key_result": "key_result", "weight": -1}, "weight"),
    ],
)
@pytest.mark.django_db
def test_it_rejects_an_invalid_contribution(world, rm, api_as, body, field):
    payload = {k: getattr(world, v).pk if isinstance(v, str) else v for k, v in body.items()}
    response = api_as(world.editor).post("/contributions", {"work_item": rm.wiki.pk, **payload})
    assert response.status_code == 422
    assert fields(response) == [field]
    assert Contribution.objects.count() == 2


@pytest.mark.django_db
def test_unlinking_an_initiative_leaves_its_parts_unlinked(world, rm, api_as):
    api = api_as(world.editor)
    assert api.delete(f"/contributions/{rm.contribution.pk}").status_code == 204
    assert ids(api.get("/work-items", unlinked="true")) == item_ids(
        rm, "initiative", "design", "build", "milestone", "wiki"
    )


# --- baselines ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_baseline_shows_how_far_each_item_slipped(world, rm, api_as):
    api = api_as(world.editor)
    response = api.post("/baselines", {"name": "Plan at quarter start"})
    assert response.status_code == 201
    baseline = response.json()
    assert (baseline["name"], baseline["created_by"]) == ("Plan at quarter start", world.editor.pk)
    api.patch(f"/work-items/{rm.build.pk}", {"version": 1, "start": "2026-11-23", "end": "2027-02-07"})
    api.patch(f"/work-items/{rm.wiki.pk}", {"version": 1, "start": "2026-11-28", "end": "2026-12-05"})
    api.post("/work-items", {"title": "Added later", "team": world.growth.pk})

    body = api.get(f"/baselines/{baseline['id']}").json()
    rows = {row["title"]: row for row in body["items"]}
    assert len(rows) == 6
    assert "Added later" not in rows
    build = rows["Build the checkout"]
    assert (build["baseline_start"], build["baseline_end"], build["start"], build["end"]) == (
        "2026-11-16",
        "2027-01-31",
        "2026-11-23",
        "2027-02-07",
    )
    assert build["slip_days"] == 7
    assert rows["Tidy the wiki"]["slip_days"] == -5
    assert body["item_count"] == 6
    pages = [api.get(f"/baselines/{baseline['id']}?limit=4&offset={n}").json() for n in (0, 4)]
    assert [len(p["items"]) for p in pages] == [4, 2] and {p["item_count"] for p in pages} == {6}
    assert [r["work_item"] for p in pages for r in p["items"]] == [r["work_item"] for r in body["items"]]
    assert rows["Design the plans page"]["slip_days"] == 0


@pytest.mark.django_db
def test_it_lists_baselines_newest_first(world, rm, api_as):
    api = api_as(world.editor)
    first = api.post("/baselines", {"name": "One"}).json()["id"]
    second = api.post("/baselines", {"name": "Two"}).json()["id"]
    body = api.get("/baselines").json()
    assert body["count"] == 2
    assert [b["id"] for b in body["items"]] == [second, first]


@pytest.mark.parametrize("body", [{"name": "  "}, {}])
@pytest.mark.django_db
def test_a_baseline_needs_a_name(world, rm, api_as, body):
    response = api_as(world.editor).post("/baselines", body)
    assert response.status_code == 422
    assert fields(response) == ["name"]
    assert not Baseline.objects.exists()


# --- timeline -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_timeline_marks_each_team_period_over_capacity(world, rm, api_as):
    boss = world.actor(world.owner)
    actions.set_capacity(boss, team=world.growth.pk, period=world.quarter.pk, person_days=20)
    actions.set_capacity(boss, team=world.it.pk, period=world.quarter.pk, person_days=100)
    lines = {c["team"]: c for c in api_as(world.viewer).get("/timeline").json()["capacity"]}
    growth = lines[world.growth.pk]
    # Growth: Design (10 days, inside the quarter) + Build's 30 days spread over 77 days, 46 of them in it
    assert growth["load"] == pytest.approx(10 + 30 * 46 / 77, abs=0.01)
    assert (growth["capacity"], growth["over"], growth["period_name"]) == (20, True, "FY27 Q2")
    assert (growth["start"], growth["end"]) == ("2026-10-01", "2026-12-31")
    assert lines[world.it.pk]["over"] is False and lines[world.it.pk]["load"] == 0


@pytest.mark.django_db
def test_the_timeline_gives_everything_it_draws_in_one_response(world, rm, api_as):
    body = api_as(world.editor).get("/timeline").json()
    assert set(body) == {"lanes", "items", "dependencies", "periods", "capacity", "today"}
    assert body["today"] == "2026-11-25"
    assert body["capacity"] == []  # no capacity saved yet
    assert body["lanes"] == [
        {"id": f"objective:{world.objective.pk}", "label": "Grow recurring revenue", "unlinked": False},
        {"id": f"objective:{world.it_objective.pk}", "label": "Keep the app up", "unlinked": False},
        {"id": "unlinked", "label": "Not linked to any OKR", "unlinked": True},
    ]
    items = {i["id"]: i for i in body["items"]}
    assert items[rm.build.pk] == {
        "id": rm.build.pk,
        "lane": f"objective:{world.objective.pk}",
        "title": "Build the checkout",
        "kind": "task",
        "start": "2026-11-16",
        "end": "2027-01-31",
        "status": "in_progress",
        "version": 1,
        "can_change": True,
        "critical": False,
        "conflicts": [],
        "also_serves": [],
    }
    assert items[rm.wiki.pk]["lane"] == "unlinked"
    assert items[rm.hosting.pk]["can_change"] is False  # IT's, and Edith is in Growth
    assert body["dependencies"] == [
        {"id": rm.dependency.pk, "from": rm.design.pk, "to": rm.build.pk, "kind": "fs", "lag_days": 0}
    ]
    assert [(p["name"], p["start"], p["end"]) for p in body["periods"]] == [
        ("FY 2027", "2026-07-01", "2027-06-30"),
        ("FY27 Q2", "2026-10-01", "2026-12-31"),
    ]


@pytest.mark.django_db
def test_the_timeline_lanes_by_team(world, rm, api_as):
    body = api_as(world.viewer).get("/timeline", lanes="team").json()
    assert [(lane["id"], lane["label"]) for lane in body["lanes"]] == [
        (f"team:{world.growth.pk}", "Growth"),
        (f"team:{world.it.pk}", "IT"),
    ]
    assert {i["lane"] for i in body["items"] if i["id"] == rm.hosting.pk} == {f"team:{world.it.pk}"}


@pytest.mark.django_db
def test_the_timeline_names_the_other_objectives_an_item_serves(world, rm, api_as):
    actions.set_contribution(world.actor(world.owner), rm.initiative.pk, objective=world.it_objective.pk)
    body = api_as(world.viewer).get("/timeline").json()
    initiative = next(i for i in body["items"] if i["id"] == rm.initiative.pk)
    assert initiative["lane"] == f"objective:{world.objective.pk}"  # weight 2 beats weight 1
    assert initiative["also_serves"] == ["Keep the app up"]


@pytest.mark.parametrize("mode", ["key_result", "owner", "none"])
@pytest.mark.django_db
def test_every_item_has_a_lane_in_each_lane_mode(world, rm, api_as, mode):
    body = api_as(world.viewer).get("/timeline", lanes=mode).json()
    lanes = {lane["id"] for lane in body["lanes"]}
    assert len(body["items"]) == 6
    assert {i["lane"] for i in body["items"]} == lanes


@pytest.mark.django_db
def test_the_timeline_names_an_unknown_lane_mode(world, rm, api_as):
    response = api_as(world.viewer).get("/timeline", lanes="colour")
    assert response.status_code == 422
    assert fields(response) == ["lanes"]


# --- OpenAPI --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_openapi_document_lists_the_roadmap_paths(client):
    document = json.loads(client.get(f"{API}/openapi.json").content)
    roadmap = {
        p.removeprefix(API)
        for p, ops in document["paths"].items()
        if any("roadmap" in op.get("tags", []) for op in ops.values())
    }
    assert roadmap == {
        "/work-items", "/work-items/{id}", "/dependencies", "/dependencies/{id}", "/contributions",
        "/contributions/{id}", "/baselines", "/baselines/{id}", "/timeline",
    }  # fmt: skip
    patch = document["paths"][f"{API}/work-items/{{id}}"]["patch"]["responses"]
    assert {"200", "403", "404", "409", "422"} <= set(patch)
    assert "from" in document["components"]["schemas"]["TimelineDependencyOut"]["properties"]


# --- query counts ---------------------------------------------------------------------------------------------


def add_work(world: World, rm: RoadmapScene, n: int) -> None:
    """n more items of every shape: tasks under the initiative with dependencies, links and milestones."""
    actor = world.actor(world.owner)
    previous = rm.build.pk
    for i in range(n):
        task = actions.create_work_item(
            actor, title=f"Task {i}", parent=rm.initiative.pk, start=dt.date(2026, 12, 1),
            end=dt.date(2027, 1, 10), estimate_days=2,
        )  # fmt: skip
        actions.add_dependency(actor, predecessor=previous, successor=task.pk, kind="ss")
        actions.create_work_item(
            actor, title=f"Milestone {i}", kind="milestone", team=world.it.pk, start=dt.date(2026, 12, 24)
        )
        other = actions.create_work_item(actor, title=f"Own {i}", team=world.it.pk, owner=world.other_team.pk)
        actions.set_contribution(actor, other.pk, key_result=rm.uptime.pk, weight=i + 1)
        previous = task.pk


def count_queries(api: Api, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200
    return len(queries.captured_queries), response.json()


@pytest.mark.parametrize(
    "path", ["/timeline", "/timeline?lanes=team", "/timeline?lanes=owner", "/work-items?limit=500"]
)
@pytest.mark.django_db
def test_the_timeline_and_lists_run_the_same_number_of_queries_for_n_and_5n_items(world, rm, api_as, path):
    api = api_as(world.editor)
    api.get(path)  # the first request of a session settles the session's workspace
    add_work(world, rm, 3)
    small, body = count_queries(api, path)
    assert len(body["items"]) == 6 + 9
    add_work(world, rm, 12)
    large, body = count_queries(api, path)
    assert len(body["items"]) == 6 + 45
    assert large == small
