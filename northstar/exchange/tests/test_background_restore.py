"""A backup larger than NORTHSTAR_IMPORT_AT_ONCE_BYTES is restored by the worker, not while the page waits (a
medium workspace's backup takes half a minute, an enterprise's longer than a request may run): its page says where
it stands, then names the new workspace, or every reason nothing was written, in the uploader's language."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.tasks import default_task_backend
from django.test import Client, override_settings
from django.utils import translation
from typer.testing import CliRunner

from northstar.cli import app
from northstar.exchange import uploads
from northstar.exchange.models import ImportState, PendingImport, UploadPurpose
from northstar.exchange.tests.test_background_import import page, poll
from northstar.okrs.models import Objective
from northstar.testing import PASSWORD, make_world
from northstar.workspaces.models import Membership, Workspace

from .conftest import DUMMY, QUEUE


def restore(client, content, name="backup.json"):
    return client.post("/exchange/restore/", {"file": SimpleUploadedFile(name, content)})


def backup_of(client, user):
    client.force_login(user)
    return client.get("/exchange/backup.json").content


@pytest.mark.django_db
def test_a_large_backup_is_restored_into_a_new_workspace_by_the_worker(world, client, large):
    backup = backup_of(client, world.owner)
    known = set(Workspace.objects.values_list("pk", flat=True))
    response = restore(client, backup)
    pending = PendingImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exchange/import/{pending.pk}/state/"
    assert pending.purpose == UploadPurpose.RESTORE and pending.state == ImportState.IMPORTING
    assert (
        set(Workspace.objects.values_list("pk", flat=True)) == known
    )  # nothing restored while the page waited
    assert "Restoring backup.json" in page(client, pending.pk)
    assert poll(client, pending.pk).status_code == 204
    assert [r.args for r in default_task_backend.results] == [[pending.pk]]
    assert "backup restore" in client.get("/exchange/").content.decode()
    # not an import: the imports API does not show it, and confirming or cancelling it changes nothing
    assert client.get(f"/api/v1/imports/{pending.pk}").status_code == 404
    client.post(f"/exchange/import/{pending.pk}/", {"confirm": "1"})
    client.post(f"/exchange/import/{pending.pk}/", {"cancel": "1"})
    assert len(default_task_backend.results) == 1 and PendingImport.objects.filter(pk=pending.pk).exists()
    client.force_login(world.editor)  # another editor's upload is not theirs to see
    assert client.get(f"/exchange/import/{pending.pk}/state/").status_code == 404

    assert uploads.restore_upload.call(pending.pk) == ImportState.IMPORTED
    (made,) = Workspace.objects.exclude(pk__in=known)
    assert Membership.objects.get(workspace=made, user=world.owner).role == "owner"
    assert sorted(Objective.objects.filter(workspace=made).values_list("key", flat=True)) == sorted(
        Objective.objects.filter(workspace=world.workspace).values_list("key", flat=True)
    )
    assert bytes(PendingImport.objects.get().content) == b""  # the file is not kept once restored
    client.force_login(world.owner)
    assert poll(client, pending.pk)["HX-Refresh"] == "true"
    done = page(client, pending.pk)
    assert "Restored backup.json" in done and made.slug in done and f'value="{made.pk}"' in done
    switched = client.post("/workspace/switch/", {"workspace": made.pk})
    assert switched.status_code == 302 and client.session["workspace_id"] == made.pk
    assert uploads.restore_upload.call(pending.pk) == "gone"  # restored once
    assert Workspace.objects.exclude(pk__in=known).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["owner", "editor"])
def test_a_refused_backup_says_why_in_the_uploaders_language_and_writes_nothing(world, client, large, who):
    """The owner's file is not a backup; the editor's backup does not list them as an owner."""
    uploader = getattr(world, who)
    uploader.language = "sv"
    uploader.save()
    content = b"no backup at all " * 10 if who == "owner" else backup_of(client, world.owner)
    client.force_login(uploader)
    known = Workspace.objects.count()
    restore(client, content)
    pending = PendingImport.objects.get()
    assert uploads.restore_upload.call(pending.pk) == ImportState.FAILED
    with translation.override("sv"):
        _report, problems = uploads.restore_file("backup.json", content, uploader)
    assert problems and uploads.outcome_problems(PendingImport.objects.get().outcome) == problems
    shown = page(client, pending.pk)
    assert problems[0].message in shown and 'name="workspace"' not in shown
    assert "backup.json återställdes inte" in shown  # the page in their language too
    assert Workspace.objects.count() == known
    client.post(f"/exchange/import/{pending.pk}/", {"cancel": "1"})  # forgotten
    assert not PendingImport.objects.exists()


@pytest.mark.django_db
def test_an_error_of_ours_in_a_background_restore_is_said_plainly(world, client, large, monkeypatch):
    backup = backup_of(client, world.owner)
    known = Workspace.objects.count()
    restore(client, backup)
    pending = PendingImport.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(uploads, "restore_backup", broken)
    assert uploads.restore_upload.call(pending.pk) == ImportState.FAILED
    shown = page(client, pending.pk)
    assert "backup.json was not restored" in shown and "The restore stopped on an error of ours" in shown
    assert "a bug" not in shown and Workspace.objects.count() == known


@pytest.mark.django_db
def test_a_viewers_large_backup_is_restored_while_the_page_waits(world, client, large):
    """Uploads kept for the worker are editors' (the gate); a viewer's restore is checked at once, as before."""
    backup = backup_of(client, world.owner)
    known = Workspace.objects.count()
    client.force_login(world.viewer)
    assert restore(client, backup).status_code == 200  # refused: they are no owner in it
    assert not PendingImport.objects.exists() and not default_task_backend.results
    assert Workspace.objects.count() == known


@pytest.mark.django_db
def test_a_small_backup_is_still_restored_while_the_page_waits(world, client, settings):
    settings.TASKS = DUMMY
    backup = backup_of(client, world.owner)
    known = Workspace.objects.count()
    assert restore(client, backup).status_code == 302
    assert Workspace.objects.count() == known + 1 and not PendingImport.objects.exists()


@override_settings(TASKS=QUEUE, NORTHSTAR_IMPORT_AT_ONCE_BYTES=100)
def test_the_worker_restores_from_the_database_queue(transactional_db):
    """Committed, as in production: the page hands the backup to the queue, `northstar worker` restores it."""
    world = make_world()
    client = Client()
    assert client.login(email=world.owner.email, password=PASSWORD)
    known = Workspace.objects.count()
    restore(client, client.get("/exchange/backup.json").content)
    assert Workspace.objects.count() == known
    result = CliRunner().invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert PendingImport.objects.get().state == ImportState.IMPORTED
    assert Workspace.objects.count() == known + 1
