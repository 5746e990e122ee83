"""Check a whole OKR document before anything is written, and turn it into a `Plan` for the importer.

Every problem is collected with its path (`objectives[1].key_results[0].target`), not just the first one, so a
person fixes a file in one go. The key result definition rules are the ones the forms and the API use
(`okrs.validation`, which reads them from `core.progress`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from northstar.core.graph import find_cycle
from northstar.exchange.okr_yaml import FORMAT_VERSION
from northstar.okrs.models import KRKind, ObjectiveStatus, PeriodKind, Visibility
from northstar.okrs.validation import check_confidence, check_key_result_definition
from northstar.roadmap.models import DependencyKind, WorkItemKind, WorkItemStatus
from northstar.workspaces.errors import FieldError, ValidationFailed, unsavable_text
from northstar.workspaces.models import Role

KEY_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+\Z")  # Django's slug: what the key columns accept
SECTIONS = ("northstar", "workspace", "periods", "teams", "people", "objectives", "work", "capacity")

WORKSPACE_KEYS = ("name", "language", "check_in_cadence_days", "rollup_includes_aligned")
PERIOD_KEYS = ("key", "name", "start", "end", "parent", "kind", "closed")
TEAM_KEYS = ("key", "name", "parent")
PERSON_KEYS = ("email", "name", "role", "teams")
OBJECTIVE_KEYS = (
    "key", "title", "description", "team", "owner", "period", "status", "visibility", "weight", "aligns_to",
    "key_results",
)  # fmt: skip
KEY_RESULT_KEYS = (
    "key", "title", "description", "kind", "unit", "start", "target", "low", "high", "weight", "owner", "check_ins",
)  # fmt: skip
CHECK_IN_KEYS = ("date", "value", "confidence", "comment", "by")
WORK_ITEM_KEYS = (
    "key", "kind", "title", "description", "team", "owner", "start", "end", "date", "status", "estimate_days",
    "effort_done_days", "contributes", "depends_on", "children",
)  # fmt: skip
CONTRIBUTION_KEYS = ("kr", "objective", "weight")
DEPENDENCY_KEYS = ("key", "kind", "lag_days")
CAPACITY_KEYS = ("team", "period", "person_days")
MAX_PERSON_DAYS = 100_000  # an item's estimate and effort (roadmap.actions checks the same)
MAX_CAPACITY_DAYS = 1_000_000
MAX_LAG_DAYS = 3650

DEFAULT_ROLE = Role.VIEWER  # least privilege when a file leaves the role out
NOON = dt.time(12, 0)


# --- the plan ---------------------------------------------------------------------------------------------------


@dataclass
class WorkspaceSpec:
    name: str | None = None
    language: str | None = None
    check_in_cadence_days: int | None = None
    rollup_includes_aligned: bool | None = None


@dataclass
class PeriodSpec:
    path: str
    key: str
    name: str
    start: dt.date
    end: dt.date
    kind: str
    closed: bool
    parent: str | None


@dataclass
class TeamSpec:
    path: str
    key: str
    name: str
    parent: str | None


@dataclass
class PersonSpec:
    path: str
    email: str
    name: str
    role: str
    teams: list[str]


@dataclass
class CheckInSpec:
    path: str
    at: dt.datetime
    value: float
    confidence: float | None
    comment: str
    by: str | None


@dataclass
class KeyResultSpec:
    path: str
    key: str
    title: str
    description: str
    kind: str
    unit: str
    start: float | None
    target: float | None
    low: float | None
    high: float | None
    weight: float
    owner: str | None
    check_ins: list[CheckInSpec] = field(default_factory=list)


@dataclass
class ObjectiveSpec:
    path: str
    key: str
    title: str
    description: str
    team: str
    owner: str | None
    period: str | None
    status: str
    visibility: str
    weight: float
    aligns_to: list[str]
    key_results: list[KeyResultSpec] = field(default_factory=list)


@dataclass
class ContributionSpec:
    path: str
    key_result: str | None  # exactly one of key_result and objective
    objective: str | None
    weight: float

    @property
    def target(self) -> tuple[str, str]:
        return ("kr", self.key_result) if self.key_result is not None else ("objective", self.objective or "")


@dataclass
class DependencySpec:
    path: str
    predecessor: str  # the work item this one depends on
    kind: str
    lag_days: int


@dataclass
class WorkItemSpec:
    path: str
    key: str
    kind: str
    title: str
    description: str
    team: str  # the parent's team when the file leaves it out
    owner: str | None
    parent: str | None
    start: dt.date | None
    end: dt.date | None
    status: str
    estimate_days: float | None
    effort_done_days: float
    contributes: list[ContributionSpec] = field(default_factory=list)
    depends_on: list[DependencySpec] = field(default_factory=list)


@dataclass
class CapacitySpec:
    path: str
    team: str
    period: str
    person_days: float


@dataclass
class Plan:
    """A checked document, in the order the importer writes it (parents before children)."""

    workspace: WorkspaceSpec
    periods: list[PeriodSpec]
    teams: list[TeamSpec]
    people: list[PersonSpec]
    objectives: list[ObjectiveSpec]
    work: list[WorkItemSpec] = field(default_factory=list)  # tree order: each item after its parent
    capacity: list[CapacitySpec] = field(default_factory=list)

    @property
    def key_results(self) -> list[KeyResultSpec]:
        return [kr for o in self.objectives for kr in o.key_results]

    @property
    def check_ins(self) -> list[CheckInSpec]:
        return [c for kr in self.key_results for c in kr.check_ins]

    @property
    def dependencies(self) -> list[tuple[WorkItemSpec, DependencySpec]]:
        return [(w, d) for w in self.work for d in w.depends_on]

    @property
    def contributions(self) -> list[tuple[WorkItemSpec, ContributionSpec]]:
        return [(w, c) for w in self.work for c in w.contributes]

    def first_owner(self) -> PersonSpec | None:
        return next((p for p in self.people if p.role == Role.OWNER), None)


@dataclass(frozen=True)
class Existing:
    """What the target workspace already has (update mode), so that the file may refer to it."""

    teams: frozenset[str] = frozenset()
    periods: frozenset[str] = frozenset()
    objectives: frozenset[str] = frozenset()
    key_results: Mapping[str, str] = field(default_factory=dict)  # key result key -> its objective's key
    members: frozenset[str] = frozenset()  # emails
    alignments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # objective key -> parent keys
    work_items: frozenset[str] = frozenset()
    dependencies: tuple[tuple[str, str], ...] = ()  # (predecessor key, successor key)


# --- small checks -----------------------------------------------------------------------------------------------


def join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def infer_period_kind(start: dt.date, end: dt.date) -> str:
    """year when the period is one calendar year long from its start, quarter when three months, else custom.
    A file may leave `kind` out when it follows from the dates; export leaves it out in that case."""
    for months, kind in ((12, PeriodKind.YEAR), (3, PeriodKind.QUARTER)):
        if end == add_months(start, months) - dt.timedelta(days=1):
            return str(kind)
    return str(PeriodKind.CUSTOM)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def check_in_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    """A check-in date becomes 12:00 in the workspace time zone (settings.TIME_ZONE); a full timestamp is kept."""
    tz = timezone.get_default_timezone()
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, tz)
    return timezone.make_aware(dt.datetime.combine(value, NOON), tz)


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


class _Checker:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def error(self, path: str, message: Any) -> None:
        self.errors.append(FieldError(path, message))

    def mapping(
        self, value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, _("Expected a mapping of keys and values here."))
            return None
        for key in value:
            if not isinstance(key, str) or key not in allowed:
                self.error(
                    join(path, str(key)),
                    _("Unknown key “%(key)s”. Known keys here: %(known)s.")
                    % {"key": key, "known": _choices(allowed)},
                )
        for key in required:
            if value.get(key) is None:
                self.error(join(path, key), _("This value is required."))
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(path, _("Expected a list here."))
            return []
        return value

    def text(
        self, data: dict[str, Any], key: str, path: str, *, max_length: int, required: bool = False
    ) -> str:
        value = data.get(key)
        here = join(path, key)
        if value is None:
            return ""  # required values are reported by mapping()
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(here, _("Expected text here."))
            return ""
        text = str(value).strip()
        if required and not text:
            self.error(here, _("This field cannot be empty."))
        elif len(text) > max_length:
            self.error(here, _("Use at most %(n)d characters.") % {"n": max_length})
        elif (problem := unsavable_text(text)) is not None:
            self.error(here, problem)
        return text

    def key(self, data: dict[str, Any], name: str, path: str, *, max_length: int) -> str:
        value = data.get(name)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.error(join(path, name), _("Expected a key (letters, digits, - and _) here."))
            return ""
        key = str(value)
        if not KEY_PATTERN.match(key):
            self.error(join(path, name), _("A key may only contain letters, digits, - and _ (no spaces)."))
        elif len(key) > max_length:
            self.error(join(path, name), _("Use at most %(n)d characters for the key.") % {"n": max_length})
        return key

    def reference(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.error(path, _("Expected a key here."))
            return None
        return str(value)

    def number(
        self,
        data: dict[str, Any],
        key: str,
        path: str,
        *,
        low: float | None = None,
        high: float | None = None,
    ) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        here = join(path, key)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.error(here, _("Expected a number here."))
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            self.error(here, _("Expected a number from %(low)s to %(high)s.") % {"low": low, "high": high})
        return value

    def boolean(self, data: dict[str, Any], key: str, path: str) -> bool | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            self.error(join(path, key), _("Expected true or false here."))
            return None
        return value

    def choice(self, data: dict[str, Any], key: str, path: str, choices: list[str], default: str) -> str:
        value = data.get(key)
        if value is None:
            return default
        if value not in choices:
            self.error(
                join(path, key),
                _("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": _choices(choices)},
            )
            return default
        return str(value)

    def date(self, data: dict[str, Any], key: str, path: str) -> dt.date | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.error(join(path, key), _("Expected a date like 2026-07-01 here."))
            return None
        return value

    def moment(self, data: dict[str, Any], key: str, path: str) -> dt.datetime | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = (
                    dt.datetime.fromisoformat(value)
                    if "T" in value or " " in value
                    else dt.date.fromisoformat(value)
                )
            except ValueError:
                value = None
        if not isinstance(value, dt.date):
            self.error(join(path, key), _("Expected a date like 2026-08-03 (or a date and time) here."))
            return None
        return check_in_datetime(value)


def stable_topological(keys: list[str], parents: Mapping[str, Iterable[str]]) -> list[str]:
    """Keys ordered so that each comes after its parents (those among `keys`), otherwise in file order.
    Keys caught in a cycle (reported elsewhere) are appended in file order."""
    index = {k: i for i, k in enumerate(keys)}
    waiting = {k: {p for p in parents.get(k, ()) if p in index and p != k} for k in keys}
    children: dict[str, list[str]] = {}
    for k, ps in waiting.items():
        for p in ps:
            children.setdefault(p, []).append(k)
    ready = [index[k] for k, ps in waiting.items() if not ps]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        k = keys[heapq.heappop(ready)]
        out.append(k)
        for child in children.get(k, []):
            waiting[child].discard(k)
            if not waiting[child]:
                heapq.heappush(ready, index[child])
    done = set(out)
    return out + [k for k in keys if k not in done]


# --- the document -----------------------------------------------------------------------------------------------


class _DocumentChecker(_Checker):
    def __init__(self, existing: Existing, now: dt.datetime, creating: bool) -> None:
        super().__init__()
        self.existing = existing
        self.now = now
        self.creating = creating

    def unique(self, seen: dict[str, str], key: str, path: str, what: str) -> None:
        if not key:
            return
        folded = key.lower() if what == "email" else key
        if folded in seen:
            self.error(
                path, _("“%(key)s” is already used by %(other)s.") % {"key": key, "other": seen[folded]}
            )
        else:
            seen[folded] = path

    def check_parent_cycles(self, section: str, specs: list[Any]) -> None:
        edges = {s.key: [s.parent] for s in specs if s.parent}
        reported: set[str] = set()
        for s in specs:
            chain, node = [s.key], s.parent
            while node is not None and node in edges and node not in chain:
                chain.append(node)
                node = edges[node][0]
            if node == s.key and s.key not in reported:  # s is on a loop (not merely leading into one)
                loop = [*chain, node]
                reported.update(loop)
                self.error(
                    join(s.path, "parent"),
                    _("These %(section)s form a loop: %(path)s.")
                    % {"section": section, "path": " → ".join(loop)},
                )

    def run(self, document: Any) -> Plan:
        doc = self.mapping(document, "", SECTIONS, ("northstar",))
        if doc is None:
            raise ValidationFailed(self.errors)
        version = doc.get("northstar")
        if version is not None and version != FORMAT_VERSION:
            self.error(
                "northstar",
                _("This file is in format %(found)s; this version of northstar reads format %(ours)s.")
                % {"found": version, "ours": FORMAT_VERSION},
            )
        workspace = self.workspace(doc.get("workspace"))
        periods = self.periods(self.items(doc.get("periods"), "periods"))
        teams = self.teams(self.items(doc.get("teams"), "teams"))
        people = self.people(self.items(doc.get("people"), "people"), teams)
        objectives = self.objectives(self.items(doc.get("objectives"), "objectives"), periods, teams, people)
        work = self.work(self.items(doc.get("work"), "work"), teams, people, objectives)
        capacity = self.capacity(self.items(doc.get("capacity"), "capacity"), periods, teams)
        if self.errors:
            raise ValidationFailed(self.errors)
        return Plan(
            workspace=workspace,
            periods=_ordered(periods, {p.key: [p.parent] for p in periods if p.parent}),
            teams=_ordered(teams, {t.key: [t.parent] for t in teams if t.parent}),
            people=people,
            objectives=_ordered(objectives, {o.key: o.aligns_to for o in objectives}),
            work=work,
            capacity=capacity,
        )

    def workspace(self, value: Any) -> WorkspaceSpec:
        if value is None:
            if self.creating:
                self.error("workspace.name", _("Name the workspace: workspace: {name: …}."))
            return WorkspaceSpec()
        data = self.mapping(value, "workspace", WORKSPACE_KEYS, ("name",) if self.creating else ())
        if data is None:
            return WorkspaceSpec()
        languages = [code for code, _name in settings.LANGUAGES]
        cadence = self.number(data, "check_in_cadence_days", "workspace", low=1, high=365)
        if cadence is not None and not float(cadence).is_integer():
            self.error("workspace.check_in_cadence_days", _("Expected a whole number of days."))
        return WorkspaceSpec(
            name=self.text(data, "name", "workspace", max_length=120, required=True)
            if "name" in data
            else None,
            language=self.choice(data, "language", "workspace", languages, "") or None,
            check_in_cadence_days=int(cadence) if cadence is not None else None,
            rollup_includes_aligned=self.boolean(data, "rollup_includes_aligned", "workspace"),
        )

    def periods(self, items: list[Any]) -> list[PeriodSpec]:
        specs: list[PeriodSpec] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(items):
            path = join("periods", i)
            data = self.mapping(item, path, PERIOD_KEYS, ("key", "name", "start", "end"))
            if data is None:
                continue
            key = self.key(data, "key", path, max_length=60)
            self.unique(seen, key, join(path, "key"), "period")
            start, end = self.date(data, "start", path), self.date(data, "end", path)
            if start and end and end < start:
                self.error(join(path, "end"), _("The period must end on or after its start."))
            kind = self.choice(data, "kind", path, PeriodKind.values, "")
            if not kind:
                kind = infer_period_kind(start, end) if start and end else str(PeriodKind.CUSTOM)
            specs.append(
                PeriodSpec(
                    path=path,
                    key=key,
                    name=self.text(data, "name", path, max_length=120, required=True),
                    start=start or dt.date.min,
                    end=end or dt.date.min,
                    kind=kind,
                    closed=bool(self.boolean(data, "closed", path)),
                    parent=self.reference(data.get("parent"), join(path, "parent")),
                )
            )
        by_key = {p.key: p for p in specs}
        for p in specs:
            if p.parent is None:
                continue
            parent = by_key.get(p.parent)
            if parent is None and p.parent not in self.existing.periods:
                self.error(
                    join(p.path, "parent"),
                    _("There is no period with the key “%(key)s”.") % {"key": p.parent},
                )
            elif parent is p:
                self.error(join(p.path, "parent"), _("A period cannot be its own parent."))
            elif (
                parent is not None
                and dt.date.min not in (p.start, p.end, parent.start, parent.end)
                and (p.start < parent.start or p.end > parent.end)
            ):
                self.error(join(p.path, "parent"), _("A period must lie within its parent period."))
        self.check_parent_cycles(_("periods"), [p for p in specs if p.parent != p.key])
        return specs

    def teams(self, items: list[Any]) -> list[TeamSpec]:
        specs: list[TeamSpec] = []
        seen: dict[str, str] = {}
        for i, item in enumerate(items):
            path = join("teams", i)
            data = self.mapping(item, path, TEAM_KEYS, ("key", "name"))
            if data is None:
                continue
            key = self.key(data, "key", path, max_length=60)
            self.unique(seen, key, join(path, "key"), "team")
            specs.append(
                TeamSpec(
                    path=path,
                    key=key,
                    name=self.text(data, "name", path, max_length=120, required=True),
                    parent=self.reference(data.get("parent"), join(path, "parent")),
                )
            )
        keys = {t.key for t in specs}
        for t in specs:
            if t.parent is not None and t.parent not in keys and t.parent not in self.existing.teams:
                self.error(
                    join(t.path, "parent"), _("There is no team with the key “%(key)s”.") % {"key": t.parent}
                )
            elif t.parent == t.key:
                self.error(join(t.path, "parent"), _("A team cannot sit under itself."))
        self.check_parent_cycles(_("teams"), [t for t in specs if t.parent != t.key])
        return specs

    def team_ref(self, value: Any, path: str, teams: set[str]) -> str | None:
        key = self.reference(value, path)
        if key is not None and key not in teams and key not in self.existing.teams:
            self.error(path, _("There is no team with the key “%(key)s”.") % {"key": key})
        return key

    def people(self, items: list[Any], teams: list[TeamSpec]) -> list[PersonSpec]:
        specs: list[PersonSpec] = []
        seen: dict[str, str] = {}
        team_keys = {t.key for t in teams}
        for i, item in enumerate(items):
            path = join("people", i)
            data = self.mapping(item, path, PERSON_KEYS, ("email",))
            if data is None:
                continue
            email = self.text(data, "email", path, max_length=254).lower()
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    self.error(join(path, "email"), _("Enter a valid email address."))
            self.unique(seen, email, join(path, "email"), "email")
            member_of: list[str] = []
            for j, value in enumerate(self.items(data.get("teams"), join(path, "teams"))):
                key = self.team_ref(value, join(join(path, "teams"), j), team_keys)
                if key is not None and key in member_of:
                    self.error(join(join(path, "teams"), j), _("This team is listed twice."))
                elif key is not None:
                    member_of.append(key)
            specs.append(
                PersonSpec(
                    path=path,
                    email=email,
                    name=self.text(data, "name", path, max_length=150),
                    role=self.choice(data, "role", path, Role.values, str(DEFAULT_ROLE)),
                    teams=member_of,
                )
            )
        return specs

    def person_ref(self, value: Any, path: str, people: set[str]) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(path, _("Expected an email address here."))
            return None
        email = value.strip().lower()
        if email not in people and email not in self.existing.members:
            self.error(
                path,
                _("%(email)s is not in people (nor a member of the workspace).") % {"email": value},
            )
        return email

    def objectives(
        self, items: list[Any], periods: list[PeriodSpec], teams: list[TeamSpec], people: list[PersonSpec]
    ) -> list[ObjectiveSpec]:
        specs: list[ObjectiveSpec] = []
        seen: dict[str, str] = {}
        seen_krs: dict[str, str] = {}
        period_keys, team_keys = {p.key for p in periods}, {t.key for t in teams}
        emails = {p.email for p in people}
        for i, item in enumerate(items):
            path = join("objectives", i)
            data = self.mapping(item, path, OBJECTIVE_KEYS, ("key", "title", "team"))
            if data is None:
                continue
            key = self.key(data, "key", path, max_length=80)
            self.unique(seen, key, join(path, "key"), "objective")
            period = self.reference(data.get("period"), join(path, "period"))
            if period is not None and period not in period_keys and period not in self.existing.periods:
                self.error(
                    join(path, "period"), _("There is no period with the key “%(key)s”.") % {"key": period}
                )
            aligns_to: list[str] = []
            for j, value in enumerate(self.items(data.get("aligns_to"), join(path, "aligns_to"))):
                parent = self.reference(value, join(join(path, "aligns_to"), j))
                if parent is not None and parent in aligns_to:
                    self.error(join(join(path, "aligns_to"), j), _("This objective is listed twice."))
                elif parent is not None:
                    aligns_to.append(parent)
            spec = ObjectiveSpec(
                path=path,
                key=key,
                title=self.text(data, "title", path, max_length=300, required=True),
                description=self.text(data, "description", path, max_length=20000),
                team=self.team_ref(data.get("team"), join(path, "team"), team_keys) or "",
                owner=self.person_ref(data.get("owner"), join(path, "owner"), emails),
                period=period,
                status=self.choice(data, "status", path, ObjectiveStatus.values, str(ObjectiveStatus.ACTIVE)),
                visibility=self.choice(
                    data, "visibility", path, Visibility.values, str(Visibility.WORKSPACE)
                ),
                weight=self.weight(data, path),
                aligns_to=aligns_to,
            )
            for j, kr in enumerate(self.items(data.get("key_results"), join(path, "key_results"))):
                kr_spec = self.key_result(kr, join(join(path, "key_results"), j), spec, emails)
                if kr_spec is not None:
                    self.unique(seen_krs, kr_spec.key, join(kr_spec.path, "key"), "key result")
                    spec.key_results.append(kr_spec)
            specs.append(spec)
        self.check_alignment(specs)
        return specs

    def weight(self, data: dict[str, Any], path: str) -> float:
        weight = self.number(data, "weight", path, low=0, high=1000)
        return 1.0 if weight is None else weight

    def check_alignment(self, specs: list[ObjectiveSpec]) -> None:
        keys = {s.key for s in specs}
        edges: dict[str, list[str]] = {
            child: list(parents) for child, parents in self.existing.alignments.items() if child not in keys
        }
        for s in specs:
            for j, parent in enumerate(s.aligns_to):
                here = join(join(s.path, "aligns_to"), j)
                if parent not in keys and parent not in self.existing.objectives:
                    self.error(here, _("There is no objective with the key “%(key)s”.") % {"key": parent})
                    continue
                cycle = find_cycle(edges, (s.key, parent))
                if cycle is not None:
                    self.error(
                        here,
                        _("Aligning here would make a loop: %(path)s. Choose another parent.")
                        % {"path": " → ".join(cycle)},
                    )
                    continue
                edges.setdefault(s.key, []).append(parent)

    def key_result(
        self, item: Any, path: str, objective: ObjectiveSpec, emails: set[str]
    ) -> KeyResultSpec | None:
        data = self.mapping(item, path, KEY_RESULT_KEYS, ("key", "title"))
        if data is None:
            return None
        key = self.key(data, "key", path, max_length=80)
        elsewhere = self.existing.key_results.get(key)
        if key and elsewhere is not None and objective.key and elsewhere != objective.key:
            self.error(
                join(path, "key"),
                _("The key result “%(key)s” belongs to the objective “%(objective)s” in this workspace; "
                  "key results cannot move between objectives.") % {"key": key, "objective": elsewhere},
            )  # fmt: skip
        errors_before = len(self.errors)
        kind = self.choice(data, "kind", path, KRKind.values, str(KRKind.INCREASE))
        values = {name: self.number(data, name, path) for name in ("start", "target", "low", "high")}
        if len(self.errors) == errors_before:  # the definition rules need a known kind and numbers
            for error in check_key_result_definition(kind, **values):
                self.error(join(path, error.field), error.message)
        spec = KeyResultSpec(
            path=path,
            key=key,
            title=self.text(data, "title", path, max_length=300, required=True),
            description=self.text(data, "description", path, max_length=20000),
            kind=kind,
            unit=self.text(data, "unit", path, max_length=20),
            weight=self.weight(data, path),
            owner=self.person_ref(data.get("owner"), join(path, "owner"), emails),
            **values,
        )
        seen: dict[tuple[dt.datetime, float], str] = {}
        for j, check_in in enumerate(self.items(data.get("check_ins"), join(path, "check_ins"))):
            ci = self.check_in(check_in, join(join(path, "check_ins"), j), kind, emails)
            if ci is None:
                continue
            if (ci.at, ci.value) in seen:
                self.error(
                    ci.path,
                    _("The same check-in is already listed as %(other)s.")
                    % {"other": seen[(ci.at, ci.value)]},
                )
                continue
            seen[(ci.at, ci.value)] = ci.path
            spec.check_ins.append(ci)
        return spec

    def check_in(self, item: Any, path: str, kind: str, emails: set[str]) -> CheckInSpec | None:
        data = self.mapping(item, path, CHECK_IN_KEYS, ("date", "value"))
        if data is None:
            return None
        at = self.moment(data, "date", path)
        if at is not None and at > self.now + dt.timedelta(days=1):
            self.error(join(path, "date"), _("A check-in cannot be in the future."))
        value = self.number(data, "value", path)
        if value is not None and kind == KRKind.BOOLEAN and value not in (0, 1):
            self.error(join(path, "value"), _("Enter 1 for done or 0 for not done."))
        confidence = self.number(data, "confidence", path)
        for error in check_confidence(confidence):
            self.error(join(path, error.field), error.message)
        comment = self.text(data, "comment", path, max_length=2000)
        by = self.person_ref(data.get("by"), join(path, "by"), emails)
        if at is None or value is None:
            return None
        return CheckInSpec(path=path, at=at, value=value, confidence=confidence, comment=comment, by=by)

    # --- the roadmap ---

    def work(
        self,
        items: list[Any],
        teams: list[TeamSpec],
        people: list[PersonSpec],
        objectives: list[ObjectiveSpec],
    ) -> list[WorkItemSpec]:
        """Work items, nested to any depth under `children`, flattened in tree order (each after its parent)."""
        context = _WorkContext(
            team_keys={t.key for t in teams},
            emails={p.email for p in people},
            key_results={kr.key for o in objectives for kr in o.key_results},
            objectives={o.key for o in objectives},
        )
        for i, item in enumerate(items):
            self.work_item(item, join("work", i), None, context)
        self.check_dependencies(context.specs)
        return context.specs

    def work_item(self, item: Any, path: str, parent: WorkItemSpec | None, context: _WorkContext) -> None:
        data = self.mapping(item, path, WORK_ITEM_KEYS, ("key", "kind", "title"))
        if data is None:
            return
        key = self.key(data, "key", path, max_length=80)
        self.unique(context.seen, key, join(path, "key"), "work item")
        kind = self.choice(data, "kind", path, WorkItemKind.values, str(WorkItemKind.TASK))
        if parent is not None and kind == WorkItemKind.INITIATIVE and data.get("kind") is not None:
            self.error(
                join(path, "kind"),
                _("An initiative is the top of its tree; it cannot be part of another item."),
            )
        if data.get("team") is not None:
            team = self.team_ref(data.get("team"), join(path, "team"), context.team_keys) or ""
        elif parent is not None:
            team = parent.team  # inherited
        else:
            team = ""
            self.error(join(path, "team"), _("This value is required (a top-level item has no parent team)."))
        start, end = self.work_dates(data, path, kind)
        spec = WorkItemSpec(
            path=path,
            key=key,
            kind=kind,
            title=self.text(data, "title", path, max_length=300, required=True),
            description=self.text(data, "description", path, max_length=20000),
            team=team,
            owner=self.person_ref(data.get("owner"), join(path, "owner"), context.emails),
            parent=parent.key if parent is not None else None,
            start=start,
            end=end,
            status=self.choice(data, "status", path, WorkItemStatus.values, str(WorkItemStatus.PLANNED)),
            estimate_days=self.number(data, "estimate_days", path, low=0, high=MAX_PERSON_DAYS),
            effort_done_days=self.number(data, "effort_done_days", path, low=0, high=MAX_PERSON_DAYS) or 0,
        )
        targets: dict[tuple[str, str], str] = {}
        for j, value in enumerate(self.items(data.get("contributes"), join(path, "contributes"))):
            contribution = self.contribution(value, join(join(path, "contributes"), j), context)
            if contribution is None:
                continue
            if contribution.target in targets:
                self.error(
                    contribution.path,
                    _("This is already listed as %(other)s.") % {"other": targets[contribution.target]},
                )
                continue
            targets[contribution.target] = contribution.path
            spec.contributes.append(contribution)
        predecessors: dict[str, str] = {}
        for j, value in enumerate(self.items(data.get("depends_on"), join(path, "depends_on"))):
            dependency = self.dependency(value, join(join(path, "depends_on"), j))
            if dependency is None:
                continue
            if dependency.predecessor in predecessors:
                self.error(
                    dependency.path,
                    _("This is already listed as %(other)s.")
                    % {"other": predecessors[dependency.predecessor]},
                )
                continue
            predecessors[dependency.predecessor] = dependency.path
            spec.depends_on.append(dependency)
        context.specs.append(spec)
        children = self.items(data.get("children"), join(path, "children"))
        if children and kind == WorkItemKind.MILESTONE:
            self.error(join(path, "children"), _("A milestone cannot contain other items."))
        for j, child in enumerate(children):
            self.work_item(child, join(join(path, "children"), j), spec, context)

    def work_dates(self, data: dict[str, Any], path: str, kind: str) -> tuple[dt.date | None, dt.date | None]:
        """A milestone has one `date` (stored as start == end); other items have `start` and `end`, or neither."""
        if kind == WorkItemKind.MILESTONE:
            for name in ("start", "end"):
                if data.get(name) is not None:
                    self.error(join(path, name), _("A milestone has one date: write date: instead."))
            day = self.date(data, "date", path)
            return day, day
        if data.get("date") is not None:
            self.error(join(path, "date"), _("Only a milestone has a single date; give start and end."))
        start, end = self.date(data, "start", path), self.date(data, "end", path)
        if (data.get("start") is None) != (data.get("end") is None):
            missing = "end" if data.get("end") is None else "start"
            self.error(join(path, missing), _("Give both dates, or neither."))
        if start and end and end < start:
            self.error(join(path, "end"), _("The end must be on or after the start."))
        return start, end

    def contribution(self, value: Any, path: str, context: _WorkContext) -> ContributionSpec | None:
        data = self.mapping(value, path, CONTRIBUTION_KEYS, ("weight",))
        if data is None:
            return None
        if (data.get("kr") is None) == (data.get("objective") is None):
            self.error(path, _("Name one key result (kr: KEY) or one objective (objective: KEY)."))
            return None
        errors_before = len(self.errors)
        kr = self.reference(data.get("kr"), join(path, "kr"))
        objective = self.reference(data.get("objective"), join(path, "objective"))
        if kr is not None and kr not in context.key_results and kr not in self.existing.key_results:
            self.error(join(path, "kr"), _("There is no key result with the key “%(key)s”.") % {"key": kr})
        if (
            objective is not None
            and objective not in context.objectives
            and objective not in self.existing.objectives
        ):
            self.error(
                join(path, "objective"),
                _("There is no objective with the key “%(key)s”.") % {"key": objective},
            )
        weight = self.number(data, "weight", path, low=0, high=1000)
        if weight is None or len(self.errors) != errors_before:
            return None
        return ContributionSpec(path=path, key_result=kr, objective=objective, weight=weight)

    def dependency(self, value: Any, path: str) -> DependencySpec | None:
        if not isinstance(value, dict):
            key = self.reference(value, path)
            return DependencySpec(path, key, str(DependencyKind.FINISH_TO_START), 0) if key else None
        data = self.mapping(value, path, DEPENDENCY_KEYS, ("key",))
        if data is None:
            return None
        key = self.reference(data.get("key"), join(path, "key"))
        kind = self.choice(data, "kind", path, DependencyKind.values, str(DependencyKind.FINISH_TO_START))
        lag = self.number(data, "lag_days", path, low=-MAX_LAG_DAYS, high=MAX_LAG_DAYS)
        if lag is not None and not float(lag).is_integer():
            self.error(join(path, "lag_days"), _("Expected a whole number of days."))
        if key is None:
            return None
        return DependencySpec(path=path, predecessor=key, kind=kind, lag_days=int(lag or 0))

    def check_dependencies(self, specs: list[WorkItemSpec]) -> None:
        """Every predecessor exists (in the file, or in the workspace when updating), and the dependencies of the
        file together with those the workspace has form no loop; a loop is reported with its path, once."""
        keys = {s.key for s in specs if s.key}
        edges: dict[str, list[str]] = {}
        for predecessor, successor in self.existing.dependencies:
            edges.setdefault(predecessor, []).append(successor)
        for spec in specs:
            for d in spec.depends_on:
                if d.predecessor not in keys and d.predecessor not in self.existing.work_items:
                    self.error(
                        d.path, _("There is no work item with the key “%(key)s”.") % {"key": d.predecessor}
                    )
                    continue
                if d.predecessor == spec.key:
                    self.error(d.path, _("A work item cannot depend on itself."))
                    continue
                if spec.key in edges.get(d.predecessor, ()):
                    continue  # the workspace has this dependency already
                cycle = find_cycle(edges, (d.predecessor, spec.key))
                if cycle is not None:
                    self.error(
                        d.path,
                        _("These dependencies form a loop: %(path)s (each comes before the next).")
                        % {"path": " → ".join(cycle)},
                    )
                    continue
                edges.setdefault(d.predecessor, []).append(spec.key)

    def capacity(
        self, items: list[Any], periods: list[PeriodSpec], teams: list[TeamSpec]
    ) -> list[CapacitySpec]:
        specs: list[CapacitySpec] = []
        seen: dict[tuple[str, str], str] = {}
        team_keys, period_keys = {t.key for t in teams}, {p.key for p in periods}
        for i, item in enumerate(items):
            path = join("capacity", i)
            data = self.mapping(item, path, CAPACITY_KEYS, CAPACITY_KEYS)
            if data is None:
                continue
            errors_before = len(self.errors)
            team = self.team_ref(data.get("team"), join(path, "team"), team_keys)
            period = self.reference(data.get("period"), join(path, "period"))
            if period is not None and period not in period_keys and period not in self.existing.periods:
                self.error(
                    join(path, "period"), _("There is no period with the key “%(key)s”.") % {"key": period}
                )
            person_days = self.number(data, "person_days", path, low=0, high=MAX_CAPACITY_DAYS)
            if team is None or period is None or person_days is None or len(self.errors) != errors_before:
                continue
            if (team, period) in seen:
                self.error(
                    path,
                    _("The capacity of %(team)s in %(period)s is already given at %(other)s.")
                    % {"team": team, "period": period, "other": seen[(team, period)]},
                )
                continue
            seen[(team, period)] = path
            specs.append(CapacitySpec(path=path, team=team, period=period, person_days=person_days))
        return specs


@dataclass
class _WorkContext:
    team_keys: set[str]
    emails: set[str]
    key_results: set[str]
    objectives: set[str]
    specs: list[WorkItemSpec] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)


def _ordered[S: (PeriodSpec, TeamSpec, ObjectiveSpec)](
    specs: list[S], parents: Mapping[str, Iterable[str]]
) -> list[S]:
    by_key = {s.key: s for s in specs}
    return [by_key[k] for k in stable_topological(list(by_key), parents)]


def validate_document(
    document: Any, *, existing: Existing | None = None, now: dt.datetime | None = None, creating: bool = True
) -> Plan:
    """Check a parsed document as a whole. Returns the Plan, or raises ValidationFailed listing every problem.

    `existing` lists what the target workspace already has (update mode), `now` is the moment check-ins may not
    be later than (tests pass a fixed one), `creating` says whether a new workspace will be made (then the
    workspace needs a name)."""
    checker = _DocumentChecker(existing or Existing(), now or timezone.now(), creating)
    return checker.run(document)
