from __future__ import annotations

from northstar.core.lint.language import detect
from northstar.core.lint.lexicon import HEDGES
from northstar.core.lint.model import Context, Finding, KeyResultDraft, Rule, Severity
from northstar.core.lint.rules._examples import kr
from northstar.core.lint.rules._finding import on_key_result
from northstar.core.lint.text import PERCENT, find_phrases, gettext_noop, measuring_numbers, words

RULE = Rule(
    id="hedging",
    severity=Severity.WARNING,
    scope="key_result",
    summary=gettext_noop("Hedging words (“try to”, “improve”) come with a number, or not at all."),
    examples=(
        kr("en", True, "Try to improve onboarding", kind="boolean"),
        kr("en", False, "Improve activation from 30% to 45%", start=30, target=45, unit="%"),
        kr("sv", True, "Försöka optimera leveransflödet", kind="boolean"),
        kr("sv", False, "Förbättra leveransprecisionen från 88 % till 95 %", start=88, target=95, unit="%"),
    ),
)

MESSAGE = gettext_noop("“%(words)s” hedges: without a number it promises nothing anyone can check.")
SUGGESTION = gettext_noop("Replace it with the number to reach, for example “from 62% to 75%”.")


def hedges(text: str, fallback: str) -> list[tuple[int, int]]:
    """Where the text hedges, when it carries no number to pin the promise down."""
    language = detect(text, "sv" if fallback == "sv" else "en")
    if measuring_numbers(text) or PERCENT.search(text):
        return []
    return find_phrases(words(text), HEDGES[language])


def check(draft: KeyResultDraft, context: Context) -> list[Finding]:
    spans = hedges(draft.title, context.fallback_language)
    if not spans:
        return []
    start, end = spans[0]
    return on_key_result(
        RULE, draft, context, "title", MESSAGE, SUGGESTION, {"words": draft.title[start:end]}, (start, end)
    )
