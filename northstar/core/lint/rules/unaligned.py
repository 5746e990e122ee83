from __future__ import annotations

from northstar.core.lint.model import Finding, Language, ObjectiveDraft, Rule, Severity
from northstar.core.lint.rules._examples import objective
from northstar.core.lint.rules._finding import on_objective
from northstar.core.lint.text import gettext_noop

RULE = Rule(
    id="unaligned",
    severity=Severity.WARNING,
    scope="objective",
    summary=gettext_noop("A team's objective serves an objective above it."),
    examples=(
        objective("en", True, "Make the app fast on old phones", team_level=True, aligned=False),
        objective("en", False, "Make the app fast on old phones", team_level=True, aligned=True),
        objective("sv", True, "Gör appen snabb på äldre telefoner", team_level=True, aligned=False),
        objective("sv", False, "Gör appen snabb på äldre telefoner", team_level=False, aligned=False),
    ),
)


def check(draft: ObjectiveDraft, fallback: Language) -> list[Finding]:
    if not draft.team_level or draft.aligned:
        return []
    message = gettext_noop(
        "This team objective is aligned to nothing: nobody can see which objective above it it serves."
    )
    suggestion = gettext_noop(
        "Align it to the company or parent-team objective it serves, or ask whether it is needed."
    )
    return on_objective(RULE, draft, fallback, "parents", message, suggestion)
