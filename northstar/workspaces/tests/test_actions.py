"""Workspace actions: the rules every page, the API and the CLI rely on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from northstar.workspaces import actions as ws_actions
from northstar.workspaces import audit
from northstar.workspaces.errors import NotFound, PermissionDenied, StaleVersion, ValidationFailed
from northstar.workspaces.models import ApiToken, AuditEntry, Invitation, Membership, TeamMember, hash_token

pytestmark = pytest.mark.django_db


def membership(world, user):
    return Membership.objects.get(workspace=world.workspace, user=user)


# --- roles -----------------------------------------------------------------------------------------------------


def test_last_owner_cannot_be_demoted(world):
    with pytest.raises(ValidationFailed) as exc:
        ws_actions.change_role(world.actor(world.owner), membership(world, world.owner).pk, "admin")
    assert "owner" in exc.value.as_dict()["role"][0]


def test_an_owner_can_step_down_when_there_is_another(world):
    boss = world.actor(world.owner)
    ws_actions.change_role(boss, membership(world, world.admin).pk, "owner")
    ws_actions.change_role(boss, membership(world, world.owner).pk, "admin")
    assert membership(world, world.owner).role == "admin"


def test_only_owners_make_owners(world):
    with pytest.raises(PermissionDenied):
        ws_actions.change_role(world.actor(world.admin), membership(world, world.editor).pk, "owner")


def test_admin_cannot_demote_an_owner(world):
    with pytest.raises(PermissionDenied):
        ws_actions.change_role(world.actor(world.admin), membership(world, world.owner).pk, "viewer")


def test_viewer_cannot_change_roles(world):
    with pytest.raises(PermissionDenied):
        ws_actions.change_role(world.actor(world.viewer), membership(world, world.editor).pk, "viewer")


def test_outsider_cannot_reach_another_workspaces_members(world):
    with pytest.raises(NotFound):
        ws_actions.change_role(world.actor(world.outsider), membership(world, world.editor).pk, "viewer")


def test_role_change_is_audited(world):
    target = membership(world, world.editor)
    ws_actions.change_role(world.actor(world.admin), target.pk, "viewer")
    entry = AuditEntry.objects.get(object_type="membership", object_id=target.pk, action="update")
    assert (entry.actor, entry.before, entry.after) == (world.admin, {"role": "editor"}, {"role": "viewer"})


def test_last_owner_cannot_be_removed(world):
    with pytest.raises(ValidationFailed):
        ws_actions.remove_member(world.actor(world.owner), membership(world, world.owner).pk)


def test_removing_a_member_also_removes_their_team_places(world):
    target = membership(world, world.editor)
    ws_actions.remove_member(world.actor(world.admin), target.pk)
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert not TeamMember.objects.filter(workspace=world.workspace, user=world.editor).exists()
    assert AuditEntry.objects.filter(object_type="membership", object_id=target.pk, action="delete").exists()


# --- invitations -----------------------------------------------------------------------------------------------


def test_invite_sends_one_email_with_the_link(world):
    invitation = ws_actions.invite_member(
        world.actor(world.admin), email="Nina@New.example", role="editor", base_url="https://okr.example"
    )
    assert invitation.email == "nina@new.example"
    assert len(mail.outbox) == 1
    assert f"https://okr.example/invitations/{invitation.token}/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(
        object_type="invitation", object_id=invitation.pk, action="invite"
    ).exists()


def test_admins_cannot_invite_owners(world):
    with pytest.raises(ValidationFailed):
        ws_actions.invite_member(world.actor(world.admin), email="boss@new.example", role="owner")
    assert len(mail.outbox) == 0


def test_accepting_creates_the_membership_once(world):
    invitation = ws_actions.invite_member(world.actor(world.admin), email="nina@new.example", role="viewer")
    created = ws_actions.accept_invitation(
        invitation.token, user=None, name="Nina", password="a-long-passphrase-1"
    )
    assert (created.workspace, created.role, created.user.name) == (world.workspace, "viewer", "Nina")
    with pytest.raises(ValidationFailed):
        ws_actions.accept_invitation(
            invitation.token, user=None, name="Again", password="a-long-passphrase-1"
        )


def test_an_expired_invitation_cannot_be_accepted(world):
    invitation = ws_actions.invite_member(world.actor(world.admin), email="late@new.example", role="viewer")
    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - dt.timedelta(days=15))
    with pytest.raises(ValidationFailed) as exc:
        ws_actions.accept_invitation(invitation.token, user=None, name="Late", password="a-long-passphrase-1")
    assert "token" in exc.value.as_dict()


# --- teams -----------------------------------------------------------------------------------------------------


def test_team_cannot_move_under_its_own_sub_team(world):
    with pytest.raises(ValidationFailed) as exc:
        ws_actions.update_team(world.actor(world.admin), world.company.pk, parent=world.growth.pk)
    assert "sub-teams" in exc.value.as_dict()["parent"][0]


def test_team_edit_with_a_stale_version_is_refused(world):
    with pytest.raises(StaleVersion):
        ws_actions.update_team(world.actor(world.admin), world.it.pk, expected_version=0, name="Platform")


def test_team_members_must_be_workspace_members(world):
    with pytest.raises(ValidationFailed):
        ws_actions.set_team_members(world.actor(world.admin), world.it.pk, [world.outsider.pk])


def test_team_writes_are_audited_and_in_the_history(world):
    actor = world.actor(world.admin)
    ws_actions.update_team(actor, world.it.pk, name="Platform")
    ws_actions.set_team_members(actor, world.it.pk, [world.other_team.pk, world.viewer.pk])
    actions = [e.action for e in audit.history(actor, "team", world.it.pk)]
    assert actions == ["update", "update", "create"]


# --- API tokens ------------------------------------------------------------------------------------------------


def test_token_is_stored_hashed(world):
    token, raw = ws_actions.create_api_token(world.actor(world.editor), name="Script")
    assert raw.startswith("ns_") and token.prefix == raw[:10]
    assert token.token_hash == hash_token(raw)
    assert raw not in str(list(ApiToken.objects.values_list()))
    assert ws_actions.authenticate_token(raw)[0] == world.editor


def test_a_revoked_token_no_longer_works(world):
    actor = world.actor(world.editor)
    token, raw = ws_actions.create_api_token(actor, name="Script")
    ws_actions.revoke_api_token(actor, token.pk)
    assert ws_actions.authenticate_token(raw) is None
    assert AuditEntry.objects.filter(object_type="apitoken", object_id=token.pk, action="revoke").exists()


def test_language_must_be_offered(world):
    with pytest.raises(ValidationFailed):
        ws_actions.set_language(world.editor, "xx")
    assert ws_actions.set_language(world.editor, "sv").language == "sv"


def test_an_invitation_to_an_existing_account_needs_that_account_signed_in(world):
    from northstar.workspaces.actions import accept_invitation, invite_member
    from northstar.workspaces.models import Membership

    invitation = invite_member(world.actor(world.owner), email=world.outsider.email, role="viewer")
    with pytest.raises(ValidationFailed) as exc:
        accept_invitation(invitation.token, user=None, name="Mallory", password="a-new-password-123")
    assert exc.value.errors[0].field == "email"
    assert not Membership.objects.filter(workspace=world.workspace, user=world.outsider).exists()
    world.outsider.refresh_from_db()
    assert world.outsider.check_password("a-new-password-123") is False
    accept_invitation(invitation.token, user=world.outsider)
    assert Membership.objects.filter(workspace=world.workspace, user=world.outsider, role="viewer").exists()
