import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from northstar.okrs import actions as okr_actions
from northstar.workspaces.models import Workspace
from northstar.workspaces.permissions import actor_for

pytestmark = pytest.mark.django_db


def rules_in(html: str) -> list[str]:
    return re.findall(r'data-rule="([^"]+)"', html)


def add_output_objective(world, title="Keep the lights on", team=None):
    boss = world.actor(world.owner)
    objective = okr_actions.create_objective(
        boss, title=title, team=(team or world.it).pk, period=world.quarter.pk, parents=[world.objective.pk]
    )
    okr_actions.create_key_result(
        boss, objective.pk, title="Hold a retrospective after every outage", kind="boolean"
    )
    return objective


# --- the editors: advice as you type ----------------------------------------------------------------------------


def test_the_key_result_editor_flags_an_output_and_suggests_a_rewrite(world, client):
    client.force_login(world.editor)
    url = f"/coach/check/key-result/{world.objective.pk}/"
    html = client.post(url, {"title": "Launch the new pricing page", "kind": "boolean"}).content.decode()
    assert "output-not-outcome" in rules_in(html)
    assert "<mark>Launch</mark>" in html and "from N to M" in html or "from where to where" in html


def test_an_outcome_gets_nothing_to_say_and_an_empty_title_gets_no_advice_yet(world, client):
    client.force_login(world.editor)
    url = f"/coach/check/key-result/{world.objective.pk}/"
    good = {"title": "Raise trial conversion from 12% to 18%", "kind": "increase", "start": "12", "target": "18",
            "unit": "%"}  # fmt: skip
    html = client.post(url, good).content.decode()
    assert rules_in(html) == [] and "measurable outcome" in html
    html = client.post(url, {"title": "  ", "kind": "boolean"}).content.decode()
    assert rules_in(html) == [] and "as you type" in html


def test_the_editor_sees_a_near_duplicate_of_a_sibling_but_not_of_itself(world, client):
    client.force_login(world.owner)
    url = f"/coach/check/key-result/{world.objective.pk}/"
    same = {"title": "Raise the annual plans from 0% to 20%", "kind": "increase", "start": "0", "target": "20",
            "unit": "%"}  # fmt: skip
    assert "duplicate-key-results" in rules_in(client.post(url, same).content.decode())
    editing = client.post(f"{url}?kr={world.key_result.pk}", same).content.decode()
    assert "duplicate-key-results" not in rules_in(editing)


def test_the_objective_editor_flags_a_metric_title_and_an_unaligned_team_objective(world, client):
    client.force_login(world.editor)
    html = client.post(
        "/coach/check/objective/", {"title": "Reach 10,000 paying users", "team": world.growth.pk}
    ).content.decode()
    assert set(rules_in(html)) == {"objective-metric", "unaligned"}
    aligned = client.post(
        "/coach/check/objective/",
        {"title": "Reach 10,000 paying users", "team": world.growth.pk, "parents": [world.objective.pk]},
    ).content.decode()
    assert rules_in(aligned) == ["objective-metric"]


def test_advice_is_in_the_readers_language(world, client):
    world.editor.language = "sv"
    world.editor.save()
    client.force_login(world.editor)
    html = client.post(
        f"/coach/check/key-result/{world.objective.pk}/",
        {"title": "Launch the new pricing page", "kind": "boolean"},
    ).content.decode()
    assert "beskriver en aktivitet" in html


def test_the_editors_carry_the_coach_panel(world, client):
    client.force_login(world.owner)
    html = client.get(f"/key-results/{world.key_result.pk}/edit/").content.decode()
    assert 'id="coach-panel"' in html and f"/coach/check/key-result/{world.objective.pk}/?kr=" in html
    html = client.get("/okrs/new/").content.decode()
    assert 'id="coach-panel"' in html and "/coach/check/objective/" in html


def test_another_workspaces_objective_cannot_be_checked_against(world, client):
    client.force_login(world.editor)
    response = client.post(f"/coach/check/key-result/{world.other_objective.pk}/", {"title": "Anything"})
    assert response.status_code == 404


# --- the OKR page badge and the objective page -----------------------------------------------------------------


def test_the_okr_page_shows_a_quality_badge_per_objective(world, client):
    objective = add_output_objective(world)
    client.force_login(world.owner)
    html = client.get(f"/okrs/?period={world.quarter.pk}").content.decode()
    badge = re.search(rf'href="/okrs/{objective.pk}/#coach">([^<]+)<', html)
    assert badge and "Coach: 2 findings" in badge.group(1)
    assert "Coach: reads well" in html


def test_the_objective_page_lists_the_findings_with_the_words_marked(world, client):
    objective = add_output_objective(world)
    client.force_login(world.viewer)
    html = client.get(f"/okrs/{objective.pk}/").content.decode()
    assert rules_in(html) == ["output-not-outcome", "not-measurable"]
    assert "<mark>Hold</mark> a retrospective" in html


# --- the quality report ------------------------------------------------------------------------------------------


def test_the_quality_report_gives_the_outcome_share_per_team(world, client):
    add_output_objective(world)
    client.force_login(world.viewer)
    html = client.get(f"/coach/?period={world.quarter.pk}").content.decode()
    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td class="num">\d+</td><td class="num">\d+</td>'
                           r'<td class="num">\d+</td>\s*<td class="num">([^<&]+)', html))  # fmt: skip
    # IT: its uptime KR is an outcome, the retrospective an output; Growth's are all outcomes
    assert rows["IT"] == "50" and rows["Growth"] == "100"
    assert 'data-rule="output-not-outcome"' in html


def test_the_quality_report_shows_nothing_of_another_workspace(world, client):
    bolt = actor_for(world.outsider, world.other_workspace)
    okr_actions.create_key_result(
        bolt, world.other_objective.pk, title="Hold the Bolt offsite", kind="boolean"
    )
    client.force_login(world.owner)
    html = client.get("/coach/").content.decode()
    assert "Bolt" not in html and "offsite" not in html


def test_the_quality_report_reads_the_same_number_of_queries_for_more_objectives(world, client):
    client.force_login(world.owner)
    url = f"/coach/?period={world.quarter.pk}"
    client.get(url)
    add_output_objective(world, "First extra")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for n in range(8):
        add_output_objective(world, f"Extra {n}")
    with CaptureQueriesContext(connection) as many:
        assert "Extra 7" in client.get(url).content.decode()
    assert len(many) <= len(few)


def test_the_objective_page_reads_the_same_number_of_queries_for_more_objectives(world, client):
    objective = add_output_objective(world)
    client.force_login(world.owner)
    url = f"/okrs/{objective.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(8):
        add_output_objective(world, f"Extra {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) <= len(few)


# --- switching rules off ------------------------------------------------------------------------------------------


def test_an_admin_switches_a_rule_off_and_it_goes_quiet_everywhere(world, client):
    objective = add_output_objective(world)
    client.force_login(world.admin)
    enabled = [r for r in ("output-not-outcome", "not-measurable", "hedging") if r != "output-not-outcome"]
    from northstar.core.lint import RULES

    enabled = [r.id for r in RULES if r.id != "output-not-outcome"]
    response = client.post("/coach/rules/", {"enabled": enabled})
    assert response.status_code == 302
    assert Workspace.objects.get(pk=world.workspace.pk).coach_disabled_rules == ["output-not-outcome"]
    assert rules_in(client.get(f"/okrs/{objective.pk}/").content.decode()) == ["not-measurable"]
    html = client.get("/coach/rules/").content.decode()
    assert 'value="output-not-outcome">' in html and 'value="hedging" checked>' in html


def test_an_editor_cannot_switch_rules_and_changes_nothing(world, client):
    client.force_login(world.editor)
    assert client.post("/coach/rules/", {"enabled": []}).status_code == 403
    assert Workspace.objects.get(pk=world.workspace.pk).coach_disabled_rules == []
    html = client.get("/coach/rules/").content.decode()
    assert 'type="checkbox"' not in html and "output-not-outcome" in html
