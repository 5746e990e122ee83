import datetime as dt

import pytest
from django.utils import timezone

from northstar.okrs import actions
from northstar.okrs.models import Alignment, CheckIn, KeyResult, Objective
from northstar.workspaces.errors import PermissionDenied, StaleVersion, ValidationFailed
from northstar.workspaces.models import AuditEntry
from northstar.workspaces.permissions import NotFound

pytestmark = pytest.mark.django_db


def fields_of(exc: ValidationFailed) -> set[str]:
    return {e.field for e in exc.errors}


@pytest.mark.parametrize(
    ("kind", "values", "field"),
    [
        ("increase", {"start": 5, "target": 5}, "target"),
        ("increase", {"start": 10, "target": 5}, "target"),
        ("decrease", {"start": 2, "target": 3}, "target"),
        ("range", {"low": 10, "high": 5}, "low"),
        ("increase", {"start": None, "target": 5}, "start"),
    ],
)
def test_it_refuses_invalid_key_result_definitions(world, kind, values, field):
    owner = world.actor(world.owner)
    before = KeyResult.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        actions.create_key_result(owner, world.objective.pk, title="Bad one", kind=kind, **values)
    assert field in fields_of(exc.value)
    assert KeyResult.objects.count() == before


def test_swedish_message_names_the_problem(world):
    from django.utils import translation

    with pytest.raises(ValidationFailed) as exc:
        actions.create_key_result(world.actor(world.owner), world.objective.pk, title="X", start=1, target=1)
    message = exc.value.errors[0].message  # lazy: rendered in the reader's language
    with translation.override("sv"):
        swedish = str(message)
    with translation.override("en"):
        english = str(message)
    assert swedish != english and "målvärdet" in swedish.lower()


def test_check_in_updates_latest_value_and_history(world):
    editor = world.actor(world.editor)
    kr = world.key_result
    actions.do_check_in(
        editor, kr.pk, value=4, confidence=0.6, checked_in_at=timezone.now() - dt.timedelta(days=3)
    )
    actions.do_check_in(editor, kr.pk, value=7, confidence=0.8, comment="Campaign")
    actions.do_check_in(editor, kr.pk, value=2, checked_in_at=timezone.now() - dt.timedelta(days=10))
    kr.refresh_from_db()
    # The latest by date wins, not the latest entered.
    assert kr.current_value == 7 and kr.current_confidence == 0.8
    assert CheckIn.objects.filter(key_result=kr).count() == 3
    assert AuditEntry.objects.filter(action="check_in", objective_ref=world.objective.pk).count() == 3


def test_it_rejects_stale_version(world):
    owner = world.actor(world.owner)
    objective = Objective.objects.get(pk=world.objective.pk)
    actions.update_objective(owner, objective.pk, expected_version=objective.version, title="First edit")
    with pytest.raises(StaleVersion):
        actions.update_objective(owner, objective.pk, expected_version=objective.version, title="Second edit")
    assert Objective.objects.get(pk=objective.pk).title == "First edit"


def test_alignment_cycle_is_refused_and_spelled_out(world):
    owner = world.actor(world.owner)
    # it_objective already aligns to objective; making objective align to it_objective closes a loop.
    with pytest.raises(ValidationFailed) as exc:
        actions.update_objective(owner, world.objective.pk, parents=[world.it_objective.pk])
    message = str(exc.value.errors[0].message)
    assert exc.value.errors[0].field == "parents"
    assert world.objective.title in message and world.it_objective.title in message and "→" in message
    assert not Alignment.objects.filter(child=world.objective).exists()


def test_viewer_cannot_write_and_outsider_cannot_see(world):
    with pytest.raises(PermissionDenied):
        actions.do_check_in(world.actor(world.viewer), world.key_result.pk, value=3)
    with pytest.raises(NotFound):
        actions.do_check_in(world.actor(world.outsider, world.other_workspace), world.key_result.pk, value=3)
    with pytest.raises(NotFound):
        actions.update_objective(world.actor(world.other_team), world.private_objective.pk, title="Mine now")


def test_editor_changes_own_team_but_not_another(world):
    editor = world.actor(world.editor)
    actions.update_objective(editor, world.objective.pk, title="Grow revenue faster")
    with pytest.raises(PermissionDenied):
        actions.update_objective(editor, world.it_objective.pk, title="Not my team")
    with pytest.raises(PermissionDenied):
        actions.create_objective(editor, title="For IT", team=world.it.pk)


def test_kr_owner_in_another_team_may_check_in(world):
    owner = world.actor(world.owner)
    kr = actions.create_key_result(
        owner, world.objective.pk, title="Uptime for revenue", start=1, target=2, owner=world.other_team.pk
    )
    actions.do_check_in(world.actor(world.other_team), kr.pk, value=1.5)
    with pytest.raises(PermissionDenied):
        actions.update_objective(world.actor(world.other_team), world.objective.pk, title="Nope")


def test_closed_period_is_admin_only_and_audited(world):
    owner = world.actor(world.owner)
    from northstar.okrs.actions import update_period

    update_period(owner, world.period.pk, closed=True)
    with pytest.raises(PermissionDenied):
        actions.do_check_in(world.actor(world.editor), world.key_result.pk, value=3)
    actions.do_check_in(world.actor(world.admin), world.key_result.pk, value=3)
    assert AuditEntry.objects.filter(action="check_in", actor=world.admin).exists()


def test_update_is_audited_with_before_and_after(world):
    owner = world.actor(world.owner)
    actions.update_key_result(owner, world.key_result.pk, target=25)
    entry = AuditEntry.objects.filter(
        object_type="keyresult", object_id=world.key_result.pk, action="update"
    ).get()
    assert entry.before == {"target": 20.0} and entry.after == {"target": 25}
    assert entry.actor == world.owner


def test_check_in_rejects_bad_confidence_and_boolean_values(world):
    owner = world.actor(world.owner)
    with pytest.raises(ValidationFailed) as exc:
        actions.do_check_in(owner, world.key_result.pk, value=3, confidence=1.5)
    assert fields_of(exc.value) == {"confidence"}
    done = actions.create_key_result(owner, world.objective.pk, title="Launched", kind="boolean")
    with pytest.raises(ValidationFailed):
        actions.do_check_in(owner, done.pk, value=0.5)
    actions.do_check_in(owner, done.pk, value=1)
