"""REST endpoints for import (with a dry run), export, templates and the workspace's backup."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from northstar.exchange import uploads
from northstar.exchange.backup import backup_text
from northstar.exchange.downloads import download, export_file, template_file
from northstar.exchange.importer import ImportReport
from northstar.exchange.models import UploadPurpose
from northstar.exchange.tables import RowError
from northstar.workspaces.api import ERRORS, WRITE_ERRORS, actor_of
from northstar.workspaces.errors import FieldError, ValidationFailed

router = Router(tags=["exchange"])


class TallyOut(Schema):
    created: int
    updated: int
    unchanged: int


class NoteOut(Schema):
    field: str
    message: str


class ImportOut(Schema):
    dry_run: bool
    changed: bool
    sections: dict[str, TallyOut] = Field(description="workspace, periods, teams, people, objectives, …")
    notes: list[NoteOut] = Field(description="What was left out and why (Jira: columns, links, assignees).")


class ImportForm(Schema):
    dry_run: bool = Field(False, description="Check and count, write nothing (the preview).")
    team: int | None = Field(
        None, description="Jira exports: the team of issues that name none of this workspace's."
    )
    background: bool = Field(
        False,
        description="Hand the file to the worker and answer 202 at once; `GET /imports/{id}` says where it stands "
        "(for large files: 100,000 rows take minutes, longer than a request may run).",
    )


class ImportStartedOut(Schema):
    id: int
    state: str = Field(description="checking (a dry run) or importing")


class ImportStateOut(Schema):
    id: int
    filename: str
    state: str = Field(
        description="checking, checked, importing, imported or failed (stopped: nothing written)"
    )
    result: ImportOut | None = Field(description="What the check found or the import did, once done.")
    problems: list[NoteOut] = Field(description="Why the file is refused (`field`: `sheet[row].column`).")


class ExportQuery(Schema):
    format: Literal["yaml", "json", "xlsx", "csv"] = "xlsx"


class TemplateQuery(Schema):
    format: Literal["xlsx", "csv"] = "xlsx"


def problem_field(problem: RowError) -> str:
    """Where a problem is, as one field name: ``objectives[4].target`` (sheet, row as numbered in the file,
    column), or the document path of a YAML/JSON file."""
    if problem.row is None:
        return ".".join(p for p in (problem.sheet, problem.column) if p) or "file"
    return f"{problem.sheet}[{problem.row}]" + (f".{problem.column}" if problem.column else "")


@router.post(
    "/imports",
    response={200: ImportOut, 202: ImportStartedOut, **WRITE_ERRORS},
    summary="Import a file (.xlsx, .csv, .yaml, .json), all or nothing",
    description="Multipart form with `file`. Rows are matched on their keys, so the same file twice changes "
    "nothing. A refused file answers 422 with every problem; `field` is `sheet[row].column` for spreadsheets.",
)
def import_file(
    request: HttpRequest, file: File[UploadedFile], form: Form[ImportForm]
) -> dict[str, Any] | Status:
    actor = actor_of(request)
    if form.background:
        pending = uploads.start_in_background(
            actor, file.name or "upload", file.read(), dry_run=form.dry_run, default_team=form.team
        )
        return Status(202, {"id": pending.pk, "state": pending.state})
    try:
        report = uploads.run_import(
            actor, file.name or "upload", file.read(), dry_run=form.dry_run, default_team=form.team
        )
    except uploads.UploadRefused as exc:
        raise ValidationFailed([FieldError(problem_field(p), p.message) for p in exc.problems]) from exc
    return _import_out(report)


@router.get(
    "/imports/{id}",
    response={200: ImportStateOut, **ERRORS},
    summary="Where an import handed to the worker stands (your own uploads only)",
)
def import_state(request: HttpRequest, id: int) -> dict[str, Any]:
    pending = uploads.background_upload(actor_of(request), id, UploadPurpose.IMPORT)
    now = uploads.standing(pending)
    return {
        "id": pending.pk,
        "filename": pending.filename,
        "state": now.state,
        "result": _import_out(now.report) if now.report else None,
        "problems": [{"field": problem_field(p), "message": p.message} for p in now.problems],
    }


def _import_out(report: ImportReport) -> dict[str, Any]:
    return {
        "dry_run": report.dry_run,
        "changed": report.changed,
        "sections": {
            name: {"created": t.created, "updated": t.updated, "unchanged": t.unchanged}
            for name, t in report.tallies.items()
        },
        "notes": [{"field": w.field, "message": str(w.message)} for w in report.warnings],
    }


@router.get(
    "/exports",
    response={200: None, **ERRORS},
    summary="What you can see of the workspace, as a file (csv: a zip of one file per sheet)",
)
def export(request: HttpRequest, query: Query[ExportQuery]) -> HttpResponse:
    return download(*export_file(actor_of(request), query.format))


@router.get("/exports/template", response={200: None, **ERRORS}, summary="An empty spreadsheet to fill in")
def template(request: HttpRequest, query: Query[TemplateQuery]) -> HttpResponse:
    actor_of(request)
    return download(*template_file(query.format))


@router.get(
    "/backup",
    response={200: None, **ERRORS},
    summary="Everything in the workspace, history and audit included (admins)",
)
def backup(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return download(backup_text(actor).encode("utf-8"), "backup.json", "application/json")
