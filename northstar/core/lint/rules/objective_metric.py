from __future__ import annotations

from northstar.core.lint.model import Finding, Language, ObjectiveDraft, Rule, Severity
from northstar.core.lint.rules._examples import objective
from northstar.core.lint.rules._finding import on_objective
from northstar.core.lint.text import PERCENT, counted_numbers, gettext_noop

RULE = Rule(
    id="objective-metric",
    severity=Severity.WARNING,
    scope="objective",
    summary=gettext_noop("An objective says why in words; its numbers belong in its key results."),
    examples=(
        objective("en", True, "Reach 10,000 paying users"),
        objective("en", False, "Make onboarding effortless for small teams"),
        objective("en", False, "Achieve maximum uptime over the next three months"),
        objective("sv", True, "Öka intäkterna med 20 %"),
        objective("sv", False, "Bli kundernas förstahandsval för sparande"),
    ),
)


def check(draft: ObjectiveDraft, fallback: Language) -> list[Finding]:
    found = [(m.start(), m.end()) for m in PERCENT.finditer(draft.title)] or [
        (start, end) for _raw, start, end in counted_numbers(draft.title)
    ]
    if not found:
        return []
    start, end = found[0]
    message = gettext_noop(
        "The objective is written as a metric (“%(number)s”): put numbers in its key results and let the "
        "objective say why they matter."
    )
    suggestion = gettext_noop(
        "Say the ambition in words, for example “Make onboarding effortless for small teams”, and move the "
        "number into a key result."
    )
    return on_objective(
        RULE, draft, fallback, "title", message, suggestion, {"number": draft.title[start:end]}, (start, end)
    )
