from __future__ import annotations

import re
from functools import lru_cache

from northstar.core.lint.language import detect
from northstar.core.lint.lexicon import MOST_VAGUE_WORDS, VAGUE_STEMS
from northstar.core.lint.model import Finding, Language, ObjectiveDraft, Rule, Severity
from northstar.core.lint.rules._examples import objective
from northstar.core.lint.rules._finding import on_objective
from northstar.core.lint.text import gettext_noop, words

RULE = Rule(
    id="objective-vague",
    severity=Severity.WARNING,
    scope="objective",
    summary=gettext_noop("An objective says what will be different, and for whom."),
    examples=(
        objective("en", True, "Be better"),
        objective("en", True, "Improve our performance"),
        objective("en", False, "Make paying by invoice effortless for small firms"),
        objective("sv", True, "Bli bättre"),
        objective("sv", True, "Utveckla verksamheten"),
        objective("sv", False, "Gör det enkelt för småföretag att betala med faktura"),
    ),
)


@lru_cache(maxsize=4)
def _pattern(stems: tuple[str, ...]) -> re.Pattern[str]:
    # short stems ("be", "a", "i") must match whole words, or "bank" would count as "ba…"
    short = "|".join(re.escape(s) for s in stems if len(s) < 4)
    long = "|".join(re.escape(s) for s in stems if len(s) >= 4)
    return re.compile(f"(?:{short})$|(?:{long})")


def _generic(word: str, stems: tuple[str, ...]) -> bool:
    return _pattern(stems).match(word) is not None


def check(draft: ObjectiveDraft, fallback: Language) -> list[Finding]:
    language = detect(draft.title, fallback)
    tokens = words(draft.title)
    stems = VAGUE_STEMS[language]
    if tokens and (len(tokens) > MOST_VAGUE_WORDS or not all(_generic(w.text, stems) for w in tokens)):
        return []
    message = gettext_noop("Too vague: “%(title)s” does not say what will be different, or for whom.")
    suggestion = gettext_noop(
        "Name who benefits and what changes for them, for example “Make paying by invoice effortless for small "
        "firms”."
    )
    span = (0, len(draft.title)) if draft.title else None
    return on_objective(
        RULE, draft, fallback, "title", message, suggestion, {"title": draft.title.strip()}, span
    )
