"""What the coach says about a workspace: findings per objective, badges for the OKR page, the quality report.

Every read goes through the permission gate; a workspace of any size is linted from four queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from northstar.coach.drafts import objective_draft
from northstar.coach.present import Advice, advise
from northstar.core.lint import RULES, Finding, ObjectiveDraft, lint, rule
from northstar.core.lint.model import Language
from northstar.okrs.models import Alignment, KeyResult, Objective, Period
from northstar.okrs.queries import ObjectiveView, period_family
from northstar.workspaces.models import Team
from northstar.workspaces.permissions import Actor

OUTPUT_RULE = "output-not-outcome"


def language_of(actor: Actor) -> Language:
    return "sv" if actor.workspace.language == "sv" else "en"


def disabled_rules(actor: Actor) -> list[str]:
    return list(actor.workspace.coach_disabled_rules or [])


def lint_for(
    actor: Actor, objectives: Sequence[ObjectiveDraft], scopes: Sequence[str] | None = None
) -> list[Finding]:
    """The workspace's enabled rules over these drafts, with its language as the fallback."""
    return lint(
        objectives,
        disabled=disabled_rules(actor),
        language=language_of(actor),
        **({"scopes": scopes} if scopes is not None else {}),
    )


@dataclass(frozen=True)
class Badge:
    errors: int = 0
    warnings: int = 0
    hints: int = 0

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.hints

    @property
    def level(self) -> str:
        return "error" if self.errors else "warning" if self.warnings else "hint" if self.hints else "ok"


def _count(findings: Sequence[Finding]) -> dict[str, Badge]:
    tally: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        tally[f.objective][str(f.severity)] += 1
    return {k: Badge(c["error"], c["warning"], c["hint"]) for k, c in tally.items()}


def badges(actor: Actor, views: Sequence[ObjectiveView]) -> dict[int, Badge]:
    """A quality badge per objective on the OKR page, from what the page already read (no query)."""
    drafts = [
        objective_draft(v.objective, [k.kr for k in v.key_results], aligned=bool(v.parents)) for v in views
    ]
    counted = _count(lint_for(actor, drafts))
    return {v.objective.pk: counted.get(str(v.objective.pk), Badge()) for v in views}


@dataclass
class Linted:
    objectives: list[Objective]
    drafts: list[ObjectiveDraft]
    findings: list[Finding]
    advice: list[Advice]

    def advice_for(self, objective_id: int) -> list[Advice]:
        key = str(objective_id)
        return [a for a in self.advice if a.objective == key]


def lint_objectives(actor: Actor, objectives: list[Objective]) -> Linted:
    """Lint these objectives (team and period loaded) with their visible key results and alignments."""
    ids = [o.pk for o in objectives]
    key_results: dict[int, list[KeyResult]] = defaultdict(list)
    for kr in (
        KeyResult.objects.restrict(actor)
        .filter(objective_id__in=ids)
        .select_related("owner")
        .order_by("position", "id")
    ):
        key_results[kr.objective_id].append(kr)
    aligned = set(
        Alignment.objects.restrict(actor).filter(child_id__in=ids).values_list("child_id", flat=True)
    )
    drafts = [objective_draft(o, key_results[o.pk], aligned=o.pk in aligned) for o in objectives]
    findings = lint_for(actor, drafts)
    return Linted(objectives, drafts, findings, advise(findings, drafts))


def advice_for_objective(actor: Actor, objective: Objective) -> list[Advice]:
    """What the coach says about one objective and its key results; the workspace-wide rules look across the
    objectives of its period."""
    return lint_objectives(actor, objectives_in(actor, objective.period, exact=True)).advice_for(objective.pk)


def objectives_in(actor: Actor, period: Period | None, *, exact: bool = False) -> list[Objective]:
    qs = Objective.objects.restrict(actor).select_related("team", "period", "owner")
    if exact:
        qs = qs.filter(period=period) if period is not None else qs.filter(period__isnull=True)
    elif period is not None:
        family = period_family(period, Period.objects.restrict(actor))
        qs = qs.filter(Q(period_id__in=family) | Q(period__isnull=True))
    return list(qs.order_by("position", "id"))


@dataclass
class TeamQuality:
    team: Team | None
    objectives: int = 0
    key_results: int = 0
    outputs: int = 0
    errors: int = 0
    warnings: int = 0
    hints: int = 0

    @property
    def outcome_share(self) -> float | None:
        return (self.key_results - self.outputs) / self.key_results if self.key_results else None

    @property
    def outcome_percent(self) -> int | None:
        share = self.outcome_share
        return None if share is None else round(100 * share)


@dataclass
class CommonFinding:
    rule: str
    summary: str
    severity: str
    count: int
    objectives: int
    example: Advice


@dataclass
class QualityReport:
    period: Period | None
    teams: list[TeamQuality]
    total: TeamQuality
    common: list[CommonFinding]
    worst: list[tuple[Objective, Badge]] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)


def quality_report(actor: Actor, period: Period | None) -> QualityReport:
    from django.utils.translation import gettext

    linted = lint_objectives(actor, objectives_in(actor, period))
    by_key = {str(o.pk): o for o in linted.objectives}
    per_team: dict[int | None, TeamQuality] = {}
    total = TeamQuality(team=None)
    for objective, draft in zip(linted.objectives, linted.drafts, strict=True):
        row = per_team.setdefault(objective.team_id, TeamQuality(team=objective.team))
        for target in (row, total):
            target.objectives += 1
            target.key_results += len(draft.key_results)
    outputs = {(f.objective, f.key_result) for f in linted.findings if f.rule == OUTPUT_RULE}
    for f in linted.findings:
        row = per_team[by_key[f.objective].team_id]
        for target in (row, total):
            setattr(target, f"{f.severity}s", getattr(target, f"{f.severity}s") + 1)
    for objective_key, _index in outputs:
        per_team[by_key[objective_key].team_id].outputs += 1
        total.outputs += 1
    grouped: dict[str, list[Advice]] = defaultdict(list)
    for advice in linted.advice:
        grouped[advice.rule].append(advice)
    common = sorted(
        (
            CommonFinding(
                rule=rule_id,
                summary=gettext(rule(rule_id).summary),
                severity=items[0].severity,
                count=len(items),
                objectives=len({a.objective for a in items}),
                example=items[0],
            )
            for rule_id, items in grouped.items()
        ),
        key=lambda c: (-c.count, c.rule),
    )
    counted = _count(linted.findings)
    worst = sorted(
        ((by_key[k], b) for k, b in counted.items() if b.errors or b.warnings),
        key=lambda ob: (-ob[1].errors, -ob[1].warnings, ob[0].title),
    )[:10]
    teams = sorted(per_team.values(), key=lambda t: t.team.name if t.team else "")
    return QualityReport(period, teams, total, common, worst, disabled_rules(actor))


def rules_with_state(actor: Actor) -> list[tuple[str, bool]]:
    off = set(disabled_rules(actor))
    return [(r.id, r.id not in off) for r in RULES]
