"""Who may do what through the REST API: every persona against every endpoint and method.

Personas (northstar/testing.py): owner and admin of Acme run everything; editor (Edith, in Growth) plans Growth's
OKRs and owns the Growth key result; viewer (Victor, in Growth) only reads; other_team (Ivan, editor in IT) sees
Growth's public objective but not its team-only one, and plans IT's; outsider (Otto) is the owner of another
workspace, Bolt, so Acme's objects do not exist for him (404) while his own actions act in Bolt; anonymous is 401.
"""

import datetime as dt
from dataclasses import dataclass

import pytest

from northstar.okrs import actions as okr_actions
from northstar.okrs.models import CheckIn, KeyResult, Objective, Period
from northstar.testing import API, PERSONAS, World, call_api, check_persona_call, status_row
from northstar.workspaces import actions as ws_actions
from northstar.workspaces.models import ApiToken, Membership, Team


@dataclass
class Scene:
    """The world plus the few rows the matrix needs: an empty team and period, a check-in and a token by Edith."""

    world: World
    support: Team
    spare: Period
    uptime: KeyResult
    check_in: CheckIn
    token: ApiToken

    def __getattr__(self, name):
        return getattr(self.world, name)

    def version(self, obj) -> int:
        return type(obj).objects.get(pk=obj.pk).version


@pytest.fixture
def scene(world) -> Scene:
    boss = world.actor(world.owner)
    support = ws_actions.create_team(boss, name="Support", parent=world.company.pk, key="support")
    spare = okr_actions.create_period(boss, name="Spare", start=dt.date(2028, 1, 1), end=dt.date(2028, 3, 31))
    check_in = okr_actions.do_check_in(
        world.actor(world.editor), world.key_result.pk, value=4, confidence=0.7
    )
    token, _raw = ws_actions.create_api_token(world.actor(world.editor), name="Edith's script")
    return Scene(world, support, spare, KeyResult.objects.get(key="uptime-kr"), check_in, token)


READ_ALL = status_row(
    200, 200, 200, 200, 200, 200
)  # lists and "me": everyone signed in gets their own workspace
READ_MEMBERS = status_row(200, 200, 200, 200, 200, 404)
READ_GROWTH_PRIVATE = status_row(200, 200, 200, 200, 404, 404)

# (name, method, path, body, expected status per persona)
CASES = [
    # reads
    ("list teams", "get", lambda s: "/teams", None, READ_ALL),
    ("get team", "get", lambda s: f"/teams/{s.growth.pk}", None, READ_MEMBERS),
    ("list periods", "get", lambda s: "/periods", None, READ_ALL),
    ("get period", "get", lambda s: f"/periods/{s.quarter.pk}", None, READ_MEMBERS),
    ("list objectives", "get", lambda s: "/objectives", None, READ_ALL),
    ("get Growth objective", "get", lambda s: f"/objectives/{s.objective.pk}", None, READ_MEMBERS),
    ("get IT objective", "get", lambda s: f"/objectives/{s.it_objective.pk}", None, READ_MEMBERS),
    (
        "get private objective",
        "get",
        lambda s: f"/objectives/{s.private_objective.pk}",
        None,
        READ_GROWTH_PRIVATE,
    ),
    ("list key results", "get", lambda s: "/key-results", None, READ_ALL),
    ("get key result", "get", lambda s: f"/key-results/{s.key_result.pk}", None, READ_MEMBERS),
    (
        "get private key result",
        "get",
        lambda s: f"/key-results/{s.private_key_result.pk}",
        None,
        READ_GROWTH_PRIVATE,
    ),
    ("list check-ins", "get", lambda s: f"/key-results/{s.key_result.pk}/check-ins", None, READ_MEMBERS),
    (
        "list private check-ins",
        "get",
        lambda s: f"/key-results/{s.private_key_result.pk}/check-ins",
        None,
        READ_GROWTH_PRIVATE,
    ),
    ("get check-in", "get", lambda s: f"/check-ins/{s.check_in.pk}", None, READ_MEMBERS),
    ("list members", "get", lambda s: "/members", None, READ_ALL),
    ("me", "get", lambda s: "/me", None, READ_ALL),
    ("list tokens", "get", lambda s: "/tokens", None, READ_ALL),
    # teams and periods: admins write; the outsider acts in Bolt, where Acme's parent does not exist (422)
    (
        "create team",
        "post",
        lambda s: "/teams",
        lambda s: {"name": "Sales", "parent": s.company.pk},
        status_row(201, 201, 403, 403, 403, 422),
    ),
    (
        "change team",
        "patch",
        lambda s: f"/teams/{s.growth.pk}",
        lambda s: {"version": s.version(s.growth), "name": "Growth & Sales"},
        status_row(200, 200, 403, 403, 403, 404),
    ),
    (
        "delete team",
        "delete",
        lambda s: f"/teams/{s.support.pk}",
        None,
        status_row(204, 204, 403, 403, 403, 404),
    ),
    (
        "create period",
        "post",
        lambda s: "/periods",
        lambda s: {"name": "FY27 Q3", "start": "2027-01-01", "end": "2027-03-31", "parent": s.period.pk},
        status_row(201, 201, 403, 403, 403, 422),
    ),
    (
        "change period",
        "patch",
        lambda s: f"/periods/{s.quarter.pk}",
        lambda s: {"version": s.version(s.quarter), "name": "Autumn"},
        status_row(200, 200, 403, 403, 403, 404),
    ),
    (
        "delete period",
        "delete",
        lambda s: f"/periods/{s.spare.pk}",
        None,
        status_row(204, 204, 403, 403, 403, 404),
    ),
    # objectives: editors plan for their own teams
    (
        "create Growth objective",
        "post",
        lambda s: "/objectives",
        lambda s: {"title": "New", "team": s.growth.pk},
        status_row(201, 201, 201, 403, 403, 422),
    ),
    (
        "create IT objective",
        "post",
        lambda s: "/objectives",
        lambda s: {"title": "New", "team": s.it.pk},
        status_row(201, 201, 403, 403, 201, 422),
    ),
    (
        "change Growth objective",
        "patch",
        lambda s: f"/objectives/{s.objective.pk}",
        lambda s: {"version": s.version(s.objective), "title": "Changed"},
        status_row(200, 200, 200, 403, 403, 404),
    ),
    (
        "change IT objective",
        "patch",
        lambda s: f"/objectives/{s.it_objective.pk}",
        lambda s: {"version": s.version(s.it_objective), "title": "Changed"},
        status_row(200, 200, 403, 403, 200, 404),
    ),
    (
        "change private objective",
        "patch",
        lambda s: f"/objectives/{s.private_objective.pk}",
        lambda s: {"version": s.version(s.private_objective), "title": "Changed"},
        status_row(200, 200, 200, 403, 404, 404),
    ),
    (
        "delete Growth objective",
        "delete",
        lambda s: f"/objectives/{s.objective.pk}",
        None,
        status_row(204, 204, 204, 403, 403, 404),
    ),
    (
        "delete IT objective",
        "delete",
        lambda s: f"/objectives/{s.it_objective.pk}",
        None,
        status_row(204, 204, 403, 403, 204, 404),
    ),
    (
        "delete private objective",
        "delete",
        lambda s: f"/objectives/{s.private_objective.pk}",
        None,
        status_row(204, 204, 204, 403, 404, 404),
    ),
    # key results and check-ins follow their objective
    (
        "create key result",
        "post",
        lambda s: "/key-results",
        lambda s: {"objective": s.objective.pk, "title": "New", "start": 0, "target": 10},
        status_row(201, 201, 201, 403, 403, 404),
    ),
    (
        "create IT key result",
        "post",
        lambda s: "/key-results",
        lambda s: {"objective": s.it_objective.pk, "title": "New", "start": 0, "target": 10},
        status_row(201, 201, 403, 403, 201, 404),
    ),
    (
        "change key result",
        "patch",
        lambda s: f"/key-results/{s.key_result.pk}",
        lambda s: {"version": s.version(s.key_result), "title": "Changed"},
        status_row(200, 200, 200, 403, 403, 404),
    ),
    (
        "change IT key result",
        "patch",
        lambda s: f"/key-results/{s.uptime.pk}",
        lambda s: {"version": s.version(s.uptime), "title": "Changed"},
        status_row(200, 200, 403, 403, 200, 404),
    ),
    (
        "change private key result",
        "patch",
        lambda s: f"/key-results/{s.private_key_result.pk}",
        lambda s: {"version": s.version(s.private_key_result), "title": "Changed"},
        status_row(200, 200, 200, 403, 404, 404),
    ),
    (
        "delete key result",
        "delete",
        lambda s: f"/key-results/{s.key_result.pk}",
        None,
        status_row(204, 204, 204, 403, 403, 404),
    ),
    (
        "delete IT key result",
        "delete",
        lambda s: f"/key-results/{s.uptime.pk}",
        None,
        status_row(204, 204, 403, 403, 204, 404),
    ),
    (
        "check in",
        "post",
        lambda s: f"/key-results/{s.key_result.pk}/check-ins",
        lambda s: {"value": 6},
        status_row(201, 201, 201, 403, 403, 404),
    ),
    (
        "check in on IT",
        "post",
        lambda s: f"/key-results/{s.uptime.pk}/check-ins",
        lambda s: {"value": 99.7},
        status_row(201, 201, 403, 403, 201, 404),
    ),
    (
        "check in on private",
        "post",
        lambda s: f"/key-results/{s.private_key_result.pk}/check-ins",
        lambda s: {"value": 3},
        status_row(201, 201, 201, 403, 404, 404),
    ),
    # a check-in is deleted by its author (Edith) or an admin
    (
        "delete check-in",
        "delete",
        lambda s: f"/check-ins/{s.check_in.pk}",
        None,
        status_row(204, 204, 204, 403, 403, 404),
    ),
    # tokens: everyone signed in makes their own; only Edith revokes hers (admins see it, so 403, not 404)
    (
        "create token",
        "post",
        lambda s: "/tokens",
        lambda s: {"name": "cron"},
        status_row(201, 201, 201, 201, 201, 201),
    ),
    (
        "revoke Edith's token",
        "delete",
        lambda s: f"/tokens/{s.token.pk}",
        None,
        status_row(403, 403, 204, 404, 404, 404),
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


def state() -> tuple:
    """Row counts, versions and revocations: what any write would change."""
    models = (Team, Period, Objective, KeyResult, CheckIn)
    return (
        tuple(m.objects.count() for m in models),
        tuple(
            tuple(m.objects.order_by("pk").values_list("version", flat=True))
            for m in models
            if m is not CheckIn
        ),
        tuple(ApiToken.objects.order_by("pk").values_list("revoked_at", flat=True)),
    )


REFUSED_WRITES = [
    pytest.param(persona, *case[1:4], id=f"{persona}-{case[0]}")
    for case in CASES
    if case[1] != "get"
    for persona in ("viewer", "other_team", "outsider")
    if case[4][persona] in (403, 404)
]


@pytest.mark.parametrize(("persona", "method", "path", "body"), REFUSED_WRITES)
@pytest.mark.django_db
def test_a_refused_write_changes_nothing(scene, client, persona, method, path, body):
    client.force_login(scene.persona(persona))
    before = state()
    response = call_api(client, method, path(scene), body(scene) if body else None)
    assert response.status_code in (403, 404)
    assert state() == before


# --- no list leaks the other workspace ------------------------------------------------------------------------


def bolt_rows(scene: Scene) -> dict[str, set[int]]:
    bolt = scene.other_workspace
    return {
        "/teams": set(Team.objects.filter(workspace=bolt).values_list("pk", flat=True)),
        "/periods": set(Period.objects.filter(workspace=bolt).values_list("pk", flat=True)),
        "/objectives": set(Objective.objects.filter(workspace=bolt).values_list("pk", flat=True)),
        "/key-results": set(KeyResult.objects.filter(workspace=bolt).values_list("pk", flat=True)),
        "/members": set(Membership.objects.filter(workspace=bolt).values_list("pk", flat=True)),
        "/tokens": set(ApiToken.objects.filter(workspace=bolt).values_list("pk", flat=True)),
    }


@pytest.fixture
def bolt_token(scene):
    ws_actions.create_api_token(scene.actor(scene.outsider, scene.other_workspace), name="Otto's script")


@pytest.mark.parametrize("persona", ["owner", "admin", "editor", "viewer", "other_team"])
@pytest.mark.parametrize("path", ["/teams", "/periods", "/objectives", "/key-results", "/members", "/tokens"])
@pytest.mark.django_db
def test_lists_never_show_acme_people_a_row_of_bolt(scene, bolt_token, client, persona, path):
    user = scene.persona(persona)
    ws_actions.create_api_token(scene.actor(user), name="mine")
    client.force_login(user)
    response = client.get(API + path, {"limit": 500})
    assert response.status_code == 200
    listed = {item["id"] for item in response.json()["items"]}
    assert listed
    assert not listed & bolt_rows(scene)[path]


@pytest.mark.parametrize("path", ["/teams", "/objectives", "/key-results", "/members", "/tokens"])
@pytest.mark.django_db
def test_the_outsider_lists_only_bolt(scene, bolt_token, client, path):
    client.force_login(scene.outsider)
    body = client.get(API + path, {"limit": 500}).json()
    assert {item["id"] for item in body["items"]} == bolt_rows(scene)[path]
    assert body["count"] == len(bolt_rows(scene)[path])


@pytest.mark.django_db
def test_the_other_team_does_not_find_the_private_objective_in_lists(scene, client):
    client.force_login(scene.other_team)
    objectives = {o["id"] for o in client.get(f"{API}/objectives").json()["items"]}
    key_results = {k["id"] for k in client.get(f"{API}/key-results").json()["items"]}
    assert objectives == {scene.objective.pk, scene.it_objective.pk}
    assert scene.private_key_result.pk not in key_results


@pytest.mark.django_db
def test_a_token_is_bound_to_its_workspace(scene, client):
    _token, raw = ws_actions.create_api_token(scene.actor(scene.outsider, scene.other_workspace), name="bolt")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get(f"{API}/objectives/{scene.objective.pk}", **auth).status_code == 404
    listed = {o["id"] for o in client.get(f"{API}/objectives", **auth).json()["items"]}
    assert listed == {scene.other_objective.pk}


@pytest.mark.django_db
def test_team_membership_decides_what_an_editor_may_plan(scene, client):
    # Ivan joins Growth: Growth's objective becomes his to change.
    growth = [scene.editor.pk, scene.viewer.pk, scene.other_team.pk]
    ws_actions.set_team_members(scene.actor(scene.owner), scene.growth.pk, growth)
    client.force_login(scene.other_team)
    response = client.patch(
        f"{API}/objectives/{scene.objective.pk}",
        {"version": 1, "title": "Changed"},
        content_type="application/json",
    )
    assert response.status_code == 200
