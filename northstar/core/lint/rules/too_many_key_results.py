from __future__ import annotations

from northstar.core.lint.model import Finding, Language, ObjectiveDraft, Rule, Severity
from northstar.core.lint.rules._examples import objective
from northstar.core.lint.rules._finding import on_objective
from northstar.core.lint.text import gettext_noop

MOST = 5

RULE = Rule(
    id="too-many-key-results",
    severity=Severity.WARNING,
    scope="objective",
    summary=gettext_noop("An objective has at most five key results."),
    examples=(
        objective("en", True, "Delight first-time investors", *(f"Raise metric {n} from {n}% to {n + 5}%" for n in range(6))),
        objective("en", False, "Delight first-time investors", *(f"Raise metric {n} from {n}% to {n + 5}%" for n in range(3))),
        objective("sv", True, "Gör nya sparare trygga", *(f"Höj mått {n} från {n} % till {n + 5} %" for n in range(7))),
        objective("sv", False, "Gör nya sparare trygga", *(f"Höj mått {n} från {n} % till {n + 5} %" for n in range(5))),
    ),
)  # fmt: skip


def check(draft: ObjectiveDraft, fallback: Language) -> list[Finding]:
    if len(draft.key_results) <= MOST:
        return []
    message = gettext_noop("%(count)s key results: more than five spreads the team's focus thin.")
    suggestion = gettext_noop(
        "Keep the three to five that matter most; move the rest to a team's objective or drop them."
    )
    count = {"count": str(len(draft.key_results))}
    return on_objective(RULE, draft, fallback, "key_results", message, suggestion, count)
