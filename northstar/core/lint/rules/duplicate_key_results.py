from __future__ import annotations

from functools import lru_cache

from northstar.core.lint.language import detect
from northstar.core.lint.lexicon import STOPWORDS
from northstar.core.lint.model import Finding, Language, ObjectiveDraft, Rule, Severity
from northstar.core.lint.rules._examples import objective
from northstar.core.lint.text import gettext_noop, numbers, words

SIMILAR = 0.8  # Jaccard similarity of the meaningful words (and numbers) from which two are near-duplicates

RULE = Rule(
    id="duplicate-key-results",
    severity=Severity.WARNING,
    scope="objective",
    summary=gettext_noop("Each key result of an objective measures something different."),
    examples=(
        objective("en", True, "Win back trust", "Raise NPS from 30 to 45", "Raise the NPS from 30 to 45."),
        objective("en", False, "Win back trust", "Raise NPS from 30 to 45", "Cut complaints from 80 to 20 a month"),
        objective("sv", True, "Vinn tillbaka förtroendet", "Höj NPS från 30 till 45", "Höja NPS från 30 till 45"),
        objective("sv", False, "Vinn tillbaka förtroendet", "Höj NPS från 30 till 45", "Halvera antalet klagomål"),
    ),
)  # fmt: skip


ENDINGS: dict[Language, tuple[str, ...]] = {
    "en": ("ing", "ed", "es", "s"),
    "sv": ("erna", "arna", "orna", "ens", "ets", "en", "et", "na", "ar", "er", "or", "a"),
}


@lru_cache(maxsize=65_536)
def stem(word: str, language: Language) -> str:
    """A crude stem, enough to make "raise"/"raised", "höj"/"höja" and "kunder"/"kunderna" meet: the first
    listed ending that leaves at least three letters is cut."""
    for ending in ENDINGS[language]:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)][:6]
    return word[:6]


def _signature(text: str, language: Language) -> frozenset[str]:
    stop = STOPWORDS[language]
    kept = {stem(w.text, language) for w in words(text) if w.text not in stop}
    return frozenset(kept | {raw.replace(" ", "") for raw, _s, _e in numbers(text)})


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def check(draft: ObjectiveDraft, fallback: Language) -> list[Finding]:
    out: list[Finding] = []
    seen: list[frozenset[str]] = []
    for index, kr in enumerate(draft.key_results):
        language = detect(kr.title, fallback)
        signature = _signature(kr.title, language)
        for earlier, other in enumerate(seen):
            if similarity(signature, other) >= SIMILAR:
                message = gettext_noop("This key result repeats key result %(number)s (“%(title)s”).")
                suggestion = gettext_noop("Merge the two, or make each measure something different.")
                params = {"number": str(earlier + 1), "title": draft.key_results[earlier].title}
                out.append(Finding(RULE.id, RULE.severity, "title", message, params, suggestion, None, index,
                                   draft.key, language))  # fmt: skip
                break
        seen.append(signature)
    return out
