"""Importing an uploaded file, in two steps: a preview that writes nothing (what would be created, updated or
left as it is, and every error at its place), then the import itself. YAML, JSON, CSV and XLSX alike."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from northstar.exchange.importer import ImportReport, import_document
from northstar.exchange.jira import import_jira, is_jira_header
from northstar.exchange.models import PendingImport
from northstar.exchange.okr_yaml import parse_text
from northstar.exchange.tables import RowError, TableErrors, import_sheets, read_file
from northstar.exchange.viva import import_viva, is_viva_header
from northstar.workspaces.errors import NotFound, ValidationFailed
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor, access

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
KEEP_PENDING = dt.timedelta(days=1)
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


def preview_upload(actor: Actor, filename: str, data: bytes, *, default_team: int | None = None) -> Preview:
    """Keep the upload for its confirmation and say what importing it would do."""
    actor.require("editor")
    PendingImport.objects.filter(
        workspace=actor.workspace, created_at__lt=timezone.now() - KEEP_PENDING
    ).delete()  # the ones nobody confirmed
    pending = PendingImport.objects.create(
        workspace=actor.workspace,
        user=actor.user,
        filename=filename[:255],
        content=data,
        team_id=default_team,
    )
    try:
        return Preview(
            pending, run_import(actor, filename, data, dry_run=True, default_team=default_team), []
        )
    except UploadRefused as exc:
        return Preview(pending, None, exc.problems)


def pending_upload(actor: Actor, pk: Any) -> PendingImport:
    return access(PendingImport.objects, actor, pk)  # type: ignore[no-any-return]


def confirm_upload(actor: Actor, pk: Any) -> ImportReport:
    """Import a previewed upload for real; it is forgotten once imported."""
    pending = pending_upload(actor, pk)
    report = run_import(
        actor, pending.filename, bytes(pending.content), dry_run=False, default_team=pending.team_id
    )
    pending.delete()
    return report


def discard_upload(actor: Actor, pk: Any) -> None:
    with contextlib.suppress(NotFound):
        pending_upload(actor, pk).delete()
