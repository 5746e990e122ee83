from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from northstar import cli
from northstar.exchange.okr_yaml import dump_document
from northstar.okrs.models import Objective
from northstar.workspaces.actions import authenticate_token
from northstar.workspaces.models import ApiToken, Membership, User, Workspace

from .conftest import FINVEST

pytestmark = pytest.mark.django_db


@pytest.fixture
def run():
    runner = CliRunner()

    def _run(*args: str):
        return runner.invoke(cli.app, list(args))

    return _run


@pytest.fixture
def bad_file(tmp_path, finvest):
    finvest["objectives"][1]["key_results"][0]["kind"] = "sometimes"
    finvest["objectives"][2]["key_results"][1]["target"] = 6
    path = tmp_path / "bad.yaml"
    path.write_text(dump_document(finvest), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [[], ["serve"], ["migrate"], ["demo"], ["import"], ["export"], ["users"], ["users", "create"], ["token"],
     ["token", "create"]],
)  # fmt: skip
def test_every_command_has_help(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_import_prints_the_counts_of_every_section_the_roadmap_included(run):
    result = run("import", str(FINVEST))
    assert result.exit_code == 0, result.output
    assert "Objectives" in result.output
    rows = {line.split("│")[1].strip(): line for line in result.output.splitlines() if line.count("│") > 2}
    assert rows["Work items"].split("│")[2].strip() == "12"
    assert rows["Capacity"].split("│")[2].strip() == "3"
    assert "skipped" not in result.output
    assert "later version" not in result.output
    assert Objective.objects.count() == 3


def test_import_with_errors_exits_1_and_names_every_path(run, bad_file):
    result = run("import", str(bad_file))
    assert result.exit_code == 1
    assert "objectives[1].key_results[0].kind" in result.output
    assert "objectives[2].key_results[1].target: The target must differ from the start value" in result.output
    assert "Traceback" not in result.output
    assert not Workspace.objects.exists()


def test_import_of_a_missing_file_is_a_message_not_a_traceback(run, tmp_path):
    result = run("import", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 1
    assert "There is no file" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_dry_run_writes_nothing(run):
    result = run("import", str(FINVEST), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "nothing was written" in result.output
    assert not Workspace.objects.exists()


def test_import_into_a_workspace_updates_it(run, imported):
    result = run("import", str(FINVEST), "--workspace", imported.slug)
    assert result.exit_code == 0, result.output
    assert "Everything was up to date already." in result.output


def test_import_as_someone_who_is_not_a_member_fails_cleanly(run, world):
    result = run("import", str(FINVEST), "--workspace", world.workspace.slug, "--as", world.outsider.email)
    assert result.exit_code == 1
    assert "is not a member" in result.output


def test_export_as_json_parses(run, imported):
    result = run("export", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [o["key"] for o in data["objectives"]] == [
        "recurring-revenue",
        "maximum-uptime",
        "world-class-support",
    ]


def test_export_writes_yaml_to_a_file(run, imported, tmp_path, finvest_raw):
    target = tmp_path / "out.yaml"
    result = run("export", "--workspace", imported.slug, "--output", str(target))
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["teams"] == finvest_raw["teams"]


def test_export_acts_as_the_given_user(run, world):
    result = run("export", "--workspace", world.workspace.slug, "--as", world.other_team.email)
    assert result.exit_code == 0, result.output
    assert "secret" not in result.stdout
    assert "grow-revenue" in result.stdout


def test_export_needs_a_workspace_when_there_are_several(run, world):
    result = run("export")
    assert result.exit_code == 1
    assert "--workspace" in result.output


def test_export_of_an_unknown_workspace_fails_cleanly(run, world):
    result = run("export", "--workspace", "nope")
    assert result.exit_code == 1
    assert "There is no workspace “nope”" in result.output


def test_users_create_makes_an_account_that_can_log_in(run):
    result = run(
        "users",
        "create",
        "New.Person@example.com",
        "--name",
        "New Person",
        "--password",
        "a-long-passphrase-42",
    )
    assert result.exit_code == 0, result.output
    user = User.objects.get(email="new.person@example.com")
    assert user.name == "New Person"
    assert user.check_password("a-long-passphrase-42")


def test_users_create_adds_them_to_a_workspace(run, world):
    result = run(
        "users", "create", "nina@acme.example", "--workspace", world.workspace.slug, "--role", "viewer"
    )
    assert result.exit_code == 0, result.output
    assert Membership.objects.get(workspace=world.workspace, user__email="nina@acme.example").role == "viewer"
    assert not User.objects.get(email="nina@acme.example").has_usable_password()


def test_users_create_rejects_a_weak_password(run):
    result = run("users", "create", "weak@example.com", "--password", "123")
    assert result.exit_code == 1
    assert "password:" in result.output
    assert not User.objects.filter(email="weak@example.com").exists()


def test_users_create_rejects_an_invalid_email(run):
    result = run("users", "create", "not-an-email")
    assert result.exit_code == 1
    assert "email: Enter a valid email address." in result.output


def test_token_create_prints_a_secret_that_authenticates(run, world):
    result = run(
        "token", "create", "--workspace", world.workspace.slug, "--user", world.editor.email, "--name", "ci"
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    user, actor = authenticate_token(secret)
    assert user == world.editor
    assert actor.workspace == world.workspace
    assert not actor.read_only
    assert ApiToken.objects.get(user=world.editor).name == "ci"


def test_token_create_read_only(run, world):
    result = run(
        "token", "create", "--workspace", world.workspace.slug, "--user", world.editor.email, "--name", "ro",
        "--read-only", "--days", "7",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    _user, actor = authenticate_token(result.stdout.strip().splitlines()[-1])
    assert actor.read_only


def test_token_create_for_a_non_member_fails_cleanly(run, world):
    result = run(
        "token", "create", "--workspace", world.workspace.slug, "--user", world.outsider.email, "--name", "x"
    )
    assert result.exit_code == 1
    assert "is not a member" in result.output


def test_token_create_rejects_a_bad_lifetime(run, world):
    result = run("token", "create", "--workspace", world.workspace.slug, "--user", world.editor.email, "--name", "x",
                 "--days", "999")  # fmt: skip
    assert result.exit_code == 1
    assert "expires_in_days" in result.output


def test_demo_loads_once_and_prints_the_login(run):
    first = run("demo")
    assert first.exit_code == 0, first.output
    assert "maria.lind@finvest.example" in first.output
    assert "northstar-demo" in first.output
    second = run("demo")
    assert second.exit_code == 0
    assert "exists already" in second.output
    assert Workspace.objects.count() == 1


def test_demo_if_empty_leaves_a_database_with_workspaces_alone(run, world):
    result = run("demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert not Workspace.objects.filter(slug="finvest").exists()


def test_demo_if_empty_loads_into_an_empty_database(run, db):
    result = run("demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert Workspace.objects.filter(slug="finvest").exists()


def test_serve_runs_the_development_server(run, monkeypatch):
    calls = []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: calls.append(a))
    result = run("serve", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert calls == [("runserver", "127.0.0.1:8123")]


def test_serve_production_runs_gunicorn(run, monkeypatch):
    calls, executed = [], []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(cli, "exec_process", executed.append)
    result = run("serve", "--production", "--host", "0.0.0.0")
    assert result.exit_code == 0, result.output
    assert calls == [("collectstatic",)]
    assert executed[0][1:] == ["-m", "gunicorn", "northstar.wsgi:application", "--bind", "0.0.0.0:8000"]


@pytest.mark.parametrize(("given", "timeout"), [(None, "180"), ("--workers 2 --timeout 600", "600")])
def test_serve_production_gives_slow_first_pages_time_unless_told_otherwise(run, monkeypatch, given, timeout):
    import shlex

    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    monkeypatch.setattr(cli, "exec_process", lambda args: None)
    monkeypatch.setenv("GUNICORN_CMD_ARGS", given or "")  # and put back as it was afterwards
    assert run("serve", "--production").exit_code == 0
    words = shlex.split(cli.os.environ["GUNICORN_CMD_ARGS"])
    assert [words[i + 1] for i, w in enumerate(words) if w == "--timeout"][-1] == timeout  # the last one wins


def test_migrate_runs_django_migrate(run, monkeypatch):
    calls = []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: calls.append(a))
    assert run("migrate").exit_code == 0
    assert calls == [("migrate",)]


def test_the_cli_speaks_the_language_of_the_environment(monkeypatch):
    for name in ("NORTHSTAR_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    assert cli.cli_language() == "sv"
    monkeypatch.setenv("NORTHSTAR_LANGUAGE", "en")
    assert cli.cli_language() == "en"
    monkeypatch.setenv("NORTHSTAR_LANGUAGE", "xx")
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert cli.cli_language() == "en"  # settings.LANGUAGE_CODE
