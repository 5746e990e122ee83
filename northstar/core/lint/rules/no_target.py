from __future__ import annotations

from northstar.core.lint.model import Context, Finding, KeyResultDraft, Rule, Severity
from northstar.core.lint.rules._examples import kr
from northstar.core.lint.rules._finding import on_key_result
from northstar.core.lint.text import gettext_noop

RULE = Rule(
    id="no-target",
    severity=Severity.ERROR,
    scope="key_result",
    summary=gettext_noop("A measured key result says what value counts as success."),
    examples=(
        kr("en", True, "Grow weekly active teams", kind="increase", start=1200),
        kr("en", False, "Grow weekly active teams from 1,200 to 1,800", start=1200, target=1800),
        kr("en", True, "Keep the error rate in its band", kind="range", low=0.5),
        kr("sv", True, "Öka antalet aktiva team per vecka", kind="increase", start=1200),
        kr("sv", False, "Öka antalet aktiva team per vecka från 1 200 till 1 800", start=1200, target=1800),
    ),
)


def check(draft: KeyResultDraft, context: Context) -> list[Finding]:
    if draft.kind in ("increase", "decrease") and draft.target is None:
        message = gettext_noop("Nothing to measure against: this key result has no target value.")
        suggestion = gettext_noop("Enter the value that counts as success.")
        return on_key_result(RULE, draft, context, "target", message, suggestion)
    if draft.kind == "range" and (draft.low is None or draft.high is None):
        message = gettext_noop("A range needs both its lowest and its highest acceptable value.")
        suggestion = gettext_noop("Enter both ends of the band the number must stay in.")
        field = "low" if draft.low is None else "high"
        return on_key_result(RULE, draft, context, field, message, suggestion)
    return []
