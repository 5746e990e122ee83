from __future__ import annotations

from northstar.core.lint.language import detect
from northstar.core.lint.lexicon import METRIC_STEMS
from northstar.core.lint.model import Context, Finding, KeyResultDraft, Rule, Severity
from northstar.core.lint.rules._examples import kr
from northstar.core.lint.rules._finding import on_key_result
from northstar.core.lint.text import PERCENT, counted_numbers, gettext_noop, words

RULE = Rule(
    id="not-measurable",
    severity=Severity.WARNING,
    scope="key_result",
    summary=gettext_noop("A key result names a metric and a number, not just something to tick off."),
    examples=(
        kr("en", True, "Customers love the new app", kind="boolean"),
        kr("en", False, "App store rating of 4.5 or more", kind="boolean"),
        kr("sv", True, "Kunderna älskar den nya appen", kind="boolean"),
        kr("sv", False, "Betyg på minst 4,5 i appbutikerna", kind="boolean"),
    ),
)


def check(draft: KeyResultDraft, context: Context) -> list[Finding]:
    """Only done-or-not key results can lack a measure: the others carry theirs in start and target."""
    if draft.kind not in ("boolean", "milestone"):
        return []
    language = detect(draft.title, context.fallback_language)
    has_number = bool(counted_numbers(draft.title)) or bool(PERCENT.search(draft.title))
    has_metric = any(w.text.startswith(METRIC_STEMS[language]) for w in words(draft.title))
    if has_number:
        return []
    if has_metric:
        message = gettext_noop("A metric but no number: nothing says what value counts as success.")
    else:
        message = gettext_noop("Not measurable: no metric and no number, so it can only be done or not done.")
    suggestion = gettext_noop("Name the metric and the value to reach, and make it an increase or decrease.")
    return on_key_result(RULE, draft, context, "title", message, suggestion)
