"""Shorthands for writing a rule's examples."""

from __future__ import annotations

from datetime import date
from typing import Any

from northstar.core.lint.model import Example, KeyResultDraft, Language, ObjectiveDraft


def kr(
    language: Language, flagged: bool, title: str, *, period: tuple[date, date] | None = None, **fields: Any
) -> Example:
    """An example of one key result under a plain objective."""
    return Example(
        language, flagged, (ObjectiveDraft("Example", (KeyResultDraft(title, **fields),), period),)
    )


def objective(
    language: Language, flagged: bool, title: str, *krs: str | KeyResultDraft, **fields: Any
) -> Example:
    drafts = tuple(
        k if isinstance(k, KeyResultDraft) else KeyResultDraft(k, start=0, target=1, unit="%") for k in krs
    )
    return Example(language, flagged, (ObjectiveDraft(title, drafts, **fields),))
