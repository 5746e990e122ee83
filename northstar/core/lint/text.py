"""Words, numbers and spans: the little text handling every rule shares."""

from __future__ import annotations

import re
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks a message for translation without translating it (the extractor looks for this name)."""
    return message


@dataclass(frozen=True)
class Word:
    text: str  # lower case
    start: int
    end: int


_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
# 3.5, 3,5, 1 200, 1,200, 10k, 99.9: a number as people write it, in either language
NUMBER = re.compile(r"(?<![\w.,])[-+−]?\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)*(?:\s?[kKmM](?![a-zåäö]))?")
PERCENT = re.compile(
    r"\d\s?(?:%|‰|pp\b|procent|percent|per\s?cent|procentenheter|percentage points)", re.IGNORECASE
)
YEAR = re.compile(r"^(?:19|20)\d\d$")


def words(text: str) -> list[Word]:
    return [Word(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


# numbers written as words (not "one"/"en"/"ett", which are mostly articles)
NUMBER_WORDS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|thousand|half|twice|double|halve|triple|"
    r"två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|femton|tjugo|trettio|fyrtio|femtio|hundra|tusen|"
    r"hälften|halva|tredjedel|fjärdedel|femtedel|dubbelt|dubbla|fördubbla|halvera|tredubbla)\b",
    re.IGNORECASE,
)

# "one"/"en"/"ett" count only behind a comparator ("at least one", "minst en")
_ONE_AFTER_COMPARATOR = re.compile(r"\b(?:at least|at most|minst|högst|max)\s+(one|en|ett)\b", re.IGNORECASE)


def numbers(text: str) -> list[tuple[str, int, int]]:
    found = [(m.group(0), m.start(), m.end()) for m in NUMBER.finditer(text)]
    found += [(m.group(0), m.start(), m.end()) for m in NUMBER_WORDS.finditer(text)]
    found += [(m.group(1), m.start(1), m.end(1)) for m in _ONE_AFTER_COMPARATOR.finditer(text)]
    return sorted(found, key=lambda n: n[1])


def measuring_numbers(text: str) -> list[tuple[str, int, int]]:
    """Numbers that are not years or quarter/week labels (Q3, v. 12, FY27)."""
    out = []
    for raw, start, end in numbers(text):
        before = text[max(0, start - 3) : start].lower()
        if YEAR.match(raw.strip()) or before.endswith(("q", "fy", "h", "v.", "v ", "w", "week ", "vecka ")):
            continue
        out.append((raw, start, end))
    return out


def phrase_at(tokens: list[Word], index: int, phrase: tuple[str, ...]) -> bool:
    return tuple(w.text for w in tokens[index : index + len(phrase)]) == phrase


def find_phrases(tokens: list[Word], phrases: frozenset[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Spans (in characters) of every phrase (a tuple of lower-case words) found in the tokens."""
    found = []
    lengths = sorted({len(p) for p in phrases}, reverse=True)
    for i in range(len(tokens)):
        for n in lengths:
            if i + n <= len(tokens) and tuple(w.text for w in tokens[i : i + n]) in phrases:
                found.append((tokens[i].start, tokens[i + n - 1].end))
                break
    return found


def phrases(*items: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(item.split()) for item in items)
