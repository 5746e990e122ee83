import json

import pytest

from northstar.testing import PERSONAS, call_api, check_persona_call, status_row
from northstar.workspaces.models import Workspace

pytestmark = pytest.mark.django_db

DRAFT = {
    "title": "Reach 10,000 paying users",
    "key_results": [
        {"title": "Hold a webinar every month", "kind": "boolean"},
        {"title": "Raise trial conversion from 12% to 18%", "start": 12, "target": 18, "unit": "%"},
        {"title": "Grow weekly active teams", "start": 1200},
    ],
}


def test_lint_a_draft_objective(world, client):
    client.force_login(world.editor)
    response = call_api(client, "post", "/coach/lint", DRAFT)
    assert response.status_code == 200
    found = {(f["key_result"], f["rule"]) for f in response.json()["findings"]}
    assert found == {
        (None, "objective-metric"),
        (0, "output-not-outcome"),
        (0, "not-measurable"),
        (2, "no-target"),
        (2, "no-unit"),
    }
    output = next(f for f in response.json()["findings"] if f["rule"] == "output-not-outcome")
    start, end = output["span"]
    assert DRAFT["key_results"][0]["title"][start:end] == "Hold" and output["language"] == "en"


def test_findings_come_in_the_language_of_the_request(world, client):
    client.force_login(world.editor)
    response = client.post(
        "/api/v1/coach/lint", json.dumps(DRAFT), content_type="application/json", HTTP_ACCEPT_LANGUAGE="sv"
    )
    messages = {f["rule"]: f["message"] for f in response.json()["findings"]}
    assert "mätetal" in messages["objective-metric"] or "mål" in messages["objective-metric"]
    assert messages["output-not-outcome"] != "" and "describes" not in messages["output-not-outcome"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "x", "team": 999999}, "team"),
        ({"title": "x", "period": 999999}, "period"),
        ({"title": "x", "parents": [999999]}, "parents"),
        ({"title": "x", "key_results": [{"title": "y", "kind": "sometimes"}]}, "key_results[0].kind"),
        ({"title": "x", "key_results": [{"title": "y", "start": "many"}]}, "key_results[0].start"),
        ({"key_results": []}, "title"),
        ({"title": "x", "colour": "red"}, "colour"),
    ],
)
def test_a_bad_draft_gets_422_naming_the_field(world, client, body, field):
    client.force_login(world.editor)
    response = call_api(client, "post", "/coach/lint", body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_another_workspaces_objects_cannot_be_named_in_a_draft(world, client):
    client.force_login(world.editor)
    response = call_api(client, "post", "/coach/lint", {"title": "x", "parents": [world.other_objective.pk]})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "parents"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        # the outsider reaches its own workspace (Bolt), never Acme
        ("get", "/coach/rules", None, status_row(200, 200, 200, 200, 200, 200)),
        ("get", "/coach/report", None, status_row(200, 200, 200, 200, 200, 200)),
        ("post", "/coach/lint", {"title": "Be better"}, status_row(200, 200, 200, 200, 200, 200)),
        ("put", "/coach/rules", {"disabled": ["hedging"]}, status_row(200, 200, 403, 403, 403, 200)),
    ],
)
def test_persona_matrix(world, client, persona, method, path, body, expected):
    check_persona_call(client, world.persona(persona), method, path, body, expected[persona])
    changed_acme = method == "put" and persona in ("owner", "admin")
    assert Workspace.objects.get(pk=world.workspace.pk).coach_disabled_rules == (
        ["hedging"] if changed_acme else []
    )
    changed_bolt = method == "put" and persona == "outsider"
    assert Workspace.objects.get(pk=world.other_workspace.pk).coach_disabled_rules == (
        ["hedging"] if changed_bolt else []
    )


def test_switching_rules_off_through_the_api(world, client):
    client.force_login(world.admin)
    response = call_api(client, "put", "/coach/rules", {"disabled": ["output-not-outcome", "no-unit"]})
    assert response.status_code == 200
    state = {r["id"]: r["enabled"] for r in response.json()}
    assert not state["output-not-outcome"] and not state["no-unit"] and state["hedging"]
    rules = {f["rule"] for f in call_api(client, "post", "/coach/lint", DRAFT).json()["findings"]}
    assert "output-not-outcome" not in rules and "objective-metric" in rules
    refused = call_api(client, "put", "/coach/rules", {"disabled": ["no-such-rule"]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "disabled"
    assert "no-such-rule" in refused.json()["errors"][0]["message"]
    assert Workspace.objects.get(pk=world.workspace.pk).coach_disabled_rules == [
        "no-unit",
        "output-not-outcome",
    ]


def test_the_rule_catalogue_has_examples_in_both_languages(world, client):
    client.force_login(world.viewer)
    rules = call_api(client, "get", "/coach/rules").json()
    assert len(rules) >= 15
    for rule in rules:
        assert {e["language"] for e in rule["examples"]} == {"en", "sv"} and rule["summary"]


def test_the_report_counts_outputs_per_team_and_nothing_of_another_workspace(world, client):
    from northstar.okrs import actions as okr_actions

    boss = world.actor(world.owner)
    okr_actions.create_key_result(
        boss, world.it_objective.pk, title="Implement synthetic monitoring", kind="milestone"
    )
    client.force_login(world.owner)
    report = call_api(client, "get", f"/coach/report?period={world.quarter.pk}").json()
    teams = {t["name"]: t for t in report["teams"]}
    assert teams["IT"]["outputs"] == 1 and teams["IT"]["outcome_share"] == 0.5
    assert "Bolt" not in json.dumps(report)
    refused = call_api(client, "get", f"/coach/report?period={world.other_workspace.pk + 10_000}")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "period"
