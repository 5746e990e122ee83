"""The whole workspace in one file, and back into a new one: export → restore → export gives the same file."""

import json

import pytest

from northstar.exchange.backup import backup_text, export_backup, restore_backup
from northstar.insights import actions as insight_actions
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import CheckIn, KeyResult, Objective
from northstar.roadmap import actions as roadmap_actions
from northstar.roadmap import scenario_actions
from northstar.workspaces.errors import PermissionDenied, ValidationFailed
from northstar.workspaces.models import AuditEntry, Workspace
from northstar.workspaces.permissions import actor_for

pytestmark = pytest.mark.django_db


def test_the_finvest_workspace_round_trips_to_the_same_file(imported):
    owner = actor_for(imported_owner(imported), imported)
    first = backup_text(owner)
    copy = restore_backup(json.loads(first), owner=owner.user, slug="finvest-copy")
    again = backup_text(actor_for(owner.user, copy.workspace))
    assert again == first
    assert copy.workspace.pk != imported.pk
    assert Objective.objects.filter(workspace=copy.workspace).count() == 3
    assert (
        CheckIn.objects.filter(workspace=copy.workspace).count()
        == CheckIn.objects.filter(workspace=imported).count()
    )


def imported_owner(workspace):
    from northstar.exchange.importer import first_owner

    return first_owner(workspace)


def test_history_scenarios_reviews_and_deleted_objects_survive_the_round_trip(world):
    boss = world.actor(world.owner)
    kr = world.key_result
    okr_actions.do_check_in(boss, kr.pk, value=4, confidence=0.6, comment="first")
    okr_actions.update_key_result(boss, kr.pk, title="Raise annual plans from 0% to 25%", target=25)
    gone = okr_actions.create_objective(
        boss, title="Short-lived", team=world.growth.pk, period=world.quarter.pk
    )
    okr_actions.delete_objective(boss, gone.pk)
    item = roadmap_actions.create_work_item(
        boss, kind="initiative", title="Annual plan page", team=world.growth.pk,
        start=world.quarter.start, end=world.quarter.end, estimate_days=10,
    )  # fmt: skip
    roadmap_actions.set_contribution(boss, item.pk, key_result=kr.pk, weight=2)
    scenario = scenario_actions.create_scenario(boss, name="Faster", period=world.quarter.pk)
    scenario_actions.add_change(boss, scenario.pk, kind="estimate", work_item=item.pk, estimate_days=5)
    insight_actions.create_review(
        boss, period=world.quarter.pk, team=world.growth.pk, as_of=world.quarter.end
    )
    first = backup_text(boss)
    document = json.loads(first)
    assert any(e["object_id"] == {"gone": gone.pk} for e in document["tables"]["workspaces.auditentry"])
    copy = restore_backup(document, owner=world.owner, slug="acme-copy")
    assert backup_text(actor_for(world.owner, copy.workspace)) == first
    restored_kr = KeyResult.objects.get(workspace=copy.workspace, key=kr.key)
    assert (
        restored_kr.target == 25
        and restored_kr.current_value == 4
        and restored_kr.version == kr.__class__.objects.get(pk=kr.pk).version
    )
    entries = AuditEntry.objects.filter(
        workspace=copy.workspace, object_type="keyresult", object_id=restored_kr.pk
    )
    assert entries.filter(action="update").exists()  # the audit log points at the restored rows


def test_the_backup_holds_nothing_of_another_workspace(world):
    text = backup_text(world.actor(world.owner))
    assert "Bolt" not in text and world.outsider.email not in text


@pytest.mark.parametrize("persona", ["editor", "viewer", "other_team"])
def test_only_admins_and_owners_may_take_a_backup(world, persona):
    with pytest.raises(PermissionDenied):
        export_backup(world.actor(getattr(world, persona)))


def test_only_an_owner_in_the_backup_may_restore_it(world):
    document = json.loads(backup_text(world.actor(world.owner)))
    before = Workspace.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        restore_backup(document, owner=world.editor)
    assert refused.value.errors[0].field == "people"
    assert Workspace.objects.count() == before


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(format="something else"),
        lambda d: d.update(version=99),
        lambda d: d["tables"]["okrs.keyresult"][0].update(objective=999),
        lambda d: d["tables"]["okrs.checkin"].append(
            {"key_result": 1, "value": 1, "checked_in_at": "yesterday"}
        ),
        lambda d: d.pop("people"),
    ],
)
def test_a_damaged_backup_is_refused_and_writes_nothing(world, damage):
    boss = world.actor(world.owner)
    okr_actions.do_check_in(boss, world.key_result.pk, value=3)
    document = json.loads(backup_text(boss))
    damage(document)
    before = (Workspace.objects.count(), Objective.objects.count(), KeyResult.objects.count())
    with pytest.raises(ValidationFailed):
        restore_backup(document, owner=world.owner, slug="damaged")
    assert (Workspace.objects.count(), Objective.objects.count(), KeyResult.objects.count()) == before


def test_live_sources_and_posted_values_travel_with_the_backup(world):
    from northstar.integrations import actions as integration_actions
    from northstar.integrations import sources
    from northstar.integrations.models import InboundValue, LiveSource

    editor = world.actor(world.editor)
    sources.set_source(editor, world.key_result.pk, kind="done_count")
    integration_actions.post_value(editor, world.key_result.pk, value=4, idempotency_key="feed-1")
    first = backup_text(world.actor(world.owner))
    copy = restore_backup(json.loads(first), owner=world.owner, slug="with-sources")
    assert backup_text(actor_for(world.owner, copy.workspace)) == first
    assert LiveSource.objects.get(workspace=copy.workspace).kind == "done_count"
    restored = InboundValue.objects.get(workspace=copy.workspace)
    assert restored.check_in.workspace == copy.workspace and restored.idempotency_key == "feed-1"
