"""The files the export offers, shared by the pages, the API and the command line."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from northstar.exchange.exporter import export_text
from northstar.exchange.tables import SHEETS, csv_zip_bytes, export_sheets, xlsx_bytes
from northstar.workspaces.errors import ValidationFailed
from northstar.workspaces.permissions import Actor

FORMATS = ("yaml", "json", "xlsx", "csv")
MEDIA = {
    "yaml": "application/yaml",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def _unknown(fmt: str) -> ValidationFailed:
    return ValidationFailed.one("format", _("Choose one of: %(choices)s.") % {"choices": ", ".join(FORMATS)})


def export_file(actor: Actor, fmt: str) -> tuple[bytes, str, str]:
    """(content, file name, media type) of the actor's view of the workspace in ``fmt``; CSV comes as a zip of
    one file per sheet."""
    stem = slugify(actor.workspace.name) or "workspace"
    if fmt in ("yaml", "json"):
        return export_text(actor, fmt).encode("utf-8"), f"{stem}.{fmt}", MEDIA[fmt]
    if fmt == "xlsx":
        return xlsx_bytes(export_sheets(actor)), f"{stem}.xlsx", MEDIA["xlsx"]
    if fmt == "csv":
        return csv_zip_bytes(export_sheets(actor)), f"{stem}-csv.zip", MEDIA["zip"]
    raise _unknown(fmt)


def template_file(fmt: str) -> tuple[bytes, str, str]:
    """An empty workbook (with a sheet of notes on every column) or a zip of empty CSV files."""
    empty = {name: [] for name in SHEETS}
    if fmt == "xlsx":
        return xlsx_bytes(empty, notes=True), "northstar-template.xlsx", MEDIA["xlsx"]
    if fmt == "csv":
        return csv_zip_bytes(empty), "northstar-template-csv.zip", MEDIA["zip"]
    raise _unknown(fmt)


def download(content: bytes, filename: str, media_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=media_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
