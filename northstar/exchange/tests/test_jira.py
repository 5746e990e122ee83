"""A Jira CSV export of 540 issues (data/jira-export.csv, written by data/make_jira_export.py in Jira's own
layout) into initiatives, tasks and dependencies."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from northstar.exchange.jira import import_jira, parse_jira_date, read_jira_csv
from northstar.exchange.tables import TableErrors
from northstar.roadmap.models import Dependency, WorkItem

pytestmark = pytest.mark.django_db
EXPORT = Path(__file__).parent / "data" / "jira-export.csv"


def rows():
    return list(csv.DictReader(io.StringIO(EXPORT.read_text(encoding="utf-8"))))


def test_the_fixture_is_a_jira_export_of_more_than_500_issues():
    assert len(rows()) >= 500
    header = next(csv.reader(io.StringIO(EXPORT.read_text(encoding="utf-8"))))
    assert header.count("Outward issue link (Blocks)") == 2 and header.count("Sprint") == 2


def test_the_export_becomes_initiatives_tasks_and_dependencies_with_the_loop_reported(world):
    data = EXPORT.read_bytes()
    report = import_jira(data, user=world.owner, workspace=world.workspace, default_team=world.it)
    items = WorkItem.objects.filter(workspace=world.workspace)
    epics = [r for r in rows() if r["Issue Type"] == "Epic"]
    assert items.filter(kind="initiative").count() == len(epics)
    assert items.count() == len(rows())
    story = items.get(key="NS-2")
    assert story.parent.key == "NS-1" and story.parent.kind == "initiative"
    assert items.get(key="NS-3").parent.key == "NS-2"  # a sub-task under its story
    notes = [str(w.message) for w in report.warnings]
    assert any("form a loop" in n for n in notes)
    assert any("OPS-7" in n and "not in the file" in n for n in notes)
    assert any("Not imported" in n and "Story point estimate" in n and "Sprint" in n for n in notes)
    links = Dependency.objects.filter(workspace=world.workspace)
    assert links.count() == report.tallies["dependencies"].created > 100
    # the loop is broken: no item reaches itself
    after = {}
    for pred, succ in links.values_list("predecessor__key", "successor__key"):
        after.setdefault(pred, set()).add(succ)
    for start in after:
        seen, stack = set(), list(after[start])
        while stack:
            node = stack.pop()
            assert node != start
            if node not in seen:
                seen.add(node)
                stack.extend(after.get(node, ()))
    # teams: Growth and IT by name, "Platform" (not ours) falls to the chosen team
    platform = next(r for r in rows() if r["Custom field (Team)"] == "Platform")
    assert items.get(key=platform["Issue key"]).team == world.it
    growth = next(r for r in rows() if r["Custom field (Team)"] == "Growth")
    assert items.get(key=growth["Issue key"]).team == world.growth
    # estimates in person-days of 8 hours; owners by name where they are members
    estimated = next(r for r in rows() if r["Original estimate"] and r["Issue Type"] != "Epic")
    assert items.get(key=estimated["Issue key"]).estimate_days == int(estimated["Original estimate"]) / 28800
    edith = next(r for r in rows() if r["Assignee"] == "Edith Editor")
    assert items.get(key=edith["Issue key"]).owner == world.editor
    again = import_jira(data, user=world.owner, workspace=world.workspace, default_team=world.it)
    assert not again.changed


def test_without_a_team_the_epics_that_name_none_of_ours_are_refused_at_their_rows(world):
    with pytest.raises(TableErrors) as refused:
        import_jira(EXPORT.read_bytes(), user=world.owner, workspace=world.workspace)
    platform_rows = [n for n, r in enumerate(rows(), start=2) if r["Custom field (Team)"] == "Platform"]
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (n, "Custom field (Team)") for n in platform_rows
    ]
    assert not WorkItem.objects.filter(workspace=world.workspace, key__startswith="NS-").exists()


def test_a_bad_date_is_named_at_its_jira_row_and_column(world):
    lines = EXPORT.read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(lines)
    broken = text.replace("8/Oct/26 12:30 AM", "the eighth of October", 1)
    assert broken != text
    with pytest.raises(TableErrors) as refused:
        import_jira(broken.encode(), user=world.owner, workspace=world.workspace, default_team=world.it)
    assert [(e.column, "the eighth of October" in e.message) for e in refused.value.errors] == [
        ("Due date", True)
    ]


@pytest.mark.parametrize(
    ("raw", "day"),
    [("25/Nov/26 9:30 AM", (2026, 11, 25)), ("1/Dec/26", (2026, 12, 1)), ("2026-11-25T09:30:00.000+0100", (2026, 11, 25)),
     ("25/Nov/2026", (2026, 11, 25)), ("", None), ("soon", None)],
)  # fmt: skip
def test_jira_dates(raw, day):
    parsed = parse_jira_date(raw)
    assert (parsed.year, parsed.month, parsed.day) == day if day else parsed is None


def test_a_csv_without_jiras_columns_is_not_taken_for_one():
    with pytest.raises(TableErrors):
        read_jira_csv(b"Summary,Status\nx,y\n")


def test_an_editor_cannot_plan_another_teams_issues_and_is_told_at_which_row(world, client):
    client.force_login(world.editor)  # in Growth only; the export has IT's epics too
    html = client.post(
        "/exchange/import/",
        {"file": SimpleUploadedFile("jira.csv", EXPORT.read_bytes()), "team": world.growth.pk},
    ).content.decode()
    it_rows = [n for n, r in enumerate(rows(), start=2) if r["Custom field (Team)"] == "IT"]
    assert f'<td>jira</td><td class="num">{it_rows[0]}</td>' in html and "your own teams" in html
    assert not WorkItem.objects.filter(workspace=world.workspace, key__startswith="NS-").exists()


def test_the_upload_page_and_the_api_recognise_a_jira_export(world, client):
    client.force_login(world.owner)
    html = client.post(
        "/exchange/import/",
        {"file": SimpleUploadedFile("jira.csv", EXPORT.read_bytes()), "team": world.growth.pk},
    ).content.decode()
    assert "form a loop" in html and "540" in html
    response = client.post(
        "/api/v1/imports",
        {
            "file": SimpleUploadedFile("jira.csv", EXPORT.read_bytes()),
            "team": world.growth.pk,
            "dry_run": "true",
        },
    )
    body = response.json()
    assert response.status_code == 200 and body["sections"]["work"]["created"] == 540
    assert any("loop" in n["message"] for n in body["notes"])


def test_the_cli_imports_a_jira_export_into_a_workspace(world):
    from typer.testing import CliRunner

    from northstar import cli

    runner = CliRunner(env={"NORTHSTAR_LANGUAGE": "en", "COLUMNS": "200"})
    result = runner.invoke(
        cli.app, ["import", str(EXPORT), "--workspace", world.workspace.slug, "--team", "it"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "form a loop" in result.output and WorkItem.objects.filter(workspace=world.workspace).count() == 540
    )
    assert runner.invoke(cli.app, ["import", str(EXPORT)]).exit_code == 1  # a Jira export needs --workspace
    unknown = runner.invoke(
        cli.app, ["import", str(EXPORT), "--workspace", world.workspace.slug, "--team", "x"]
    )
    assert unknown.exit_code == 1 and "no team x" in unknown.output
