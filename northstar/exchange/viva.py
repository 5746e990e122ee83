"""Microsoft Viva Goals' Explorer export (CSV or XLSX) as northstar objectives, key results and check-ins.

Viva Goals was retired on 31 December 2025; its Explorer view exported the chosen columns of every goal, one row
each. The layout read here is the one its exports have (second-hand: no specification was published):

    Id, Title, Team, Creator, Owner, Period, Start Date, End Date, Description,
    Aligned To (weight, Objective ID), Metric Name, Unit, Target, Object Type, Goal Type, Start, Created At,
    Last Check-in, Progress %, Actual Progress, Status, Last Check-in Note, Score, Checkins

with one more check-in per unnamed column after ``Checkins``. What maps to what:

* ``Object Type`` Objective → objective; Key result → key result of the objective it is aligned to; Deliverable,
  Project or Initiative → an initiative that serves that objective (or key result);
* ``Id`` → the key (``viva-<Id>``), so importing the same export again changes nothing;
* ``Aligned To`` ``Parent title(weight: 14.29%, Id: 2295776)`` (several joined by " / ") → alignment or parent;
* ``Period`` → the period of that name, else a new one from ``Start Date`` and ``End Date``;
* ``Team`` (the first of "; ") and ``Owner`` (the first of ", ") → a team and a member by name;
* ``Start``, ``Target``, ``Unit``, ``Metric Name`` → the key result's measure (increase or decrease by which way
  the target lies); ``Actual Progress`` at ``Last Check-in`` and every cell of ``Checkins``
  (``Checkin Date: …; … Current Value: 25%; …``) → check-ins, with ``Last Check-in Note`` as the comment.

Everything else (Creator, Created At, Status, Score, Goal Type…) is listed as not imported, never dropped
silently. The import is the OKR importer's: checked whole, all or nothing, errors at their row and column.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import slugify
from django.utils.translation import gettext as _

from northstar.exchange.importer import ImportReport, import_document
from northstar.exchange.okr_yaml import FORMAT_VERSION
from northstar.exchange.tables import RowError, TableErrors, csv_lines, not_imported
from northstar.okrs.models import Period
from northstar.workspaces.errors import FieldError, ValidationFailed
from northstar.workspaces.models import Membership, Team, User, Workspace

SIGNATURE = {"Title", "Object Type", "Aligned To (weight, Objective ID)"}
USED = {
    "Id", "Title", "Team", "Owner", "Period", "Start Date", "End Date", "Description",
    "Aligned To (weight, Objective ID)", "Metric Name", "Unit", "Target", "Object Type", "Start",
    "Last Check-in", "Actual Progress", "Last Check-in Note", "Checkins",
}  # fmt: skip
OBJECTIVE_TYPES = {"objective", "okr", "big rock", "outcome"}
KEY_RESULT_TYPES = {"key result", "kpi", "key results"}
WORK_TYPES = {"deliverable", "project", "initiative", "action"}
ALIGNED = re.compile(r"\(weight:\s*[\d.,]+%?,\s*Id:\s*(\d+)\)", re.IGNORECASE)
CHECK_IN_DATE = re.compile(r"Checkin Date:\s*(\d{4}-\d{2}-\d{2})", re.IGNORECASE)
CHECK_IN_VALUE = re.compile(r"Current Value:\s*([-+]?[\d.,]+)", re.IGNORECASE)
CHECK_IN_NOTE = re.compile(r"Note:\s*([^;]*)", re.IGNORECASE)
# where an error about a document field is shown: the Viva column it came from
COLUMN_OF = {"title": "Title", "key": "Id", "team": "Team", "owner": "Owner", "period": "Period",
             "description": "Description", "aligns_to": "Aligned To (weight, Objective ID)", "unit": "Unit",
             "start": "Start", "target": "Target", "kind": "Object Type", "check_ins": "Checkins",
             "value": "Actual Progress", "date": "Last Check-in"}  # fmt: skip


def is_viva_header(names: list[str]) -> bool:
    return {n.strip() for n in names if n} >= SIGNATURE


@dataclass
class VivaFile:
    header: list[str]
    rows: list[list[Any]]

    def value(self, row: list[Any], column: str) -> Any:
        for i, name in enumerate(self.header):
            if name == column and i < len(row):
                cell = row[i]
                return cell.strip() if isinstance(cell, str) else cell
        return None

    def check_ins(self, row: list[Any]) -> list[str]:
        """The cell under ``Checkins`` and every unnamed one after it."""
        if "Checkins" not in self.header:
            return []
        start = self.header.index("Checkins")
        cells = []
        for i in range(start, len(row)):
            if i > start and i < len(self.header) and self.header[i]:
                break
            if isinstance(row[i], str) and row[i].strip():
                cells.append(row[i].strip())
        return cells


def read_viva(data: bytes, filename: str) -> VivaFile:
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # not a workbook
            raise TableErrors(
                [RowError("viva", None, "", _("The file is not an Excel workbook (.xlsx)."))]
            ) from exc
        lines = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
        book.close()
    else:
        lines = csv_lines(data, "viva")
    if not lines or not is_viva_header([str(h or "") for h in lines[0]]):
        raise TableErrors([RowError("viva", 1, "", _("This is not a Viva Goals export: it needs the columns Title, "
                                                      "Object Type and Aligned To (weight, Objective ID)."))])  # fmt: skip
    header = [str(h).strip() if h is not None else "" for h in lines[0]]
    return VivaFile(header, [list(r) for r in lines[1:] if any(c not in (None, "") for c in r)])


def _number(value: Any) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().rstrip("%").replace("\u00a0", "").replace(" ", "").replace(",", ""))
    except ValueError:
        return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.match(r"(\d{4}-\d{2}-\d{2})", str(value or ""))
    return dt.date.fromisoformat(match.group(1)) if match else None


@dataclass
class VivaPlan:
    document: dict[str, Any]
    rows: dict[str, int] = field(default_factory=dict)  # document path → file row
    notes: list[FieldError] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def plan_viva(viva: VivaFile, workspace: Workspace, default_team: Team | None) -> VivaPlan:
    teams = {t.name.strip().lower(): t.key for t in Team.objects.filter(workspace=workspace)}
    members = {
        m.user.name.strip().lower(): m.user.email
        for m in Membership.objects.filter(workspace=workspace).select_related("user")
        if m.user.name
    }
    periods = {p.name.strip().lower(): p.key for p in Period.objects.filter(workspace=workspace)}
    plan = VivaPlan({"northstar": FORMAT_VERSION})
    new_periods: dict[str, dict[str, Any]] = {}
    objectives: dict[str, dict[str, Any]] = {}  # Viva id → objective document
    pending_krs: list[tuple[int, list[Any]]] = []
    work: list[tuple[int, list[Any]]] = []
    unknown_people: set[str] = set()

    def period_key(n: int, row: list[Any]) -> str | None:
        name = str(viva.value(row, "Period") or "").strip()
        if not name:
            return None
        if name.lower() in periods:
            return periods[name.lower()]
        start, end = _date(viva.value(row, "Start Date")), _date(viva.value(row, "End Date"))
        if start is None or end is None:
            plan.errors.append(RowError("viva", n, "Period", _("No period “%(name)s” here, and no start and end "
                                                             "dates to make it from.") % {"name": name}))  # fmt: skip
            return None
        key = slugify(name)[:50] or f"period-{n}"
        new_periods.setdefault(key, {"key": key, "name": name, "start": start, "end": end})
        periods[name.lower()] = key
        return key

    def owner(row: list[Any]) -> str | None:
        names = [p.strip() for p in str(viva.value(row, "Owner") or "").split(",") if p.strip()]
        for name in names:
            if name.lower() in members:
                return members[name.lower()]
        unknown_people.update(names[:1])
        return None

    def team(n: int, row: list[Any]) -> str | None:
        raw = str(viva.value(row, "Team") or "")
        for name in (p.strip() for p in raw.split(";")):
            if name.lower() in teams:
                return teams[name.lower()]
        if default_team is not None:
            return default_team.key
        plan.errors.append(RowError("viva", n, "Team", _("No team: “%(team)s” is not a team here; choose a team for "
                                                        "the import.") % {"team": raw or "–"}))  # fmt: skip
        return None

    for n, row in enumerate(viva.rows, start=2):
        kind = str(viva.value(row, "Object Type") or "").strip().lower()
        viva_id = str(viva.value(row, "Id") or "").strip()
        if not viva_id:
            plan.errors.append(
                RowError("viva", n, "Id", _("Every row needs its Viva Goals Id (export it too)."))
            )
            continue
        if kind in OBJECTIVE_TYPES:
            data: dict[str, Any] = {"key": f"viva-{viva_id}", "title": viva.value(row, "Title") or ""}
            if viva.value(row, "Description"):
                data["description"] = viva.value(row, "Description")
            data["team"] = team(n, row)
            who = owner(row)
            if who:
                data["owner"] = who
            key = period_key(n, row)
            if key:
                data["period"] = key
            data["__parents"] = ALIGNED.findall(
                str(viva.value(row, "Aligned To (weight, Objective ID)") or "")
            )
            data["__row"] = n
            objectives[viva_id] = data
        elif kind in KEY_RESULT_TYPES:
            pending_krs.append((n, row))
        elif kind in WORK_TYPES:
            work.append((n, row))
        else:
            plan.errors.append(RowError("viva", n, "Object Type", _("“%(type)s” is not an objective, a key result or "
                                                                    "a deliverable.") % {"type": kind or "–"}))  # fmt: skip
    ordered = list(objectives.values())
    for data in ordered:
        parents = [f"viva-{p}" for p in data.pop("__parents") if p in objectives]
        if parents:
            data["aligns_to"] = parents
    for n, row in pending_krs:
        parent_ids = ALIGNED.findall(str(viva.value(row, "Aligned To (weight, Objective ID)") or ""))
        parent = next((objectives[p] for p in parent_ids if p in objectives), None)
        if parent is None:
            plan.errors.append(RowError("viva", n, "Aligned To (weight, Objective ID)",
                                        _("A key result must be aligned to an objective of this file.")))  # fmt: skip
            continue
        start, target = _number(viva.value(row, "Start")), _number(viva.value(row, "Target"))
        kr: dict[str, Any] = {"key": f"viva-{viva.value(row, 'Id')}", "title": viva.value(row, "Title") or ""}
        kr["kind"] = "decrease" if start is not None and target is not None and target < start else "increase"
        kr["start"], kr["target"] = (start if start is not None else 0.0), target
        unit = str(viva.value(row, "Unit") or "").strip()
        if unit and unit.lower() != "number":
            kr["unit"] = unit[:20]
        who = owner(row)
        if who:
            kr["owner"] = who
        check_ins = []
        for cell in viva.check_ins(row):
            day, value = CHECK_IN_DATE.search(cell), CHECK_IN_VALUE.search(cell)
            if day and value and _number(value.group(1)) is not None:
                note = CHECK_IN_NOTE.search(cell)
                item = {"date": dt.date.fromisoformat(day.group(1)), "value": _number(value.group(1))}
                if note and note.group(1).strip():
                    item["comment"] = note.group(1).strip()[:2000]
                check_ins.append(item)
        last_day, last_value = (
            _date(viva.value(row, "Last Check-in")),
            _number(viva.value(row, "Actual Progress")),
        )
        if last_day and last_value is not None and not any(c["date"] == last_day for c in check_ins):
            item = {"date": last_day, "value": last_value}
            if viva.value(row, "Last Check-in Note"):
                item["comment"] = str(viva.value(row, "Last Check-in Note"))[:2000]
            check_ins.append(item)
        if check_ins:
            kr["check_ins"] = sorted(check_ins, key=lambda c: c["date"])
        kr["__row"] = n
        parent.setdefault("key_results", []).append(kr)
    items = []
    for n, row in work:
        parent_ids = ALIGNED.findall(str(viva.value(row, "Aligned To (weight, Objective ID)") or ""))
        item: dict[str, Any] = {"key": f"viva-{viva.value(row, 'Id')}", "kind": "initiative",
                                "title": viva.value(row, "Title") or "", "team": team(n, row)}  # fmt: skip
        start, end = _date(viva.value(row, "Start Date")), _date(viva.value(row, "End Date"))
        if start and end:
            item["start"], item["end"] = start, end
        if parent_ids and parent_ids[0] in objectives:
            item["contributes"] = [{"objective": f"viva-{parent_ids[0]}", "weight": 1}]
        item["__row"] = n
        items.append(item)
    if new_periods:
        plan.document["periods"] = list(new_periods.values())
    for i, data in enumerate(ordered):
        plan.rows[f"objectives[{i}]"] = data.pop("__row")
        for j, kr in enumerate(data.get("key_results", [])):
            plan.rows[f"objectives[{i}].key_results[{j}]"] = kr.pop("__row")
    for i, item in enumerate(items):
        plan.rows[f"work[{i}]"] = item.pop("__row")
    if ordered:
        plan.document["objectives"] = ordered
    if items:
        plan.document["work"] = items
    for person in sorted(unknown_people):
        plan.notes.append(FieldError("Owner", _("%(name)s is not a member of this workspace: left without an owner.")
                                     % {"name": person}))  # fmt: skip
    note = not_imported(viva.header, USED)
    if note is not None:
        plan.notes.append(note)
    return plan


def _locate(path: str, message: str, plan: VivaPlan) -> RowError:
    probe = path
    while probe:
        if probe in plan.rows:
            rest = path[len(probe) :].lstrip(".")
            name = re.split(r"[.\[]", rest, maxsplit=1)[0] if rest else ""
            return RowError("viva", plan.rows[probe], COLUMN_OF.get(name, name), message)
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return RowError("viva", None, path, message)


def import_viva(
    data: bytes,
    filename: str,
    *,
    user: User | str | None,
    workspace: Workspace,
    default_team: Team | None = None,
    dry_run: bool = False,
    on_progress: Any = None,
) -> ImportReport:
    viva = read_viva(data, filename)
    plan = plan_viva(viva, workspace, default_team)
    errors = list(plan.errors)
    report = None
    try:
        report = import_document(plan.document, user=user, workspace=workspace, dry_run=dry_run or bool(errors),
                                 on_progress=on_progress)  # fmt: skip
    except ValidationFailed as exc:
        errors += [_locate(e.field, str(e.message), plan) for e in exc.errors]
    if errors or report is None:
        raise TableErrors(sorted(set(errors), key=lambda e: (e.row or 0, e.column)))
    report.warnings.extend(plan.notes)
    return report
