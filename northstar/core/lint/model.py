"""What the coach reads (drafts of objectives and key results) and what it says (findings)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

Language = Literal["en", "sv"]
Scope = Literal["key_result", "objective", "workspace"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    HINT = "hint"


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.HINT: 2}


@dataclass(frozen=True)
class KeyResultDraft:
    title: str
    kind: str = "increase"  # increase | decrease | range | boolean | milestone
    unit: str = ""
    start: float | None = None
    target: float | None = None
    low: float | None = None
    high: float | None = None
    owner: str | None = None  # any stable key for a person (id or email)


@dataclass(frozen=True)
class ObjectiveDraft:
    title: str
    key_results: tuple[KeyResultDraft, ...] = ()
    period: tuple[date, date] | None = None  # start and end, both inclusive
    team_level: bool = False  # a team's objective (not the company's): it should serve one above it
    aligned: bool = True  # serves at least one objective above it
    key: str = ""  # how a caller finds its objective again (id, path in a file…)


@dataclass(frozen=True)
class Finding:
    """One thing the coach says. ``message`` and ``suggestion`` are English templates marked for translation;
    the caller translates them to the reader's language and fills in ``params``."""

    rule: str
    severity: Severity
    field: str  # "title", "start", "unit", "key_results"…
    message: str
    params: dict[str, str] = dataclasses.field(default_factory=dict)
    suggestion: str = ""
    span: tuple[int, int] | None = None  # where in the field's text, as [start, end) character offsets
    key_result: int | None = None  # index into the objective's key results; None for the objective itself
    objective: str = ""  # the objective's key
    language: Language = "en"  # of the text the finding concerns


@dataclass(frozen=True)
class Example:
    """Objectives a rule must flag (``flagged``) or leave alone, in one language (one objective, except for
    the rules that look across a workspace)."""

    language: Language
    flagged: bool
    objectives: tuple[ObjectiveDraft, ...]


KeyResultCheck = Callable[[KeyResultDraft, "Context"], Sequence[Finding]]


@dataclass(frozen=True)
class Context:
    """What a key result rule may know about where it sits."""

    objective: ObjectiveDraft
    index: int
    fallback_language: Language = "en"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    scope: Scope
    summary: str  # English, marked for translation
    examples: tuple[Example, ...]
