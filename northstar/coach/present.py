"""Findings in the reader's language, ready for a page, the API or the CLI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from northstar.core.lint import Finding, ObjectiveDraft, Rule

SEVERITY_LABELS = {"error": _("error"), "warning": _("warning"), "hint": _("hint")}


@dataclass(frozen=True)
class Advice:
    rule: str
    severity: str
    field: str
    message: str
    suggestion: str
    objective: str
    key_result: int | None
    language: str
    text: str  # the text the finding concerns ("" when it concerns no text)
    span: tuple[int, int] | None

    @property
    def severity_label(self) -> str:
        return str(SEVERITY_LABELS[self.severity])

    @property
    def parts(self) -> tuple[str, str, str]:
        """The text cut around the span: before, the marked words, after."""
        if self.span is None:
            return (self.text, "", "")
        start, end = self.span
        return (self.text[:start], self.text[start:end], self.text[end:])

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "field": self.field,
            "message": self.message,
            "suggestion": self.suggestion,
            "objective": self.objective,
            "key_result": self.key_result,
            "language": self.language,
            "text": self.text,
            "span": list(self.span) if self.span else None,
        }


def translate(template: str, params: dict[str, str]) -> str:
    text = gettext(template) if template else ""
    return text % params if params else text


def _text_of(finding: Finding, objectives: dict[str, ObjectiveDraft]) -> str:
    objective = objectives.get(finding.objective)
    if objective is None or finding.field != "title":
        return ""
    if finding.key_result is None:
        return objective.title
    return objective.key_results[finding.key_result].title


def advise(findings: Iterable[Finding], objectives: Sequence[ObjectiveDraft]) -> list[Advice]:
    by_key = {o.key: o for o in objectives}
    return [
        Advice(
            rule=f.rule,
            severity=str(f.severity),
            field=f.field,
            message=translate(f.message, f.params),
            suggestion=translate(f.suggestion, {}),
            objective=f.objective,
            key_result=f.key_result,
            language=f.language,
            text=_text_of(f, by_key),
            span=f.span,
        )
        for f in findings
    ]


def rule_dict(rule: Rule, enabled: bool) -> dict[str, Any]:
    return {
        "id": rule.id,
        "severity": str(rule.severity),
        "scope": rule.scope,
        "summary": gettext(rule.summary),
        "enabled": enabled,
        "examples": [
            {
                "language": e.language,
                "flagged": e.flagged,
                "objectives": [
                    {"title": o.title, "key_results": [k.title for k in o.key_results]} for o in e.objectives
                ],
            }
            for e in rule.examples
        ],
    }
