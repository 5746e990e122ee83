"""A whole workspace in one JSON file, and back: every row of every table that belongs to it, history and audit
included, so that export → restore → export gives the same file.

Rows are written per table in primary-key order and referred to by their place in that order (``"ref": 3`` is the
table's third row), never by database ids, so a restored copy — whose ids differ — writes the same file. People
are referred to by their place in the list of people, sorted by email. The audit log names objects by type and
id; an id of an object that still exists becomes its ref, one of an object deleted since stays as it was
(``{"gone": id}``) and is stored negated on restore, where no real row can have it.

Not in the file: API tokens, open invitations and webhooks (secrets, and they act in the workspace they were
made for), and passwords (people are created without a usable one, as an import does). A restore always goes into a new, empty
workspace, in one transaction: all of it or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from northstar.insights.models import ReminderRun, Review
from northstar.integrations.models import InboundValue, LiveSource
from northstar.okrs.models import Alignment, CheckIn, KeyResult, Objective, Period
from northstar.roadmap.models import (
    Baseline,
    BaselineItem,
    Contribution,
    Dependency,
    Scenario,
    ScenarioChange,
    TeamCapacity,
    WorkItem,
)
from northstar.workspaces.actions import unique_slug
from northstar.workspaces.errors import FieldError, ValidationFailed
from northstar.workspaces.models import AuditEntry, Membership, Team, TeamMember, User, Workspace
from northstar.workspaces.permissions import Actor

FORMAT = "northstar-backup"
VERSION = 1

# In the order a restore writes them: every table after the tables it refers to (self-references are set after).
TABLES: tuple[type[models.Model], ...] = (
    Membership,
    Team,
    TeamMember,
    Period,
    Objective,
    Alignment,
    KeyResult,
    CheckIn,
    WorkItem,
    Dependency,
    Contribution,
    TeamCapacity,
    Baseline,
    BaselineItem,
    Scenario,
    ScenarioChange,
    Review,
    ReminderRun,
    LiveSource,
    InboundValue,
    AuditEntry,
)
WORKSPACE_FIELDS = (
    "name", "language", "check_in_cadence_days", "rollup_includes_aligned", "classic_score", "orphan_threshold",
    "grade_aspirational", "grade_committed", "coach_disabled_rules", "created_at",
)  # fmt: skip
USER_FIELDS = ("email", "name", "language")
AUDITED = {m._meta.model_name: m for m in (*TABLES, Workspace, User)}


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name != "workspace"]


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- writing ---------------------------------------------------------------------------------------------------


class _Refs:
    """Database ids → places in the file, per table."""

    def __init__(self) -> None:
        self.by_model: dict[type[models.Model], dict[int, int]] = {}

    def set(self, model: type[models.Model], ids: Iterable[int]) -> None:
        self.by_model[model] = {pk: n for n, pk in enumerate(ids, start=1)}

    def of(self, model: type[models.Model], pk: Any) -> Any:
        """The ref of a row, or ``{"gone": id}`` for one that no longer exists (audit history only)."""
        if pk is None:
            return None
        if isinstance(pk, int) and pk < 0:  # restored from a backup in which it was already gone
            return {"gone": -pk}
        return self.by_model.get(model, {}).get(pk, {"gone": pk})


def export_backup(actor: Actor) -> dict[str, Any]:
    """Everything of the actor's workspace (admins and owners only: it holds what only they may see). Reads
    each table once through the permission gate, plus the people."""
    actor.require("admin")
    workspace = actor.workspace
    refs = _Refs()
    rows: dict[type[models.Model], list[models.Model]] = {}
    for model in TABLES:
        rows[model] = list(model.objects.restrict(actor).order_by("pk"))  # type: ignore[attr-defined]
        refs.set(model, (r.pk for r in rows[model]))
    refs.set(Workspace, [workspace.pk])
    user_ids: set[int] = set()
    for model, items in rows.items():
        for f in _fields(model):
            if f.is_relation and f.related_model is User:
                user_ids.update(getattr(r, f.attname) for r in items if getattr(r, f.attname) is not None)
    people = sorted(User.objects.filter(pk__in=user_ids), key=lambda u: u.email)
    refs.by_model[User] = {u.pk: n for n, u in enumerate(people, start=1)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "workspace": {name: _value(getattr(workspace, name)) for name in WORKSPACE_FIELDS},
        "people": [{name: getattr(u, name) for name in USER_FIELDS} for u in people],
        "tables": {_label(model): [_row(model, r, refs) for r in rows[model]] for model in TABLES},
    }


def _row(model: type[models.Model], row: models.Model, refs: _Refs) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in _fields(model):
        value = getattr(row, f.attname)
        if f.is_relation:
            data[f.name] = refs.of(f.related_model, value) if value is not None else None  # type: ignore[arg-type]
        else:
            data[f.name] = _value(value)
    if model is AuditEntry:
        audited = AUDITED.get(data["object_type"])
        if audited is not None:
            data["object_id"] = refs.of(audited, data["object_id"])
            data["before"] = _snapshot_refs(audited, data["before"], refs.of)
            data["after"] = _snapshot_refs(audited, data["after"], refs.of)
        data["objective_ref"] = refs.of(Objective, data["objective_ref"])
    return data


def _snapshot_refs(
    model: type[models.Model], snapshot: Any, convert: Callable[[type[models.Model], Any], Any]
) -> Any:
    """A snapshot's ids (its foreign keys and many-to-many lists) converted by ``convert``."""
    if not isinstance(snapshot, dict):
        return snapshot
    related = {
        f.name: f.related_model
        for f in model._meta.get_fields()
        if f.related_model is not None and ((f.concrete and f.many_to_one) or f.many_to_many)
    }

    def one(target: type[models.Model], value: Any) -> Any:
        # ids are whole numbers (refs too) or {"gone": id}; a snapshot may hold other things (an email) as they were
        is_id = isinstance(value, int) and not isinstance(value, bool)
        return convert(target, value) if is_id or (isinstance(value, dict) and "gone" in value) else value

    out = {}
    for key, value in snapshot.items():
        target = related.get(key)
        if target is None or target is Workspace or value is None:
            out[key] = value
        elif isinstance(value, list):
            out[key] = [one(target, v) for v in value]
        else:
            out[key] = one(target, value)
    return out


def backup_text(actor: Actor) -> str:
    return json.dumps(export_backup(actor), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


# --- restoring ---------------------------------------------------------------------------------------------------


@dataclass
class RestoreReport:
    workspace: Workspace
    rows: dict[str, int]
    people_created: int


def _fail(path: str, message: Any) -> ValidationFailed:
    return ValidationFailed([FieldError(path, message)])


def restore_backup(document: Any, *, owner: User, slug: str | None = None) -> RestoreReport:
    """A new workspace holding everything in ``document``; ``owner`` must be an owner in it (they restore it).
    Raises ValidationFailed naming what is wrong; writes nothing then."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _fail("format", _("This is not a northstar backup file."))
    if document.get("version") != VERSION:
        raise _fail("version", _("This backup's version is not one this northstar can read."))
    tables = document.get("tables")
    people = document.get("people")
    settings = document.get("workspace")
    if not isinstance(tables, dict) or not isinstance(people, list) or not isinstance(settings, dict):
        raise _fail("tables", _("The backup is incomplete."))
    emails = [str(p.get("email", "")).strip().lower() if isinstance(p, dict) else "" for p in people]
    owners = [
        emails[m["user"] - 1]
        for m in tables.get(_label(Membership), [])
        if isinstance(m, dict) and m.get("role") == "owner" and isinstance(m.get("user"), int)
        and 0 < m["user"] <= len(emails)
    ]  # fmt: skip
    if owner.email.lower() not in owners:
        raise _fail("people", _("Only an owner listed in the backup may restore it."))
    try:
        with transaction.atomic():
            return _Restorer(document, slug).run()
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise _fail("tables", _("The backup is damaged: %(error)s") % {"error": exc}) from exc


class _Restorer:
    def __init__(self, document: dict[str, Any], slug: str | None) -> None:
        self.document = document
        self.slug = slug
        self.ids: dict[type[models.Model], list[int]] = {}

    def id_of(self, model: type[models.Model], ref: Any) -> Any:
        if ref is None:
            return None
        if isinstance(ref, dict):  # gone before the backup: negated, where no real row can be
            return -int(ref["gone"])
        if model is Workspace:
            return self.workspace.pk
        return self.ids[model][int(ref) - 1]

    def run(self) -> RestoreReport:
        settings = self.document["workspace"]
        name = str(settings["name"])
        slug = self.slug or unique_slug(name)
        if Workspace.objects.filter(slug=slug).exists():
            raise _fail("slug", _("There is already a workspace %(slug)s.") % {"slug": slug})
        self.workspace = Workspace.objects.create(
            slug=slug, **{k: _typed(Workspace._meta.get_field(k), settings[k]) for k in WORKSPACE_FIELDS}
        )
        self.workspace.created_at = _typed(Workspace._meta.get_field("created_at"), settings["created_at"])
        Workspace.objects.filter(pk=self.workspace.pk).update(created_at=self.workspace.created_at)
        created = 0
        users = []
        for person in self.document["people"]:
            email = str(person["email"]).strip().lower()
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, None, name=str(person.get("name") or ""))
                user.language = str(person.get("language") or "")
                user.save(update_fields=["language"])
                created += 1
            users.append(user.pk)
        self.ids[User] = users
        counts = {}
        for model in TABLES:
            rows = self.document["tables"].get(_label(model), [])
            counts[_label(model)] = len(rows)
            self._insert(model, rows)
        return RestoreReport(self.workspace, counts, created)

    def _insert(self, model: type[models.Model], rows: list[dict[str, Any]]) -> None:
        fields = _fields(model)
        later = [f for f in fields if f.is_relation and f.related_model is model]  # set once all rows exist
        stamps = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        objects = []
        for row in rows:
            values: dict[str, Any] = {"workspace_id": self.workspace.pk}
            for f in fields:
                if f in later:
                    continue
                raw = row.get(f.name)
                values[f.attname] = self.id_of(f.related_model, raw) if f.is_relation else _typed(f, raw)  # type: ignore[arg-type]
            if model is AuditEntry:
                self._audit_ids(values, row)
            objects.append(model(**values))
        made = model._default_manager.bulk_create(objects, batch_size=500)  # type: ignore[attr-defined]
        self.ids[model] = [o.pk for o in made]
        if stamps and made:  # bulk_create stamps "now" on auto_now fields: put the backup's moments back
            for obj, row in zip(made, rows, strict=True):
                for f in stamps:
                    setattr(obj, f.attname, _typed(f, row.get(f.name)))
            model._default_manager.bulk_update(made, [f.name for f in stamps], batch_size=500)  # type: ignore[attr-defined]
        if later and made:
            for obj, row in zip(made, rows, strict=True):
                for f in later:
                    setattr(obj, f.attname, self.id_of(model, row.get(f.name)))
            model._default_manager.bulk_update(made, [f.name for f in later], batch_size=500)  # type: ignore[attr-defined]

    def _audit_ids(self, values: dict[str, Any], row: dict[str, Any]) -> None:
        audited = AUDITED.get(row["object_type"])
        if audited is not None:
            values["object_id"] = self.id_of(audited, row["object_id"])
            values["before"] = _snapshot_refs(audited, row["before"], self.id_of)
            values["after"] = _snapshot_refs(audited, row["after"], self.id_of)
        values["objective_ref"] = self.id_of(Objective, row.get("objective_ref"))


def _typed(field: models.Field[Any, Any], raw: Any) -> Any:
    if raw is None:
        return None
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(str(raw))
        if moment is None:
            raise ValueError(f"{field.name}: {raw!r}")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)
    if isinstance(field, models.DateField):
        day = parse_date(str(raw))
        if day is None:
            raise ValueError(f"{field.name}: {raw!r}")
        return day
    return raw
