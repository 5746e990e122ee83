from __future__ import annotations

from northstar.core.lint.model import Context, Finding, KeyResultDraft, Rule, Severity
from northstar.core.lint.rules._examples import kr
from northstar.core.lint.rules._finding import on_key_result
from northstar.core.lint.text import gettext_noop

RULE = Rule(
    id="target-equals-start",
    severity=Severity.ERROR,
    scope="key_result",
    summary=gettext_noop("A key result's target differs from its start value."),
    examples=(
        kr("en", True, "Keep churn at 2%", kind="decrease", start=2, target=2, unit="%"),
        kr("en", False, "Cut churn from 3% to 2%", kind="decrease", start=3, target=2, unit="%"),
        kr("sv", True, "Kundbortfall 2 %", kind="decrease", start=2, target=2, unit="%"),
        kr(
            "sv",
            False,
            "Minska kundbortfallet från 3 % till 2 %",
            kind="decrease",
            start=3,
            target=2,
            unit="%",
        ),
    ),
)


def check(draft: KeyResultDraft, context: Context) -> list[Finding]:
    if draft.kind not in ("increase", "decrease") or draft.start is None or draft.start != draft.target:
        return []
    message = gettext_noop("The target equals the start value (%(value)s): there is nothing to achieve.")
    suggestion = gettext_noop("To hold a number where it is, use the kind “Stay within a range”.")
    return on_key_result(RULE, draft, context, "target", message, suggestion, {"value": f"{draft.start:g}"})
