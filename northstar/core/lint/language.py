"""Which language a text is written in: English or Swedish, from their most common small words and letters.

Short texts say little, so a tie (or no clue at all) falls back to what the caller expects (the workspace's
language)."""

from __future__ import annotations

import re
from functools import lru_cache

from northstar.core.lint.model import Language
from northstar.core.lint.text import words

_SWEDISH = frozenset(
    "och att för med till från av på i som är en ett det den de vi våra vår vårt våra minst högst inom "
    "över per alla varje mer mindre än fler färre nya ny nytt genom efter innan före senast samt eller så "
    "ska skall kunna andel andelen kunder kund kunderna året kvartalet månaden veckan dagar timmar minuter "
    "procent antal antalet utan hos om också".split()
)
_ENGLISH = frozenset(
    "the and to of for from with by in on at our we every each a an is are be least most than more less "
    "new all per within before after into this that their its it as or so will can customers customer year "
    "quarter month week days hours minutes percent number without also".split()
)
# spellings one language has and the other hardly ever does
_ENGLISH_MARKS = re.compile(r"th|w|ing\b|ies\b|ould|ea|ou|tion\b|[^s]ed\b|ly\b|ph|ck\b|qu|x", re.I)
_SWEDISH_MARKS = re.compile(
    r"[åäö]|sj|kv|tj|ning(?:en|ar)?\b|het(?:en)?\b|ande\b|arna\b|erna\b|orna\b|igt\b|lig\b|ska\b", re.I
)
# words both languages write the same way say nothing
_BOTH = frozenset({"per", "app", "team", "design", "sprint"})


@lru_cache(maxsize=65_536)
def detect(text: str, fallback: Language = "en") -> Language:
    sv = en = 0.0
    kept = []
    for word in words(text):
        if word.text in _BOTH:
            continue
        kept.append(word.text)
        if word.text in _SWEDISH:
            sv += 1
        if word.text in _ENGLISH:
            en += 1
    if abs(sv - en) < 2:  # the small words did not settle it: look at the spelling
        joined = " ".join(kept)
        sv += 0.5 * len(_SWEDISH_MARKS.findall(joined))
        en += 0.5 * len(_ENGLISH_MARKS.findall(joined))
    if sv == en:
        return fallback
    return "sv" if sv > en else "en"
