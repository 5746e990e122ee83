"""The account and workspace-administration pages, persona by persona."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from northstar.testing import PASSWORD, World, make_user
from northstar.workspaces import actions as ws_actions
from northstar.workspaces.middleware import SESSION_WORKSPACE
from northstar.workspaces.models import ApiToken, AuditEntry, Invitation, Membership, Team, User, hash_token

pytestmark = pytest.mark.django_db

MEMBERS = ["owner", "admin", "editor", "viewer", "other_team"]
A_NAMES = ["Acme", "Edith Editor", "Growth", "adam@acme.example"]
B_NAMES = ["Bolt", "Otto Outsider", "otto@bolt.example"]

LIST_PAGES = ["members", "teams", "tokens", "password-change"]


def membership(world: World, user: User) -> Membership:
    return Membership.objects.get(workspace=world.workspace, user=user)


def htmx(client, url, data):
    return client.post(url, data, HTTP_HX_REQUEST="true")


# --- every page, every persona -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", [*LIST_PAGES, "workspace-settings"])
def test_anonymous_is_sent_to_sign_in(client, world, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert f"next={url}" in response["Location"]


@pytest.mark.parametrize("persona", MEMBERS)
@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_members_see_the_page_and_nothing_of_the_other_workspace(login, world, persona, url_name):
    response = login(world.persona(persona)).get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    for name in B_NAMES:
        assert name not in html


@pytest.mark.parametrize("url_name", [*LIST_PAGES, "workspace-settings"])
def test_outsider_sees_only_their_own_workspace(login, world, url_name):
    response = login(world.outsider).get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    for name in A_NAMES:
        assert name not in html


@pytest.mark.parametrize("persona", ["owner", "admin"])
def test_admins_see_settings(login, world, persona):
    response = login(world.persona(persona)).get(reverse("workspace-settings"))
    assert response.status_code == 200
    assert 'value="Acme"' in response.content.decode()


@pytest.mark.parametrize("persona", ["editor", "viewer", "other_team"])
def test_non_admins_cannot_open_settings(login, world, persona):
    response = login(world.persona(persona)).get(reverse("workspace-settings"))
    assert response.status_code == 403
    assert "You cannot do this here" in response.content.decode()


@pytest.mark.parametrize("persona", MEMBERS)
def test_members_see_a_team_page_with_its_history(login, world, persona):
    response = login(world.persona(persona)).get(reverse("team", args=[world.growth.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Growth" in html and "History" in html and "created this" in html
    assert "Otto Outsider" not in html


def test_outsider_gets_404_for_another_workspaces_team(login, world):
    assert login(world.outsider).get(reverse("team", args=[world.growth.pk])).status_code == 404


def test_anonymous_is_sent_to_sign_in_from_a_team_page(client, world):
    response = client.get(reverse("team", args=[world.growth.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_person_without_workspace_sees_a_page_saying_so(login, db):
    lonely = make_user("lonely@example.com", "Lone Ranger")
    response = login(lonely).get(reverse("members"))
    assert response.status_code == 200
    assert "You are not in a workspace yet" in response.content.decode()


def test_viewer_sees_roles_but_no_controls(login, world):
    html = login(world.viewer).get(reverse("members")).content.decode()
    assert "Edith Editor" in html and "Editor" in html
    assert reverse("member-role", args=[membership(world, world.editor).pk]) not in html
    assert reverse("member-invite") not in html


# --- signing in and out, password ------------------------------------------------------------------------------


def test_sign_in_with_email_and_password(client, world):
    form = client.get(reverse("login"))
    assert form.status_code == 200 and 'type="email"' in form.content.decode()
    response = client.post(reverse("login"), {"username": world.editor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_sign_in_with_a_wrong_password_shows_an_error(client, world):
    response = client.post(reverse("login"), {"username": world.editor.email, "password": "nope"})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post(login, world):
    client = login(world.editor)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_says_so_and_the_new_password_works(login, client, world):
    new = "a-much-better-passphrase-2027"
    response = login(world.editor).post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert response.status_code == 200
    assert "Your password was changed." in response.content.decode()
    client.logout()
    assert client.login(email=world.editor.email, password=new)


def test_password_change_errors_are_linked_to_their_field(login, world):
    response = login(world.editor).post(
        reverse("password-change"), {"old_password": "wrong", "new_password1": "x", "new_password2": "x"}
    )
    html = response.content.decode()
    assert 'aria-describedby="id_old_password_error"' in html
    assert 'id="id_old_password_error"' in html


# --- language and workspace switch ----------------------------------------------------------------------------


def test_language_switch_persists_on_the_user_and_the_next_page_is_in_swedish(login, world):
    client = login(world.editor)
    response = client.post(reverse("language"), {"language": "sv", "next": reverse("members")})
    assert response.status_code == 302
    assert response["Location"] == reverse("members")
    world.editor.refresh_from_db()
    assert world.editor.language == "sv"
    assert '<html lang="sv">' in client.get(reverse("members")).content.decode()


def test_language_switch_works_before_signing_in(client, db):
    response = client.post(reverse("language"), {"language": "sv", "next": reverse("login")})
    assert response.cookies["django_language"].value == "sv"
    assert '<html lang="sv">' in client.get(reverse("login")).content.decode()


def test_language_switch_ignores_a_foreign_next(login, world):
    response = login(world.editor).post(
        reverse("language"), {"language": "sv", "next": "https://evil.example/phish"}
    )
    assert response["Location"] == reverse("dashboard")


def test_language_switch_rejects_an_unknown_language(login, world):
    login(world.editor).post(reverse("language"), {"language": "xx", "next": "/"})
    world.editor.refresh_from_db()
    assert world.editor.language == ""


def test_workspace_switch_goes_to_a_workspace_i_am_in(login, world):
    ws_actions.add_member(None, world.other_workspace, world.editor, "viewer")
    client = login(world.editor)
    response = client.post(reverse("workspace-switch"), {"workspace": world.other_workspace.pk})
    assert response.status_code == 302
    assert client.session[SESSION_WORKSPACE] == world.other_workspace.pk
    html = client.get(reverse("members")).content.decode()
    assert "Otto Outsider" in html and "Olivia Owner" not in html


def test_workspace_switch_refuses_a_workspace_i_am_not_in(login, world):
    client = login(world.editor)
    client.get(reverse("members"))
    response = client.post(reverse("workspace-switch"), {"workspace": world.other_workspace.pk})
    assert response.status_code == 404
    assert client.session[SESSION_WORKSPACE] == world.workspace.pk


# --- settings --------------------------------------------------------------------------------------------------


def test_admin_changes_settings_and_it_is_audited(login, world):
    response = login(world.admin).post(
        reverse("workspace-settings"),
        {
            "name": "Acme Corp",
            "check_in_cadence_days": 7,
            "rollup_includes_aligned": "on",
            "orphan_percent": 20,
            "language": "sv",
        },
    )
    assert response.status_code == 302
    world.workspace.refresh_from_db()
    assert (world.workspace.name, world.workspace.check_in_cadence_days) == ("Acme Corp", 7)
    assert world.workspace.orphan_threshold == 0.2
    assert world.workspace.rollup_includes_aligned is True
    assert AuditEntry.objects.filter(object_type="workspace", action="update", actor=world.admin).exists()


def test_settings_show_field_errors_inline(login, world):
    response = login(world.admin).post(
        reverse("workspace-settings"), {"name": "", "check_in_cadence_days": 0, "language": "en"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name_error"' in html and 'id="id_check_in_cadence_days_error"' in html
    assert 'aria-describedby="id_check_in_cadence_days_helptext id_check_in_cadence_days_error"' in html


def test_viewer_cannot_change_settings(login, world):
    response = login(world.viewer).post(
        reverse("workspace-settings"), {"name": "Hacked", "check_in_cadence_days": 7, "language": "en"}
    )
    assert response.status_code == 403
    world.workspace.refresh_from_db()
    assert world.workspace.name == "Acme"


# --- members, roles, invitations -------------------------------------------------------------------------------


def test_viewer_cannot_change_roles(login, world):
    target = membership(world, world.editor)
    response = login(world.viewer).post(reverse("member-role", args=[target.pk]), {"role": "admin"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == "editor"


def test_admin_changes_a_role_and_htmx_gets_the_row(login, world):
    target = membership(world, world.editor)
    response = htmx(login(world.admin), reverse("member-role", args=[target.pk]), {"role": "viewer"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="member-{target.pk}"') and "<html" not in html
    assert '<option value="viewer" selected>' in html
    target.refresh_from_db()
    assert target.role == "viewer"
    entry = AuditEntry.objects.get(object_type="membership", object_id=target.pk, action="update")
    assert (entry.before, entry.after) == ({"role": "editor"}, {"role": "viewer"})


def test_role_change_without_htmx_redirects_with_a_message(login, world):
    target = membership(world, world.viewer)
    response = login(world.admin).post(
        reverse("member-role", args=[target.pk]), {"role": "editor"}, follow=True
    )
    assert "Role changed." in response.content.decode()


def test_only_owners_make_owners(login, world):
    target = membership(world, world.editor)
    response = login(world.admin).post(reverse("member-role", args=[target.pk]), {"role": "owner"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.role == "editor"
    assert '<option value="owner"' not in login(world.admin).get(reverse("members")).content.decode()


def test_owner_can_make_an_owner(login, world):
    target = membership(world, world.admin)
    login(world.owner).post(reverse("member-role", args=[target.pk]), {"role": "owner"})
    target.refresh_from_db()
    assert target.role == "owner"


def test_last_owner_cannot_be_demoted(login, world):
    mine = membership(world, world.owner)
    response = htmx(login(world.owner), reverse("member-role", args=[mine.pk]), {"role": "admin"})
    assert "A workspace needs at least one owner." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    mine.refresh_from_db()
    assert mine.role == "owner"


def test_last_owner_cannot_be_removed(login, world):
    mine = membership(world, world.owner)
    response = login(world.owner).post(reverse("member-remove", args=[mine.pk]), follow=True)
    assert "A workspace needs at least one owner." in response.content.decode()
    assert Membership.objects.filter(pk=mine.pk).exists()


def test_admin_cannot_remove_an_owner(login, world):
    owner = membership(world, world.owner)
    assert login(world.admin).post(reverse("member-remove", args=[owner.pk])).status_code == 403
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_admin_removes_a_member_with_a_confirmation_prompt(login, world):
    client = login(world.admin)
    target = membership(world, world.viewer)
    assert "data-confirm=" in client.get(reverse("members")).content.decode()
    response = client.post(reverse("member-remove", args=[target.pk]), follow=True)
    assert "Victor Viewer was removed from the workspace." in response.content.decode()
    assert not Membership.objects.filter(pk=target.pk).exists()
    assert AuditEntry.objects.filter(object_type="membership", object_id=target.pk, action="delete").exists()


def test_outsider_cannot_touch_members_of_another_workspace(login, world):
    target = membership(world, world.editor)
    assert (
        login(world.outsider).post(reverse("member-role", args=[target.pk]), {"role": "viewer"}).status_code
        == 404
    )
    assert login(world.outsider).post(reverse("member-remove", args=[target.pk])).status_code == 404


def _accept_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/invitations/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_invite_sends_one_email_whose_link_creates_the_membership(login, client, world):
    response = login(world.admin).post(
        reverse("member-invite"), {"email": "nina@new.example", "role": "editor"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nina@new.example"]
    link = _accept_link(mail.outbox[0])
    assert "nina@new.example" in client.get(reverse("members")).content.decode()  # listed as pending

    client.logout()
    invitation_page = client.get(link)
    assert invitation_page.status_code == 200 and "Join Acme" in invitation_page.content.decode()
    response = client.post(link, {"name": "Nina New", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    nina = User.objects.get(email="nina@new.example")
    assert nina.name == "Nina New" and nina.check_password(PASSWORD)
    assert Membership.objects.get(workspace=world.workspace, user=nina).role == "editor"
    assert client.get(reverse("members")).status_code == 200  # signed in and in the workspace
    assert client.get(link).status_code == 404  # used once


def test_an_existing_user_signs_in_on_the_invitation_page(client, login, world):
    login(world.admin).post(reverse("member-invite"), {"email": world.outsider.email, "role": "viewer"})
    link = _accept_link(mail.outbox[0])
    client.logout()
    assert "Enter your password" in client.get(link).content.decode()
    bad = client.post(link, {"password": "wrong"})
    assert "That password is not right." in bad.content.decode()
    response = client.post(link, {"password": PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.get(workspace=world.workspace, user=world.outsider).role == "viewer"
    assert client.session[SESSION_WORKSPACE] == world.workspace.pk


def test_a_signed_in_invitee_accepts_with_one_click(login, world):
    ws_actions.invite_member(world.actor(world.admin), email=world.outsider.email, role="viewer")
    token = Invitation.objects.get(email=world.outsider.email).token
    response = login(world.outsider).post(reverse("invitation-accept", args=[token]))
    assert response.status_code == 302
    assert Membership.objects.filter(workspace=world.workspace, user=world.outsider).exists()


def test_an_invitation_for_someone_else_is_refused(login, world):
    ws_actions.invite_member(world.actor(world.admin), email="someone@new.example", role="viewer")
    token = Invitation.objects.get(email="someone@new.example").token
    response = login(world.outsider).post(reverse("invitation-accept", args=[token]))
    assert response.status_code == 403
    assert "sent to someone@new.example" in response.content.decode()
    assert not Membership.objects.filter(workspace=world.workspace, user=world.outsider).exists()


def test_an_unknown_invitation_says_so(client, db):
    response = client.get(reverse("invitation-accept", args=["nope"]))
    assert response.status_code == 404
    assert "This invitation is no longer valid" in response.content.decode()


def test_an_expired_invitation_says_so(client, world):
    import datetime as dt

    from django.utils import timezone

    ws_actions.invite_member(world.actor(world.admin), email="late@new.example", role="viewer")
    invitation = Invitation.objects.get(email="late@new.example")
    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() - dt.timedelta(days=15))
    link = reverse("invitation-accept", args=[invitation.token])
    assert "no longer valid" in client.get(link).content.decode()
    response = client.post(link, {"name": "Late", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 404
    assert not User.objects.filter(email="late@new.example").exists()


def test_invite_errors_show_inline(login, world):
    response = login(world.admin).post(
        reverse("member-invite"), {"email": world.editor.email, "role": "editor"}
    )
    assert response.status_code == 200
    assert "This person is already a member." in response.content.decode()
    assert len(mail.outbox) == 0


def test_editor_cannot_invite(login, world):
    response = login(world.editor).post(
        reverse("member-invite"), {"email": "x@new.example", "role": "viewer"}
    )
    assert response.status_code == 403
    assert len(mail.outbox) == 0


# --- teams -----------------------------------------------------------------------------------------------------


def test_teams_page_shows_the_tree_indented(login, world):
    html = login(world.viewer).get(reverse("teams")).content.decode()
    acme, growth = html.index(">Acme</a>"), html.index(">Growth</a>")
    assert acme < growth
    assert 'class="tree-row tree-indent-1"' in html
    assert "Edith Editor" in html


def test_admin_creates_a_team_under_another(login, world):
    response = login(world.admin).post(
        reverse("team-create"), {"name": "Payments", "parent": world.growth.pk}
    )
    assert response.status_code == 302
    team = Team.objects.get(workspace=world.workspace, name="Payments")
    assert team.parent == world.growth
    html = login(world.admin).get(reverse("teams")).content.decode()
    assert 'class="tree-row tree-indent-2"' in html


def test_viewer_cannot_create_a_team(login, world):
    assert login(world.viewer).post(reverse("team-create"), {"name": "Rogue"}).status_code == 403
    assert not Team.objects.filter(name="Rogue").exists()


def test_team_reparent_cycle_is_rejected_with_a_message(login, world):
    response = login(world.admin).post(
        reverse("team", args=[world.company.pk]),
        {"name": "Acme", "parent": world.growth.pk, "version": world.company.version},
    )
    assert response.status_code == 200
    assert "A team cannot sit under itself or one of its own sub-teams." in response.content.decode()
    world.company.refresh_from_db()
    assert world.company.parent is None


def test_team_rename_shows_in_its_history(login, world):
    client = login(world.admin)
    response = client.post(
        reverse("team", args=[world.it.pk]),
        {"name": "Platform", "parent": world.company.pk, "version": world.it.version},
    )
    assert response.status_code == 302
    html = client.get(reverse("team", args=[world.it.pk])).content.decode()
    assert "changed" in html and "IT" in html and "Platform" in html
    assert AuditEntry.objects.filter(object_type="team", object_id=world.it.pk, action="update").exists()


def test_team_edit_with_a_stale_version_is_refused(login, world):
    response = login(world.admin).post(
        reverse("team", args=[world.it.pk]), {"name": "Platform", "parent": world.company.pk, "version": 0}
    )
    assert "changed by someone else" in response.content.decode()


def test_admin_sets_team_members(login, world):
    response = login(world.admin).post(
        reverse("team-members", args=[world.it.pk]), {"members": [world.other_team.pk, world.viewer.pk]}
    )
    assert response.status_code == 302
    assert set(world.it.memberships.values_list("user_id", flat=True)) == {
        world.other_team.pk,
        world.viewer.pk,
    }


def test_team_members_must_be_workspace_members(login, world):
    response = login(world.admin).post(
        reverse("team-members", args=[world.it.pk]), {"members": [world.outsider.pk]}
    )
    assert response.status_code == 200
    assert 'id="id_members_error"' in response.content.decode()


def test_team_with_sub_teams_cannot_be_deleted(login, world):
    response = login(world.admin).post(reverse("team-delete", args=[world.company.pk]))
    assert "still has sub-teams" in response.content.decode()
    assert Team.objects.filter(pk=world.company.pk).exists()


def test_admin_deletes_an_empty_team(login, world):
    empty = ws_actions.create_team(world.actor(world.admin), name="Empty", parent=world.company.pk)
    assert login(world.admin).post(reverse("team-delete", args=[empty.pk])).status_code == 302
    assert not Team.objects.filter(pk=empty.pk).exists()


def test_viewer_cannot_edit_a_team(login, world):
    response = login(world.viewer).post(reverse("team", args=[world.it.pk]), {"name": "Hacked", "version": 1})
    assert response.status_code == 403


# --- API tokens ------------------------------------------------------------------------------------------------


def test_token_secret_is_shown_once_and_stored_hashed(login, world):
    client = login(world.editor)
    response = client.post(reverse("tokens"), {"name": "Nightly push", "expires_in_days": 30})
    html = response.content.decode()
    secret = re.search(r'value="(ns_[^"]+)" readonly', html).group(1)
    token = ApiToken.objects.get(user=world.editor, name="Nightly push")
    assert token.token_hash == hash_token(secret)
    assert secret not in str(list(ApiToken.objects.values_list()))
    assert response["Cache-Control"] == "no-store"
    again = client.get(reverse("tokens")).content.decode()
    assert secret not in again and "Nightly push" in again and token.prefix in again
    assert AuditEntry.objects.filter(object_type="apitoken", object_id=token.pk, action="create").exists()


def test_viewer_tokens_are_read_only(login, world):
    login(world.viewer).post(reverse("tokens"), {"name": "Report", "expires_in_days": 30})
    assert ApiToken.objects.get(user=world.viewer).read_only is True


def test_token_form_errors_show_inline(login, world):
    response = login(world.editor).post(reverse("tokens"), {"name": "", "expires_in_days": 999})
    html = response.content.decode()
    assert 'id="id_name_error"' in html and 'id="id_expires_in_days_error"' in html
    assert not ApiToken.objects.exists()


def test_tokens_page_lists_only_my_tokens(login, world):
    ws_actions.create_api_token(world.actor(world.editor), name="Edith's script")
    html = login(world.admin).get(reverse("tokens")).content.decode()
    assert "Edith&#x27;s script" not in html and "Edith's script" not in html


def test_token_revoke(login, world):
    token, _raw = ws_actions.create_api_token(world.actor(world.editor), name="Old script")
    response = login(world.editor).post(reverse("token-revoke", args=[token.pk]), follow=True)
    assert "Revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_someone_elses_token(login, world):
    token, _raw = ws_actions.create_api_token(world.actor(world.editor), name="Mine")
    assert login(world.viewer).post(reverse("token-revoke", args=[token.pk])).status_code == 404
    assert login(world.admin).post(reverse("token-revoke", args=[token.pk])).status_code == 403
    assert login(world.outsider).post(reverse("token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- query counts ----------------------------------------------------------------------------------------------


def _add_people(world: World, n: int, start: int) -> None:
    boss = world.actor(world.owner)
    for i in range(start, start + n):
        person = make_user(f"person{i}@acme.example", f"Person {i}")
        team = ws_actions.create_team(boss, name=f"Team {i}", parent=world.growth.pk)
        ws_actions.add_member(boss, world.workspace, person, "editor", [team, world.it])


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["members", "teams"])
def test_query_count_does_not_grow_with_members_and_teams(login, world, url_name):
    client = login(world.admin)
    client.get(reverse(url_name))  # the first request also stores the current workspace in the session
    _add_people(world, 3, 0)
    few = _queries(client, reverse(url_name))
    _add_people(world, 6, 100)
    many = _queries(client, reverse(url_name))
    assert many == few


def test_the_members_page_lists_a_page_of_members_by_name(login, world, monkeypatch):
    from northstar.workspaces import views

    monkeypatch.setattr(views, "MEMBERS_PAGE_SIZE", 3)
    _add_people(world, 4, 0)
    client = login(world.admin)
    every = list(
        Membership.objects.filter(workspace=world.workspace)
        .order_by("user__name", "user__email")
        .values_list("pk", flat=True)
    )
    pages = (len(every) + 2) // 3
    shown = []
    for number in range(1, pages + 1):
        html = client.get(reverse("members"), {"page": number}).content.decode()
        shown += [int(pk) for pk in re.findall(r'<tr id="member-(\d+)"', html)]
        assert f"Page {number} of {pages}" in html
    assert shown == every and pages > 1


def test_the_teams_page_lists_the_team_tree_a_page_at_a_time_with_each_teams_members(
    login, world, monkeypatch
):
    from northstar.workspaces import views
    from northstar.workspaces.queries import build_tree

    monkeypatch.setattr(views, "TEAMS_PAGE_SIZE", 2)
    admin = world.actor(world.admin)
    for name in ("Alpha", "Beta", "Gamma"):
        ws_actions.create_team(admin, name=name, parent=world.growth.pk)
    client = login(world.admin)
    in_tree_order = [
        row.obj.pk for row in build_tree(Team.objects.filter(workspace=world.workspace).order_by("name"))
    ]
    pages = (len(in_tree_order) + 1) // 2
    shown = []
    client.get(reverse("teams"))  # what a first request reads once (the session, the workspace)
    for number in range(1, pages + 1):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("teams"), {"page": number}).content.decode()
        shown += [
            int(pk) for pk in re.findall(r'<a href="/settings/teams/(\d+)/">', html.split("</table>")[0])
        ]
        assert f"Page {number} of {pages}" in html and f"{len(in_tree_order)} teams" in html
        if number == 1:
            first = len(queries)
        assert len(queries) == first  # members are read for the page's teams in one query
    assert shown == in_tree_order and pages > 1
    growth_page = in_tree_order.index(world.growth.pk) // 2 + 1
    html = client.get(reverse("teams"), {"page": growth_page}).content.decode()
    row = html[html.index(f'<a href="/settings/teams/{world.growth.pk}/">') :].split("</tr>")[0]
    for member in world.growth.members.all():
        assert member.display_name in row


def test_a_teams_page_lists_every_person_and_parent_while_they_fit_and_searches_past_that(
    login, world, monkeypatch
):
    """2,000 teams and 2,000 people at enterprise scale: a team's page ticks its members and offers a search for
    the rest, and its parent select holds the first teams; below that, every box and every team, as before."""
    from northstar.roadmap import pickers

    client = login(world.admin)
    url = reverse("team", args=[world.it.pk])
    ws_actions.set_team_members(world.actor(world.admin), world.it.pk, [world.other_team.pk])
    few = client.get(url).content.decode()
    members = set(Membership.objects.filter(workspace=world.workspace).values_list("user_id", flat=True))
    assert set(map(int, re.findall(r'name="members" value="(\d+)"', few))) == members
    assert "/roadmap/pick/people/" not in few and "/roadmap/pick/teams/" not in few
    parents = re.search(r'<select name="parent"[^>]*>(.*?)</select>', few, re.S).group(1)
    assert f'value="{world.it.pk}"' not in parents and f'value="{world.growth.pk}"' in parents  # never itself

    monkeypatch.setattr(pickers, "PICK_SHOWN", 1)
    many = client.get(url).content.decode()
    assert re.findall(r'name="members" value="(\d+)"', many) == [str(world.other_team.pk)]  # those it has
    assert 'hx-get="/roadmap/pick/people/?into=id_members&amp;name=members"' in many
    assert f'hx-get="/roadmap/pick/teams/?none=top-level&amp;exclude={world.it.pk}"' in many
    found = client.get("/roadmap/pick/people/", {"into": "id_members", "name": "members", "q": "VICTOR",
                                                 "members": [world.other_team.pk]}).content.decode()  # fmt: skip
    assert f"id_members-add-{world.viewer.pk}" in found and f"add-{world.other_team.pk}" not in found
    added = client.get(
        "/roadmap/pick/people/", {"into": "id_members", "name": "members", "add": world.viewer.pk}
    )
    assert f'name="members" value="{world.viewer.pk}" checked' in added.content.decode()
    saved = client.post(reverse("team-members", args=[world.it.pk]),
                        {"members": [world.other_team.pk, world.viewer.pk]})  # fmt: skip
    assert saved.status_code == 302
    assert set(world.it.memberships.values_list("user_id", flat=True)) == {
        world.other_team.pk,
        world.viewer.pk,
    }
    itself = client.get("/roadmap/pick/teams/", {"q": "it", "exclude": world.it.pk}).content.decode()
    assert f'value="{world.it.pk}"' not in itself
