import zipfile

import pytest
from typer.testing import CliRunner

from northstar import cli
from northstar.okrs.models import Objective
from northstar.workspaces.models import Workspace

pytestmark = pytest.mark.django_db
ENGLISH = {"NORTHSTAR_LANGUAGE": "en", "COLUMNS": "200"}


def run(*args):
    return CliRunner(env=ENGLISH).invoke(cli.app, list(args))


def test_export_to_xlsx_and_csv_then_import_the_workbook_again(imported, tmp_path):
    book = tmp_path / "finvest.xlsx"
    assert run("export", "--workspace", imported.slug, "-o", str(book)).exit_code == 0
    zipped = tmp_path / "finvest.zip"
    assert run("export", "--workspace", imported.slug, "--format", "csv", "-o", str(zipped)).exit_code == 0
    assert "objectives.csv" in zipfile.ZipFile(zipped).namelist()
    again = run("import", str(book), "--workspace", imported.slug)
    assert again.exit_code == 0, again.output
    assert "Nothing changed" in again.output or "unchanged" in again.output.lower()
    fresh = run("import", str(book))
    assert fresh.exit_code == 0 and Workspace.objects.count() == 2


def test_a_bad_csv_names_each_cell_and_writes_nothing(imported, tmp_path):
    bad = tmp_path / "objectives.csv"
    bad.write_text("objective_key,objective_title,team,kr_key,kr_title,target\nx,Y,growth,k,Raise NPS from 1 to 2,lots\n",
                   encoding="utf-8")  # fmt: skip
    result = run("import", str(bad), "--workspace", imported.slug)
    assert result.exit_code == 1
    assert "objectives row 2, target: Expected a number here." in result.output
    assert not Objective.objects.filter(key="x").exists()


def test_an_excel_export_needs_a_file(imported):
    result = run("export", "--workspace", imported.slug, "--format", "xlsx")
    assert result.exit_code == 1 and "--output" in result.output


def test_backup_and_restore_give_the_same_file(imported, tmp_path):
    from northstar.exchange.importer import first_owner

    owner = first_owner(imported).email
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert run("backup", "--workspace", imported.slug, "-o", str(first)).exit_code == 0
    restored = run("restore", str(first), "--as", owner, "--slug", "copy")
    assert restored.exit_code == 0, restored.output
    assert run("backup", "--workspace", "copy", "-o", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()
    refused = run("restore", str(first), "--as", "nobody@example.com")
    assert refused.exit_code == 1
