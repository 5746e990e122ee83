from __future__ import annotations

from northstar.core.lint.model import Context, Finding, KeyResultDraft, Rule, Severity
from northstar.core.lint.rules._examples import kr
from northstar.core.lint.rules._finding import on_key_result
from northstar.core.lint.text import PERCENT, gettext_noop

RULE = Rule(
    id="no-unit",
    severity=Severity.HINT,
    scope="key_result",
    summary=gettext_noop("A measured key result says what its number counts."),
    examples=(
        kr("en", True, "Raise conversion from 2 to 3", start=2, target=3),
        kr("en", False, "Raise conversion from 2% to 3%", start=2, target=3, unit="%"),
        kr("sv", True, "Höj konverteringen från 2 till 3", start=2, target=3),
        kr("sv", False, "Höj konverteringen från 2 % till 3 %", start=2, target=3, unit="%"),
    ),
)


def check(draft: KeyResultDraft, context: Context) -> list[Finding]:
    if draft.kind not in ("increase", "decrease", "range") or draft.unit.strip():
        return []
    if PERCENT.search(draft.title):
        message = gettext_noop("The title speaks of percent but the unit is empty.")
        suggestion = gettext_noop("Set the unit to %.")
    else:
        message = gettext_noop("No unit: say what the number counts.")
        suggestion = gettext_noop("Set a unit such as %, minutes, customers or SEK.")
    return on_key_result(RULE, draft, context, "unit", message, suggestion)
