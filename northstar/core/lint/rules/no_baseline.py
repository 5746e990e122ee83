from __future__ import annotations

from northstar.core.lint.model import Context, Finding, KeyResultDraft, Rule, Severity
from northstar.core.lint.rules._examples import kr
from northstar.core.lint.rules._finding import on_key_result
from northstar.core.lint.text import gettext_noop

RULE = Rule(
    id="no-baseline",
    severity=Severity.WARNING,
    scope="key_result",
    summary=gettext_noop("A key result that raises or lowers a number says where it starts."),
    examples=(
        kr("en", True, "Raise NPS to 45", target=45),
        kr("en", False, "Raise NPS from 30 to 45", start=30, target=45),
        kr("sv", True, "Sänk ledtiden till 5 dagar", kind="decrease", target=5, unit="dagar"),
        kr(
            "sv",
            False,
            "Sänk ledtiden från 12 till 5 dagar",
            kind="decrease",
            start=12,
            target=5,
            unit="dagar",
        ),
    ),
)


def check(draft: KeyResultDraft, context: Context) -> list[Finding]:
    if draft.kind not in ("increase", "decrease") or draft.start is not None:
        return []
    message = gettext_noop("No start value: without a baseline nobody can tell how far the number has moved.")
    suggestion = gettext_noop(
        "Enter today's value as the start value; if nobody knows it yet, measure it first."
    )
    return on_key_result(RULE, draft, context, "start", message, suggestion)
