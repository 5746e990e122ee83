"""Jira's CSV export ("Export → CSV (all fields)" of an issue search) as northstar work items and dependencies.

What maps to what:

* an Epic or Initiative at the top of its tree → an initiative; every other issue (story, task, bug, sub-task…)
  → a task under its parent (``Parent`` id or ``Parent key``, or the older ``Custom field (Epic Link)``);
* ``Summary`` → title, ``Description`` → description, ``Issue key`` → the item's key (so a re-import matches);
* ``Custom field (Start date)`` (or ``Target start``) → start, ``Due date`` (or ``Target end``) → end;
* ``Original estimate`` (seconds) → estimate in person-days of 8 hours, ``Time Spent`` → effort done;
* ``Status Category`` → planned / in progress / done, a ``Resolution`` of Won't Do, Cancelled, Declined or
  Duplicate → cancelled;
* ``Assignee`` → owner, when a member of the workspace has that name or email;
* ``Custom field (Team)`` (or ``Team``, ``Component/s``) → team, by name or key, else the team chosen for the
  import;
* ``Outward issue link (Blocks)`` ("this blocks that") and ``Inward issue link (Blocks)`` ("is blocked by") →
  finish-to-start dependencies. Jira repeats a column once per value; all of them are read.

Nothing is dropped silently: columns that are not imported are listed, and so are links to issues outside the
file and assignees who are not members. A loop of "blocks" links cannot be a plan; the link that closes it is left
out and the loop is reported, the rest imports. The import itself is the spreadsheet import's: checked whole, all
or nothing, and every error comes back at its row and Jira column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from northstar.core.graph import find_cycle
from northstar.exchange.importer import ImportReport
from northstar.exchange.tables import RowError, TableErrors, csv_lines, import_sheets, not_imported
from northstar.workspaces.errors import FieldError
from northstar.workspaces.models import Membership, Team, User, Workspace

KEY, SUMMARY, TYPE = "Issue key", "Summary", "Issue Type"
SIGNATURE = {KEY, SUMMARY, TYPE}  # a header with these is a Jira export
HOURS_PER_DAY = 8
START_COLUMNS = ("Custom field (Start date)", "Custom field (Target start)", "Start date")
END_COLUMNS = ("Due date", "Custom field (Target end)", "Custom field (Due date)")
TEAM_COLUMNS = ("Custom field (Team)", "Team", "Component/s")
PARENT_COLUMNS = ("Parent key", "Parent", "Parent id", "Custom field (Epic Link)")
USED = {
    KEY, SUMMARY, TYPE, "Issue id", "Description", "Status", "Status Category", "Resolution", "Assignee",
    "Original estimate", "Original Estimate", "Time Spent", "Inward issue link (Blocks)",
    "Outward issue link (Blocks)", *START_COLUMNS, *END_COLUMNS, *TEAM_COLUMNS, *PARENT_COLUMNS,
}  # fmt: skip
TOP_TYPES = {"epic", "initiative"}
CANCELLED = {"won't do", "wont do", "cancelled", "canceled", "declined", "duplicate", "won't fix"}
STATUS = {"to do": "planned", "in progress": "in_progress", "done": "done"}
# Where an error about a northstar field is shown: the Jira column it came from
COLUMN_OF = {"key": KEY, "title": SUMMARY, "kind": TYPE, "description": "Description", "parent": "Parent",
             "status": "Status Category", "owner": "Assignee", "estimate_days": "Original estimate",
             "effort_done_days": "Time Spent", "team": "Custom field (Team)", "start": START_COLUMNS[0],
             "end": END_COLUMNS[0]}  # fmt: skip


def is_jira_header(names: list[str]) -> bool:
    return {n.strip() for n in names} >= SIGNATURE


@dataclass
class JiraFile:
    header: list[str]
    rows: list[list[str]]  # as in the file, one per issue; row i is line i + 2

    def values(self, row: list[str], column: str) -> list[str]:
        """Every non-empty value of a column (Jira repeats a column once per value)."""
        return [
            row[i].strip()
            for i, name in enumerate(self.header)
            if name == column and i < len(row) and row[i].strip()
        ]

    def value(self, row: list[str], *columns: str) -> str:
        for column in columns:
            found = self.values(row, column)
            if found:
                return found[0]
        return ""


def read_jira_csv(data: bytes) -> JiraFile:
    lines = csv_lines(data, "jira")
    if not lines or not is_jira_header(lines[0]):
        raise TableErrors(
            [RowError("jira", 1, "", _("This is not a Jira CSV export: it needs the columns Issue key, Summary and "
                                       "Issue Type."))]
        )  # fmt: skip
    return JiraFile([h.strip() for h in lines[0]], [r for r in lines[1:] if any(c.strip() for c in r)])


_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%y %H:%M", "%d/%b/%y", "%d/%b/%Y %I:%M %p", "%d/%b/%Y", "%Y-%m-%d %H:%M",
            "%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y")  # fmt: skip


def parse_jira_date(value: str) -> dt.date | None:
    """Jira writes dates as its instance is set up: 25/Nov/26 9:30 AM by default, ISO in newer exports."""
    text = value.strip()
    if not text:
        return None
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", text)
    if iso:
        text = iso.group(1)
    for pattern in _FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@dataclass
class JiraPlan:
    """The sheets to import, and what the import will say beside its counts."""

    work: list[dict[str, Any]]
    dependencies: list[dict[str, Any]]
    dependency_rows: list[int]  # the file row each dependency came from
    notes: list[FieldError] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def plan_jira(jira: JiraFile, workspace: Workspace, default_team: Team | None) -> JiraPlan:
    teams = list(Team.objects.filter(workspace=workspace))
    by_team_name = {t.name.strip().lower(): t.key for t in teams} | {t.key.lower(): t.key for t in teams}
    members = {
        m.user.name.strip().lower(): m.user.email
        for m in Membership.objects.filter(workspace=workspace).select_related("user")
        if m.user.name
    } | {
        e.lower(): e
        for e in Membership.objects.filter(workspace=workspace).values_list("user__email", flat=True)
    }
    ids = {jira.value(row, "Issue id"): jira.value(row, KEY) for row in jira.rows}
    keys = [jira.value(row, KEY) for row in jira.rows]
    known = set(keys)
    plan = JiraPlan([], [], [])
    unknown_people: dict[str, int] = defaultdict(int)
    for n, row in enumerate(jira.rows, start=2):
        key = jira.value(row, KEY)
        parent_raw = jira.value(row, *PARENT_COLUMNS)
        parent = ids.get(parent_raw, parent_raw) or None
        if parent is not None and parent not in known:
            plan.notes.append(FieldError(f"jira[{n}]", _("%(key)s: its parent %(parent)s is not in the file; imported "
                                                          "at the top.") % {"key": key, "parent": parent}))  # fmt: skip
            parent = None
        kind = "initiative" if parent is None and jira.value(row, TYPE).lower() in TOP_TYPES else "task"
        team_raw = jira.value(row, *TEAM_COLUMNS)
        team = by_team_name.get(team_raw.strip().lower()) if team_raw else None
        if team is None and parent is None:
            team = default_team.key if default_team else None
            if team is None:
                plan.errors.append(RowError("jira", n, "Custom field (Team)",
                                            _("No team: “%(team)s” is not a team here; choose a team for the import.")
                                            % {"team": team_raw or "–"}))  # fmt: skip
        assignee = jira.value(row, "Assignee")
        owner = members.get(assignee.lower()) if assignee else None
        if assignee and owner is None:
            unknown_people[assignee] += 1
        resolution = jira.value(row, "Resolution").lower()
        status = (
            "cancelled"
            if resolution in CANCELLED
            else STATUS.get(jira.value(row, "Status Category").lower(), "planned")
        )
        start = parse_jira_date(jira.value(row, *START_COLUMNS))
        end = parse_jira_date(jira.value(row, *END_COLUMNS))
        for column, raw, parsed in ((START_COLUMNS[0], jira.value(row, *START_COLUMNS), start),
                                    (END_COLUMNS[0], jira.value(row, *END_COLUMNS), end)):  # fmt: skip
            if raw and parsed is None:
                plan.errors.append(
                    RowError("jira", n, column, _("“%(value)s” is not a date.") % {"value": raw})
                )
        if start is None and end is not None:
            start = end
        if end is None and start is not None:
            end = start
        if start and end and end < start:
            start = end
        plan.work.append(
            {
                "key": key, "parent": parent, "kind": kind, "title": jira.value(row, SUMMARY),
                "description": jira.value(row, "Description") or None, "team": team, "owner": owner,
                "start": start, "end": end, "status": status,
                "estimate_days": _days(jira.value(row, "Original estimate", "Original Estimate")),
                "effort_done_days": _days(jira.value(row, "Time Spent")),
            }
        )  # fmt: skip
    for person, count in sorted(unknown_people.items()):
        plan.notes.append(FieldError("Assignee", _("%(name)s is not a member of this workspace: %(n)s issues left "
                                                   "without an owner.") % {"name": person, "n": count}))  # fmt: skip
    _links(jira, plan, known)
    note = not_imported(jira.header, USED)
    if note is not None:
        plan.notes.append(note)
    return plan


def _days(seconds: str) -> float | None:
    try:
        value = float(seconds)
    except ValueError:
        return None
    return round(value / 3600 / HOURS_PER_DAY, 2)


def _links(jira: JiraFile, plan: JiraPlan, known: set[str]) -> None:
    """Blocks links as dependencies, once each; a link outside the file or one that closes a loop is reported."""
    edges: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(jira.rows, start=2):
        key = jira.value(row, KEY)
        pairs = [(key, other) for other in jira.values(row, "Outward issue link (Blocks)")]
        pairs += [(other, key) for other in jira.values(row, "Inward issue link (Blocks)")]
        for before, after in pairs:
            if (before, after) in seen:
                continue
            seen.add((before, after))
            outside = before if before not in known else after if after not in known else None
            if outside is not None:
                plan.notes.append(FieldError(f"jira[{n}]", _("%(key)s: the link with %(other)s is not imported; "
                                                              "%(other)s is not in the file.")
                                             % {"key": key, "other": outside}))  # fmt: skip
                continue
            loop = find_cycle(edges, (before, after))
            if loop is not None:
                plan.notes.append(FieldError(f"jira[{n}]", _("These links form a loop: %(loop)s. The link %(before)s → "
                                                              "%(after)s is not imported.")
                                             % {"loop": " → ".join(loop), "before": before, "after": after}))  # fmt: skip
                continue
            edges[before].add(after)
            plan.dependencies.append({"predecessor": before, "successor": after})
            plan.dependency_rows.append(n)


def import_jira(
    data: bytes,
    *,
    user: User | str | None,
    workspace: Workspace,
    default_team: Team | None = None,
    dry_run: bool = False,
    on_progress: Any = None,
) -> ImportReport:
    """Import a Jira CSV export into ``workspace``; TableErrors names every problem at its row and Jira column."""
    jira = read_jira_csv(data)
    plan = plan_jira(jira, workspace, default_team)
    work_rows = [{k: v for k, v in row.items() if v is not None} for row in plan.work]
    try:
        if plan.errors:
            raise TableErrors(plan.errors)
        report = import_sheets(
            {"work": work_rows, "dependencies": plan.dependencies},
            user=user, workspace=workspace, dry_run=dry_run, on_progress=on_progress,
        )  # fmt: skip
    except TableErrors as exc:
        raise TableErrors([_in_jira_terms(e, plan) for e in exc.errors]) from exc
    report.warnings.extend(plan.notes)
    return report


def _in_jira_terms(error: RowError, plan: JiraPlan) -> RowError:
    """A spreadsheet-import error put back at the Jira file's row and column."""
    if error.sheet == "work" and error.row is not None:
        return RowError("jira", error.row, COLUMN_OF.get(error.column, error.column), error.message)
    if (
        error.sheet == "dependencies"
        and error.row is not None
        and 0 <= error.row - 2 < len(plan.dependency_rows)
    ):
        return RowError(
            "jira", plan.dependency_rows[error.row - 2], "Outward issue link (Blocks)", error.message
        )
    return error
