"""The OKR coach: an offline, explainable linter for objectives and key results, in English and Swedish.

Each rule is a small module in ``rules/`` (see there); ``lint`` runs them over objectives with their key
results and returns findings sorted by objective, key result and severity. Rules can be switched off by id.
Nothing here reads a clock or a database; messages are English templates the caller translates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from types import ModuleType
from typing import Any

from northstar.core.lint.model import (
    SEVERITY_ORDER,
    Context,
    Example,
    Finding,
    KeyResultDraft,
    Language,
    ObjectiveDraft,
    Rule,
    Severity,
)
from northstar.core.lint.rules import (
    duplicate_key_results,
    hedging,
    no_baseline,
    no_key_results,
    no_target,
    no_unit,
    not_measurable,
    objective_metric,
    objective_vague,
    output_not_outcome,
    outside_period,
    owner_overload,
    target_equals_start,
    too_many_key_results,
    unaligned,
)

__all__ = [
    "RULES",
    "Context",
    "Example",
    "Finding",
    "KeyResultDraft",
    "ObjectiveDraft",
    "Rule",
    "Severity",
    "lint",
    "rule",
]

_MODULES: tuple[ModuleType, ...] = (
    output_not_outcome,
    not_measurable,
    no_target,
    no_baseline,
    target_equals_start,
    no_unit,
    hedging,
    outside_period,
    objective_metric,
    objective_vague,
    no_key_results,
    too_many_key_results,
    duplicate_key_results,
    unaligned,
    owner_overload,
)
RULES: tuple[Rule, ...] = tuple(m.RULE for m in _MODULES)
_CHECKS: dict[str, Callable[..., Sequence[Finding]]] = {m.RULE.id: m.check for m in _MODULES}


def rule(rule_id: str) -> Rule:
    return next(r for r in RULES if r.id == rule_id)


_RANK = {r.id: n for n, r in enumerate(RULES)}  # within a severity, the catalogue's order: outcomes first


def _order(finding: Finding) -> tuple[Any, ...]:
    return (
        finding.objective,
        -1 if finding.key_result is None else finding.key_result,
        SEVERITY_ORDER[finding.severity],
        _RANK[finding.rule],
    )


def lint(
    objectives: Iterable[ObjectiveDraft],
    *,
    disabled: Iterable[str] = (),
    language: Language = "en",
    scopes: Iterable[str] = ("key_result", "objective", "workspace"),
) -> list[Finding]:
    """Every finding of the enabled rules. ``language`` is the fallback when a text does not say which it is
    in; ``scopes`` narrows the run (the editor lints a draft without the workspace's other objectives)."""
    objectives = list(objectives)
    off = set(disabled)
    wanted = set(scopes)
    active = [r for r in RULES if r.id not in off and r.scope in wanted]
    on_key_results = [_CHECKS[r.id] for r in active if r.scope == "key_result"]
    on_objectives = [_CHECKS[r.id] for r in active if r.scope == "objective"]
    out: list[Finding] = []
    for objective in objectives:
        for check in on_objectives:
            out.extend(check(objective, language))
        for index, kr in enumerate(objective.key_results):
            context = Context(objective, index, language)
            for check in on_key_results:
                out.extend(check(kr, context))
    for r in active:
        if r.scope == "workspace":
            out.extend(_CHECKS[r.id](objectives, language))
    order = {o.key: n for n, o in enumerate(objectives)}
    return sorted(out, key=lambda f: (order.get(f.objective, len(order)), *_order(f)[1:]))
