"""The rules of the roadmap's actions (northstar/roadmap/actions.py), one behaviour per test.

The roadmap is `make_roadmap` (northstar/roadmap/testing.py): "Launch annual plans" (Growth initiative serving
the annual-plans key result) ▸ Design (task) → Build (task, FS) and "Annual plans live" (milestone); "Move to
new hosting" (IT initiative); "Tidy the wiki" (Growth task, unlinked).
"""

import datetime as dt

import pytest

from northstar.okrs import actions as okr_actions
from northstar.roadmap import actions
from northstar.roadmap.models import BaselineItem, Contribution, Dependency, WorkItem
from northstar.roadmap.testing import RoadmapScene, make_roadmap
from northstar.workspaces.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from northstar.workspaces.models import AuditEntry

D = dt.date


@pytest.fixture
def rm(world) -> RoadmapScene:
    return make_roadmap(world)


@pytest.fixture
def boss(world):
    return world.actor(world.owner)


def error_fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [e.field for e in exc.value.errors]


# --- dates ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_milestone_has_one_date(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.create_work_item(
            boss,
            title="Launch",
            kind="milestone",
            team=world.growth.pk,
            start=D(2027, 1, 1),
            end=D(2027, 1, 2),
        )
    assert error_fields(exc) == ["end"]


@pytest.mark.django_db
def test_a_milestone_given_only_its_end_starts_that_day(world, rm, boss):
    item = actions.create_work_item(
        boss, title="Go", kind="milestone", team=world.growth.pk, end=D(2027, 1, 5)
    )
    assert (item.start, item.end) == (D(2027, 1, 5), D(2027, 1, 5))


@pytest.mark.django_db
def test_moving_a_milestones_end_moves_its_start(world, rm, boss):
    item = actions.update_work_item(boss, rm.milestone.pk, end=D(2027, 2, 20))
    assert (item.start, item.end) == (D(2027, 2, 20), D(2027, 2, 20))


@pytest.mark.django_db
def test_turning_a_task_into_a_milestone_needs_one_date(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.update_work_item(boss, rm.build.pk, kind="milestone")
    assert error_fields(exc) == ["end"]


@pytest.mark.django_db
def test_an_end_before_the_start_is_refused(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.update_work_item(boss, rm.build.pk, end=D(2026, 11, 1))
    assert error_fields(exc) == ["end"]
    rm.build.refresh_from_db()
    assert (rm.build.end, rm.build.version) == (D(2027, 1, 31), 1)


@pytest.mark.django_db
def test_one_date_without_the_other_is_refused(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.create_work_item(boss, title="Someday", team=world.growth.pk, end=D(2027, 1, 1))
    assert error_fields(exc) == ["start"]


@pytest.mark.django_db
def test_an_item_may_have_no_dates_yet(world, rm, boss):
    item = actions.create_work_item(boss, title="Someday", team=world.growth.pk)
    assert (item.start, item.end, item.kind, item.status) == (None, None, "task", "planned")


@pytest.mark.parametrize(("field", "value"), [("estimate_days", -1), ("effort_done_days", 100_001)])
@pytest.mark.django_db
def test_effort_is_a_number_of_person_days_in_range(world, rm, boss, field, value):
    with pytest.raises(ValidationFailed) as exc:
        actions.update_work_item(boss, rm.build.pk, **{field: value})
    assert error_fields(exc) == [field]


# --- the tree -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_initiative_cannot_have_a_parent(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.create_work_item(boss, title="Sub", kind="initiative", parent=rm.hosting.pk)
    assert error_fields(exc) == ["parent"]


@pytest.mark.django_db
def test_an_item_with_a_parent_cannot_become_an_initiative(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.update_work_item(boss, rm.build.pk, kind="initiative")
    assert error_fields(exc) == ["parent"]


@pytest.mark.django_db
def test_a_milestone_cannot_contain_items(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.create_work_item(boss, title="Inside", parent=rm.milestone.pk)
    assert error_fields(exc) == ["parent"]


@pytest.mark.django_db
def test_an_item_cannot_be_its_own_parent(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.update_work_item(boss, rm.build.pk, parent=rm.build.pk)
    assert error_fields(exc) == ["parent"]


@pytest.mark.django_db
def test_a_parent_loop_is_refused(world, rm, boss):
    # Build ▸ Sub-task ▸ Sub-sub-task; making Build part of Sub-sub-task would close a loop.
    sub = actions.create_work_item(boss, title="Sub-task", parent=rm.build.pk)
    subsub = actions.create_work_item(boss, title="Sub-sub-task", parent=sub.pk)
    with pytest.raises(ValidationFailed) as exc:
        actions.update_work_item(boss, rm.build.pk, parent=subsub.pk)
    assert error_fields(exc) == ["parent"]
    rm.build.refresh_from_db()
    assert rm.build.parent_id == rm.initiative.pk


@pytest.mark.django_db
def test_a_parent_from_another_workspace_is_unknown(world, rm):
    otto = world.actor(world.outsider, world.other_workspace)
    with pytest.raises(ValidationFailed) as exc:
        actions.create_work_item(otto, title="Sneaky", parent=rm.initiative.pk)
    assert error_fields(exc) == ["parent"]


@pytest.mark.django_db
def test_a_part_gets_its_parents_team(world, rm, boss):
    item = actions.create_work_item(boss, title="Sub", parent=rm.hosting.pk)
    assert item.team_id == world.it.pk


# --- who may plan ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_editor_plans_only_for_their_own_teams(world, rm):
    edith = world.actor(world.editor)
    with pytest.raises(PermissionDenied):
        actions.create_work_item(edith, title="IT work", team=world.it.pk)
    with pytest.raises(PermissionDenied):
        actions.update_work_item(edith, rm.wiki.pk, team=world.it.pk)
    with pytest.raises(PermissionDenied):
        actions.update_work_item(edith, rm.hosting.pk, title="Mine now")


@pytest.mark.django_db
def test_a_viewer_plans_nothing(world, rm):
    victor = world.actor(world.viewer)
    with pytest.raises(PermissionDenied):
        actions.create_work_item(victor, title="Idea", team=world.growth.pk)
    with pytest.raises(PermissionDenied):
        actions.save_baseline(victor, name="Mine")


@pytest.mark.django_db
def test_an_outsider_finds_no_item_of_another_workspace(world, rm):
    otto = world.actor(world.outsider, world.other_workspace)
    with pytest.raises(NotFound):
        actions.update_work_item(otto, rm.build.pk, title="Mine")
    with pytest.raises(NotFound):
        actions.delete_work_item(otto, rm.build.pk)


@pytest.mark.django_db
def test_a_stale_version_is_refused(world, rm, boss):
    actions.update_work_item(boss, rm.build.pk, expected_version=1, title="Once")
    with pytest.raises(StaleVersion) as exc:
        actions.update_work_item(boss, rm.build.pk, expected_version=1, title="Twice")
    assert exc.value.current_version == 2
    assert WorkItem.objects.get(pk=rm.build.pk).title == "Once"


@pytest.mark.django_db
def test_every_change_is_audited(world, rm, boss):
    before = AuditEntry.objects.count()
    actions.update_work_item(boss, rm.build.pk, title="Renamed")
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.object_id, entry.after["title"]) == ("update", rm.build.pk, "Renamed")


# --- dependencies ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dependency_loop_is_spelled_out(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.add_dependency(boss, predecessor=rm.build.pk, successor=rm.design.pk)
    assert error_fields(exc) == ["predecessor"]
    assert "Build the checkout → Design the plans page → Build the checkout" in str(
        exc.value.errors[0].message
    )


@pytest.mark.django_db
def test_a_graph_kept_by_the_caller_finds_the_same_loop_and_learns_each_new_dependency(world, rm, boss):
    graph = actions._graph(boss)  # what an import reads once
    with pytest.raises(ValidationFailed) as exc:
        actions.add_dependency(boss, predecessor=rm.build.pk, successor=rm.design.pk, graph=graph)
    assert "Build the checkout → Design the plans page → Build the checkout" in str(
        exc.value.errors[0].message
    )
    dep = actions.add_dependency(boss, predecessor=rm.design.pk, successor=rm.hosting.pk, graph=graph)
    assert {k: sorted(v) for k, v in graph.items()} == {k: sorted(v) for k, v in actions._graph(boss).items()}
    assert rm.hosting.pk in graph[rm.design.pk]
    with pytest.raises(
        ValidationFailed
    ):  # the loop through the dependency just added is seen without a new read
        actions.add_dependency(boss, predecessor=rm.hosting.pk, successor=rm.design.pk, graph=graph)
    assert dep.pk


@pytest.mark.django_db
def test_an_item_cannot_depend_on_itself(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.add_dependency(boss, predecessor=rm.build.pk, successor=rm.build.pk)
    assert error_fields(exc) == ["predecessor"]


@pytest.mark.django_db
def test_a_dependency_belongs_to_its_successors_team(world, rm):
    ivan = world.actor(world.other_team)
    # Ivan may make IT's hosting wait for Growth's wiki, not Growth's build wait for hosting.
    dep = actions.add_dependency(ivan, predecessor=rm.wiki.pk, successor=rm.hosting.pk)
    assert dep.workspace_id == world.workspace.pk
    with pytest.raises(PermissionDenied):
        actions.add_dependency(ivan, predecessor=rm.hosting.pk, successor=rm.build.pk)
    with pytest.raises(PermissionDenied):
        actions.remove_dependency(ivan, rm.dependency.pk)


@pytest.mark.django_db
def test_removing_a_dependency_deletes_only_it(world, rm, boss):
    actions.remove_dependency(boss, rm.dependency.pk)
    assert not Dependency.objects.exists()
    assert WorkItem.objects.filter(pk__in=[rm.design.pk, rm.build.pk]).count() == 2


# --- contributions --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setting_a_link_again_changes_its_weight(world, rm, boss):
    link = actions.set_contribution(boss, rm.initiative.pk, key_result=world.key_result.pk, weight=0.5)
    assert link.pk == rm.contribution.pk
    assert Contribution.objects.get(pk=link.pk).weight == 0.5
    assert Contribution.objects.filter(work_item=rm.initiative).count() == 1


@pytest.mark.django_db
def test_a_link_targets_one_key_result_or_one_objective(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.set_contribution(
            boss, rm.wiki.pk, key_result=world.key_result.pk, objective=world.objective.pk
        )
    assert error_fields(exc) == ["key_result"]


@pytest.mark.django_db
def test_a_link_to_a_team_only_key_result_needs_to_see_it(world, rm):
    ivan = world.actor(world.other_team)
    with pytest.raises(ValidationFailed) as exc:
        actions.set_contribution(ivan, rm.hosting.pk, key_result=world.private_key_result.pk)
    assert error_fields(exc) == ["key_result"]


@pytest.mark.django_db
def test_inherited_links_are_visible_in_the_api(world, rm, client, monkeypatch):
    monkeypatch.setattr("northstar.roadmap.api.today", lambda: dt.date(2026, 11, 25))
    client.force_login(world.viewer)
    items = client.get("/api/v1/work-items", {"key_result": world.key_result.pk}).json()["items"]
    links = {i["title"]: [(link["key_result"], link["inherited"]) for link in i["links"]] for i in items}
    kr = world.key_result.pk
    assert links == {
        "Launch annual plans": [(kr, False)],
        "Design the plans page": [(kr, True)],
        "Build the checkout": [(kr, True)],
        "Annual plans live": [(kr, True)],
    }


@pytest.mark.django_db
def test_an_own_link_replaces_the_inherited_one(world, rm, boss, client):
    actions.set_contribution(boss, rm.build.pk, objective=world.it_objective.pk, weight=3)
    client.force_login(world.viewer)
    build = client.get(f"/api/v1/work-items/{rm.build.pk}").json()
    assert build["links"] == [
        {"key_result": None, "objective": world.it_objective.pk, "weight": 3.0, "inherited": False}
    ]
    served = client.get("/api/v1/work-items", {"key_result": world.key_result.pk}).json()["items"]
    assert rm.build.pk not in {i["id"] for i in served}


@pytest.mark.django_db
def test_removing_a_link_is_refused_to_another_team(world, rm):
    with pytest.raises(PermissionDenied):
        actions.remove_contribution(world.actor(world.other_team), rm.contribution.pk)
    actions.remove_contribution(world.actor(world.editor), rm.contribution.pk)
    assert not Contribution.objects.filter(pk=rm.contribution.pk).exists()


# --- baselines and capacity -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_baseline_saves_every_items_dates(world, rm):
    baseline = actions.save_baseline(world.actor(world.editor), name="  Plan at quarter start  ")
    assert (baseline.name, baseline.created_by_id) == ("Plan at quarter start", world.editor.pk)
    saved = dict(
        (pk, (start, end))
        for pk, start, end in BaselineItem.objects.filter(baseline=baseline).values_list(
            "work_item_id", "start", "end"
        )
    )
    assert len(saved) == 6
    assert saved[rm.build.pk] == (D(2026, 11, 16), D(2027, 1, 31))


@pytest.mark.django_db
def test_a_baseline_keeps_its_dates_and_the_api_shows_the_slip(world, rm, boss, client):
    baseline = actions.save_baseline(boss, name="Before")
    actions.update_work_item(boss, rm.build.pk, start=D(2026, 11, 30), end=D(2027, 2, 14))
    assert BaselineItem.objects.get(baseline=baseline, work_item=rm.build).end == D(2027, 1, 31)
    client.force_login(world.viewer)
    rows = client.get(f"/api/v1/baselines/{baseline.pk}").json()["items"]
    build = next(r for r in rows if r["work_item"] == rm.build.pk)
    assert (build["baseline_end"], build["end"], build["slip_days"]) == ("2027-01-31", "2027-02-14", 14)


@pytest.mark.django_db
def test_an_item_without_dates_has_no_slip(world, rm, boss, client):
    undated = actions.create_work_item(boss, title="Someday", team=world.growth.pk)
    baseline = actions.save_baseline(boss, name="Before")
    client.force_login(world.owner)
    rows = client.get(f"/api/v1/baselines/{baseline.pk}").json()["items"]
    assert next(r for r in rows if r["work_item"] == undated.pk)["slip_days"] is None


@pytest.mark.django_db
def test_a_baseline_needs_a_name(world, rm, boss):
    with pytest.raises(ValidationFailed) as exc:
        actions.save_baseline(boss, name=" ")
    assert error_fields(exc) == ["name"]


@pytest.mark.django_db
def test_capacity_is_set_by_admins_and_changed_in_place(world, rm):
    admin = world.actor(world.admin)
    first = actions.set_capacity(admin, team=world.growth.pk, period=world.quarter.pk, person_days=120)
    again = actions.set_capacity(admin, team=world.growth.pk, period=world.quarter.pk, person_days=100)
    assert (again.pk, again.person_days, again.version) == (first.pk, 100, 2)
    with pytest.raises(PermissionDenied):
        actions.set_capacity(
            world.actor(world.editor), team=world.growth.pk, period=world.quarter.pk, person_days=1
        )


@pytest.mark.django_db
def test_capacity_needs_a_period_of_the_workspace(world, rm):
    otto = world.actor(world.outsider, world.other_workspace)
    bolt_period = okr_actions.create_period(otto, name="Bolt Q", start=D(2027, 1, 1), end=D(2027, 3, 31))
    with pytest.raises(ValidationFailed) as exc:
        actions.set_capacity(
            world.actor(world.admin), team=world.growth.pk, period=bolt_period.pk, person_days=5
        )
    assert error_fields(exc) == ["period"]
