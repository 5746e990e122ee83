"""Importing an uploaded file, in two steps: a preview that writes nothing (what would be created, updated or
left as it is, and every error at its place), then the import itself. YAML, JSON, CSV and XLSX alike."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from northstar.exchange.backup import RestoreReport, restore_backup
from northstar.exchange.importer import ImportReport, Tally, import_document
from northstar.exchange.jira import import_jira, is_jira_header
from northstar.exchange.models import ImportState, PendingImport, UploadPurpose
from northstar.exchange.okr_yaml import parse_text
from northstar.exchange.tables import RowError, TableErrors, import_sheets, read_file
from northstar.exchange.viva import import_viva, is_viva_header
from northstar.workspaces.errors import FieldError, NotFound, PermissionDenied, ValidationFailed
from northstar.workspaces.models import Team, User
from northstar.workspaces.permissions import Actor, access, actor_for

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KEEP_PENDING = dt.timedelta(days=1)
# A check or an import the worker has not finished this long after it was handed over has stopped (the worker
# died, or none runs): its transaction wrote nothing, and its page says so.
STALLED_AFTER = dt.timedelta(hours=1)
TABULAR = (".csv", ".xlsx")
DOCUMENTS = (".yaml", ".yml", ".json")


class UploadRefused(Exception):
    """The file cannot be imported: every problem, at its place. Nothing was written."""

    def __init__(self, problems: list[RowError]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def run_import(
    actor: Actor, filename: str, data: bytes, *, dry_run: bool, default_team: int | None = None
) -> ImportReport:
    """Import a file into the actor's workspace as the actor (every write through the actions' permission
    checks), all or nothing. A Jira CSV export is recognised by its header; ``default_team`` takes its issues
    that name no team of this workspace."""
    actor.require("editor")
    name = filename.lower()
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused([RowError(filename, None, "", _("The file is larger than 20 MB."))])
    try:
        team = Team.objects.restrict(actor).filter(pk=default_team).first() if default_team else None
        if name.endswith(TABULAR) or data[:2] == b"PK":
            return import_tabular(
                data, filename, user=actor.user, workspace=actor.workspace, default_team=team, dry_run=dry_run
            )
        if not name.endswith(DOCUMENTS):
            raise UploadRefused(
                [RowError(filename, None, "", _("Upload a .yaml, .json, .csv or .xlsx file."))]
            )
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UploadRefused([RowError(filename, None, "", _("The file is not UTF-8 text."))]) from exc
        document = parse_text(text)
        return import_document(document, user=actor.user, workspace=actor.workspace, dry_run=dry_run)
    except TableErrors as exc:
        raise UploadRefused(exc.errors) from exc
    except ValidationFailed as exc:
        raise UploadRefused([RowError("", None, e.field, str(e.message)) for e in exc.errors]) from exc


def header_of(data: bytes, filename: str) -> list[str]:
    """The first row of a CSV file or of a workbook's first sheet (to tell what kind of export it is)."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            first = next(book.worksheets[0].iter_rows(max_row=1, values_only=True), ())
            book.close()
        except Exception:  # not a workbook: the spreadsheet reader says so properly
            return []
        return [str(c) for c in first if c is not None]
    try:
        return next(csv.reader(io.StringIO(_first_line(data), newline="")), [])
    except csv.Error:  # not CSV at all: the spreadsheet reader says so properly
        return []


def _first_line(data: bytes) -> str:
    return data[:65536].decode("utf-8-sig", errors="replace").splitlines()[0] if data else ""


def import_tabular(
    data: bytes,
    filename: str,
    *,
    user: Any,
    workspace: Any,
    default_team: Team | None = None,
    dry_run: bool = False,
    on_progress: Any = None,
) -> ImportReport:
    """A CSV or XLSX file, whichever kind it is: a Jira export, a Viva Goals export, or northstar's own sheets
    (``workspace`` None creates a workspace from northstar's sheets). TableErrors lists every problem."""
    header = header_of(data, filename)
    if filename.lower().endswith(".csv") and is_jira_header(header):
        if workspace is None:
            raise TableErrors(
                [RowError("jira", None, "", _("A Jira export goes into an existing workspace."))]
            )
        return import_jira(data, user=user, workspace=workspace, default_team=default_team, dry_run=dry_run,
                           on_progress=on_progress)  # fmt: skip
    if is_viva_header(header):
        if workspace is None:
            raise TableErrors(
                [RowError("viva", None, "", _("A Viva Goals export goes into an existing workspace."))]
            )
        return import_viva(data, filename, user=user, workspace=workspace, default_team=default_team,
                           dry_run=dry_run, on_progress=on_progress)  # fmt: skip
    return import_sheets(read_file(data, filename), user=user, workspace=workspace, dry_run=dry_run,
                         on_progress=on_progress)  # fmt: skip


@dataclass
class Preview:
    pending: PendingImport
    report: ImportReport | None
    problems: list[RowError]


def in_background(data: bytes) -> bool:
    """A file this large is checked and imported by the worker, not while the page waits: 100,000 rows take
    minutes, longer than a server lets one request run."""
    return len(data) > settings.NORTHSTAR_IMPORT_AT_ONCE_BYTES


def preview_upload(actor: Actor, filename: str, data: bytes, *, default_team: int | None = None) -> Preview:
    """Keep the upload for its confirmation and say what importing it would do — or, for a large file, hand the
    check to the worker (`Preview.report` and `problems` empty, the upload's state CHECKING)."""
    if in_background(data):
        return Preview(
            start_in_background(actor, filename, data, dry_run=True, default_team=default_team), None, []
        )
    pending = _keep(actor, filename, data, default_team, ImportState.INLINE)
    try:
        return Preview(
            pending, run_import(actor, filename, data, dry_run=True, default_team=default_team), []
        )
    except UploadRefused as exc:
        return Preview(pending, None, exc.problems)


def _keep(
    actor: Actor,
    filename: str,
    data: bytes,
    default_team: int | None,
    state: ImportState,
    purpose: UploadPurpose = UploadPurpose.IMPORT,
) -> PendingImport:
    actor.require("editor")
    PendingImport.objects.filter(
        workspace=actor.workspace, created_at__lt=timezone.now() - KEEP_PENDING
    ).delete()  # the ones nobody confirmed, and those imported a day ago
    return PendingImport.objects.create(  # type: ignore[no-any-return]
        workspace=actor.workspace,
        user=actor.user,
        filename=filename[:255],
        content=data,
        team_id=default_team,
        state=state,
        purpose=purpose,
    )


def start_in_background(
    actor: Actor, filename: str, data: bytes, *, dry_run: bool, default_team: int | None = None
) -> PendingImport:
    """Hand a file to the worker: to check (``dry_run``, the preview) or to import at once (the API's choice)."""
    pending = _keep(
        actor, filename, data, default_team, ImportState.CHECKING if dry_run else ImportState.IMPORTING
    )
    (check_upload if dry_run else import_upload).enqueue(pending.pk)
    return pending


def pending_upload(actor: Actor, pk: Any) -> PendingImport:
    return access(PendingImport.objects, actor, pk)  # type: ignore[no-any-return]


def background_upload(actor: Actor, pk: Any, purpose: UploadPurpose | None = None) -> PendingImport:
    """The actor's upload that was handed to the worker (for this ``purpose``, any without); NotFound for one
    checked while its page waited, which has no state to show."""
    pending = pending_upload(actor, pk)
    if pending.state == ImportState.INLINE or purpose not in (None, pending.purpose):
        raise NotFound
    return pending


def confirm_upload(actor: Actor, pk: Any) -> ImportReport | None:
    """Import a previewed upload for real; it is forgotten once imported. A large one is handed to the worker
    (None), once: a second confirmation, or one before the check is done, changes nothing."""
    pending = pending_upload(actor, pk)
    if pending.state != ImportState.INLINE:
        if problems := outcome_problems(pending.outcome):
            raise UploadRefused(problems)
        handed = PendingImport.objects.filter(pk=pending.pk, state=ImportState.CHECKED).update(
            state=ImportState.IMPORTING,
            updated_at=timezone.now(),  # an update() leaves auto_now fields
        )
        if handed:
            import_upload.enqueue(pending.pk)
        return None
    report = run_import(
        actor, pending.filename, bytes(pending.content), dry_run=False, default_team=pending.team_id
    )
    pending.delete()
    return report


def stalled(pending: PendingImport) -> bool:
    working = pending.state in (ImportState.CHECKING, ImportState.IMPORTING)
    return working and pending.updated_at < timezone.now() - STALLED_AFTER


@dataclass
class Standing:
    """Where an upload handed to the worker stands, as its page and the API show it."""

    state: str  # an ImportState; FAILED for one that stalled
    working: bool
    report: ImportReport | None
    problems: list[RowError]
    restored: dict[str, Any] | None = None  # a restored backup's new workspace: its id, slug and name


def standing(pending: PendingImport) -> Standing:
    if stalled(pending):
        message = _("The background work on this file stopped before it was done, and nothing was written. "
                    "Upload the file again.")  # fmt: skip
        return Standing(ImportState.FAILED, False, None, [RowError(pending.filename, None, "", message)])
    working = pending.state in (ImportState.CHECKING, ImportState.IMPORTING)
    return Standing(
        pending.state,
        working,
        outcome_report(pending.outcome),
        outcome_problems(pending.outcome),
        pending.outcome.get("restored"),
    )


def discard_upload(actor: Actor, pk: Any) -> bool:
    """Forget an upload, unless the worker is importing it now (False): that import runs to its end."""
    with contextlib.suppress(NotFound):
        pending = pending_upload(actor, pk)
        if pending.state == ImportState.IMPORTING and not stalled(pending):
            return False
        pending.delete()
    return True


def background_uploads(actor: Actor) -> list[PendingImport]:
    """The actor's uploads the worker checks or imports, or has (the last day's), newest first."""
    return list(
        PendingImport.objects.restrict(actor)
        .filter(user_id=actor.user_id)
        .exclude(state=ImportState.INLINE)
        .defer("content", "outcome")
        .order_by("-created_at", "-pk")[:20]
    )


# --- large files, in the background --------------------------------------------------------------------------


def outcome_of(report: ImportReport) -> dict[str, Any]:
    return {
        "dry_run": report.dry_run,
        "tallies": {name: [t.created, t.updated, t.unchanged] for name, t in report.tallies.items()},
        "warnings": [[w.field, str(w.message)] for w in report.warnings],
    }


def outcome_report(outcome: dict[str, Any]) -> ImportReport | None:
    """The report an outcome holds (its messages in the uploader's language), None when it holds none."""
    if "tallies" not in outcome:
        return None
    return ImportReport(
        workspace_slug="",
        workspace_name="",
        created_workspace=False,
        dry_run=outcome.get("dry_run", False),
        tallies={name: Tally(*counts) for name, counts in outcome["tallies"].items()},
        warnings=[FieldError(field, message) for field, message in outcome.get("warnings", [])],
    )


def outcome_problems(outcome: dict[str, Any]) -> list[RowError]:
    return [RowError(**problem) for problem in outcome.get("problems", [])]


def restore_file(filename: str, data: bytes, owner: User) -> tuple[RestoreReport | None, list[RowError]]:
    """Restore a backup file into a new workspace (``owner`` must be an owner listed in it): the report, or
    every problem with nothing written."""
    try:
        return restore_backup(json.loads(data.decode("utf-8-sig")), owner=owner, slug=None), []
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, [RowError(filename, None, "file", _("This is not a northstar backup file."))]
    except ValidationFailed as exc:
        return None, [RowError(filename, None, e.field, str(e.message)) for e in exc.errors]


def start_restore(actor: Actor, filename: str, data: bytes) -> PendingImport:
    """Hand a large backup to the worker to restore: a medium workspace's backup takes half a minute, an
    enterprise's longer than a server lets one request run."""
    pending = _keep(actor, filename, data, None, ImportState.IMPORTING, UploadPurpose.RESTORE)
    restore_upload.enqueue(pending.pk)
    return pending


@task
def check_upload(pending_id: int) -> str:
    """The preview of a large upload, as the page would have made it."""
    return _in_background(pending_id, ImportState.CHECKING, dry_run=True)


@task
def import_upload(pending_id: int) -> str:
    """The import of a large upload its uploader confirmed."""
    return _in_background(pending_id, ImportState.IMPORTING, dry_run=False)


@task
def restore_upload(pending_id: int) -> str:
    """The restore of a large backup into a new workspace, as the page would have done it."""
    return _work_on(pending_id, ImportState.IMPORTING, UploadPurpose.RESTORE, _restore)


Outcome = tuple[dict[str, Any], ImportState]


def _in_background(pending_id: int, state: ImportState, *, dry_run: bool) -> str:
    def work(pending: PendingImport) -> Outcome:
        actor = actor_for(pending.user, pending.workspace)
        report = run_import(
            actor, pending.filename, bytes(pending.content), dry_run=dry_run, default_team=pending.team_id
        )
        return outcome_of(report), ImportState.CHECKED if dry_run else ImportState.IMPORTED

    return _work_on(pending_id, state, UploadPurpose.IMPORT, work)


def _restore(pending: PendingImport) -> Outcome:
    report, problems = restore_file(pending.filename, bytes(pending.content), pending.user)
    if report is None:
        return {"problems": [p.as_dict() for p in problems]}, ImportState.FAILED
    made = report.workspace
    return {"restored": {"id": made.pk, "slug": made.slug, "name": made.name}}, ImportState.IMPORTED


def _work_on(
    pending_id: int, state: ImportState, purpose: UploadPurpose, work: Callable[[PendingImport], Outcome]
) -> str:
    """Run ``work`` on an upload in ``state``, in its uploader's language, and keep its outcome: the new state
    and what it found. Nothing happens to an upload no longer in that state (discarded, or done already)."""
    pending = (
        PendingImport.objects.filter(pk=pending_id, state=state, purpose=purpose)
        .select_related("user", "workspace")
        .first()
    )
    if pending is None:
        return "gone"
    workspace, user = pending.workspace, pending.user
    with translation.override(user.language or workspace.language or settings.LANGUAGE_CODE):
        try:
            outcome, done = work(pending)
        except UploadRefused as exc:  # for an import: the workspace changed since the check
            outcome, done = {"problems": [p.as_dict() for p in exc.problems]}, ImportState.CHECKED
        except (PermissionDenied, NotFound):  # the uploader is no longer an editor here
            problem = RowError(pending.filename, None, "", _("You may no longer import into this workspace."))
            outcome, done = {"problems": [problem.as_dict()]}, ImportState.CHECKED
        except Exception:
            logger.exception("%s %s of %s stopped", purpose, pending_id, pending.filename)
            if purpose == UploadPurpose.RESTORE:
                message = _("The restore stopped on an error of ours, and nothing was written. Try again later, "
                            "or tell whoever runs northstar here.")  # fmt: skip
            else:
                message = _("The import stopped on an error of ours, and nothing was written. Try again later, "
                            "or tell whoever runs northstar here.")  # fmt: skip
            outcome, done = (
                {"problems": [RowError(pending.filename, None, "", message).as_dict()]},
                ImportState.FAILED,
            )
    emptied = {"content": b""} if done == ImportState.IMPORTED else {}  # only its outcome is kept, for a day
    PendingImport.objects.filter(pk=pending_id, state=state).update(
        state=done, outcome=outcome, updated_at=timezone.now(), **emptied
    )
    return str(done)
