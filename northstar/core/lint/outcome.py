"""Is a key result an outcome (a number that moves in the world) or an output (something the team does or
ships)? The call weighs a few visible cues, so every verdict can be explained:

* output cues: it opens with an activity verb ("Hold", "Implement", "Ta fram"); it reports a deliverable as
  done ("… live", "… på plats"); it names a deliverable ("a release plan", "en kampanj");
* outcome cues: a measure with a direction — "from 6 to 2", "at least 95 %", a percentage, a number with a
  unit or beside a metric ("churn", "svarstid"); a direction verb opening it ("Cut", "Höj") with a measure.

A number alone is not a measure: "Publish 12 blog posts" counts the team's own output, and "within the next
three months" is a deadline.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from northstar.core.lint.lexicon import (
    ACTIVITY_NOUNS,
    ACTIVITY_PHRASES,
    ACTIVITY_VERBS,
    AFTER_COMPARATORS,
    COMPARATORS,
    DELIVERABLE_STEMS,
    DIRECTION_VERBS,
    DONE_WORDS,
    FROM_TO,
    LEAD_INS,
    METRIC_STEMS,
    OF,
    OPENING_COMPARATORS,
    UNIT_WORDS,
)
from northstar.core.lint.model import Language
from northstar.core.lint.text import PERCENT, Word, find_phrases, measuring_numbers, phrase_at, words


@dataclass(frozen=True)
class Cues:
    lead: Word | None  # the first word that matters (after "We will", "Vi ska"…)
    activity: bool  # the lead is an activity verb
    direction: bool  # the lead is a direction verb
    done: tuple[int, int] | None  # "… live", "… lanserad"
    deliverable: Word | None
    measure: bool  # a number that measures something (not a count of the team's own deliverables)
    from_to: bool
    metric: Word | None
    threshold: bool = False  # it opens with a comparator: "At most 1 in 20…", "Minst 95 %…"

    @property
    def is_output(self) -> bool:
        if self.from_to:
            return False
        if self.threshold:
            return False
        if self.activity and not (self.direction and self.measure):
            return True
        if self.direction:
            return not self.measure and self.metric is None and self.deliverable is not None
        if self.done is not None and not self.measure:
            return True
        return self.deliverable is not None and not self.measure and self.metric is None

    @property
    def span(self) -> tuple[int, int] | None:
        if self.activity and self.lead is not None:
            return (self.lead.start, self.lead.end)
        if self.done is not None:
            return self.done
        if self.deliverable is not None:
            return (self.deliverable.start, self.deliverable.end)
        return None


def _lead(tokens: Sequence[Word], language: Language) -> int:
    i = 0
    lead_ins = LEAD_INS[language]
    longest = max(len(p) for p in lead_ins)
    while i < len(tokens):
        for n in range(longest, 0, -1):
            if tuple(w.text for w in tokens[i : i + n]) in lead_ins:
                i += n
                break
        else:
            return i
    return i


_UNIT_SYMBOLS = tuple(u for u in UNIT_WORDS if not u[0].isalpha())
_UNIT_WORDS = frozenset(UNIT_WORDS)
_FIRST_WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_OPENING = {
    language: tuple(p for p in phrases if p[0] in OPENING_COMPARATORS)
    for language, phrases in COMPARATORS.items()
}


@lru_cache(maxsize=16)
def _stems(stems: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a stem list: a short stem must open the word, a longer one may sit anywhere in it
    (Swedish compounds: "kundnöjdheten", "ärendehanteringssystem")."""
    short = "|".join(re.escape(s) for s in stems if len(s) <= 3)
    long = "|".join(re.escape(s) for s in stems if len(s) > 3)
    return re.compile(
        "|".join(p for p in (f"^(?:{short})" if short else "", f"(?:{long})" if long else "") if p)
    )


@lru_cache(maxsize=65_536)
def _stem_match(word: str, stems: tuple[str, ...]) -> bool:
    """Remembered per word: a workspace's vocabulary is small next to its number of key results."""
    return _stems(stems).search(word) is not None


@lru_cache(maxsize=65_536)
def cues(text: str, language: Language) -> Cues:
    """The cues in a text (remembered: the same titles are linted again and again)."""
    tokens = words(text)
    first = _lead(tokens, language)
    lead = tokens[first] if first < len(tokens) else None
    phrasal = any(phrase_at(tokens, first, p) for p in ACTIVITY_PHRASES[language])
    noun_lead = (
        first + 1 < len(tokens)
        and tokens[first + 1].text == OF[language]
        and tokens[first].text not in ACTIVITY_NOUNS
    )
    activity = lead is not None and not noun_lead and (phrasal or lead.text in ACTIVITY_VERBS[language])
    direction = lead is not None and not phrasal and lead.text in DIRECTION_VERBS[language]
    threshold = (
        lead is not None
        and lead.text in OPENING_COMPARATORS
        and any(phrase_at(tokens, first, p) for p in _OPENING[language])
    )
    done_spans = find_phrases(tokens, DONE_WORDS[language])
    metric = next((w for w in tokens if _stem_match(w.text, METRIC_STEMS[language])), None)
    deliverable = next(
        (w for w in tokens[first + (1 if lead else 0) :] if _stem_match(w.text, DELIVERABLE_STEMS[language])),
        None,
    )
    low = text.lower()
    source, to = FROM_TO[language]
    from_to = False
    measure = bool(PERCENT.search(text))
    ends = [w.end for w in tokens]
    comparators = COMPARATORS[language]
    for _raw, start, end in measuring_numbers(text):
        k = bisect_right(ends, start)
        before = tuple(w.text for w in tokens[max(0, k - 2) : k])
        after_text = low[end : end + 14].strip()
        found = _FIRST_WORD.search(after_text)
        after = found.group(0) if found else None
        unit_after = bool(after_text) and (after_text.startswith(_UNIT_SYMBOLS) or after in _UNIT_WORDS)
        noun_after = after is not None and _stem_match(after, METRIC_STEMS[language])
        deliverable_after = after is not None and _stem_match(after, DELIVERABLE_STEMS[language])
        compared = (
            before[-1:] in comparators or (len(before) == 2 and before in comparators)
        ) or after_text.startswith(AFTER_COMPARATORS)
        if before and before[-1] == source:
            from_to = from_to or f" {to} " in low[end:]
        if unit_after or noun_after or (compared and metric is not None and not deliverable_after):
            measure = True
    del done_spans[1:]
    return Cues(
        lead=lead,
        activity=activity,
        direction=direction,
        done=done_spans[0] if done_spans else None,
        deliverable=deliverable,
        measure=measure or from_to,
        from_to=from_to,
        metric=metric,
        threshold=threshold,
    )


def is_output(text: str, language: Language) -> bool:
    return cues(text, language).is_output
