"""The REST API at /api/v1/: CRUD, filters, pages, errors, authentication and query counts.

Expected values are reasoned from the `world` fixture (northstar/testing.py): workspace Acme with teams Acme ▸
Growth, IT; periods FY 2027 (2026-07-01..2027-06-30) ▸ FY27 Q2 (2026-10-01..2026-12-31); objectives "Grow
recurring revenue" (Growth, FY 2027, owner Edith) with KR 0 → 20 %, "Secret pricing experiment" (Growth only, Q2)
with KR 3.5 → 2.0 (decrease) and "Keep the app up" (IT, Q2, owner Ivan, aligned to "Grow recurring revenue").
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from northstar.okrs import actions as okr_actions
from northstar.okrs.models import CheckIn, KeyResult, Objective, Period
from northstar.testing import World, make_user
from northstar.workspaces import actions as ws_actions
from northstar.workspaces.models import ApiToken, Team

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Api:
    """A JSON client for /api/v1 as one person (session) or one token (bearer)."""

    def __init__(self, client: Client, **headers: str):
        self.client = client
        self.headers = headers

    def get(self, path, **params):
        return self.client.get(API + path, params, **self.headers)

    def post(self, path, body=None):
        return self.client.post(API + path, body, content_type="application/json", **self.headers)

    def patch(self, path, body=None):
        return self.client.patch(API + path, body, content_type="application/json", **self.headers)

    def delete(self, path):
        return self.client.delete(API + path, **self.headers)


@pytest.fixture
def api_as(client):
    def _as(user, **headers):
        if user is not None:
            client.force_login(user)
        return Api(client, **headers)

    return _as


def ids(response):
    return {item["id"] for item in response.json()["items"]}


def bearer(world: World, user, **options) -> dict[str, str]:
    _token, raw = ws_actions.create_api_token(world.actor(user), name="script", **options)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def fields(response) -> list[str]:
    return [e["field"] for e in response.json()["errors"]]


# --- teams ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_the_teams_of_the_workspace_by_name(world, api_as):
    response = api_as(world.viewer).get("/teams")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [t["name"] for t in body["items"]] == ["Acme", "Growth", "IT"]


@pytest.mark.django_db
def test_it_shows_a_team_with_its_parent_and_version(world, api_as):
    body = api_as(world.viewer).get(f"/teams/{world.growth.pk}").json()
    assert body == {
        "id": world.growth.pk,
        "key": "growth",
        "name": "Growth",
        "parent": world.company.pk,
        "version": 1,
    }


@pytest.mark.django_db
def test_it_creates_a_team_under_a_parent(world, api_as):
    response = api_as(world.admin).post("/teams", {"name": "Support", "parent": world.company.pk})
    assert response.status_code == 201
    team = Team.objects.get(pk=response.json()["id"])
    assert (team.name, team.parent_id, team.workspace_id) == ("Support", world.company.pk, world.workspace.pk)


@pytest.mark.django_db
def test_it_rejects_a_team_parent_from_another_workspace(world, api_as):
    bolt_team = Team.objects.get(workspace=world.other_workspace)
    response = api_as(world.admin).post("/teams", {"name": "Support", "parent": bolt_team.pk})
    assert response.status_code == 422
    assert fields(response) == ["parent"]
    assert not Team.objects.filter(name="Support").exists()


@pytest.mark.django_db
def test_it_renames_a_team_and_bumps_its_version(world, api_as):
    response = api_as(world.admin).patch(
        f"/teams/{world.growth.pk}", {"version": 1, "name": "Growth & Sales"}
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["version"]) == ("Growth & Sales", 2)


@pytest.mark.django_db
def test_it_deletes_an_empty_team(world, api_as):
    support = ws_actions.create_team(world.actor(world.owner), name="Support", parent=world.company.pk)
    response = api_as(world.admin).delete(f"/teams/{support.pk}")
    assert response.status_code == 204
    assert not Team.objects.filter(pk=support.pk).exists()


@pytest.mark.django_db
def test_it_refuses_to_delete_a_team_that_still_has_objectives(world, api_as):
    response = api_as(world.admin).delete(f"/teams/{world.growth.pk}")
    assert response.status_code == 422
    assert fields(response) == ["team"]
    assert Team.objects.filter(pk=world.growth.pk).exists()


# --- periods --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_periods_by_start(world, api_as):
    body = api_as(world.viewer).get("/periods").json()
    assert body["count"] == 2
    assert [p["name"] for p in body["items"]] == ["FY 2027", "FY27 Q2"]


@pytest.mark.django_db
def test_it_shows_a_period_with_iso_dates(world, api_as):
    body = api_as(world.viewer).get(f"/periods/{world.quarter.pk}").json()
    assert body["start"] == "2026-10-01"
    assert body["end"] == "2026-12-31"
    assert (body["kind"], body["parent"], body["closed"], body["version"]) == (
        "quarter",
        world.period.pk,
        False,
        1,
    )


@pytest.mark.django_db
def test_it_creates_a_period_inside_its_parent(world, api_as):
    response = api_as(world.admin).post(
        "/periods",
        {
            "name": "FY27 Q3",
            "kind": "quarter",
            "start": "2027-01-01",
            "end": "2027-03-31",
            "parent": world.period.pk,
        },
    )
    assert response.status_code == 201
    period = Period.objects.get(pk=response.json()["id"])
    assert (period.key, period.start, period.parent_id) == ("fy27-q3", dt.date(2027, 1, 1), world.period.pk)


@pytest.mark.django_db
def test_it_rejects_a_period_that_ends_before_it_starts(world, api_as):
    response = api_as(world.admin).post(
        "/periods", {"name": "Backwards", "start": "2027-03-01", "end": "2027-01-01"}
    )
    assert response.status_code == 422
    assert fields(response) == ["end"]


@pytest.mark.django_db
def test_it_names_a_malformed_date(world, api_as):
    response = api_as(world.admin).post(
        "/periods", {"name": "Q", "start": "first of March", "end": "2027-01-01"}
    )
    assert response.status_code == 422
    assert fields(response) == ["start"]


@pytest.mark.django_db
def test_it_closes_a_period(world, api_as):
    response = api_as(world.admin).patch(f"/periods/{world.quarter.pk}", {"version": 1, "closed": True})
    assert response.status_code == 200
    assert (response.json()["closed"], response.json()["version"]) == (True, 2)


@pytest.mark.django_db
def test_it_deletes_an_empty_period_but_not_one_with_objectives(world, api_as):
    spare = okr_actions.create_period(
        world.actor(world.owner), name="Spare", start=dt.date(2028, 1, 1), end=dt.date(2028, 3, 31)
    )
    api = api_as(world.admin)
    assert api.delete(f"/periods/{spare.pk}").status_code == 204
    response = api.delete(f"/periods/{world.quarter.pk}")
    assert response.status_code == 422
    assert Period.objects.filter(pk=world.quarter.pk).exists()


# --- objectives -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_the_objectives_a_person_may_see(world, api_as):
    response = api_as(world.owner).get("/objectives")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert ids(response) == {world.objective.pk, world.private_objective.pk, world.it_objective.pk}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"team": "growth"}, {"objective", "private_objective"}),
        ({"team": "it"}, {"it_objective"}),
        ({"period": "quarter"}, {"private_objective", "it_objective"}),
        ({"period": "period"}, {"objective"}),
        ({"owner": "editor"}, {"objective"}),
        ({"owner": "other_team"}, {"it_objective"}),
        ({"status": "active"}, {"objective", "private_objective", "it_objective"}),
        ({"status": "draft"}, set()),
        ({"q": "APP UP"}, {"it_objective"}),
        ({"q": "secret", "team": "growth"}, {"private_objective"}),
    ],
)
@pytest.mark.django_db
def test_it_filters_objectives(world, api_as, params, expected):
    query = {k: (getattr(world, v).pk if k in ("team", "period", "owner") else v) for k, v in params.items()}
    response = api_as(world.owner).get("/objectives", **query)
    assert response.status_code == 200
    assert ids(response) == {getattr(world, name).pk for name in expected}
    assert response.json()["count"] == len(expected)


@pytest.mark.django_db
def test_it_filters_objectives_by_lifecycle_status(world, api_as):
    okr_actions.update_objective(world.actor(world.owner), world.it_objective.pk, status="draft")
    response = api_as(world.owner).get("/objectives", status="draft")
    assert ids(response) == {world.it_objective.pk}


@pytest.mark.django_db
def test_it_pages_objectives_with_a_total_count(world, api_as):
    api = api_as(world.owner)
    first = api.get("/objectives", limit=2).json()
    second = api.get("/objectives", limit=2, offset=2).json()
    assert (first["count"], len(first["items"])) == (3, 2)
    assert (second["count"], len(second["items"])) == (3, 1)
    seen = [o["id"] for o in first["items"] + second["items"]]
    assert sorted(seen) == sorted([world.objective.pk, world.private_objective.pk, world.it_objective.pk])


@pytest.mark.parametrize("params", [{"limit": 501}, {"limit": 0}, {"offset": -1}, {"team": "growth"}])
@pytest.mark.django_db
def test_it_names_a_bad_query_parameter(world, api_as, params):
    response = api_as(world.owner).get("/objectives", **params)
    assert response.status_code == 422
    assert fields(response) == list(params)


@pytest.mark.django_db
def test_it_shows_an_objective_with_key_results_progress_and_alignment(world, api_as):
    body = api_as(world.viewer).get(f"/objectives/{world.it_objective.pk}").json()
    assert body["title"] == "Keep the app up"
    assert (body["team"], body["period"], body["owner"]) == (
        world.it.pk,
        world.quarter.pk,
        world.other_team.pk,
    )
    assert body["parents"] == [world.objective.pk]
    assert [kr["title"] for kr in body["key_results"]] == ["Raise uptime from 99.5% to 99.9%"]
    # Nobody has checked in yet: no progress, no data for a status call, no confidence.
    assert (body["progress"], body["progress_status"], body["confidence"]) == (0.0, "no_data", None)
    assert (body["status"], body["visibility"], body["version"]) == ("active", "workspace", 1)
    assert body["can_change"] is False  # a viewer


@pytest.mark.django_db
def test_it_creates_an_objective_with_its_key_results(world, api_as):
    response = api_as(world.editor).post(
        "/objectives",
        {
            "title": "Win the Nordics",
            "team": world.growth.pk,
            "period": world.quarter.pk,
            "parents": [world.objective.pk],
            "key_results": [{"title": "Grow Nordic customers from 10 to 50", "start": 10, "target": 50}],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["team"], body["period"], body["parents"]) == (
        world.growth.pk,
        world.quarter.pk,
        [world.objective.pk],
    )
    assert [(kr["start"], kr["target"], kr["kind"]) for kr in body["key_results"]] == [
        (10.0, 50.0, "increase")
    ]
    assert Objective.objects.get(pk=body["id"]).key_results.count() == 1


@pytest.mark.django_db
def test_it_creates_nothing_when_a_nested_key_result_is_invalid(world, api_as):
    response = api_as(world.editor).post(
        "/objectives",
        {
            "title": "Win the Nordics",
            "team": world.growth.pk,
            "key_results": [
                {"title": "Fine", "start": 0, "target": 5},
                {"title": "Flat", "start": 5, "target": 5},
            ],
        },
    )
    assert response.status_code == 422
    assert fields(response) == ["key_results[1].target"]
    assert not Objective.objects.filter(title="Win the Nordics").exists()


@pytest.mark.django_db
def test_it_names_a_nested_field_of_the_wrong_type(world, api_as):
    response = api_as(world.editor).post(
        "/objectives",
        {
            "title": "Win",
            "team": world.growth.pk,
            "key_results": [{"title": "x", "start": 0, "target": "lots"}],
        },
    )
    assert response.status_code == 422
    assert fields(response) == ["key_results[0].target"]


@pytest.mark.django_db
def test_it_changes_an_objective_and_its_alignment(world, api_as):
    response = api_as(world.editor).patch(
        f"/objectives/{world.private_objective.pk}",
        {"version": 1, "title": "Pricing experiment", "parents": [world.objective.pk]},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["parents"], body["version"]) == (
        "Pricing experiment",
        [world.objective.pk],
        2,
    )


@pytest.mark.django_db
def test_it_rejects_stale_version(world, api_as):
    api = api_as(world.editor)
    assert api.patch(f"/objectives/{world.objective.pk}", {"version": 1, "title": "First"}).status_code == 200
    response = api.patch(f"/objectives/{world.objective.pk}", {"version": 1, "title": "Second", "weight": 3})
    assert response.status_code == 409
    body = response.json()
    assert body["current_version"] == 2
    assert fields(response) == ["version"]
    assert body["detail"]
    world.objective.refresh_from_db()
    assert (world.objective.title, world.objective.weight, world.objective.version) == ("First", 1.0, 2)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "No version"}, "version"),
        ({"version": 1, "title": None}, "title"),
        ({"version": 1, "tilte": "x"}, "tilte"),
    ],
)
@pytest.mark.django_db
def test_it_rejects_a_patch_it_cannot_apply(world, api_as, body, field):
    response = api_as(world.editor).patch(f"/objectives/{world.objective.pk}", body)
    assert response.status_code == 422
    assert fields(response) == [field]
    world.objective.refresh_from_db()
    assert (world.objective.title, world.objective.version) == ("Grow recurring revenue", 1)


@pytest.mark.django_db
def test_it_deletes_an_objective_with_its_key_results(world, api_as):
    api = api_as(world.editor)
    assert api.delete(f"/objectives/{world.objective.pk}").status_code == 204
    assert api.get(f"/objectives/{world.objective.pk}").status_code == 404
    assert not KeyResult.objects.filter(pk=world.key_result.pk).exists()


# --- key results ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"key_result", "private_key_result", "uptime"}),
        ({"objective": "objective"}, {"key_result"}),
        ({"owner": "editor"}, {"key_result"}),
        ({"kind": "decrease"}, {"private_key_result"}),
        ({"kind": "range"}, set()),
    ],
)
@pytest.mark.django_db
def test_it_filters_key_results(world, api_as, params, expected):
    uptime = KeyResult.objects.get(key="uptime-kr")
    named = {
        "uptime": uptime.pk,
        "key_result": world.key_result.pk,
        "private_key_result": world.private_key_result.pk,
    }
    query = {k: (getattr(world, v).pk if k in ("objective", "owner") else v) for k, v in params.items()}
    response = api_as(world.owner).get("/key-results", **query)
    assert response.status_code == 200
    assert ids(response) == {named[n] for n in expected}
    assert response.json()["count"] == len(expected)


@pytest.mark.django_db
def test_it_pages_key_results(world, api_as):
    body = api_as(world.owner).get("/key-results", limit=1, offset=1).json()
    assert (body["count"], len(body["items"])) == (3, 1)


@pytest.mark.django_db
def test_it_rejects_an_unknown_key_result_kind_filter(world, api_as):
    response = api_as(world.owner).get("/key-results", kind="sideways")
    assert response.status_code == 422
    assert fields(response) == ["kind"]


@pytest.mark.django_db
def test_it_shows_a_key_result_that_has_no_check_in_yet(world, api_as):
    body = api_as(world.editor).get(f"/key-results/{world.key_result.pk}").json()
    assert (body["objective"], body["kind"], body["unit"], body["start"], body["target"]) == (
        world.objective.pk, "increase", "%", 0.0, 20.0,
    )  # fmt: skip
    assert (body["current_value"], body["current_confidence"], body["last_check_in_at"]) == (None, None, None)
    assert (body["progress"], body["progress_status"], body["stale"]) == (0.0, "no_data", True)
    assert body["can_check_in"] is True  # Edith owns it


@pytest.mark.django_db
def test_a_viewer_may_not_check_in(world, api_as):
    assert api_as(world.viewer).get(f"/key-results/{world.key_result.pk}").json()["can_check_in"] is False


@pytest.mark.django_db
def test_it_adds_a_key_result_to_an_objective(world, api_as):
    api = api_as(world.editor)
    response = api.post(
        "/key-results",
        {
            "objective": world.objective.pk,
            "title": "Cut refunds from 10 to 5",
            "kind": "decrease",
            "start": 10,
            "target": 5,
        },
    )
    assert response.status_code == 201
    assert response.json()["objective"] == world.objective.pk
    titles = [kr["title"] for kr in api.get(f"/objectives/{world.objective.pk}").json()["key_results"]]
    assert titles == ["Raise annual plans from 0% to 20%", "Cut refunds from 10 to 5"]


@pytest.mark.parametrize(
    ("definition", "field"),
    [
        ({"kind": "increase", "start": 5, "target": 5}, "target"),
        ({"kind": "decrease", "start": 2, "target": 3}, "target"),
        ({"kind": "increase", "start": 3, "target": 2}, "target"),
        ({"kind": "range", "low": 9, "high": 1}, "low"),
        ({"kind": "increase", "start": 0}, "target"),
    ],
)
@pytest.mark.django_db
def test_it_rejects_an_invalid_key_result_definition(world, api_as, definition, field):
    response = api_as(world.editor).post(
        "/key-results", {"objective": world.objective.pk, "title": "KR", **definition}
    )
    assert response.status_code == 422
    assert fields(response) == [field]
    assert isinstance(response.json()["detail"], str)
    assert response.json()["errors"][0]["message"]
    assert not KeyResult.objects.filter(title="KR").exists()


@pytest.mark.django_db
def test_it_rejects_an_invalid_definition_on_change_and_keeps_the_old_one(world, api_as):
    response = api_as(world.editor).patch(f"/key-results/{world.key_result.pk}", {"version": 1, "target": 0})
    assert response.status_code == 422
    assert fields(response) == ["target"]
    world.key_result.refresh_from_db()
    assert (world.key_result.target, world.key_result.version) == (20.0, 1)


@pytest.mark.django_db
def test_it_rejects_a_stale_key_result_change(world, api_as):
    okr_actions.do_check_in(world.actor(world.editor), world.key_result.pk, value=4)  # version 1 → 2
    response = api_as(world.editor).patch(f"/key-results/{world.key_result.pk}", {"version": 1, "target": 40})
    assert response.status_code == 409
    assert response.json()["current_version"] == 2
    world.key_result.refresh_from_db()
    assert world.key_result.target == 20.0


@pytest.mark.django_db
def test_changing_the_target_changes_the_progress(world, api_as):
    okr_actions.do_check_in(world.actor(world.editor), world.key_result.pk, value=5)  # 5 of 0 → 20: 0.25
    response = api_as(world.editor).patch(f"/key-results/{world.key_result.pk}", {"version": 2, "target": 10})
    assert response.status_code == 200
    assert response.json()["progress"] == pytest.approx(0.5)


@pytest.mark.django_db
def test_it_deletes_a_key_result(world, api_as):
    api = api_as(world.editor)
    assert api.delete(f"/key-results/{world.key_result.pk}").status_code == 204
    assert api.get(f"/key-results/{world.key_result.pk}").status_code == 404


# --- check-ins ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_check_in_changes_the_key_results_progress(world, api_as):
    api = api_as(world.editor)
    response = api.post(f"/key-results/{world.key_result.pk}/check-ins", {"value": 5, "confidence": 0.8})
    assert response.status_code == 201
    assert (response.json()["value"], response.json()["author"]) == (5.0, world.editor.pk)
    kr = api.get(f"/key-results/{world.key_result.pk}").json()
    assert kr["progress"] == pytest.approx(0.25)  # 5 on the way from 0 to 20
    assert (kr["current_value"], kr["current_confidence"], kr["stale"], kr["version"]) == (5.0, 0.8, False, 2)
    assert kr["last_check_in_at"] is not None
    assert kr["progress_status"] != "no_data"
    objective = api.get(f"/objectives/{world.objective.pk}").json()
    assert objective["progress"] == pytest.approx(0.25)  # its only key result
    assert objective["confidence"] == 0.8


@pytest.mark.django_db
def test_a_decreasing_key_result_halfway_down_is_half_done(world, api_as):
    api = api_as(world.editor)
    api.post(f"/key-results/{world.private_key_result.pk}/check-ins", {"value": 2.75})
    assert api.get(f"/key-results/{world.private_key_result.pk}").json()["progress"] == pytest.approx(0.5)


@pytest.mark.django_db
def test_over_achievement_is_kept_apart_from_progress(world, api_as):
    api = api_as(world.editor)
    api.post(f"/key-results/{world.key_result.pk}/check-ins", {"value": 30})
    body = api.get(f"/key-results/{world.key_result.pk}").json()
    assert (body["progress"], body["progress_raw"], body["progress_status"]) == (
        1.0,
        pytest.approx(1.5),
        "done",
    )


@pytest.mark.django_db
def test_it_rejects_a_check_in_on_a_stale_version(world, api_as):
    response = api_as(world.editor).post(
        f"/key-results/{world.key_result.pk}/check-ins", {"value": 5, "version": 7}
    )
    assert response.status_code == 409
    assert response.json()["current_version"] == 1
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"value": 5, "confidence": 1.5}, "confidence"), ({}, "value"), ({"value": "five"}, "value")],
)
@pytest.mark.django_db
def test_it_rejects_an_invalid_check_in(world, api_as, body, field):
    response = api_as(world.editor).post(f"/key-results/{world.key_result.pk}/check-ins", body)
    assert response.status_code == 422
    assert fields(response) == [field]
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_it_lists_check_ins_newest_first_in_pages(world, api_as):
    api = api_as(world.editor)
    path = f"/key-results/{world.key_result.pk}/check-ins"
    three_weeks_ago = (timezone.now() - dt.timedelta(days=21)).replace(microsecond=0)
    for weeks, value in [(0, 1), (1, 4), (2, 6)]:  # naive times are read in the server's time zone
        when = (timezone.localtime(three_weeks_ago) + dt.timedelta(weeks=weeks)).replace(tzinfo=None)
        assert api.post(path, {"value": value, "checked_in_at": when.isoformat()}).status_code == 201
    body = api.get(path, limit=2).json()
    assert body["count"] == 3
    assert [c["value"] for c in body["items"]] == [6.0, 4.0]
    newest = dt.datetime.fromisoformat(body["items"][0]["checked_in_at"].replace("Z", "+00:00"))
    assert newest == three_weeks_ago + dt.timedelta(weeks=2)
    rest = api.get(path, limit=2, offset=2).json()
    assert [c["value"] for c in rest["items"]] == [1.0]


@pytest.mark.django_db
def test_it_shows_and_deletes_a_check_in_and_the_value_falls_back(world, api_as):
    actor = world.actor(world.editor)
    okr_actions.do_check_in(
        actor, world.key_result.pk, value=4, checked_in_at=timezone.now() - dt.timedelta(days=2)
    )
    latest = okr_actions.do_check_in(actor, world.key_result.pk, value=8, comment="Good week")
    api = api_as(world.editor)
    body = api.get(f"/check-ins/{latest.pk}").json()
    assert (body["key_result"], body["value"], body["comment"], body["author"]) == (
        world.key_result.pk, 8.0, "Good week", world.editor.pk,
    )  # fmt: skip
    assert api.delete(f"/check-ins/{latest.pk}").status_code == 204
    assert api.get(f"/check-ins/{latest.pk}").status_code == 404
    assert api.get(f"/key-results/{world.key_result.pk}").json()["current_value"] == 4.0


# --- people ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_members_with_their_roles_and_teams(world, api_as):
    body = api_as(world.viewer).get("/members").json()
    assert body["count"] == 5
    roles = {m["email"]: m["role"] for m in body["items"]}
    assert roles == {
        "olivia@acme.example": "owner",
        "adam@acme.example": "admin",
        "edith@acme.example": "editor",
        "victor@acme.example": "viewer",
        "ivan@acme.example": "editor",
    }
    edith = next(m for m in body["items"] if m["user"] == world.editor.pk)
    assert edith["teams"] == [world.growth.pk]


@pytest.mark.django_db
def test_me_tells_who_and_where(world, api_as):
    body = api_as(world.editor).get("/me").json()
    assert (body["user"]["email"], body["workspace"]["name"], body["role"]) == (
        "edith@acme.example",
        "Acme",
        "editor",
    )
    assert (body["teams"], body["via_token"], body["read_only"]) == ([world.growth.pk], False, False)


# --- errors ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_malformed_json_gets_a_json_error(world, api_as):
    response = api_as(world.editor).post("/objectives", "{not json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert fields(response) == ["body"]


@pytest.mark.django_db
def test_a_body_that_is_not_an_object_is_named(world, api_as):
    response = api_as(world.editor).post("/objectives", [1, 2])
    assert response.status_code == 422
    assert fields(response) == ["body"]


@pytest.mark.django_db
def test_missing_and_unknown_fields_are_each_named(world, api_as):
    response = api_as(world.editor).post("/objectives", {"titel": "Typo"})
    assert response.status_code == 422
    assert sorted(fields(response)) == ["team", "titel", "title"]


@pytest.mark.django_db
def test_an_unknown_address_gets_a_json_404(world, api_as):
    for path in ("/nowhere", "/objectives/not-a-number", f"/objectives/{world.other_objective.pk}"):
        response = api_as(world.editor).get(path)
        assert response.status_code == 404, path
        assert set(response.json()) == {"detail", "errors"}


@pytest.mark.django_db
def test_a_write_to_an_unknown_address_gets_the_json_404_not_a_csrf_page(world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.editor)
    for path in ("/teams/null,null", "/objectives/1%0A2", "/nowhere\nat-all"):
        response = browser.delete(f"{API}{path}")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json; charset=utf-8"
        assert set(response.json()) == {"detail", "errors"}


@pytest.mark.django_db
def test_anonymous_requests_get_401_in_the_error_format(client, world):
    response = client.get(f"{API}/objectives")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.django_db
def test_field_messages_follow_accept_language_with_djangos_own_words(world, client):
    client.force_login(world.editor)
    response = client.post(
        f"{API}/objectives", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert response.status_code == 422
    assert response["Content-Language"] == "sv"
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["title"] != "This field is required."


@pytest.mark.django_db
def test_key_result_errors_are_in_swedish_for_a_swedish_reader(world, client):
    client.force_login(world.editor)
    body = {"objective": world.objective.pk, "title": "KR", "start": 5, "target": 5}
    english = client.post(
        f"{API}/key-results", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    swedish = client.post(
        f"{API}/key-results", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert swedish.status_code == english.status_code == 422
    assert swedish["Content-Language"] == "sv"
    assert swedish.json()["detail"] != english.json()["detail"]
    assert swedish.json()["errors"][0]["message"] != english.json()["errors"][0]["message"]


# --- authentication -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_bearer_token_authenticates_a_script(world, client):
    api = Api(client, **bearer(world, world.editor))
    body = api.get("/me").json()
    assert (body["user"]["email"], body["role"], body["via_token"]) == ("edith@acme.example", "editor", True)
    response = api.post(f"/key-results/{world.key_result.pk}/check-ins", {"value": 10})
    assert response.status_code == 201
    assert api.get(f"/key-results/{world.key_result.pk}").json()["progress"] == pytest.approx(0.5)


@pytest.mark.django_db
def test_a_revoked_token_gets_401(world, client):
    token, raw = ws_actions.create_api_token(world.actor(world.editor), name="old script")
    ws_actions.revoke_api_token(world.actor(world.editor), token.pk)
    response = client.get(f"{API}/objectives", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401


@pytest.mark.django_db
def test_an_expired_token_gets_401(world, client):
    token, raw = ws_actions.create_api_token(world.actor(world.editor), name="old script", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(f"{API}/objectives", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_a_bad_token_is_refused_even_with_a_signed_in_session(world, client):
    client.force_login(world.editor)
    assert client.get(f"{API}/objectives", HTTP_AUTHORIZATION="Bearer ns_made-up").status_code == 401


@pytest.mark.django_db
def test_a_read_only_token_cannot_write(world, client):
    api = Api(client, **bearer(world, world.editor, read_only=True))
    assert api.get(f"/objectives/{world.objective.pk}").status_code == 200
    assert api.patch(f"/objectives/{world.objective.pk}", {"version": 1, "title": "Nope"}).status_code == 403
    assert api.post("/objectives", {"title": "Nope", "team": world.growth.pk}).status_code == 403
    assert api.post(f"/key-results/{world.key_result.pk}/check-ins", {"value": 3}).status_code == 403
    world.objective.refresh_from_db()
    assert world.objective.title == "Grow recurring revenue"
    assert not Objective.objects.filter(title="Nope").exists()
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_session_writes_need_the_csrf_token(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.admin)
    refused = browser.post(f"{API}/teams", {"name": "Support"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Team.objects.filter(name="Support").exists()
    secret = _get_new_csrf_string()
    browser.cookies["csrftoken"] = secret
    allowed = browser.post(
        f"{API}/teams", {"name": "Support"}, content_type="application/json", HTTP_X_CSRFTOKEN=secret
    )
    assert allowed.status_code == 201
    assert browser.get(f"{API}/teams").status_code == 200  # reads need no token


@pytest.mark.django_db
def test_token_requests_need_no_csrf_token(world):
    script = Client(enforce_csrf_checks=True)
    response = script.post(
        f"{API}/teams", {"name": "Support"}, content_type="application/json", **bearer(world, world.admin)
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_a_signed_in_person_without_a_workspace_sees_nothing(world, api_as):
    api = api_as(make_user("nina@nowhere.example"))
    assert api.get("/objectives").json() == {"count": 0, "items": []}
    assert api.get(f"/objectives/{world.objective.pk}").status_code == 404
    me = api.get("/me").json()
    assert (me["workspace"], me["role"]) == (None, None)


# --- OpenAPI --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_openapi_document_lists_every_path(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["info"]["title"] == "northstar"
    assert set(document["paths"]) == {
        f"{API}{p}"
        for p in [
            "/me", "/members", "/teams", "/teams/{id}", "/tokens", "/tokens/{id}", "/periods", "/periods/{id}",
            "/objectives", "/objectives/{id}", "/key-results", "/key-results/{id}", "/key-results/{id}/check-ins",
            "/check-ins/{id}", "/work-items", "/work-items/{id}", "/dependencies", "/dependencies/{id}",
            "/contributions", "/contributions/{id}", "/baselines", "/baselines/{id}", "/timeline", "/coverage", "/scores", "/optimise",
            "/capacities", "/scenarios", "/scenarios/{id}", "/scenarios/{id}/changes",
            "/scenarios/{id}/changes/{change_id}", "/scenarios/{id}/compare", "/scenarios/{id}/apply",
            "/scenarios/from-optimiser", "/dashboard", "/dashboard/risks", "/dashboard/divergences",
            "/key-results/{id}/forecast",
            "/proposals", "/proposals/scenario", "/reviews", "/reviews/{id}", "/reviews/{id}/pdf",
            "/coach/lint", "/coach/rules", "/coach/report", "/imports", "/imports/{id}", "/exports",
            "/exports/template", "/backup",
            "/webhooks", "/webhooks/events", "/webhooks/{id}", "/webhooks/{id}/deliveries", "/webhooks/{id}/test",
            "/key-results/{id}/values", "/key-results/{id}/source", "/key-results/{id}/source/refresh",
        ]
    }  # fmt: skip
    assert set(document["paths"][f"{API}/objectives/{{id}}"]) == {"get", "patch", "delete"}
    patch = document["paths"][f"{API}/objectives/{{id}}"]["patch"]["responses"]
    assert {"200", "403", "404", "409", "422"} <= set(patch)
    assert {"ObjectiveOut", "KeyResultOut", "ErrorOut", "ConflictOut"} <= set(
        document["components"]["schemas"]
    )


@pytest.mark.django_db
def test_the_api_docs_page_loads(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


# --- query counts ---------------------------------------------------------------------------------------------


def add_objectives(world: World, n: int) -> None:
    actor = world.actor(world.owner)
    for i in range(n):
        objective = okr_actions.create_objective(
            actor,
            title=f"Extra {i}",
            team=world.growth.pk,
            period=world.quarter.pk,
            parents=[world.objective.pk],
        )
        kr = okr_actions.create_key_result(actor, objective.pk, title=f"Extra KR {i}", start=0, target=10)
        okr_actions.do_check_in(actor, kr.pk, value=i, confidence=0.5)


def count_queries(api: Api, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("path", ["/objectives", "/key-results"])
@pytest.mark.django_db
def test_lists_run_the_same_number_of_queries_for_n_and_5n_rows(world, api_as, path):
    api = api_as(world.editor)
    api.get(path)  # the first request of a session settles the session's workspace
    add_objectives(world, 3)
    small = count_queries(api, path)
    add_objectives(world, 12)
    assert len(api.get(path).json()["items"]) >= 15
    assert count_queries(api, path) == small


@pytest.mark.django_db
def test_check_in_list_runs_the_same_number_of_queries_for_n_and_5n_rows(world, api_as):
    api = api_as(world.editor)
    path = f"/key-results/{world.key_result.pk}/check-ins"
    api.get(path)
    actor = world.actor(world.editor)
    for value in range(3):
        okr_actions.do_check_in(actor, world.key_result.pk, value=value)
    small = count_queries(api, path)
    for value in range(12):
        okr_actions.do_check_in(actor, world.key_result.pk, value=value)
    assert api.get(path).json()["count"] == 15
    assert count_queries(api, path) == small


@pytest.mark.django_db
def test_a_wrong_method_answers_405_in_the_error_shape(world, client):
    client.force_login(world.owner)
    response = client.put(
        f"/api/v1/check-ins/{world.key_result.pk}", data="{}", content_type="application/json"
    )
    assert response.status_code == 405
    body = response.json()
    assert "PUT" in body["detail"] and body["errors"] == []
    assert "GET" in response["Allow"]
