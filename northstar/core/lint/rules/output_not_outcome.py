from __future__ import annotations

from northstar.core.lint.language import detect
from northstar.core.lint.model import Context, Finding, KeyResultDraft, Rule, Severity
from northstar.core.lint.outcome import cues
from northstar.core.lint.rules._examples import kr
from northstar.core.lint.rules._finding import on_key_result
from northstar.core.lint.suggest import rewrite_pattern
from northstar.core.lint.text import gettext_noop

RULE = Rule(
    id="output-not-outcome",
    severity=Severity.ERROR,
    scope="key_result",
    summary=gettext_noop("A key result measures an outcome, not an activity or a deliverable."),
    examples=(
        kr("en", True, "Hold a retrospective after every outage", kind="boolean"),
        kr("en", True, "Launch the new pricing page by March", kind="boolean"),
        kr("en", False, "Cut mean time to recovery from 90 to 30 minutes", start=90, target=30, unit="min"),
        kr("sv", True, "Ta fram en releaseplan före årsskiftet", kind="boolean"),
        kr("sv", True, "Genomföra fem kundworkshops under kvartalet", kind="boolean"),
        kr("sv", False, "Sänk svarstiden i chatten från 6 till 2 minuter", start=6, target=2, unit="min"),
    ),
)

MESSAGE = gettext_noop(
    "This describes an activity or a deliverable (“%(cue)s”), not an outcome: it says what the team will do, "
    "not what will change once it is done."
)


def check(draft: KeyResultDraft, context: Context) -> list[Finding]:
    language = detect(draft.title, context.fallback_language)
    found = cues(draft.title, language)
    if not found.is_output:
        return []
    span = found.span
    cue = draft.title[span[0] : span[1]] if span else draft.title
    return on_key_result(
        RULE, draft, context, "title", MESSAGE, rewrite_pattern(draft.title), {"cue": cue}, span
    )
