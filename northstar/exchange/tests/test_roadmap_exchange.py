"""The roadmap sections of the format (`work`, `capacity`): validation, import, export.

Counts come from the parsed reference file (walking its `work` tree), not from the importer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from northstar.exchange.exporter import export_document, export_text
from northstar.exchange.importer import first_owner, import_document
from northstar.exchange.okr_yaml import parse_text
from northstar.roadmap import actions as roadmap_actions
from northstar.roadmap.models import Contribution, Dependency, TeamCapacity, WorkItem
from northstar.workspaces.errors import NotFound, ValidationFailed
from northstar.workspaces.models import AuditEntry, Workspace
from northstar.workspaces.permissions import actor_for

from .conftest import workspace_of

pytestmark = pytest.mark.django_db


def paths(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e.field for e in exc.value.errors]


def messages(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: str(e.message) for e in exc.value.errors}


def walk(
    items: list[dict[str, Any]], parent: dict[str, Any] | None = None
) -> Iterator[tuple[dict, dict | None]]:
    """Every work item of a parsed file with its parent, in tree order."""
    for item in items:
        yield item, parent
        yield from walk(item.get("children") or [], item)


def file_dependencies(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (d if isinstance(d, str) else d["key"], item["key"])
        for item, _parent in walk(doc["work"])
        for d in item.get("depends_on") or []
    }


def owner_export(workspace: Workspace) -> dict[str, Any]:
    return export_document(actor_for(first_owner(workspace), workspace))


# --- importing finvest.yaml -------------------------------------------------------------------------------------


def test_it_imports_every_work_item_of_finvest_in_tree_order(imported, finvest_raw):
    in_file = list(walk(finvest_raw["work"]))
    items = WorkItem.objects.filter(workspace=imported)
    assert items.count() == len(in_file) == 12
    assert list(items.order_by("position").values_list("key", flat=True)) == [i["key"] for i, _p in in_file]
    parents = dict(items.values_list("key", "parent__key"))
    assert parents == {i["key"]: p["key"] if p else None for i, p in in_file}
    kinds = dict(items.values_list("key", "kind"))
    assert kinds == {i["key"]: i["kind"] for i, _p in in_file}


def test_children_take_their_parent_s_team_when_the_file_leaves_it_out(imported):
    teams = dict(WorkItem.objects.filter(workspace=imported).values_list("key", "team__key"))
    assert teams["offer-design"] == teams["offer-launch"] == "growth"
    assert teams["billing-migration"] == teams["probes-live"] == "it"


def test_it_imports_dates_status_and_estimates(imported):
    checkout = WorkItem.objects.get(workspace=imported, key="offer-checkout")
    assert (checkout.start, checkout.end) == (dt.date(2026, 11, 23), dt.date(2026, 12, 18))
    assert (checkout.status, checkout.estimate_days, checkout.effort_done_days) == ("in_progress", 20, 0)
    assert WorkItem.objects.get(workspace=imported, key="team-invitations").status == "done"
    assert WorkItem.objects.get(workspace=imported, key="dark-mode").status == "planned"


def test_a_milestone_has_start_equal_to_end(imported):
    probes = WorkItem.objects.get(workspace=imported, key="probes-live")
    assert probes.kind == "milestone"
    assert probes.start == probes.end == dt.date(2027, 1, 20)
    assert probes.parent.key == "synthetic-checks"


def test_it_imports_the_dependencies_of_finvest_forward_references_included(imported, finvest_raw):
    expected = file_dependencies(finvest_raw)
    assert len(expected) == 4
    # offer-checkout (work[0]) depends on billing-migration, which the file only defines later (work[1]).
    assert ("billing-migration", "offer-checkout") in expected
    links = Dependency.objects.filter(workspace=imported)
    assert links.count() == len(expected)
    assert set(links.values_list("predecessor__key", "successor__key")) == expected
    assert set(links.values_list("kind", "lag_days")) == {("fs", 0)}


def test_it_imports_the_contributions_of_finvest(imported, finvest_raw):
    expected = {
        (item["key"], c["kr"], c["weight"])
        for item, _p in walk(finvest_raw["work"])
        for c in item.get("contributes") or []
    }
    links = Contribution.objects.filter(workspace=imported)
    assert links.count() == len(expected) == 7
    assert set(links.values_list("work_item__key", "key_result__key", "weight")) == expected


def test_the_dark_mode_initiative_serves_no_key_result(imported):
    assert not Contribution.objects.filter(work_item__key="dark-mode").exists()


def test_it_imports_the_capacity_of_finvest(imported, finvest_raw):
    expected = {(c["team"], c["period"], c["person_days"]) for c in finvest_raw["capacity"]}
    rows = TeamCapacity.objects.filter(workspace=imported)
    assert rows.count() == len(expected) == 3
    assert set(rows.values_list("team__key", "period__key", "person_days")) == expected


def test_the_report_counts_the_roadmap_rows_and_skips_nothing(finvest, finvest_raw):
    report = import_document(finvest)
    created = {
        name: report.tallies[name].created for name in ("work", "dependencies", "contributions", "capacity")
    }
    assert created == {
        "work": len(list(walk(finvest_raw["work"]))),
        "dependencies": len(file_dependencies(finvest_raw)),
        "contributions": sum(len(i.get("contributes") or []) for i, _p in walk(finvest_raw["work"])),
        "capacity": len(finvest_raw["capacity"]),
    }


# --- updating ---------------------------------------------------------------------------------------------------


def test_reimporting_finvest_changes_nothing_in_the_roadmap(imported, finvest):
    def counts():
        return tuple(
            m.objects.count() for m in (WorkItem, Dependency, Contribution, TeamCapacity, AuditEntry)
        )

    versions = dict(WorkItem.objects.values_list("key", "version"))
    before = counts()
    report = import_document(finvest, workspace=imported)
    assert not report.changed
    for name in ("work", "dependencies", "contributions", "capacity"):
        assert report.tallies[name].created == report.tallies[name].updated == 0
    assert report.tallies["work"].unchanged == 12
    assert report.tallies["dependencies"].unchanged == 4
    assert counts() == before
    assert dict(WorkItem.objects.values_list("key", "version")) == versions


def test_reimporting_updates_what_changed_in_the_roadmap(imported, finvest):
    initiative = finvest["work"][0]
    initiative["children"][1]["end"] = dt.date(2026, 12, 23)
    initiative["children"][1]["depends_on"] = ["offer-design", {"key": "billing-migration", "lag_days": 2}]
    initiative["contributes"][1]["weight"] = 0.4
    initiative["children"].append({"key": "offer-emails", "kind": "task", "title": "Renewal emails"})
    finvest["capacity"][0]["person_days"] = 80
    report = import_document(finvest, workspace=imported)
    assert (report.tallies["work"].updated, report.tallies["work"].created) == (1, 1)
    assert report.tallies["dependencies"].updated == 1
    assert report.tallies["contributions"].updated == 1
    assert report.tallies["capacity"].updated == 1
    assert WorkItem.objects.get(key="offer-checkout").end == dt.date(2026, 12, 23)
    assert (
        Dependency.objects.get(predecessor__key="billing-migration", successor__key="offer-checkout").lag_days
        == 2
    )
    assert (
        Contribution.objects.get(work_item__key="annual-plan-offer", key_result__key="monthly-churn").weight
        == 0.4
    )
    assert TeamCapacity.objects.get(team__key="growth").person_days == 80
    emails = WorkItem.objects.get(key="offer-emails")
    assert (emails.parent.key, emails.team.key, emails.start) == ("annual-plan-offer", "growth", None)


def test_update_mode_may_refer_to_work_and_key_results_the_workspace_has(world):
    owner = world.actor(world.owner)
    existing = roadmap_actions.create_work_item(
        owner, title="Pricing page", kind="initiative", team=world.growth.pk, key="pricing"
    )
    doc = {
        "northstar": 1,
        "work": [
            {
                "key": "annual-toggle", "kind": "initiative", "title": "Annual toggle", "team": "growth",
                "contributes": [{"kr": "annual-plans", "weight": 1}, {"objective": "grow-revenue", "weight": 0.5}],
                "depends_on": ["pricing"],
            }
        ],
        "capacity": [{"team": "growth", "period": "fy27-q2", "person_days": 30}],
    }  # fmt: skip
    report = import_document(doc, workspace=world.workspace)
    assert report.tallies["work"].created == 1
    item = WorkItem.objects.get(key="annual-toggle")
    assert list(Dependency.objects.filter(successor=item).values_list("predecessor", flat=True)) == [
        existing.pk
    ]
    assert {(c.key_result_id, c.objective_id) for c in item.contributions.all()} == {
        (world.key_result.pk, None),
        (None, world.objective.pk),
    }


def test_update_mode_sees_a_loop_through_the_workspace_s_own_dependencies(world):
    owner = world.actor(world.owner)
    a = roadmap_actions.create_work_item(owner, title="A", kind="initiative", team=world.growth.pk, key="a")
    b = roadmap_actions.create_work_item(owner, title="B", kind="initiative", team=world.growth.pk, key="b")
    roadmap_actions.add_dependency(owner, predecessor=a.pk, successor=b.pk)
    doc = {
        "northstar": 1,
        "work": [{"key": "a", "kind": "initiative", "title": "A", "team": "growth", "depends_on": ["b"]}],
    }
    with pytest.raises(ValidationFailed) as exc:
        import_document(doc, workspace=world.workspace)
    assert paths(exc) == ["work[0].depends_on[0]"]
    assert "b → a → b" in messages(exc)["work[0].depends_on[0]"]


def test_an_editor_cannot_import_capacity_and_nothing_is_written(world):
    doc = {
        "northstar": 1,
        "work": [{"key": "growth-work", "kind": "initiative", "title": "Growth work", "team": "growth"}],
        "capacity": [{"team": "growth", "period": "fy27-q2", "person_days": 30}],
    }
    with pytest.raises(ValidationFailed) as exc:
        import_document(doc, user=world.editor, workspace=world.workspace)
    assert paths(exc) == ["capacity[0]"]
    assert not WorkItem.objects.filter(key="growth-work").exists()


# --- validation -------------------------------------------------------------------------------------------------


def test_a_dependency_cycle_writes_nothing_and_names_the_cycle(finvest):
    finvest["work"][0]["children"][0]["depends_on"] = ["offer-launch"]  # offer-design after offer-launch
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == ["work[0].children[2].depends_on[0]"]
    assert (
        "offer-checkout → offer-launch → offer-design → offer-checkout"
        in messages(exc)["work[0].children[2].depends_on[0]"]
    )
    assert not Workspace.objects.exists()
    assert not WorkItem.objects.exists() and not Dependency.objects.exists()


def test_an_unknown_work_key_in_depends_on_is_reported_with_its_path(finvest):
    finvest["work"][1]["children"][1]["depends_on"] = ["billing-migraton"]
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert messages(exc) == {
        "work[1].children[1].depends_on[0]": "There is no work item with the key “billing-migraton”."
    }


def test_work_keys_are_unique_across_the_whole_file(finvest):
    finvest["work"][3]["children"][0]["key"] = "offer-design"
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert messages(exc) == {
        "work[3].children[0].key": "“offer-design” is already used by work[0].children[0].key."
    }


def test_it_lists_every_roadmap_error_with_its_path(finvest):
    work = finvest["work"]
    work[0]["children"][0]["colour"] = "green"  # unknown keys are reported, never dropped
    work[0]["children"][1]["end"] = dt.date(2026, 11, 1)  # before its start
    work[0]["children"][2]["start"] = dt.date(2027, 1, 10)  # a milestone has one date
    work[1]["children"][0]["kind"] = "initiative"  # initiatives are the top of their tree
    work[2]["contributes"][0] = {"kr": "seats", "weight": 1}
    work[3]["children"][0]["children"] = [{"key": "probe-a", "kind": "task", "title": "Probe A"}]
    work[4]["contributes"][0] = {"kr": "csat", "objective": "world-class-support", "weight": 1}
    work[5]["status"] = "someday"
    del work[5]["team"]
    finvest["capacity"][1] = {"team": "it", "period": "FY28", "person_days": 70}
    finvest["capacity"][2]["person_days"] = -5
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == [
        "work[0].children[0].colour",
        "work[0].children[1].end",
        "work[0].children[2].start",
        "work[1].children[0].kind",
        "work[2].contributes[0].kr",
        "work[3].children[0].children",
        "work[4].contributes[0]",
        "work[5].team",
        "work[5].status",
        "capacity[1].period",
        "capacity[2].person_days",
    ]
    assert not Workspace.objects.exists()


def test_capacity_for_the_same_team_and_period_twice_is_refused(finvest):
    finvest["capacity"].append({"team": "growth", "period": "FY27-Q2", "person_days": 10})
    with pytest.raises(ValidationFailed) as exc:
        import_document(finvest)
    assert paths(exc) == ["capacity[3]"]
    assert "capacity[0]" in messages(exc)["capacity[3]"]


# --- exporting --------------------------------------------------------------------------------------------------


def test_the_export_writes_work_as_a_tree_without_default_values(imported):
    work = owner_export(imported)["work"]
    assert [w["key"] for w in work] == [
        "annual-plan-offer", "billing-platform-v2", "team-invitations", "synthetic-checks", "faq-chatbot", "dark-mode",
    ]  # fmt: skip
    design, checkout, launch = work[0]["children"]
    assert "team" not in design and "status" not in launch and "start" not in launch
    assert launch["date"] == dt.date(2027, 1, 15)
    assert checkout["depends_on"] == ["offer-design", "billing-migration"]
    assert "contributes" not in work[5] and "children" not in work[5]


def test_deeper_trees_and_dependency_options_round_trip(finvest):
    checkout = finvest["work"][0]["children"][1]
    checkout["children"] = [
        {"key": "checkout-ui", "kind": "task", "title": "Checkout UI", "start": dt.date(2026, 11, 23),
         "end": dt.date(2026, 12, 4), "effort_done_days": 2.5, "owner": "omar.haddad@finvest.example",
         "children": [{"key": "checkout-copy", "kind": "task", "title": "Copy, in two languages", "team": "support"}]},
    ]  # fmt: skip
    checkout["depends_on"] = ["offer-design", {"key": "billing-migration", "kind": "ss", "lag_days": 5}]
    finvest["work"][5]["contributes"] = [{"objective": "recurring-revenue", "weight": 0.1}]
    original = parse_text(export_text(actor_for(first_owner(w := workspace_of(import_document(finvest))), w)))
    assert original["work"] == finvest["work"]
    copy = workspace_of(import_document(original, slug="finvest-copy"))
    assert owner_export(copy) == original


def test_an_outsider_exports_nothing_of_the_workspace(world):
    owner = world.actor(world.owner)
    roadmap_actions.create_work_item(
        owner, title="Acme plan", kind="initiative", team=world.growth.pk, key="acme-plan"
    )
    roadmap_actions.set_capacity(owner, team=world.growth.pk, period=world.quarter.pk, person_days=12)
    with pytest.raises(NotFound):
        export_document(actor_for(world.outsider, world.workspace))
    own = export_text(world.actor(world.outsider, world.other_workspace))
    assert "acme-plan" not in own and "Acme plan" not in own
    assert "work:" not in own and "capacity:" not in own


def test_a_contribution_to_a_private_objective_is_exported_only_to_those_who_see_it(world):
    owner = world.actor(world.owner)
    item = roadmap_actions.create_work_item(
        owner, title="Price test", kind="initiative", team=world.growth.pk, key="price-test"
    )
    roadmap_actions.set_contribution(owner, item.pk, key_result=world.private_key_result.pk, weight=1)
    it_view = export_document(world.actor(world.other_team))
    assert "contributes" not in next(w for w in it_view["work"] if w["key"] == "price-test")
    owner_view = export_document(world.actor(world.owner))
    price_test = next(w for w in owner_view["work"] if w["key"] == "price-test")
    assert price_test["contributes"] == [{"kr": "secret-churn", "weight": 1}]
