"""Words, numbers and spans: the little text handling every rule shares."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple


def gettext_noop(message: str) -> str:
    """Marks a message for translation without translating it (the extractor looks for this name)."""
    return message


class Word(NamedTuple):  # a named tuple: texts have many words, and tuples are quick to make
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


@lru_cache(maxsize=65_536)
def words(text: str) -> tuple[Word, ...]:
    return tuple(Word(m.group(0).lower(), m.start(), m.end()) for m in _WORD.finditer(text))


# numbers written as words (not "one"/"en"/"ett", which are mostly articles)
NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred "
    "thousand half twice double halve triple två tre fyra fem sex sju åtta nio tio elva tolv femton tjugo "
    "trettio fyrtio femtio hundra tusen hälften halva tredjedel fjärdedel femtedel dubbelt dubbla fördubbla "
    "halvera tredubbla".split()
)
# …except behind a comparator ("at least one", "minst en")
_ONE = frozenset({"one", "en", "ett"})
_BEFORE_ONE = frozenset({("at", "least"), ("at", "most"), ("minst",), ("högst",), ("max",)})
_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=65_536)
def numbers(text: str) -> list[tuple[str, int, int]]:
    found = [(m.group(0), m.start(), m.end()) for m in NUMBER.finditer(text)] if _DIGIT.search(text) else []
    tokens = words(text)
    for i, w in enumerate(tokens):
        if w.text in NUMBER_WORDS or (
            w.text in _ONE
            and (
                tuple(t.text for t in tokens[max(0, i - 2) : i]) in _BEFORE_ONE
                or tuple(t.text for t in tokens[max(0, i - 1) : i]) in _BEFORE_ONE
            )
        ):
            found.append((text[w.start : w.end], w.start, w.end))
    return sorted(found, key=lambda n: n[1])


@lru_cache(maxsize=65_536)
def measuring_numbers(text: str) -> list[tuple[str, int, int]]:
    """Numbers that are not years or quarter/week labels (Q3, v. 12, FY27)."""
    out = []
    for raw, start, end in numbers(text):
        before = text[max(0, start - 3) : start].lower()
        if YEAR.match(raw.strip()) or before.endswith(("q", "fy", "h", "v.", "v ", "w", "week ", "vecka ")):
            continue
        out.append((raw, start, end))
    return out


def phrase_at(tokens: Sequence[Word], index: int, phrase: tuple[str, ...]) -> bool:
    return tuple(w.text for w in tokens[index : index + len(phrase)]) == phrase


def find_phrases(tokens: Sequence[Word], phrases: frozenset[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Spans (in characters) of every phrase (a tuple of lower-case words) found in the tokens, longest first
    where two start at the same word."""
    by_first = _by_first_word(phrases)
    found = []
    for i, token in enumerate(tokens):
        for phrase in by_first.get(token.text, ()):
            n = len(phrase)
            if n == 1 or tuple(w.text for w in tokens[i : i + n]) == phrase:
                found.append((token.start, tokens[i + n - 1].end))
                break
    return found


@lru_cache(maxsize=64)
def _by_first_word(phrases: frozenset[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(phrases, key=len, reverse=True):
        grouped.setdefault(phrase[0], []).append(phrase)
    return grouped


def phrases(*items: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(item.split()) for item in items)


TIME_WORDS = frozenset(
    "day days week weeks month months quarter quarters year years dag dagar vecka veckor veckorna månad "
    "månader månaderna kvartal kvartalet år åren".split()
)


def time_frame(text: str, end: int) -> bool:
    """Whether the number ending at ``end`` is a time frame ("over the next three months", "inom två år")."""
    after = words(text[end : end + 20])
    return bool(after) and after[0].text in TIME_WORDS


def counted_numbers(text: str) -> list[tuple[str, int, int]]:
    """Measuring numbers that are not time frames: what makes a text say how much."""
    return [(raw, start, end) for raw, start, end in measuring_numbers(text) if not time_frame(text, end)]
