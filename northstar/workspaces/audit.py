"""The audit log: every write records who, when, what, and the values before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q

from northstar.workspaces.models import AuditEntry
from northstar.workspaces.permissions import Actor

SKIP_FIELDS = {"workspace", "created_at", "updated_at", "version", "position", "token_hash"}


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The object's own field values as JSON-safe data (foreign keys as ids)."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in SKIP_FIELDS or field.primary_key:
            continue
        if fields is not None and field.name not in fields:
            continue
        data[field.name] = _json_value(getattr(obj, field.attname))
    return data


def record(
    actor: Actor,
    action: str,
    obj: models.Model,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    objective_ref: int | None = None,
) -> AuditEntry | None:
    if action == "update" and before is not None and after is not None:
        changed = {k for k in after if before.get(k) != after.get(k)}
        if not changed:
            return None
        before = {k: before.get(k) for k in sorted(changed)}
        after = {k: after[k] for k in sorted(changed)}
    return AuditEntry.objects.create(
        workspace=actor.workspace,
        actor=actor.user,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        objective_ref=objective_ref,
    )


def history(
    actor: Actor, object_type: str, object_id: int, *, also: Q | None = None, limit: int = 100
) -> list[AuditEntry]:
    """The audit entries of one object (and `also`: e.g. the check-ins of a key result), newest first."""
    wanted = Q(object_type=object_type, object_id=object_id)
    if also is not None:
        wanted |= also
    return list(AuditEntry.objects.restrict(actor).filter(wanted).select_related("actor")[:limit])


def key_result_history(actor: Actor, key_result_id: int, *, limit: int = 100) -> list[AuditEntry]:
    check_ins = Q(object_type="checkin") & (
        Q(after__key_result=key_result_id) | Q(before__key_result=key_result_id)
    )
    return history(actor, "keyresult", key_result_id, also=check_ins, limit=limit)
