import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from northstar.exchange.models import PendingImport
from northstar.exchange.tables import csv_bytes, export_sheets
from northstar.okrs.models import KeyResult, Objective
from northstar.testing import PERSONAS, call_api, check_persona_call, status_row

pytestmark = pytest.mark.django_db

GOOD = (
    "objective_key,objective_title,team,period,kr_key,kr_title,kind,unit,start,target\n"
    "delight,Delight new savers,growth,fy27-q2,activation,Raise week-one activation from 30% to 45%,increase,%,30,45\n"
)
BAD = GOOD.replace(",30,45", ",30,lots")


def upload(client, name, content):
    return client.post("/exchange/import/", {"file": SimpleUploadedFile(name, content)})


def test_upload_previews_then_confirm_writes(world, client):
    client.force_login(world.editor)
    response = upload(client, "objectives.csv", GOOD.encode())
    html = response.content.decode()
    assert response.status_code == 200 and not Objective.objects.filter(key="delight").exists()
    assert re.search(r"Objectives</th><td class=\"num\">1</td>", html)
    pk = PendingImport.objects.get(user=world.editor).pk
    assert client.post(f"/exchange/import/{pk}/", {"confirm": "1"}).status_code == 302
    assert KeyResult.objects.get(key="activation").target == 45
    assert not PendingImport.objects.exists()
    again = upload(client, "objectives.csv", GOOD.encode()).content.decode()
    assert re.search(
        r"Key results</th><td class=\"num\">0</td><td class=\"num\">0</td><td class=\"num\">1</td>", again
    )


def test_a_bad_file_shows_every_problem_and_cannot_be_confirmed(world, client):
    client.force_login(world.editor)
    response = upload(client, "objectives.csv", BAD.encode())
    html = response.content.decode()
    assert response.status_code == 200 and "The file is refused" in html
    assert '<td>objectives</td><td class="num">2</td><td><code>target</code></td>' in html
    assert 'name="confirm"' not in html


def test_cancel_forgets_the_upload(world, client):
    client.force_login(world.editor)
    upload(client, "objectives.csv", GOOD.encode())
    pk = PendingImport.objects.get().pk
    client.post(f"/exchange/import/{pk}/", {"cancel": "1"})
    assert not PendingImport.objects.exists() and not Objective.objects.filter(key="delight").exists()


def test_someone_elses_pending_upload_cannot_be_confirmed(world, client):
    client.force_login(world.editor)
    upload(client, "objectives.csv", GOOD.encode())
    pk = PendingImport.objects.get().pk
    client.force_login(world.owner)
    assert client.post(f"/exchange/import/{pk}/", {"confirm": "1"}).status_code == 404
    assert not Objective.objects.filter(key="delight").exists()


def test_viewers_cannot_import(world, client):
    client.force_login(world.viewer)
    assert upload(client, "objectives.csv", GOOD.encode()).status_code == 403
    assert 'id="import-form"' not in client.get("/exchange/").content.decode()


def test_downloads(world, client):
    client.force_login(world.viewer)
    for fmt, media in [("xlsx", "spreadsheetml"), ("csv", "zip"), ("yaml", "yaml"), ("json", "json")]:
        response = client.get(f"/exchange/export.{fmt}")
        assert response.status_code == 200 and media in response["Content-Type"]
    assert client.get("/exchange/export.pdf").status_code == 404
    assert client.get("/exchange/template.xlsx").status_code == 200
    assert client.get("/exchange/backup.json").status_code == 403
    client.force_login(world.admin)
    assert client.get("/exchange/backup.json").status_code == 200


def test_a_workbook_holds_a_check_in_made_at_any_hour_in_local_time(world, client):
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    from northstar.okrs import actions as okr_actions

    check_in = okr_actions.do_check_in(world.actor(world.owner), world.key_result.pk, value=41.5)
    client.force_login(world.viewer)
    response = client.get("/exchange/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    moments = [c.value for row in book.worksheets for r in row.iter_rows() for c in r]
    local = timezone.localtime(check_in.checked_in_at).replace(tzinfo=None)
    assert any(isinstance(m, dt.datetime) and abs(m - local) < dt.timedelta(seconds=1) for m in moments), (
        local
    )


def test_restore_from_the_page_makes_a_new_workspace(world, client):
    client.force_login(world.owner)
    backup = client.get("/exchange/backup.json").content
    response = client.post("/exchange/restore/", {"file": SimpleUploadedFile("b.json", backup)})
    assert response.status_code == 302
    assert Objective.objects.filter(key="grow-revenue").count() == 2
    refused = client.post("/exchange/restore/", {"file": SimpleUploadedFile("b.json", b"{}")})
    assert (
        "not a northstar backup" in refused.content.decode()
        and Objective.objects.filter(key="grow-revenue").count() == 2
    )


# --- the API ----------------------------------------------------------------------------------------------------


def api_upload(client, content, dry_run=False, name="objectives.csv"):
    data = {"file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "true"
    return client.post("/api/v1/imports", data)


def test_api_import_dry_run_then_for_real(world, client):
    client.force_login(world.editor)
    dry = api_upload(client, GOOD.encode(), dry_run=True).json()
    assert dry["dry_run"] and dry["sections"]["objectives"]["created"] == 1
    assert not Objective.objects.filter(key="delight").exists()
    done = api_upload(client, GOOD.encode()).json()
    assert not done["dry_run"] and Objective.objects.filter(key="delight").exists()
    assert api_upload(client, GOOD.encode()).json()["changed"] is False


def test_api_import_errors_name_sheet_row_and_column(world, client):
    client.force_login(world.editor)
    response = api_upload(client, BAD.encode())
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "objectives[2].target", "message": "Expected a number here."}
    ]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/exports?format=xlsx", status_row(200, 200, 200, 200, 200, 200)),
        ("/exports/template?format=csv", status_row(200, 200, 200, 200, 200, 200)),
        ("/backup", status_row(200, 200, 403, 403, 403, 200)),
    ],
)
def test_persona_matrix_for_downloads(world, client, persona, path, expected):
    check_persona_call(client, world.persona(persona), "get", path, None, expected[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_matrix_for_imports(
    world,
    client,
    persona,
):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = api_upload(client, GOOD.encode())
    expected = status_row(200, 200, 200, 403, 422, 422)[persona]
    # other_team edits IT only (Growth's objective is refused at its row); the outsider's Bolt has no growth team
    assert response.status_code == expected, response.content
    assert Objective.objects.filter(key="delight", workspace=world.workspace).exists() == (
        persona in ("owner", "admin", "editor")
    )


def test_the_export_api_shows_nothing_of_another_workspace(world, client):
    client.force_login(world.outsider)
    content = call_api(client, "get", "/exports?format=yaml").content.decode()
    assert "Acme" not in content and "Grow recurring revenue" not in content and "Bolt" in content
    rows = export_sheets(world.actor(world.owner))["objectives"]
    assert csv_bytes("objectives", rows).count(b"\r\n") == len(rows) + 1
