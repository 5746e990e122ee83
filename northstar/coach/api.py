"""REST endpoints of the OKR coach: lint a draft objective, read and switch the rules, the quality report."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from northstar.coach import actions, checks, queries
from northstar.coach.present import Advice, rule_dict
from northstar.core.lint import RULES, KeyResultDraft
from northstar.okrs import queries as okr_queries
from northstar.roadmap.api_scenarios import period_field
from northstar.workspaces.api import ERRORS, WRITE_ERRORS, actor_of
from northstar.workspaces.errors import FieldError, ValidationFailed
from northstar.workspaces.schemas import InputSchema
from northstar.workspaces.web import today

router = Router(tags=["coach"])


class DraftKeyResultIn(InputSchema):
    title: str = Field(max_length=300)
    kind: Literal["increase", "decrease", "range", "boolean", "milestone"] = "increase"
    unit: str = Field("", max_length=20)
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None


class DraftObjectiveIn(InputSchema):
    title: str = Field(max_length=300)
    team: int | None = None
    period: int | None = None
    parents: list[int] = Field(default_factory=list, description="Objectives it aligns to.")
    key_results: list[DraftKeyResultIn] = Field(default_factory=list, max_length=50)


class FindingOut(Schema):
    rule: str
    severity: str = Field(description="error | warning | hint")
    field: str = Field(description="The field it concerns: title, start, target, unit, parents, key_results…")
    key_result: int | None = Field(description="Index into key_results; null for the objective itself.")
    message: str = Field(description="In the request's language (Accept-Language).")
    suggestion: str
    language: str = Field(description="The language the text was read in: en or sv.")
    text: str
    span: list[int] | None = Field(description="[start, end) character offsets of the words concerned.")


class LintOut(Schema):
    findings: list[FindingOut]


class ExampleOut(Schema):
    language: str
    flagged: bool
    objectives: list[dict[str, Any]]


class RuleOut(Schema):
    id: str
    severity: str
    scope: str
    summary: str
    enabled: bool
    examples: list[ExampleOut]


class RulesIn(InputSchema):
    disabled: list[str] = Field(description="Ids of the rules to switch off; all others are on.")


class TeamQualityOut(Schema):
    team: int | None
    name: str | None
    objectives: int
    key_results: int
    outputs: int
    outcome_share: float | None
    errors: int
    warnings: int
    hints: int


class CommonOut(Schema):
    rule: str
    summary: str
    severity: str
    count: int
    objectives: int


class QualityOut(Schema):
    period: int | None
    teams: list[TeamQualityOut]
    total: TeamQualityOut
    common: list[CommonOut]


class ReportQuery(Schema):
    period: int | None = Field(None, description="Default: the shortest period containing today.")


def _findings(advice: list[Advice]) -> dict[str, Any]:
    return {"findings": [a.as_dict() for a in advice]}


@router.post(
    "/coach/lint", response={200: LintOut, **ERRORS}, summary="What the OKR coach says about a draft"
)
def lint_draft(request: HttpRequest, payload: DraftObjectiveIn) -> dict[str, Any]:
    actor = actor_of(request)
    drafts = [KeyResultDraft(**k.model_dump()) for k in payload.key_results]
    advice = checks.check_objective(
        actor,
        payload.title,
        team=payload.team,
        period=payload.period,
        parents=payload.parents,
        key_results=drafts,
    )
    return _findings(advice)


def _rules(actor: Any) -> list[dict[str, Any]]:
    off = set(queries.disabled_rules(actor))
    return [rule_dict(r, r.id not in off) for r in RULES]


@router.get("/coach/rules", response={200: list[RuleOut], **ERRORS}, summary="The coach's rules")
def list_rules(request: HttpRequest) -> list[dict[str, Any]]:
    return _rules(actor_of(request))


@router.put(
    "/coach/rules", response={200: list[RuleOut], **WRITE_ERRORS}, summary="Switch rules off (admins)"
)
def set_rules(request: HttpRequest, payload: RulesIn) -> list[dict[str, Any]]:
    actor = actor_of(request)
    try:
        actions.set_disabled_rules(actor, payload.disabled)
    except ValidationFailed as exc:  # the workspace calls the field by its own name
        raise ValidationFailed([FieldError("disabled", e.message) for e in exc.errors]) from exc
    return _rules(actor)


def _team_out(row: queries.TeamQuality) -> dict[str, Any]:
    return {
        "team": row.team.pk if row.team else None,
        "name": row.team.name if row.team else None,
        "objectives": row.objectives,
        "key_results": row.key_results,
        "outputs": row.outputs,
        "outcome_share": row.outcome_share,
        "errors": row.errors,
        "warnings": row.warnings,
        "hints": row.hints,
    }


@router.get("/coach/report", response={200: QualityOut, **ERRORS}, summary="OKR quality per team")
def quality_report(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    actor = actor_of(request)
    period = (
        okr_queries.default_period(actor, today())
        if query.period is None
        else period_field(actor, query.period)
    )
    report = queries.quality_report(actor, period)
    return {
        "period": period.pk if period else None,
        "teams": [_team_out(t) for t in report.teams],
        "total": _team_out(report.total),
        "common": [
            {
                "rule": c.rule,
                "summary": c.summary,
                "severity": c.severity,
                "count": c.count,
                "objectives": c.objectives,
            }
            for c in report.common
        ],
    }
