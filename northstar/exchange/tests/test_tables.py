"""Spreadsheets in and out: XLSX and CSV, previewed, all or nothing, with every error at its cell."""

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from northstar.exchange.exporter import export_document
from northstar.exchange.importer import first_owner
from northstar.exchange.tables import (
    SHEETS,
    TableErrors,
    csv_bytes,
    export_sheets,
    import_sheets,
    read_csv,
    read_file,
    read_xlsx,
    xlsx_bytes,
)
from northstar.okrs.models import CheckIn, KeyResult, Objective
from northstar.roadmap.models import Dependency, WorkItem
from northstar.workspaces.models import Workspace
from northstar.workspaces.permissions import actor_for

from .conftest import workspace_of

pytestmark = pytest.mark.django_db


def counts(workspace=None):
    scope = {"workspace": workspace} if workspace else {}
    return tuple(
        m.objects.filter(**scope).count() for m in (Objective, KeyResult, CheckIn, WorkItem, Dependency)
    )


def as_json(document):
    return json.dumps(document, default=str, sort_keys=True)


def test_finvest_to_xlsx_and_back_gives_the_same_workspace(imported):
    owner = first_owner(imported)
    actor = actor_for(owner, imported)
    workbook = xlsx_bytes(export_sheets(actor))
    again = import_sheets(read_xlsx(workbook), user=owner, workspace=imported)
    assert not again.changed  # the same file into the same workspace: nothing to do
    fresh = workspace_of(import_sheets(read_xlsx(workbook), user=owner))
    assert fresh.pk != imported.pk
    assert as_json(export_document(actor_for(owner, fresh))) == as_json(export_document(actor))
    assert counts(fresh) == counts(imported)


def test_a_csv_with_three_bad_rows_is_refused_whole_with_the_three_errors(imported):
    owner = first_owner(imported)
    rows = export_sheets(actor_for(owner, imported))["objectives"]
    rows[0]["target"] = "lots"
    rows[3]["kind"] = "sometimes"
    rows[6]["kr_owner"] = "nobody@example.com"
    rows[7]["kr_title"] = "A brand new key result"  # a good change: written only if the whole file is good
    before = counts()
    with pytest.raises(TableErrors) as refused:
        import_sheets(
            read_csv(csv_bytes("objectives", rows), "objectives.csv"), user=owner, workspace=imported
        )
    places = [(e.sheet, e.row, e.column) for e in refused.value.errors]
    assert places == [("objectives", 2, "target"), ("objectives", 5, "kind"), ("objectives", 8, "kr_owner")]
    assert counts() == before
    assert not KeyResult.objects.filter(title="A brand new key result").exists()


def test_swedish_excel_csv_with_semicolons_and_decimal_commas(imported):
    owner = first_owner(imported)
    text = (
        "objective_key;objective_title;team;period;kr_key;kr_title;kind;unit;start;target\n"
        "nojdhet;Nöjdare kunder;support;FY27-Q2;nps;Höj NPS från 30,5 till 45;increase;pt;30,5;45\n"
    )
    sheets = read_file(text.encode("utf-8-sig"), "export.csv")
    import_sheets(sheets, user=owner, workspace=imported)
    kr = KeyResult.objects.get(workspace=imported, key="nps")
    assert (kr.start, kr.target, kr.title) == (30.5, 45, "Höj NPS från 30,5 till 45")


def test_unknown_columns_and_sheets_are_reported_not_dropped(imported):
    with pytest.raises(TableErrors) as refused:
        read_csv(b"objective_key,objective_title,colour\nx,y,red\n", "objectives.csv")
    assert refused.value.errors[0].column == "colour"
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sheet1"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TableErrors) as refused:
        read_xlsx(buffer.getvalue())
    assert "Sheet1" in refused.value.errors[0].message


def test_rows_that_only_a_flat_file_can_get_wrong_are_named(imported):
    owner = first_owner(imported)
    sheets = {
        "objectives": [
            {"objective_key": "o", "objective_title": "One way", "team": "growth", "kr_key": "a", "kr_title": "Raise A from 1 to 2", "start": 1, "target": 2},
            {"objective_key": "o", "objective_title": "Another way", "team": "growth", "kr_key": "b", "kr_title": "Raise B from 1 to 2", "start": 1, "target": 2},
        ],
        "check_ins": [{"kr_key": "nope", "date": "2026-11-01", "value": 3}],
        "work": [{"key": "w1", "kind": "task", "title": "One", "team": "growth", "parent": "w2"},
                 {"key": "w2", "kind": "task", "title": "Two", "team": "growth", "parent": "w1"}],
        "dependencies": [{"predecessor": "w1", "successor": "ghost"}],
    }  # fmt: skip
    with pytest.raises(TableErrors) as refused:
        import_sheets(sheets, user=owner, workspace=imported)
    places = {(e.sheet, e.row, e.column) for e in refused.value.errors}
    assert {
        ("objectives", 3, "objective_key"),
        ("check_ins", 2, "kr_key"),
        ("dependencies", 2, "successor"),
    } <= places
    assert ("work", 2, "parent") in places and ("work", 3, "parent") in places


def test_a_dependency_cycle_in_the_work_sheet_is_refused_at_its_row(imported):
    owner = first_owner(imported)
    sheets = {
        "work": [{"key": "a", "kind": "task", "title": "A", "team": "growth", "start": "2026-11-01", "end": "2026-11-05"},
                 {"key": "b", "kind": "task", "title": "B", "team": "growth", "start": "2026-11-06", "end": "2026-11-09"}],
        "dependencies": [{"predecessor": "a", "successor": "b"}, {"predecessor": "b", "successor": "a"}],
    }  # fmt: skip
    with pytest.raises(TableErrors) as refused:
        import_sheets(sheets, user=owner, workspace=imported)
    assert {e.sheet for e in refused.value.errors} <= {"dependencies", "work"}
    assert any("loop" in e.message and "a → b → a" in e.message for e in refused.value.errors)


def test_the_template_has_every_sheet_and_notes_and_imports_as_nothing(imported):
    from northstar.exchange.downloads import template_file

    content, name, _media = template_file("xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[0] == "notes" and set(book.sheetnames[1:]) == set(SHEETS)
    assert [c.value for c in book["objectives"][1]] == [c.name for c in SHEETS["objectives"]]
    owner = first_owner(imported)
    assert not import_sheets(read_xlsx(content), user=owner, workspace=imported).changed
    zipped, _name, _media = template_file("csv")
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{s}.csv" for s in SHEETS)


def test_an_export_shows_nothing_of_another_workspace_or_of_private_objectives(world):
    text = json.dumps(export_sheets(world.actor(world.other_team)), default=str)
    assert "Bolt" not in text and world.outsider.email not in text
    assert "Secret pricing experiment" not in text  # private to Growth; IT cannot see it
    assert "Secret pricing experiment" in json.dumps(export_sheets(world.actor(world.editor)), default=str)


def test_a_file_that_is_not_a_workbook_is_refused_cleanly():
    with pytest.raises(TableErrors):
        read_xlsx(b"PK\x03\x04 not really a zip")
    with pytest.raises(TableErrors):
        read_csv("objective_key,objective_title\n".encode("utf-16"), "objectives.csv")
    assert Workspace.objects.count() == 0


def test_the_documented_layout_names_every_sheet_and_column():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "import-format.md").read_text(encoding="utf-8")
    for sheet, columns in SHEETS.items():
        section = doc.split(f"## {sheet}\n", 1)[1].split("\n## ", 1)[0]
        for column in columns:
            shown = f"**{column.name}**" if column.required else column.name
            assert f"| {shown} |" in section, (sheet, column.name)
