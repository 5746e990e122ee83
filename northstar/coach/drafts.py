"""Objectives and key results as the coach reads them (``core.lint`` drafts), from the database's rows or from
an OKRs-as-code document."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from northstar.core.lint import KeyResultDraft, ObjectiveDraft

if TYPE_CHECKING:  # the CLI lints files without a database; the models need Django set up
    from northstar.okrs.models import KeyResult, Objective


def key_result_draft(kr: KeyResult) -> KeyResultDraft:
    """``kr`` with its owner loaded (select_related)."""
    return KeyResultDraft(
        title=kr.title,
        kind=kr.kind,
        unit=kr.unit or "",
        start=kr.start,
        target=kr.target,
        low=kr.low,
        high=kr.high,
        owner=str(kr.owner) if kr.owner_id else None,  # select_related("owner"): the name shows in messages
    )


def objective_draft(
    objective: Objective, key_results: Iterable[KeyResult], *, aligned: bool
) -> ObjectiveDraft:
    """``objective`` with its team and period loaded (select_related), so this reads nothing more."""
    period = objective.period
    return ObjectiveDraft(
        title=objective.title,
        key_results=tuple(key_result_draft(kr) for kr in key_results),
        period=(period.start, period.end) if period else None,
        team_level=bool(objective.team and objective.team.parent_id),
        aligned=aligned,
        key=str(objective.pk),
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", ".").replace(" ", ""))
    except ValueError:
        return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def document_drafts(document: Mapping[str, Any]) -> list[ObjectiveDraft]:
    """The objectives of an OKRs-as-code document (``shared/examples/finvest.yaml``'s format), keyed by their
    place in it (``objectives[2]``). Reads what it can: the linter is not the importer's validator."""
    periods: dict[str, tuple[dt.date, dt.date]] = {}
    for period in document.get("periods") or []:
        if isinstance(period, Mapping):
            start, end = _date(period.get("start")), _date(period.get("end"))
            if start and end:
                periods[str(period.get("key"))] = (start, end)
    parent_teams = {
        str(t.get("key")): t.get("parent") for t in document.get("teams") or [] if isinstance(t, Mapping)
    }
    out = []
    for n, raw in enumerate(document.get("objectives") or []):
        if not isinstance(raw, Mapping):
            continue
        key_results = []
        for k in raw.get("key_results") or []:
            if not isinstance(k, Mapping):
                continue
            key_results.append(
                KeyResultDraft(
                    title=str(k.get("title") or ""),
                    kind=str(k.get("kind") or "increase"),
                    unit=str(k.get("unit") or ""),
                    start=_number(k.get("start")),
                    target=_number(k.get("target")),
                    low=_number(k.get("low")),
                    high=_number(k.get("high")),
                    owner=str(k["owner"]) if k.get("owner") else None,
                )
            )
        team = raw.get("team")
        out.append(
            ObjectiveDraft(
                title=str(raw.get("title") or ""),
                key_results=tuple(key_results),
                period=periods.get(str(raw.get("period"))),
                team_level=bool(team and parent_teams.get(str(team))),
                aligned=bool(raw.get("aligns_to")),
                key=f"objectives[{n}]",
            )
        )
    return out


def document_language(document: Mapping[str, Any]) -> str:
    workspace = document.get("workspace")
    language = workspace.get("language") if isinstance(workspace, Mapping) else None
    return "sv" if language == "sv" else "en"
