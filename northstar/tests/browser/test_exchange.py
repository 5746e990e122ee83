"""Import a spreadsheet through the page: upload, preview (nothing written), confirm."""

import pytest
from playwright.sync_api import expect

from northstar.okrs.models import KeyResult

CSV = (
    "objective_key,objective_title,team,period,kr_key,kr_title,kind,unit,start,target\n"
    "savers,Delight new savers,growth,FY27-Q2,week-one,Raise week-one activation from 30% to 45%,increase,%,30,45\n"
    "savers,Delight new savers,growth,FY27-Q2,bad,Cut churn,sometimes,%,3,2\n"
)


@pytest.mark.browser
def test_a_bad_file_is_refused_with_its_cells_then_a_good_one_is_previewed_and_imported(ui, demo, tmp_path):
    page = ui.page
    ui.sign_in()
    bad = tmp_path / "objectives.csv"
    bad.write_text(CSV, encoding="utf-8")
    ui.visit("/exchange/")
    page.set_input_files("#import-file", str(bad))
    page.get_by_role("button", name="Preview the import").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("sometimes")
    expect(problems.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_role("button", name="Import", exact=True)).to_have_count(0)
    assert not KeyResult.objects.filter(key="week-one").exists()

    good = tmp_path / "good" / "objectives.csv"
    good.parent.mkdir()
    good.write_text(CSV.splitlines()[0] + "\n" + CSV.splitlines()[1] + "\n", encoding="utf-8")
    ui.visit("/exchange/")
    page.set_input_files("#import-file", str(good))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#import-changes")).to_contain_text("Key results")
    assert not KeyResult.objects.filter(key="week-one").exists(), "the preview wrote nothing"
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("Imported objectives.csv")).to_be_visible()
    assert KeyResult.objects.get(key="week-one").target == 45
    ui.settled()


@pytest.mark.browser
def test_a_large_file_is_checked_and_imported_in_the_background_while_its_page_waits(
    ui, demo, tmp_path, settings
):
    from northstar.exchange import uploads
    from northstar.exchange.models import PendingImport

    settings.NORTHSTAR_IMPORT_AT_ONCE_BYTES = 100  # this file counts as large
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }  # the test is the worker
    page = ui.page
    ui.sign_in()
    good = tmp_path / "objectives.csv"
    good.write_text(CSV.splitlines()[0] + "\n" + CSV.splitlines()[1] + "\n", encoding="utf-8")
    ui.visit("/exchange/")
    page.set_input_files("#import-file", str(good))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Checking objectives.csv")).to_be_visible()
    pk = PendingImport.objects.get().pk
    uploads.check_upload.call(pk)
    # the page asks every two seconds, and shows the preview once the check is done, by itself
    expect(page.locator("#import-changes")).to_contain_text("Key results", timeout=8_000)
    assert not KeyResult.objects.filter(key="week-one").exists(), "the check wrote nothing"
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", name="Importing objectives.csv")).to_be_visible()
    uploads.import_upload.call(pk)
    expect(page.get_by_role("heading", name="Imported objectives.csv")).to_be_visible(timeout=8_000)
    assert KeyResult.objects.get(key="week-one").target == 45
    ui.settled()
