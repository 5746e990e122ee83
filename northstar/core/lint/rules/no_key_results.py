from __future__ import annotations

from northstar.core.lint.model import Finding, Language, ObjectiveDraft, Rule, Severity
from northstar.core.lint.rules._examples import objective
from northstar.core.lint.rules._finding import on_objective
from northstar.core.lint.text import gettext_noop

RULE = Rule(
    id="no-key-results",
    severity=Severity.WARNING,
    scope="objective",
    summary=gettext_noop("An objective has key results that say how its success is measured."),
    examples=(
        objective("en", True, "Make onboarding effortless for small teams"),
        objective(
            "en",
            False,
            "Make onboarding effortless for small teams",
            "Raise week-one activation from 30% to 45%",
        ),
        objective("sv", True, "Bli kundernas förstahandsval för sparande"),
        objective(
            "sv",
            False,
            "Bli kundernas förstahandsval för sparande",
            "Öka andelen sparkunder från 20 % till 30 %",
        ),
    ),
)


def check(draft: ObjectiveDraft, fallback: Language) -> list[Finding]:
    if draft.key_results:
        return []
    message = gettext_noop("No key results: nothing says how the objective's success will be measured.")
    suggestion = gettext_noop("Add two to four key results that measure outcomes.")
    return on_objective(RULE, draft, fallback, "key_results", message, suggestion)
