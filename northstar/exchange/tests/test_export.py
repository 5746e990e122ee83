from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from northstar.exchange.exporter import export_document, export_text
from northstar.exchange.importer import first_owner, import_document
from northstar.exchange.okr_yaml import dump_document, parse_text
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import CheckIn
from northstar.roadmap import actions as roadmap_actions
from northstar.workspaces.errors import NotFound
from northstar.workspaces.permissions import actor_for

from .conftest import workspace_of

pytestmark = pytest.mark.django_db


def owner_export(workspace, fmt="yaml"):
    return export_text(actor_for(first_owner(workspace), workspace), fmt)


def test_exporting_an_imported_finvest_gives_back_the_same_data(imported, finvest_raw):
    exported = parse_text(owner_export(imported))
    assert exported == finvest_raw  # the whole document: OKRs, work and capacity
    assert exported["work"] == finvest_raw["work"] and exported["capacity"] == finvest_raw["capacity"]


def test_export_import_export_gives_an_identical_document(imported):
    first = owner_export(imported)
    again = workspace_of(import_document(parse_text(first), slug="finvest-copy"))
    second = owner_export(again)
    assert second == first
    assert "\nwork:\n" in first and "\ncapacity:\n" in first
    assert parse_text(second) == parse_text(first)


def test_a_json_export_round_trips_too(imported):
    first = owner_export(imported, "json")
    data = json.loads(first)
    assert data["objectives"][0]["key_results"][0]["check_ins"][0] == {
        "date": "2026-08-03",
        "value": 1.8,
        "confidence": 0.7,
    }
    again = workspace_of(import_document(parse_text(first), slug="finvest-json"))
    assert owner_export(again, "json") == first


def test_reimporting_an_export_into_its_own_workspace_changes_nothing(imported):
    report = import_document(parse_text(owner_export(imported)), workspace=imported)
    assert not report.changed


def test_the_export_omits_default_values(imported):
    doc = export_document(actor_for(first_owner(imported), imported))
    objective = doc["objectives"][0]
    assert not {"status", "visibility", "weight", "description"} & set(objective)
    assert "kind" not in doc["periods"][0]
    assert "by" not in objective["key_results"][0]["check_ins"][0]


def test_it_keeps_values_that_differ_from_the_defaults(world):
    owner = world.actor(world.owner)
    okr_actions.update_objective(owner, world.objective.pk, status="draft", weight=2.5, description="Why")
    okr_actions.update_period(owner, world.quarter.pk, kind="custom", closed=True)
    okr_actions.do_check_in(
        owner, world.key_result.pk, value=3, checked_in_at=timezone.now() - dt.timedelta(days=2, minutes=7)
    )
    doc = export_document(world.actor(world.owner))
    objective = next(o for o in doc["objectives"] if o["key"] == "grow-revenue")
    assert (objective["status"], objective["weight"], objective["description"]) == ("draft", 2.5, "Why")
    quarter = next(p for p in doc["periods"] if p["key"] == "fy27-q2")
    assert (quarter["kind"], quarter["closed"]) == ("custom", True)
    check_in = objective["key_results"][0]["check_ins"][0]
    assert isinstance(check_in["date"], dt.datetime)  # not at noon: the moment is kept
    assert check_in["by"] == "olivia@acme.example"  # not the key result's owner (Edith)


def test_a_check_in_at_any_time_of_day_round_trips(world):
    owner = world.actor(world.owner)
    okr_actions.do_check_in(
        owner, world.key_result.pk, value=3, checked_in_at=timezone.now() - dt.timedelta(hours=30)
    )
    text = export_text(world.actor(world.owner))
    report = import_document(parse_text(text), workspace=world.workspace)
    assert report.tallies["check_ins"].unchanged == 1
    assert not report.changed
    copy = workspace_of(import_document(parse_text(text), user=world.owner, slug="acme-copy"))
    original = CheckIn.objects.get(key_result=world.key_result)
    assert CheckIn.objects.get(workspace=copy).checked_in_at == original.checked_in_at


def test_an_export_holds_nothing_of_another_workspace(world):
    text = export_text(world.actor(world.owner))
    for foreign in ("Bolt", "bolt-o", "bolt-kr", "otto@bolt.example"):
        assert foreign not in text
    assert "grow-revenue" in text


def test_a_private_objective_is_not_exported_for_someone_who_cannot_see_it(world):
    other_team = export_text(world.actor(world.other_team))
    assert "secret" not in other_team
    assert "Cut churn" not in other_team
    owner = export_document(world.actor(world.owner))
    secret = next(o for o in owner["objectives"] if o["key"] == "secret")
    assert secret["visibility"] == "team"
    assert secret["key_results"][0]["key"] == "secret-churn"


def test_an_alignment_to_an_objective_one_cannot_see_is_left_out(world):
    owner = world.actor(world.owner)
    okr_actions.update_objective(owner, world.it_objective.pk, parents=[world.private_objective.pk])
    doc = export_document(world.actor(world.other_team))
    uptime = next(o for o in doc["objectives"] if o["key"] == "uptime")
    assert "aligns_to" not in uptime


def test_an_outsider_cannot_export_a_workspace(world):
    with pytest.raises(NotFound):
        export_document(actor_for(world.outsider, world.workspace))


def test_the_export_takes_the_same_number_of_queries_whatever_the_size(world):
    with CaptureQueriesContext(connection) as small:
        export_document(world.actor(world.owner))
    owner = world.actor(world.owner)
    for i in range(5):
        objective = okr_actions.create_objective(
            owner, title=f"More {i}", team=world.it.pk, parents=[world.objective.pk]
        )
        kr = okr_actions.create_key_result(owner, objective.pk, title=f"KR {i}", start=0, target=10)
        okr_actions.do_check_in(owner, kr.pk, value=i)
        item = roadmap_actions.create_work_item(owner, title=f"Work {i}", kind="initiative", team=world.it.pk)
        task = roadmap_actions.create_work_item(
            owner, title=f"Task {i}", parent=item.pk, owner=world.admin.pk
        )
        roadmap_actions.add_dependency(owner, predecessor=item.pk, successor=task.pk, kind="ss", lag_days=i)
        roadmap_actions.set_contribution(owner, item.pk, key_result=kr.pk, weight=0.5)
    roadmap_actions.set_capacity(owner, team=world.it.pk, period=world.quarter.pk, person_days=10)
    with CaptureQueriesContext(connection) as large:
        export_document(world.actor(world.owner))
    assert len(large) == len(small)


def test_yaml_output_looks_like_the_reference_file(imported):
    text = owner_export(imported)
    assert "  - {email: maria.lind@finvest.example, name: Maria Lind, role: owner, teams: [finvest]}" in text
    assert "aligns_to: [recurring-revenue]" in text
    assert "- {date: 2026-08-03, value: 1.8, confidence: 0.7}" in text
    assert text.startswith("# northstar export")


def test_dump_document_writes_json():
    assert json.loads(dump_document({"a": dt.date(2026, 1, 2)}, "json")) == {"a": "2026-01-02"}
