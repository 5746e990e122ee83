"""Building a rule's finding: the parts every rule fills in the same way."""

from __future__ import annotations

from northstar.core.lint.language import detect
from northstar.core.lint.model import Context, Finding, KeyResultDraft, Language, ObjectiveDraft, Rule


def on_key_result(
    rule: Rule,
    draft: KeyResultDraft,
    context: Context,
    field: str,
    message: str,
    suggestion: str,
    params: dict[str, str] | None = None,
    span: tuple[int, int] | None = None,
) -> list[Finding]:
    language = detect(draft.title, context.fallback_language)
    return [
        Finding(rule.id, rule.severity, field, message, params or {}, suggestion, span, context.index,
                context.objective.key, language)
    ]  # fmt: skip


def on_objective(
    rule: Rule,
    draft: ObjectiveDraft,
    fallback: Language,
    field: str,
    message: str,
    suggestion: str,
    params: dict[str, str] | None = None,
    span: tuple[int, int] | None = None,
) -> list[Finding]:
    language = detect(draft.title, fallback)
    return [
        Finding(
            rule.id, rule.severity, field, message, params or {}, suggestion, span, None, draft.key, language
        )
    ]
