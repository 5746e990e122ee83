"""Checks on OKR definitions, with messages in the reader's language. The rules themselves live in core."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from northstar.core.progress import KRKind, check_definition
from northstar.workspaces.errors import FieldError

DEFINITION_MESSAGES = {
    "required": _("This value is required for this kind of key result."),
    "start_equals_target": _("The target must differ from the start value, or there is nothing to achieve."),
    "increase_target_below_start": _(
        "For an increasing key result the target must be above the start value. Choose “Decrease to a target” to go down."
    ),
    "decrease_target_above_start": _(
        "For a decreasing key result the target must be below the start value. Choose “Increase to a target” to go up."
    ),
    "range_low_above_high": _("The lowest acceptable value must not be above the highest."),
}


def check_key_result_definition(
    kind: str, start: float | None, target: float | None, low: float | None, high: float | None
) -> list[FieldError]:
    return [
        FieldError(e.field, DEFINITION_MESSAGES[e.code])
        for e in check_definition(KRKind(kind), start, target, low, high)
    ]


def check_confidence(confidence: float | None) -> list[FieldError]:
    if confidence is not None and not 0 <= confidence <= 1:
        return [FieldError("confidence", _("Confidence must be between 0 and 1 (0 % to 100 %)."))]
    return []
