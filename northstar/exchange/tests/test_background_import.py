"""A file larger than NORTHSTAR_IMPORT_AT_ONCE_BYTES is checked and imported by the worker: the page says where it
stands, asks again every few seconds, and shows the same preview and the same all-or-nothing import as a small
file gets at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import default_task_backend
from django.test import Client, override_settings
from django.utils import timezone, translation
from typer.testing import CliRunner

from northstar.cli import app
from northstar.exchange import uploads
from northstar.exchange.models import ImportState, PendingImport
from northstar.okrs.models import KeyResult, Objective
from northstar.testing import PASSWORD, make_world

from .conftest import DUMMY, QUEUE

GOOD = (
    "objective_key,objective_title,team,period,kr_key,kr_title,kind,unit,start,target\n"
    "delight,Delight new savers,growth,fy27-q2,activation,Raise week-one activation from 30% to 45%,increase,%,30,45\n"
)
BAD = GOOD.replace(",30,45", ",30,lots")


def upload(client, content, name="objectives.csv"):
    return client.post("/exchange/import/", {"file": SimpleUploadedFile(name, content.encode())})


def poll(client, pk):
    return client.get(f"/exchange/import/{pk}/state/", {"poll": "1"}, HTTP_HX_REQUEST="true")


def page(client, pk):
    response = client.get(f"/exchange/import/{pk}/state/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_large_file_is_checked_then_imported_by_the_worker(world, client, large):
    client.force_login(world.editor)
    response = upload(client, GOOD)
    pending = PendingImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exchange/import/{pending.pk}/state/"
    assert "Checking objectives.csv" in page(client, pending.pk)
    assert poll(client, pending.pk).status_code == 204
    assert [r.args for r in default_task_backend.results] == [[pending.pk]]

    assert uploads.check_upload.call(pending.pk) == ImportState.CHECKED
    assert poll(client, pending.pk)["HX-Refresh"] == "true"
    preview = page(client, pending.pk)
    assert re.search(r"Objectives</th><td class=\"num\">1</td>", preview) and 'name="confirm"' in preview
    assert not Objective.objects.filter(key="delight").exists()

    confirm = client.post(f"/exchange/import/{pending.pk}/", {"confirm": "1"})
    assert confirm.status_code == 302 and confirm["Location"] == f"/exchange/import/{pending.pk}/state/"
    client.post(f"/exchange/import/{pending.pk}/", {"confirm": "1"})  # twice: handed over once
    assert len(default_task_backend.results) == 2
    client.post(f"/exchange/import/{pending.pk}/", {"cancel": "1"})  # too late: it runs to its end
    assert "Importing objectives.csv" in page(client, pending.pk)

    assert uploads.import_upload.call(pending.pk) == ImportState.IMPORTED
    assert KeyResult.objects.get(key="activation").target == 45
    done = page(client, pending.pk)
    assert "Imported objectives.csv" in done and re.search(r"Key results</th><td class=\"num\">1</td>", done)
    assert bytes(PendingImport.objects.get().content) == b""  # the file is not kept once imported
    listed = client.get("/exchange/").content.decode()
    assert 'id="background-uploads"' in listed and f"/exchange/import/{pending.pk}/state/" in listed


@pytest.mark.django_db
def test_a_large_bad_file_shows_every_problem_in_the_uploaders_language(world, client, large):
    world.editor.language = "sv"
    world.editor.save()
    client.force_login(world.editor)
    upload(client, BAD)
    pending = PendingImport.objects.get()
    uploads.check_upload.call(pending.pk)
    with translation.override("sv"), pytest.raises(uploads.UploadRefused) as inline:
        uploads.run_import(world.actor(world.editor), "objectives.csv", BAD.encode(), dry_run=True)
    assert uploads.outcome_problems(PendingImport.objects.get().outcome) == inline.value.problems
    preview = page(client, pending.pk)
    assert inline.value.problems[0].message in preview and 'name="confirm"' not in preview
    refused = client.post(f"/exchange/import/{pending.pk}/", {"confirm": "1"})
    assert refused.status_code == 200 and not Objective.objects.filter(key="delight").exists()
    assert len(default_task_backend.results) == 1


@pytest.mark.django_db
def test_a_large_file_cancelled_before_its_check_is_never_checked(world, client, large):
    client.force_login(world.editor)
    upload(client, GOOD)
    pk = PendingImport.objects.get().pk
    assert client.post(f"/exchange/import/{pk}/", {"cancel": "1"}).status_code == 302
    assert not PendingImport.objects.exists()
    assert uploads.check_upload.call(pk) == "gone"


@pytest.mark.django_db
def test_an_uploads_state_is_its_uploaders_alone(world, client, large):
    client.force_login(world.editor)
    upload(client, GOOD)
    pk = PendingImport.objects.get().pk
    for user, status in (
        (world.other_team, 404),
        (world.owner, 404),
        (world.outsider, 404),
        (world.viewer, 403),
    ):
        client.force_login(user)
        assert client.get(f"/exchange/import/{pk}/state/").status_code == status
        assert f"/exchange/import/{pk}/state/" not in client.get("/exchange/").content.decode()


@pytest.mark.django_db
def test_a_small_file_has_no_background_state(world, client):
    client.force_login(world.editor)
    upload(client, GOOD)
    pk = PendingImport.objects.get().pk
    assert client.get(f"/exchange/import/{pk}/state/").status_code == 404


@override_settings(TASKS=QUEUE, NORTHSTAR_IMPORT_AT_ONCE_BYTES=100)
def test_the_worker_checks_and_imports_from_the_database_queue(transactional_db):
    """Committed, as in production: the page hands the file to the queue, `northstar worker` takes it from there."""
    world = make_world()
    client = Client()
    assert client.login(email=world.editor.email, password=PASSWORD)
    upload(client, GOOD)
    pk = PendingImport.objects.get().pk
    assert CliRunner().invoke(app, ["worker", "--once"]).exit_code == 0
    assert PendingImport.objects.get().state == ImportState.CHECKED
    client.post(f"/exchange/import/{pk}/", {"confirm": "1"})
    assert PendingImport.objects.get().state == ImportState.IMPORTING
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert PendingImport.objects.get().state == ImportState.IMPORTED
    assert KeyResult.objects.get(key="activation", workspace=world.workspace).target == 45


@pytest.mark.django_db
def test_an_import_the_worker_never_finished_says_so_and_can_be_forgotten(world, client, large):
    client.force_login(world.editor)
    upload(client, GOOD)
    pending = PendingImport.objects.get()
    uploads.check_upload.call(pending.pk)
    # confirmed long after the upload: the import has only just been handed over
    PendingImport.objects.filter(pk=pending.pk).update(updated_at=timezone.now() - dt.timedelta(hours=3))
    client.post(f"/exchange/import/{pending.pk}/", {"confirm": "1"})
    importing = page(client, pending.pk)
    assert "Importing objectives.csv" in importing and "stopped before it was done" not in importing
    assert poll(client, pending.pk).status_code == 204
    # an hour later the worker has not come back: it died mid-import, and its transaction wrote nothing
    PendingImport.objects.filter(pk=pending.pk).update(updated_at=timezone.now() - dt.timedelta(hours=2))
    assert poll(client, pending.pk)["HX-Refresh"] == "true"
    stopped = page(client, pending.pk)
    assert "stopped before it was done" in stopped and "Upload the file again" in stopped
    assert "objectives.csv was not imported" in stopped
    client.post(f"/exchange/import/{pending.pk}/", {"cancel": "1"})
    assert not PendingImport.objects.exists()


@pytest.mark.django_db
def test_an_error_of_ours_in_the_background_is_said_plainly_and_writes_nothing(
    world, client, large, monkeypatch
):
    client.force_login(world.editor)
    upload(client, GOOD)
    pending = PendingImport.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(uploads, "run_import", broken)
    assert uploads.check_upload.call(pending.pk) == ImportState.FAILED
    shown = page(client, pending.pk)
    assert "objectives.csv was not imported" in shown and "an error of ours" in shown and "a bug" not in shown
    assert not Objective.objects.filter(key="delight").exists()
    assert client.post(f"/exchange/import/{pending.pk}/", {"confirm": "1"}).status_code == 200  # refused
    assert len(default_task_backend.results) == 1


def api_upload(client, content, **form):
    return client.post(
        "/api/v1/imports", {"file": SimpleUploadedFile("objectives.csv", content.encode()), **form}
    )


@pytest.mark.django_db
def test_the_api_hands_a_file_to_the_worker_and_says_where_it_stands(world, client, settings):
    settings.TASKS = DUMMY
    client.force_login(world.editor)
    started = api_upload(client, GOOD, background="true")
    assert started.status_code == 202, started.content
    pk = started.json()["id"]
    assert started.json()["state"] == "importing"
    assert client.get(f"/api/v1/imports/{pk}").json() == {
        "id": pk, "filename": "objectives.csv", "state": "importing", "result": None, "problems": []
    }  # fmt: skip
    uploads.import_upload.call(pk)
    done = client.get(f"/api/v1/imports/{pk}").json()
    assert done["state"] == "imported" and done["result"]["dry_run"] is False
    assert done["result"]["sections"]["key_results"]["created"] == 1
    assert KeyResult.objects.get(key="activation").target == 45
    # someone else's upload is not there for them
    client.force_login(world.other_team)
    assert client.get(f"/api/v1/imports/{pk}").status_code == 404


@pytest.mark.django_db
def test_the_api_checks_in_the_background_and_names_each_problem(world, client, settings):
    settings.TASKS = DUMMY
    client.force_login(world.editor)
    pk = api_upload(client, BAD, background="true", dry_run="true").json()["id"]
    uploads.check_upload.call(pk)
    checked = client.get(f"/api/v1/imports/{pk}").json()
    refused = api_upload(client, BAD)  # the same file, at once: the same answer
    assert refused.status_code == 422
    assert checked["state"] == "checked" and checked["result"] is None
    assert checked["problems"] == [
        {"field": e["field"], "message": e["message"]} for e in refused.json()["errors"]
    ]
    assert not Objective.objects.filter(key="delight").exists()


@pytest.mark.django_db
def test_an_uploads_state_reads_the_same_queries_however_large_its_outcome(world, client, large):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.editor)
    counts = []
    for rows in (1, 400):  # a file of one bad row, then of 400: its outcome holds 400 problems
        body = GOOD.splitlines()[0] + "\n" + "\n".join([BAD.splitlines()[1].replace("delight", f"d{n}").replace("activation", f"a{n}")
                                                       for n in range(rows)]) + "\n"  # fmt: skip
        upload(client, body)
        pending = PendingImport.objects.latest("pk")
        uploads.check_upload.call(pending.pk)
        assert len(uploads.outcome_problems(PendingImport.objects.get(pk=pending.pk).outcome)) >= rows
        with CaptureQueriesContext(connection) as page_queries:
            page(client, pending.pk)
        with CaptureQueriesContext(connection) as api_queries:
            assert client.get(f"/api/v1/imports/{pending.pk}").status_code == 200
        counts.append((len(page_queries), len(api_queries)))
    assert counts[0] == counts[1]
