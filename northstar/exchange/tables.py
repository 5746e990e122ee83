"""OKRs and the roadmap as spreadsheets: CSV and XLSX, in and out.

The sheets are a flat form of the OKRs-as-code document (see ``okr_yaml``), one table per section, so that an
import goes through the very same checks and writer as a YAML import — validated whole first, written in one
transaction or not at all, matched on keys so that importing the same file twice changes nothing. Every error
comes back at its place in the file: sheet, row (as a spreadsheet numbers it, the header being row 1), column.

An XLSX workbook holds the sheets by name; a CSV file holds one sheet, recognised by its header (or its file
name). ``SHEETS`` is the documented layout; ``docs/import-format.md`` explains it and the template shows it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from northstar.exchange.exporter import export_document
from northstar.exchange.importer import ImportReport, import_document
from northstar.exchange.okr_yaml import FORMAT_VERSION
from northstar.workspaces.errors import UNSAVABLE, FieldError, ValidationFailed
from northstar.workspaces.models import User, Workspace
from northstar.workspaces.permissions import Actor


@dataclass(frozen=True)
class Column:
    name: str  # the header in the file
    key: str  # the document's field
    kind: str = "text"  # text | number | integer | date | moment | list | boolean
    required: bool = False
    help: Any = ""


def _c(
    name: str, key: str | None = None, kind: str = "text", required: bool = False, help: Any = ""
) -> Column:
    return Column(name, key or name, kind, required, help)


# The layout: sheet → columns, in order. Objective rows repeat the objective beside each of its key results.
SHEETS: dict[str, tuple[Column, ...]] = {
    "workspace": (
        _c("name", required=True), _c("language"), _c("check_in_cadence_days", kind="integer"),
        _c("rollup_includes_aligned", kind="boolean"),
    ),
    "periods": (
        _c("key", required=True), _c("name", required=True), _c("start", kind="date", required=True),
        _c("end", kind="date", required=True), _c("parent"), _c("kind"), _c("closed", kind="boolean"),
    ),
    "teams": (_c("key", required=True), _c("name", required=True), _c("parent")),
    "people": (
        _c("email", required=True), _c("name"), _c("role"),
        _c("teams", kind="list", help=gettext_lazy("Team keys, separated by commas.")),
    ),
    "objectives": (
        _c("objective_key", "key", required=True), _c("objective_title", "title", required=True),
        _c("objective_description", "description"), _c("team"), _c("objective_owner", "owner"), _c("period"),
        _c("status"), _c("visibility"), _c("objective_weight", "weight", kind="number"),
        _c("aligns_to", kind="list", help=gettext_lazy("Keys of the objectives it serves, separated by commas.")),
        _c("kr_key", "key"), _c("kr_title", "title"), _c("kr_description", "description"), _c("kind"),
        _c("unit"), _c("start", kind="number"), _c("target", kind="number"), _c("low", kind="number"),
        _c("high", kind="number"), _c("kr_weight", "weight", kind="number"), _c("kr_owner", "owner"),
    ),
    "check_ins": (
        _c("kr_key", required=True), _c("date", kind="moment", required=True),
        _c("value", kind="number", required=True), _c("confidence", kind="number"), _c("comment"), _c("by"),
    ),
    "work": (
        _c("key", required=True), _c("parent"), _c("kind", required=True), _c("title", required=True),
        _c("description"), _c("team"), _c("owner"), _c("start", kind="date"), _c("end", kind="date"),
        _c("date", kind="date"), _c("status"), _c("estimate_days", kind="number"),
        _c("effort_done_days", kind="number"),
    ),
    "dependencies": (
        _c("predecessor", "key", required=True), _c("successor", required=True), _c("kind"),
        _c("lag_days", kind="integer"),
    ),
    "contributions": (
        _c("work_key", required=True), _c("kr_key", "kr"), _c("objective_key", "objective"),
        _c("weight", kind="number"),
    ),
    "capacity": (_c("team", required=True), _c("period", required=True), _c("person_days", kind="number")),
}  # fmt: skip
OBJECTIVE_COLUMNS = (
    10  # the first ten columns of "objectives" describe the objective, the rest its key result
)
NOTES_SHEET = "notes"  # the template's explanations; never imported


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: (
        int | None
    )  # as a spreadsheet numbers it (the header is row 1); None for the sheet or file as a whole
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


def not_imported(header: Iterable[str], used: set[str]) -> FieldError | None:
    """The note an importer of another tool's export gives for the columns it has no place for."""
    unused = sorted({h for h in header if h and h not in used})
    if not unused:
        return None
    return FieldError(
        "columns",
        _("Not imported (northstar has no place for them): %(columns)s.") % {"columns": ", ".join(unused)},
    )


class TableErrors(Exception):
    """The file is refused: every problem found, with its place. Nothing was written."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(f"{e.sheet}:{e.row}:{e.column}: {e.message}" for e in errors))
        self.errors = errors


Sheets = dict[str, list[dict[str, Any]]]  # sheet → rows (column name → cell value), in file order


# --- reading files -------------------------------------------------------------------------------------------------


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _rows(header: list[Any], body: Iterable[Iterable[Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    rows = []
    for values in body:
        cells = [_clean(v) for v in values]
        if all(c is None for c in cells):
            rows.append({})  # an empty line keeps its number, and is skipped
            continue
        rows.append({name: cell for name, cell in zip(names, cells, strict=False) if name})
    return names, rows


def _check_header(sheet: str, names: list[str], errors: list[RowError]) -> None:
    known = {c.name for c in SHEETS[sheet]}
    unknown = [n for n in names if n and n not in known]
    if unknown:
        errors.append(
            RowError(sheet, 1, ", ".join(unknown),
                     _("Unknown columns: %(columns)s. Known: %(known)s.")
                     % {"columns": ", ".join(unknown), "known": ", ".join(c.name for c in SHEETS[sheet])})
        )  # fmt: skip
    missing = [c.name for c in SHEETS[sheet] if c.required and c.name not in names]
    if missing:
        errors.append(
            RowError(
                sheet,
                1,
                ", ".join(missing),
                _("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)},
            )
        )


def sheet_of_csv(names: list[str], filename: str = "") -> str | None:
    """Which sheet a CSV file holds: its file name says (``work.csv``), else its header does."""
    stem = re.sub(r"\.csv$", "", filename.rsplit("/", 1)[-1].lower())
    if stem in SHEETS:
        return stem
    present = {n for n in names if n}
    fitting = [
        s
        for s, cols in SHEETS.items()
        if {c.name for c in cols if c.required} <= present and present <= {c.name for c in cols}
    ]
    return fitting[0] if len(fitting) == 1 else None


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in Swedish) or tab: whichever the header line has most of. Only the delimiter is
    guessed; quoting stays Excel's (a doubled quote inside a quoted cell)."""
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count) if header else ","


def csv_lines(data: bytes, sheet: str, *, guess_delimiter: bool = False) -> list[list[str]]:
    """The rows of a CSV file (UTF-8, with or without BOM), read as Excel writes them; comma separated, or with
    ``guess_delimiter`` comma, semicolon or tab. A file that is not UTF-8 or not CSV is refused (TableErrors)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableErrors([RowError(sheet, None, "", _("The file is not UTF-8 text."))]) from exc
    delimiter = _delimiter(text) if guess_delimiter else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise TableErrors(
            [RowError(sheet, None, "", _("The file is not valid CSV: %(error)s") % {"error": exc})]
        ) from exc


def read_csv(data: bytes, filename: str = "") -> Sheets:
    """One sheet from a CSV file (UTF-8, with or without BOM; comma, semicolon or tab separated)."""
    lines = csv_lines(data, filename or "csv", guess_delimiter=True)
    if not lines:
        raise TableErrors([RowError(filename or "csv", None, "", _("The file is empty."))])
    names, rows = _rows(lines[0], lines[1:])
    sheet = sheet_of_csv(names, filename)
    if sheet is None:
        raise TableErrors(
            [RowError(filename or "csv", 1, "",
                      _("Cannot tell which table this is from its header. Name the file after its sheet "
                        "(%(sheets)s.csv) or use the template's columns.") % {"sheets": "|".join(SHEETS)})]
        )  # fmt: skip
    errors: list[RowError] = []
    _check_header(sheet, names, errors)
    if errors:
        raise TableErrors(errors)
    return {sheet: rows}


def read_xlsx(data: bytes) -> Sheets:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableErrors(
            [RowError("xlsx", None, "", _("The file is not an Excel workbook (.xlsx)."))]
        ) from exc
    out: Sheets = {}
    errors: list[RowError] = []
    for ws in book.worksheets:
        name = ws.title.strip().lower()
        if name == NOTES_SHEET:
            continue
        if name not in SHEETS:
            errors.append(
                RowError(ws.title, None, "", _("Unknown sheet “%(sheet)s”. Sheets: %(sheets)s.")
                         % {"sheet": ws.title, "sheets": ", ".join(SHEETS)})
            )  # fmt: skip
            continue
        values = list(ws.iter_rows(values_only=True))
        if not values:
            continue
        names, rows = _rows(list(values[0]), values[1:])
        _check_header(name, names, errors)
        out[name] = rows
    book.close()
    if errors:
        raise TableErrors(errors)
    return out


def read_file(data: bytes, filename: str) -> Sheets:
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        return read_xlsx(data)
    return read_csv(data, filename)


# --- rows → document -------------------------------------------------------------------------------------------------


_TRUE = {"true", "yes", "ja", "1", "x", "sant"}
_FALSE = {"false", "no", "nej", "0", "falskt"}


def _typed(column: Column, value: Any) -> Any:
    """A cell as the document wants it; a value that does not parse is passed on as it is, so the checker names
    it at its cell."""
    if value is None:
        return None
    kind = column.kind
    if kind in ("number", "integer"):
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            number: int | float = value
        else:
            raw = str(value).replace("\u00a0", "").replace(" ", "").replace(",", ".")
            try:
                number = int(raw) if re.fullmatch(r"[-+]?\d+", raw) else float(raw)
            except ValueError:
                return str(value)
        if kind == "integer" and isinstance(number, float) and number.is_integer():
            return int(number)
        return number
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else str(value)
    if kind == "moment":
        if isinstance(value, dt.datetime) and value.time() == dt.time(0, 0):
            return value.date()
        return value if isinstance(value, dt.date) else str(value)
    if kind == "list":
        return [part.strip() for part in str(value).split(",") if part.strip()]
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        low = str(value).strip().lower()
        return True if low in _TRUE else False if low in _FALSE else str(value)
    if isinstance(value, float):
        return _number_text(value)
    return str(value) if not isinstance(value, str) else value


def _number_text(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _pick(row: dict[str, Any], columns: Iterable[Column]) -> dict[str, Any]:
    data = {}
    for column in columns:
        value = _typed(column, row.get(column.name))
        if value is not None and value != []:
            data[column.key] = value
    return data


@dataclass
class _Places:
    """Where each part of the document came from, to put its errors back at their cells."""

    rows: dict[str, tuple[str, int]] = field(default_factory=dict)  # document path → (sheet, row)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # document path → field → column

    def add(self, path: str, sheet: str, row: int, columns: Iterable[Column]) -> None:
        self.rows[path] = (sheet, row)
        self.columns[path] = {c.key: c.name for c in columns}

    def locate(self, path: str, message: str) -> RowError:
        probe = path
        while probe:
            if probe in self.rows:
                sheet, row = self.rows[probe]
                rest = path[len(probe) :].lstrip(".")
                name = re.split(r"[.\[]", rest, maxsplit=1)[0] if rest else ""
                return RowError(sheet, row, self.columns[probe].get(name, name), message)
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
        top = path.split(".", 1)[0].split("[", 1)[0]
        return RowError(top or "file", None, "", message)


def document_from_sheets(sheets: Sheets) -> tuple[dict[str, Any], _Places, list[RowError]]:
    """The OKRs-as-code document the sheets describe, where each part of it came from, and what only the flat
    form can get wrong (a check-in for a key result the file does not have, one objective described two ways…)."""
    document: dict[str, Any] = {"northstar": FORMAT_VERSION}
    places = _Places()
    errors: list[RowError] = []

    def numbered(sheet: str) -> Iterator[tuple[int, dict[str, Any]]]:
        for n, row in enumerate(sheets.get(sheet, []), start=2):
            if row:
                yield n, row

    for n, row in numbered("workspace"):
        document["workspace"] = _pick(row, SHEETS["workspace"])
        places.add("workspace", "workspace", n, SHEETS["workspace"])
    for section in ("periods", "teams", "people", "capacity"):
        items = []
        for n, row in numbered(section):
            places.add(f"{section}[{len(items)}]", section, n, SHEETS[section])
            items.append(_pick(row, SHEETS[section]))
        if items:
            document[section] = items

    objective_columns = SHEETS["objectives"][:OBJECTIVE_COLUMNS]
    kr_columns = SHEETS["objectives"][OBJECTIVE_COLUMNS:]
    objectives: list[dict[str, Any]] = []
    by_key: dict[str, tuple[int, dict[str, Any], int]] = {}  # objective key → (index, its fields, first row)
    krs: dict[str, dict[str, Any]] = {}
    for n, row in numbered("objectives"):
        own = _pick(row, objective_columns)
        key = str(own.get("key", ""))
        if key in by_key:
            index, first, first_row = by_key[key]
            if own != first:
                errors.append(RowError("objectives", n, "objective_key",
                                       _("Objective %(key)s is described differently in row %(row)s.")
                                       % {"key": key, "row": first_row}))  # fmt: skip
        else:
            index = len(objectives)
            by_key[key] = (index, own, n)
            objectives.append(dict(own))
            places.add(f"objectives[{index}]", "objectives", n, objective_columns)
        kr = _pick(row, kr_columns)
        if kr:
            target = objectives[index].setdefault("key_results", [])
            path = f"objectives[{index}].key_results[{len(target)}]"
            places.add(path, "objectives", n, kr_columns)
            target.append(kr)
            if "key" in kr:
                if str(kr["key"]) in krs:
                    errors.append(RowError("objectives", n, "kr_key",
                                           _("Key result %(key)s appears twice.") % {"key": kr["key"]}))  # fmt: skip
                krs[str(kr["key"])] = kr
                kr["__path"] = path
    for n, row in numbered("check_ins"):
        data = _pick(row, SHEETS["check_ins"])
        kr = krs.get(str(data.pop("kr_key", "")))
        if kr is None:
            errors.append(RowError("check_ins", n, "kr_key",
                                   _("No key result %(key)s in the objectives sheet of this file.")
                                   % {"key": row.get("kr_key")}))  # fmt: skip
            continue
        items = kr.setdefault("check_ins", [])
        places.add(f"{kr['__path']}.check_ins[{len(items)}]", "check_ins", n, SHEETS["check_ins"])
        items.append(data)
    for kr in krs.values():
        kr.pop("__path", None)
    if objectives:
        document["objectives"] = objectives

    work_rows = list(numbered("work"))
    items_by_key: dict[str, tuple[dict[str, Any], int]] = {}
    parents: dict[str, str] = {}
    for n, row in work_rows:
        data = _pick(row, SHEETS["work"])
        parent = data.pop("parent", None)
        key = str(data.get("key", ""))
        if key in items_by_key:
            errors.append(RowError("work", n, "key", _("Work item %(key)s appears twice.") % {"key": key}))
            continue
        items_by_key[key] = (data, n)
        if parent is not None:
            parents[key] = str(parent)
    roots = []
    for key, (data, n) in items_by_key.items():
        parent = parents.get(key)
        if parent is None:
            roots.append(key)
        elif parent not in items_by_key:
            errors.append(
                RowError("work", n, "parent", _("No work item %(key)s in this file.") % {"key": parent})
            )
        else:
            items_by_key[parent][0].setdefault("children", []).append(data)
    # a dependency hangs on its successor, a contribution on its work item
    for sheet, column, listed_as in (
        ("dependencies", "successor", "depends_on"),
        ("contributions", "work_key", "contributes"),
    ):
        for n, row in numbered(sheet):
            data = _pick(row, SHEETS[sheet])
            item = items_by_key.get(str(data.pop(column, "")))
            if item is None:
                errors.append(RowError(sheet, n, column, _("No work item %(key)s in the work sheet of this file.")
                                       % {"key": row.get(column)}))  # fmt: skip
                continue
            item[0].setdefault(listed_as, []).append(data)
            data["__row"] = n

    def place(key: str, path: str) -> dict[str, Any]:
        data, n = items_by_key[key]
        places.add(path, "work", n, SHEETS["work"])
        for i, link in enumerate(data.get("depends_on", [])):
            places.add(f"{path}.depends_on[{i}]", "dependencies", link.pop("__row"), SHEETS["dependencies"])
        for i, link in enumerate(data.get("contributes", [])):
            places.add(
                f"{path}.contributes[{i}]", "contributions", link.pop("__row"), SHEETS["contributions"]
            )
        for i, child in enumerate(data.get("children", [])):
            place(str(child["key"]), f"{path}.children[{i}]")
        return data

    work = [place(key, f"work[{i}]") for i, key in enumerate(roots)]
    # children are placed through their parents; parents that go round in a circle never reach a root:
    for key, (_data, n) in items_by_key.items():
        if key in parents and not _reaches_root(key, parents, items_by_key):
            errors.append(
                RowError(
                    "work", n, "parent", _("The parents of %(key)s go round in a circle.") % {"key": key}
                )
            )
    if work:
        document["work"] = work
    if errors:
        raise TableErrors(
            sorted(
                errors, key=lambda e: (list(SHEETS).index(e.sheet) if e.sheet in SHEETS else 99, e.row or 0)
            )
        )
    return document, places


def _reaches_root(key: str, parents: dict[str, str], items: dict[str, Any]) -> bool:
    seen = set()
    while key in parents and parents[key] in items:
        if key in seen:
            return False
        seen.add(key)
        key = parents[key]
    return True


def import_sheets(
    sheets: Sheets,
    *,
    user: User | str | None = None,
    workspace: Workspace | None = None,
    dry_run: bool = False,
    on_progress: Any = None,
) -> ImportReport:
    """Import the sheets (into ``workspace``, else a new one), all or nothing; TableErrors lists every problem
    at its cell."""
    document, places = document_from_sheets(sheets)
    try:
        return import_document(
            document, user=user, workspace=workspace, dry_run=dry_run, on_progress=on_progress
        )
    except ValidationFailed as exc:
        raise TableErrors([places.locate(e.field, str(e.message)) for e in exc.errors]) from exc


# --- document → rows → files ---------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def sheets_from_document(document: dict[str, Any]) -> Sheets:
    out: Sheets = {name: [] for name in SHEETS}
    if document.get("workspace"):
        out["workspace"].append(
            {c.name: _cell(document["workspace"].get(c.key)) for c in SHEETS["workspace"]}
        )
    for section in ("periods", "teams", "people", "capacity"):
        for item in document.get(section, []):
            out[section].append({c.name: _cell(item.get(c.key)) for c in SHEETS[section]})
    objective_columns = SHEETS["objectives"][:OBJECTIVE_COLUMNS]
    kr_columns = SHEETS["objectives"][OBJECTIVE_COLUMNS:]
    for objective in document.get("objectives", []):
        own = {c.name: _cell(objective.get(c.key)) for c in objective_columns}
        for kr in objective.get("key_results", []) or [{}]:
            out["objectives"].append({**own, **{c.name: _cell(kr.get(c.key)) for c in kr_columns}})
            for check_in in kr.get("check_ins", []):
                row = {c.name: _cell(check_in.get(c.key)) for c in SHEETS["check_ins"]}
                row["kr_key"] = kr["key"]
                out["check_ins"].append(row)

    def walk(item: dict[str, Any], parent: dict[str, Any] | None) -> None:
        row = {c.name: _cell(item.get(c.key)) for c in SHEETS["work"]}
        row["parent"] = parent["key"] if parent else None
        row["team"] = item.get("team") or (parent or {}).get("team")
        out["work"].append(row)
        for link in item.get("depends_on", []):
            link = {"key": link} if isinstance(link, str) else link
            out["dependencies"].append(
                {"predecessor": link["key"], "successor": item["key"], "kind": link.get("kind"),
                 "lag_days": link.get("lag_days")}
            )  # fmt: skip
        for target in item.get("contributes", []):
            out["contributions"].append(
                {"work_key": item["key"], "kr_key": target.get("kr"), "objective_key": target.get("objective"),
                 "weight": target.get("weight")}
            )  # fmt: skip
        for child in item.get("children", []):
            walk({**child, "team": child.get("team") or row["team"]}, {**item, "team": row["team"]})

    for item in document.get("work", []):
        walk(item, None)
    return out


def export_sheets(actor: Actor) -> Sheets:
    return sheets_from_document(export_document(actor))


EXCEL_ROWS = 1_048_576  # a worksheet's rows, its header's included


def xlsx_bytes(sheets: Sheets, *, notes: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    for name, rows in sheets.items():
        if len(rows) > EXCEL_ROWS - 1:
            raise ValidationFailed.one(
                "format",
                _(
                    "The “%(sheet)s” sheet would have %(rows)s rows, and a spreadsheet holds %(most)s below its "
                    "header. Export as CSV or YAML instead."
                )
                % {"sheet": name, "rows": f"{len(rows):,}", "most": f"{EXCEL_ROWS - 1:,}"},
            )
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, columns in SHEETS.items():
        ws = book.create_sheet(name)
        ws.append([c.name for c in columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row in sheets.get(name, []):
            ws.append([_excel_value(row.get(c.name)) for c in columns])
        for i, column in enumerate(columns, start=1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, min(48, len(column.name) + 4))
    if notes:
        ws = book.create_sheet(NOTES_SHEET, 0)
        ws.append([_("sheet"), _("column"), _("required"), _("notes")])
        for name, columns in SHEETS.items():
            for column in columns:
                ws.append([name, column.name, _("yes") if column.required else "", str(column.help or "")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _excel_value(value: Any) -> Any:
    """Excel has no time zones: a moment is written in the workspace's local time (as the pages show it)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value, timezone.get_default_timezone()).replace(tzinfo=None)
    if isinstance(value, str):  # text saved before such characters were refused: XML cannot hold them
        return UNSAVABLE.sub("\ufffd", value)
    return value


def csv_bytes(sheet: str, rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = SHEETS[sheet]
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow(["" if row.get(c.name) is None else row.get(c.name) for c in columns])
    return buffer.getvalue().encode("utf-8-sig")  # with a BOM, so that Excel reads it as UTF-8


def csv_zip_bytes(sheets: Sheets) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in SHEETS:
            archive.writestr(f"{name}.csv", csv_bytes(name, sheets.get(name, [])))
    return buffer.getvalue()
