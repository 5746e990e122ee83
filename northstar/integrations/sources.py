"""Key results that update themselves: a value read from an HTTP JSON endpoint, a read-only SQL query, or the
work linked to the key result, refreshed on a schedule by the worker and on demand. Each value read records a
check-in with source "automatic"; a failure records nothing and is shown on the key result."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlparse

import dj_database_url
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from northstar.integrations.models import LiveSource, SourceKind
from northstar.okrs import actions as okr_actions
from northstar.okrs.models import KeyResult
from northstar.roadmap.models import Contribution, WorkItemStatus
from northstar.workspaces.errors import FieldError, NotFound, ValidationFailed
from northstar.workspaces.permissions import CHANGE, CHECK_IN, Actor, access, actor_for


class SourceFailed(Exception):
    """The source gave no usable value; the message says why, for the key result's page."""


# --- reading a value ---------------------------------------------------------------------------------------------

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def at_path(document: Any, path: str) -> Any:
    """``data.items[0].value`` into parsed JSON; SourceFailed names the step that is missing."""
    here = document
    for name, index in _STEP.findall(path.strip()):
        try:
            here = here[int(index)] if index else here[name]
        except (KeyError, IndexError, TypeError) as exc:
            raise SourceFailed(
                _("Nothing at “%(step)s” in the answer.") % {"step": name or f"[{index}]"}
            ) from exc
    return here


def as_number(value: Any) -> float:
    if isinstance(value, bool):
        raise SourceFailed(_("The value is true or false, not a number."))
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip().rstrip("%").replace(",", "."))
    except ValueError as exc:
        raise SourceFailed(_("“%(value)s” is not a number.") % {"value": str(value)[:60]}) from exc


def read_http_json(url: str, path: str) -> float:
    limit = settings.NORTHSTAR_SOURCE_MAX_BYTES
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "northstar-sources/1"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NORTHSTAR_SOURCE_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise SourceFailed(_("The endpoint answered %(code)s.") % {"code": exc.code}) from exc
    except TimeoutError as exc:
        raise SourceFailed(_("The endpoint did not answer in time.")) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SourceFailed(
            _("The endpoint cannot be reached: %(reason)s") % {"reason": getattr(exc, "reason", exc)}
        ) from exc
    if len(body) > limit:
        raise SourceFailed(_("The answer is larger than %(n)s bytes.") % {"n": f"{limit:,}"})
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceFailed(_("The answer is not JSON.")) from exc
    return as_number(at_path(document, path))


SELECT_ONLY = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


def check_query(query: str) -> str:
    text = query.strip().rstrip(";").strip()
    if not SELECT_ONLY.match(text) or ";" in text:
        raise ValidationFailed.one("query", _("Use one SELECT statement (WITH … SELECT is fine)."))
    return text


def read_sql(query: str) -> float:
    """One number from the read-only source database, in a read-only transaction with a statement timeout."""
    url = settings.NORTHSTAR_SOURCE_DATABASE_URL
    if not url:
        raise SourceFailed(_("No source database is configured (NORTHSTAR_SOURCE_DATABASE_URL)."))
    config = dj_database_url.parse(url)
    text = check_query(query)
    timeout = settings.NORTHSTAR_SOURCE_TIMEOUT_SECONDS
    try:
        if "sqlite" in config["ENGINE"]:
            connection = sqlite3.connect(f"file:{config['NAME']}?mode=ro", uri=True, timeout=timeout)
            try:
                connection.execute("PRAGMA query_only = ON")
                row = connection.execute(text).fetchone()
            finally:
                connection.close()
        else:
            import psycopg

            with psycopg.connect(
                host=config.get("HOST") or None, port=config.get("PORT") or None, dbname=config["NAME"],
                user=config.get("USER") or None, password=config.get("PASSWORD") or None, connect_timeout=timeout,
            ) as connection:  # fmt: skip
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION READ ONLY")
                    cursor.execute(f"SET LOCAL statement_timeout = {int(timeout * 1000)}")
                    cursor.execute(text)  # the query is the admin's own, checked to be one SELECT
                    row = cursor.fetchone()
                connection.rollback()
    except SourceFailed:
        raise
    except Exception as exc:  # every driver's error is a message for the key result, not a crash
        raise SourceFailed(_("The query failed: %(error)s") % {"error": str(exc)[:200]}) from exc
    if not row:
        raise SourceFailed(_("The query returned no row."))
    return as_number(row[0])


def read_linked_work(source: LiveSource) -> float:
    statuses = list(
        Contribution.objects.filter(workspace_id=source.workspace_id, key_result_id=source.key_result_id)
        .exclude(work_item__status=WorkItemStatus.CANCELLED)
        .values_list("work_item__status", flat=True)
    )
    done = sum(1 for s in statuses if s == WorkItemStatus.DONE)
    if source.kind == SourceKind.DONE_COUNT:
        return float(done)
    if not statuses:
        raise SourceFailed(_("No work is linked to this key result."))
    return round(100.0 * done / len(statuses), 2)


def read(source: LiveSource) -> float:
    if source.kind == SourceKind.HTTP_JSON:
        return read_http_json(source.url, source.json_path)
    if source.kind == SourceKind.SQL:
        return read_sql(source.query)
    return read_linked_work(source)


# --- binding and refreshing --------------------------------------------------------------------------------------


def source_of(actor: Actor, key_result_id: int) -> LiveSource:
    kr = access(KeyResult.objects, actor, key_result_id)
    found = LiveSource.objects.filter(workspace=actor.workspace, key_result=kr).first()
    if found is None:
        raise NotFound
    return found


@transaction.atomic
def set_source(
    actor: Actor,
    key_result_id: int,
    *,
    kind: str,
    url: str = "",
    json_path: str = "",
    query: str = "",
    every_minutes: int = 60,
) -> LiveSource:
    kr = access(KeyResult.objects, actor, key_result_id, CHANGE)
    errors: list[FieldError] = []
    if kind not in SourceKind.values:
        errors.append(FieldError("kind", _("Choose http_json, sql, done_share or done_count.")))
    if kind == SourceKind.HTTP_JSON:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            errors.append(FieldError("url", _("Enter an http:// or https:// address.")))
        if not json_path.strip():
            errors.append(
                FieldError("json_path", _("Say where the number is in the answer, e.g. data.value."))
            )
    if kind == SourceKind.SQL:
        if not settings.NORTHSTAR_SOURCE_DATABASE_URL:
            errors.append(
                FieldError("query", _("No source database is configured (NORTHSTAR_SOURCE_DATABASE_URL)."))
            )
        else:
            try:
                check_query(query)
            except ValidationFailed as exc:
                errors += exc.errors
    if not 5 <= every_minutes <= 10080:
        errors.append(FieldError("every_minutes", _("From 5 minutes to a week (10080).")))
    if errors:
        raise ValidationFailed(errors)
    source, _created = LiveSource.objects.update_or_create(
        workspace=actor.workspace, key_result=kr,
        defaults={"kind": kind, "url": url.strip(), "json_path": json_path.strip(), "query": query.strip(),
                  "every_minutes": every_minutes, "created_by": actor.user, "last_error": ""},
    )  # fmt: skip
    return source


@transaction.atomic
def remove_source(actor: Actor, key_result_id: int) -> None:
    kr = access(KeyResult.objects, actor, key_result_id, CHANGE)
    LiveSource.objects.filter(workspace=actor.workspace, key_result=kr).delete()


def refresh(actor: Actor, key_result_id: int, now: dt.datetime | None = None) -> LiveSource:
    """Read the source now; a value becomes a check-in (source "automatic"), a failure is kept on the source."""
    access(KeyResult.objects, actor, key_result_id, CHECK_IN)
    return _refresh(source_of(actor, key_result_id), actor, now or timezone.now())


def _refresh(source: LiveSource, actor: Actor, now: dt.datetime) -> LiveSource:
    try:
        value = read(source)
    except SourceFailed as exc:
        source.last_error = str(exc)[:300]
    else:
        okr_actions.do_check_in(actor, source.key_result_id, value=value, source="automatic")
        source.last_value, source.last_error = value, ""
    source.last_refreshed_at = now
    source.save(update_fields=["last_value", "last_error", "last_refreshed_at"])
    return source


def refresh_due(now: dt.datetime | None = None) -> int:
    """Refresh every source whose time has come, as the person who bound it (the worker runs this)."""
    now = now or timezone.now()
    done = 0
    for source in LiveSource.objects.select_related("workspace", "created_by").order_by("id"):
        due = (
            source.last_refreshed_at is None
            or source.last_refreshed_at + dt.timedelta(minutes=source.every_minutes) <= now
        )
        if not due or source.created_by is None:
            continue
        actor = actor_for(source.created_by, source.workspace)
        try:
            _refresh(source, actor, now)
        except (NotFound, ValidationFailed) as exc:  # the person lost access, or the period closed
            source.last_error = str(exc)[:300]
            source.last_refreshed_at = now
            source.save(update_fields=["last_error", "last_refreshed_at"])
        done += 1
    return done
