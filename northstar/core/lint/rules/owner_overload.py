from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from northstar.core.lint.language import detect
from northstar.core.lint.model import (
    Example,
    Finding,
    KeyResultDraft,
    Language,
    ObjectiveDraft,
    Rule,
    Severity,
)
from northstar.core.lint.text import gettext_noop

MANY = 3  # objectives whose every key result one person owns, from which that is an overload


def _owned(owner: str, titles: Sequence[str]) -> tuple[ObjectiveDraft, ...]:
    return tuple(
        ObjectiveDraft(title, (KeyResultDraft(f"{title} 1", start=0, target=1, owner=owner),
                               KeyResultDraft(f"{title} 2", start=0, target=1, owner=owner)), key=title)
        for title in titles
    )  # fmt: skip


def _example(language: Language, flagged: bool, titles: Sequence[str]) -> Example:
    last = _owned("ann" if flagged else "bo", titles[-1:])
    return Example(language, flagged, _owned("ann", titles[:-1]) + last)


RULE = Rule(
    id="owner-overload",
    severity=Severity.WARNING,
    scope="workspace",
    summary=gettext_noop("No one person owns every key result of many objectives."),
    examples=(
        _example("en", True, ["Delight new savers", "Win the Nordic market", "Make support effortless"]),
        _example("en", False, ["Delight new savers", "Win the Nordic market", "Make support effortless"]),
        _example("sv", True, ["Glädj nya sparare", "Vinn Norden", "Gör supporten enkel"]),
        _example("sv", False, ["Glädj nya sparare", "Vinn Norden", "Gör supporten enkel"]),
    ),
)


def check(objectives: Sequence[ObjectiveDraft], fallback: Language) -> list[Finding]:
    """A finding on each objective whose key results one person owns alone, when that person does so for at
    least ``MANY`` objectives."""
    sole: dict[str, list[ObjectiveDraft]] = defaultdict(list)
    for objective in objectives:
        owners = {kr.owner for kr in objective.key_results}
        if len(owners) == 1 and None not in owners:
            sole[str(next(iter(owners)))].append(objective)
    message = gettext_noop(
        "%(owner)s owns every key result of %(count)s objectives: one person cannot drive them all."
    )
    suggestion = gettext_noop("Share the ownership: each key result needs an owner close to the work.")
    return [
        Finding(RULE.id, RULE.severity, "owner", message, {"owner": owner, "count": str(len(owned))}, suggestion,
                None, None, objective.key, detect(objective.title, fallback))
        for owner, owned in sole.items() if len(owned) >= MANY for objective in owned
    ]  # fmt: skip
